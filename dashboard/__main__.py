"""Command line of the reading side: python -m dashboard briefing ... (see README).

Briefings are rendered by the dashboard, from the read-only warehouse; the ETL's command line
(`python -m etl`) only builds the warehouse."""
import sys

USAGE = """usage: python -m dashboard briefing (--country CODE [CODE ...] | --all-parties | --round CODE | --funder NAME)
                                    --out DIR [--as-of DATE] [--format pdf|md|pdf,md] [--no-charts]
       python -m dashboard briefing --help"""


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] != ["briefing"]:
        print(USAGE, file=sys.stderr)
        return 2
    from .briefings import main as briefing
    return briefing(argv[1:])


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the 48 country briefings of `python -m dashboard briefing --all-parties` (PDF and Word, one
warm kaleido/Chromium for the batch), and one click on a page (build one briefing, the first click starting the
process's Chromium, and render its PDF and Word bytes).

    python -m benchmarks.briefings [--lang en|fr] [--out DIR]

Reads the warehouse of DATABASE_URL (default var/warehouse.sqlite; build it first with
`python -m etl run`). Prints the batch's total time, the per-document median and slowest, and the one
click's time. Targets: under 60 s for the batch, under 5 s for one click.
"""
import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from dashboard import briefings, warehouse
from dashboard.briefing_charts import ChartRenderer, chromium
from dashboard.audience import STAFF
from dashboard.model import country


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.briefings", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "fr"), default="en")
    parser.add_argument("--out", help="keep the files here (default: a temporary folder)")
    args = parser.parse_args(argv)
    engine = warehouse.read_only_engine()
    if not warehouse.is_built(engine):
        print(f"the database has no data yet: run {warehouse.BUILD_COMMAND}", file=sys.stderr)
        return 1
    if not chromium():
        print("Chromium is not installed: charts, the slow part, would be skipped", file=sys.stderr)
    today = date.today()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or tmp)
        t0 = time.perf_counter()
        codes = briefings.party_codes(engine, today)
        render = ChartRenderer() if chromium() else None
        per_doc = []
        try:
            for code in codes:
                d0 = time.perf_counter()
                doc = briefings.document(country.profile(engine, code, today, STAFF), args.lang, render)
                briefings.write(doc, out, ("pdf", "docx"))
                per_doc.append(time.perf_counter() - d0)
        finally:
            if render is not None:
                render.close()
        total = time.perf_counter() - t0
        files = len(list(out.glob("country-*.pdf"))) + len(list(out.glob("country-*.docx")))
    print(f"all parties: {len(codes)} country briefings, {files} files (PDF and Word) in {total:.1f} s "
          f"(target < 60 s); per document median {statistics.median(per_doc):.2f} s, slowest {max(per_doc):.2f} s")

    clicks = []
    for code in ("TUN", "GBR", "MAR", "ALB", "UKR"):
        view = country.profile(engine, code, today, STAFF)          # the page has this object already
        c0 = time.perf_counter()
        files = briefings.as_bytes(briefings.build(view, args.lang))
        clicks.append(time.perf_counter() - c0)
        assert set(files) == {f"{view.code and 'country-' + view.code}{'' if args.lang == 'en' else '.' + args.lang}"
                              f".{ext}" for ext in ("pdf", "docx")}
    print(f"one click (build + PDF and Word bytes): first {clicks[0]:.2f} s (starts Chromium), then median "
          f"{statistics.median(clicks[1:]):.2f} s, slowest {max(clicks[1:]):.2f} s (target < 5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: what nested hiding costs when statistics arrive month by month.

    python -m benchmarks.monthly [--reports 100000] [--seed 20261129] [--from 2026-01] [--end 2026-10-31]

Generates the default demo (`etl.demo_stats`), imports everything received before `--from` as one file,
then each later month as its own file (the monthly workflow), publishing after each. For each publication
it prints the import time, of which reading the earlier publications (every one is read at each
publication), the cells hidden, those hidden because an earlier publication hid them, and the yearly cells
of the last year a reader still sees. Then it imports the same reports as one file into a
fresh warehouse (what `make run` does) and prints the same figures, so the difference is the price of
protecting every earlier publication. Nothing here is a test: it reports figures.
"""
import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text


def _yearly(engine, year: int) -> dict:
    """Per unit kind: (yearly rows of `year`, of which `received` is hidden)."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT unit_kind, count(*), sum(received_suppressed) FROM portal_stat "
            "WHERE period_kind = 'year' AND period_start = :start GROUP BY unit_kind"),
            {"start": date(year, 1, 1)}).all()
    return {kind: (n, hidden) for kind, n, hidden in rows}


def _row(name: str, seconds: float, earlier: float, table, seen: dict) -> str:
    counts = " ".join(f"{seen.get(kind, (0, 0))[1]:>{w - 4}}/{seen.get(kind, (0, 0))[0]:<3}"
                      for kind, w in (("portal", 9), ("region", 7), ("network", 8)))
    return f"{name:>16} {seconds:8.1f} {earlier:8.2f} {int(table.hidden.sum()):7,} {table.carried:8,} {counts}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--from", dest="start", default="2026-01", help="first month imported on its own")
    parser.add_argument("--end", default="2026-10-31", help="last day of the demo (fixed, so runs compare)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LANZAROTE_VAR_DIR"] = str(Path(tmp) / "var")
        import pandas as pd

        from etl import demo_stats, portal_stats, stats_publication
        from etl.db import make_engine
        from etl.jobs import run_jobs, run_load
        from etl.readers import sha256_of
        built = []
        real_build = stats_publication.build

        def spy(*a, **kw):
            built.append(real_build(*a, **kw))
            return built[-1]
        stats_publication.build = spy
        reading = []
        real_earlier = stats_publication.earlier_publications

        def timed_earlier(*a, **kw):
            t0 = time.perf_counter()
            try:
                return real_earlier(*a, **kw)
            finally:
                reading.append(time.perf_counter() - t0)
        stats_publication.earlier_publications = timed_earlier

        def warehouse(name):
            engine = make_engine(f"sqlite:///{Path(tmp) / name}")
            run_jobs(engine, ["portals", "figures"], out=open(os.devnull, "w"))
            return engine

        def load(engine, path):
            t0 = time.perf_counter()
            report = run_load(engine, "portal-stats", [path],
                              lambda conn, load_id: portal_stats.load_file(conn, load_id, path), sha256_of(path))
            assert report.outcome == "ok", report.message
            return time.perf_counter() - t0

        engine = warehouse("monthly.sqlite")
        path = Path(tmp) / "demo.csv"
        with engine.connect() as conn:
            demo_stats.generate(conn, args.seed, args.reports, path, end=date.fromisoformat(args.end))
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
        month = rows["received_date"].str[:7]
        parts = [("before " + args.start, rows[month < args.start])]
        parts += [(m, rows[month == m]) for m in sorted(month[month >= args.start].unique())]
        year = int(max(month)[:4])
        print(f"demo: {args.reports:,} reports, seed {args.seed}; {len(parts)} imports (everything before "
              f"{args.start}, then one per month); yearly cells of {year}: received hidden / rows")
        print(f"{'import':>16} {'seconds':>8} {'earlier':>8} {'hidden':>7} {'carried':>8} {'portal':>9} {'region':>7} {'network':>8}")
        for i, (name, part) in enumerate(parts):
            file = Path(tmp) / f"part{i}.csv"
            part.to_csv(file, index=False)
            seconds = load(engine, file)
            print(_row(name, seconds, reading[-1], built[-1], _yearly(engine, year)))
        once = warehouse("once.sqlite")
        seconds = load(once, path)
        print(_row("one import", seconds, reading[-1], built[-1], _yearly(once, year)))


if __name__ == "__main__":
    main()

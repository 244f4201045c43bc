"""Benchmark: publication and disclosure audit of the default demo, built the way the import builds it.

    python -m benchmarks.disclosure [--reports 100000] [--seed 20261129] [--k 10] [--width K]

Generates the demo export (`etl.demo_stats`, as the `portal_stats_demo` job does) into a fresh SQLite
database, imports it with `etl.portal_stats.load_file` and, around the import's call to the disclosure
control (`protect`), records the cells and the time
it takes. Prints the import time, the protection time, the cells, the threshold (primary) cells, the hidden
cells, the narrowest interval proved, and what a reader still sees of the yearly network and regional
totals. Nothing here is a test: it reports figures.
"""
import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the proofs run in worker processes)."""
    import resource
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--width", type=int, default=None)
    parser.add_argument("--end", default="2026-10-31", help="last day of the demo (fixed, so runs compare)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LANZAROTE_VAR_DIR"] = str(Path(tmp) / "var")
        from etl import demo_stats, disclosure, portal_stats
        from etl.stats_format import MEASURES
        from etl.db import make_engine
        from etl.jobs import run_jobs, run_load
        from etl.readers import sha256_of
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        run_jobs(engine, ["portals", "figures"], out=open(os.devnull, "w"))
        path = Path(tmp) / "demo.csv"
        with engine.connect() as conn:
            demo_stats.generate(conn, args.seed, args.reports, path, end=date.fromisoformat(args.end))
        from etl import stats_publication
        seen = {}

        def timed(name):
            real = getattr(stats_publication, name)

            def measured(values, relations, k, fixed=None, **kwargs):
                t0, c0 = time.perf_counter(), _cpu()
                result = real(values, relations, k, fixed=fixed, **kwargs)
                seen.update(name=name, seconds=time.perf_counter() - t0, cpu=_cpu() - c0,
                            result=result, values=values, fixed=disclosure.close_known(fixed.copy(), relations),
                            free=kwargs["free"])
                return result
            setattr(stats_publication, name, measured)
        timed("protect")
        t0 = time.perf_counter()
        report = run_load(engine, "portal-stats", [path],
                          lambda conn, load_id: portal_stats.load_file(conn, load_id, path, k=args.k,
                                                                       width=args.width),
                          sha256_of(path))
        total = time.perf_counter() - t0
        with engine.connect() as conn:
            hidden_by_row = conn.execute(text(
                "SELECT unit_kind, period_kind, count(*), sum(received_suppressed), sum(" +
                " + ".join(f"{m}_suppressed" for m in MEASURES) + ") FROM portal_stat "
                "GROUP BY unit_kind, period_kind ORDER BY unit_kind, period_kind")).all()
    result, values, fixed, free = seen["result"], seen["values"], seen["fixed"], seen["free"]
    published = ~fixed & ~free
    print(f"demo: {args.reports:,} reports, seed {args.seed}, k={args.k}, width={result.width}")
    print(f"import (read, count, publish with protection): {total:.1f} s   ({report.outcome}{': ' + report.message if report.outcome != 'ok' else ''})")
    print(f"protect() (proofs + audit): {seen['seconds']:.1f} s wall, {seen['cpu']:.1f} s CPU, "
          f"{result.proofs:,} linear programmes; load average at the end {os.getloadavg()[0]:.1f}")
    print(f"cells: {int(published.sum()):,} published positions, {int((values[published] > 0).sum()):,} non-zero; "
          f"primary (0 < v < k): {int(result.primary.sum()):,}; hidden: {int((result.hidden & published).sum()):,}; "
          f"non-zero cells left visible: {int((published & ~result.hidden & (values > 0)).sum()):,}")
    print(f"narrowest interval proved for a protected cell: {result.narrowest}")
    for kind, period, rows, received, cells in hidden_by_row:
        shown = len(MEASURES) if period == "year" else 1
        print(f"{kind} x {period}: {rows} rows; 'received' hidden in {received}; {cells} of {rows * shown} "
              f"published cells hidden")


if __name__ == "__main__":
    main()

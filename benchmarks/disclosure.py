"""Benchmark: publication and disclosure audit of the default demo, built the way the import builds it.

    python -m benchmarks.disclosure [--reports 100000] [--seed 20261129] [--k 10] [--width K]
                                    [--protection exact|interval]

Generates the demo export (`etl.demo_stats`, as the `portal_stats_demo` job does) into a fresh SQLite
database, imports it with `etl.portal_stats.load_file` and, around the import's call to the disclosure
control (`protect` or `protect_exact`, as PORTAL_STATS_PROTECTION chooses), records the cells and the time
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

import numpy as np
from sqlalchemy import text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--width", type=int, default=None)
    parser.add_argument("--end", default="2026-10-31", help="last day of the demo (fixed, so runs compare)")
    parser.add_argument("--protection", choices=["exact", "interval"], default=None,
                        help="PORTAL_STATS_PROTECTION for this run (default: the policy's default)")
    args = parser.parse_args()
    if args.protection:
        os.environ["PORTAL_STATS_PROTECTION"] = args.protection
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LANZAROTE_VAR_DIR"] = str(Path(tmp) / "var")
        from etl import demo_stats, disclosure, portal_stats
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
                t0, c0 = time.perf_counter(), time.process_time()
                result = real(values, relations, k, fixed=fixed, **kwargs)
                seen.update(name=name, seconds=time.perf_counter() - t0, cpu=time.process_time() - c0,
                            result=result, values=values, fixed=disclosure.close_known(fixed.copy(), relations))
                return result
            setattr(stats_publication, name, measured)
        timed("protect")
        timed("protect_exact")
        t0 = time.perf_counter()
        report = run_load(engine, "portal-stats", [path],
                          lambda conn, load_id: portal_stats.load_file(conn, load_id, path, k=args.k,
                                                                       width=args.width),
                          sha256_of(path))
        total = time.perf_counter() - t0
        with engine.connect() as conn:
            yearly = conn.execute(text(
                "SELECT unit_kind, count(*), sum(received_suppressed) FROM portal_stat "
                "WHERE period_kind = 'year' AND unit_kind IN ('network', 'region') GROUP BY unit_kind")).all()
    result, values, fixed = seen["result"], seen["values"], seen["fixed"]
    published = ~fixed
    print(f"demo: {args.reports:,} reports, seed {args.seed}, k={args.k}, width={result.width}")
    print(f"import (read, count, publish with protection): {total:.1f} s   ({report.outcome})")
    print(f"{seen['name']}() (repair + audit): {seen['seconds']:.1f} s wall, {seen['cpu']:.1f} s CPU, "
          f"in {result.rounds} round(s); load average at the end {os.getloadavg()[0]:.1f}")
    print(f"cells: {int(published.sum()):,} published positions, {int((values[published] > 0).sum()):,} non-zero; "
          f"primary (0 < v < k): {int(result.primary.sum()):,}; hidden: {int(result.hidden.sum()):,}; "
          f"non-zero cells left visible: {int((published & ~result.hidden & (values > 0)).sum()):,}")
    print(f"narrowest interval proved for a protected cell: {result.narrowest}")
    for kind, rows, hidden in yearly:
        print(f"yearly {kind} rows: {rows}; 'received' hidden on {hidden} of them")
    hidden_values = values[result.hidden]
    print(f"hidden cells by value: median {np.median(hidden_values):.0f}, max {hidden_values.max()}")


if __name__ == "__main__":
    main()

"""Benchmark: publication and disclosure audit of the default demo, built the way the import builds it.

    python -m benchmarks.disclosure [--reports 100000] [--seed 20261129] [--k 10] [--width K]

Generates the demo export (`etl.demo_stats`, as the `portal_stats_demo` job does) into a fresh SQLite
database, imports it with `etl.portal_stats.load_file` and, around the import's call to the disclosure
control, records the cells, the relations and the time `protect()` takes. Prints the import time, the
protection time, the cells, the threshold (primary) cells, the hidden cells and the narrowest interval
proved. Nothing here is a test: it reports figures.
"""
import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np


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
        from etl.db import make_engine
        from etl.jobs import run_jobs, run_load
        from etl.readers import sha256_of
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        run_jobs(engine, ["portals", "figures"], out=open(os.devnull, "w"))
        path = Path(tmp) / "demo.csv"
        with engine.connect() as conn:
            demo_stats.generate(conn, args.seed, args.reports, path, end=date.fromisoformat(args.end))
        seen = {}

        def measured(values, relations, k, fixed=None, **_):
            t0, c0 = time.perf_counter(), time.process_time()
            result = disclosure.protect(values, relations, k, width=args.width, fixed=fixed)
            seen.update(seconds=time.perf_counter() - t0, cpu=time.process_time() - c0, result=result, values=values,
                        fixed=disclosure.close_known(fixed.copy(), relations))
            return result.hidden
        portal_stats.suppress = measured
        t0 = time.perf_counter()
        report = run_load(engine, "portal-stats", [path],
                          lambda conn, load_id: portal_stats.load_file(conn, load_id, path, k=args.k),
                          sha256_of(path))
        total = time.perf_counter() - t0
    result, values, fixed = seen["result"], seen["values"], seen["fixed"]
    published = ~fixed
    print(f"demo: {args.reports:,} reports, seed {args.seed}, k={args.k}, width={result.width}")
    print(f"import (read, count, publish with protection): {total:.1f} s   ({report.outcome})")
    print(f"protect() (repair + audit): {seen['seconds']:.1f} s wall, {seen['cpu']:.1f} s CPU, "
          f"in {result.rounds} round(s); load average at the end {os.getloadavg()[0]:.1f}")
    print(f"cells: {int(published.sum()):,} published positions, {int((values[published] > 0).sum()):,} non-zero; "
          f"primary (0 < v < k): {int(result.primary.sum()):,}; hidden: {int(result.hidden.sum()):,}; "
          f"non-zero cells left visible: {int((published & ~result.hidden & (values > 0)).sum()):,}")
    print(f"narrowest interval proved for a protected cell: {result.narrowest}")
    hidden_values = values[result.hidden]
    print(f"hidden cells by value: median {np.median(hidden_values):.0f}, max {hidden_values.max()}")


if __name__ == "__main__":
    main()

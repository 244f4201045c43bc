"""Benchmark: import a generated report-level export and compare with DuckDB's bare GROUP BY.

    python -m benchmarks.portal_stats --reports 10000000 [--reports-small 1000000] [--demo-reports 100000]

Each import runs in a fresh child process (so its peak memory is its own) against a fresh SQLite
database; the floor is DuckDB's `GROUP BY portal, month` over the same file in its own process.
Floor and import run in pairs, one after the other, as the machine's speed drifts. Prints seconds,
peak memory (the highest of the runs) and the ratio (best against best, and the median of the pairs).
Then what a user waits for: the whole command `python -m etl import-portal-stats FILE` (interpreter start,
imports, the checksum, the import and its publication) on a copy of the warehouse `python -m etl run`
leaves (the demo loaded), importing the same rows as real statistics, so the demo is retired; against
the whole DuckDB command (`python -c` with the same GROUP BY). Pass `--whole 0` to skip it.
Separately, the publication and audit of the default demo (100,000 reports): the disclosure control over
every portal, region and the network by month and year, timed on its own.
Nothing here is a test: it reports figures.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image, unlike ru_maxrss, which a
    child inherits from the parent it was forked from (here: the generator's, which holds a lot)."""
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(db: str, csv_path: str) -> None:
    from etl.db import make_engine
    from etl.jobs import run_jobs, run_load
    from etl import portal_stats
    from etl.readers import sha256_of
    engine = make_engine(db)
    run_jobs(engine, ["portals", "figures"], out=open(os.devnull, "w"))
    path = Path(csv_path)
    sha = sha256_of(path)
    t0 = time.perf_counter()
    report = run_load(engine, "portal-stats", [path],
                      lambda conn, load_id: portal_stats.load_file(conn, load_id, path), sha)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "outcome": report.outcome, "rows_in": report.rows_in,
                      "rows_loaded": report.rows_loaded, "message": report.message,
                      "max_rss_mb": peak_mb()}))


def child_floor(csv_path: str) -> None:
    import duckdb
    t0 = time.perf_counter()
    rows = duckdb.sql(f"SELECT portal, date_trunc('month', received_date) AS month, count(*) AS n "
                      f"FROM read_csv('{csv_path}') GROUP BY ALL").fetchall()
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "groups": len(rows),
                      "max_rss_mb": peak_mb()}))


def child_publication(db: str, reports: int) -> None:
    """Import the default demo, then time publishing it again (aggregation, disclosure control, audit, insert)."""
    from etl import demo_stats, portal_stats, stats_policy
    from etl.db import make_engine
    from etl.jobs import run_jobs, run_load
    from etl.portal_stats_demo import SEED
    from etl.readers import sha256_of
    from etl.stats_publication import publish
    engine = make_engine(db)
    run_jobs(engine, ["portals", "figures"], out=open(os.devnull, "w"))
    path = Path(db.removeprefix("sqlite:///") + ".demo.csv")
    with engine.connect() as conn:
        demo_stats.generate(conn, SEED, reports, path)
    t0 = time.perf_counter()
    report = run_load(engine, "portal-stats", [path],
                      lambda conn, load_id: portal_stats.load_file(conn, load_id, path), sha256_of(path))
    first = time.perf_counter() - t0
    k, width = stats_policy.settings()
    with engine.begin() as conn:
        t0 = time.perf_counter()
        message = publish(conn, report.load_id, k, width)
        seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "import_seconds": first, "outcome": report.outcome, "message": message,
                      "max_rss_mb": peak_mb()}))


def run_child(*args) -> dict:
    """The last argument names the child's own var folder."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.portal_stats", *map(str, args[:-1])], cwd=ROOT,
                         check=True, capture_output=True, text=True,
                         env={**os.environ, "LANZAROTE_VAR_DIR": str(args[-1]) + ".var"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def generate(n: int, path: Path) -> float:
    from etl.db import make_engine
    from etl.jobs import run_jobs
    from etl import demo_stats
    engine = make_engine(f"sqlite:///{path.parent / 'gen.sqlite'}")
    run_jobs(engine, ["portals", "figures"], out=open(os.devnull, "w"))
    t0 = time.perf_counter()
    with engine.connect() as conn:
        demo_stats.generate(conn, 7, n, path)
    return time.perf_counter() - t0


FLOOR_COMMAND = ("import duckdb, sys; duckdb.sql(f\"SELECT portal, date_trunc('month', received_date) AS month, "
                 "count(*) AS n FROM read_csv('{sys.argv[1]}') GROUP BY ALL\").fetchall()")


def as_real(demo_csv: Path, out: Path) -> None:
    """The same rows as a real export: no demo column, references of their own (not the demo's)."""
    import duckdb
    duckdb.sql(f"COPY (SELECT * EXCLUDE (demo) REPLACE ('B' || report_ref AS report_ref) "
               f"FROM read_csv('{demo_csv}', all_varchar = true)) TO '{out}' (HEADER)")


def timed(command: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env=env)
    return time.perf_counter() - t0


def whole_commands(csv_path: Path, tmp: Path, repeat: int) -> None:
    """The two whole commands, in pairs; the warehouse is built once and copied before each import."""
    built = tmp / "built"
    env = {**os.environ, "LANZAROTE_VAR_DIR": str(built), "DATABASE_URL": ""}
    t_built = timed([sys.executable, "-m", "etl", "run"], env)
    real = tmp / "real-export.csv"
    as_real(csv_path, real)
    os.sync()
    floors, imports = [], []
    for i in range(repeat):
        floors.append(timed([sys.executable, "-c", FLOOR_COMMAND, str(real)], env))
        run = tmp / f"whole-{i}"
        shutil.copytree(built, run, ignore=shutil.ignore_patterns("rejects", "*.lock"))
        os.sync()
        imports.append(timed([sys.executable, "-m", "etl", "import-portal-stats", str(real)],
                             {**env, "LANZAROTE_VAR_DIR": str(run)}))
        shutil.rmtree(run)
    pairs = sorted(m / f for f, m in zip(floors, imports))
    print(f"whole commands on the warehouse `python -m etl run` leaves (built in {t_built:.0f} s), "
          f"the same rows as real statistics (the demo retired):")
    print(f"   python -c duckdb GROUP BY:        {min(floors):6.2f} s")
    print(f"   python -m etl import-portal-stats: {min(imports):6.2f} s   ratio {min(imports) / min(floors):.2f}x "
          f"best/best, {pairs[len(pairs) // 2]:.2f}x median of pairs")
    print("   runs (floor / import s): " + ", ".join(f"{f:.2f} / {m:.2f}" for f, m in zip(floors, imports)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000_000)
    parser.add_argument("--reports-small", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="floor and import pairs (best and median reported)")
    parser.add_argument("--demo-reports", type=int, default=100_000, help="size of the demo whose publication is timed")
    parser.add_argument("--whole", type=int, default=1, help="1: also time the whole commands (see above); 0: skip")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "import":
            child_import(args.child[1], args.child[2])
        elif args.child[0] == "publication":
            child_publication(args.child[1], int(args.child[2]))
        else:
            child_floor(args.child[1])
        return
    with tempfile.TemporaryDirectory() as tmp:
        pub = run_child("--child", "publication", f"sqlite:///{Path(tmp) / 'publication.sqlite'}",
                        str(args.demo_reports), Path(tmp) / "publication")
        print(f"publication and audit of the default demo ({args.demo_reports:,} reports): {pub['seconds']:.2f} s "
              f"(import with its first publication {pub['import_seconds']:.2f} s; peak {pub['max_rss_mb']:.0f} MB)\n"
              f"   {pub['message']}")
        results = {}
        for n in (args.reports_small, args.reports):
            csv_path = Path(tmp) / f"reports-{n}.csv"
            gen = generate(n, csv_path)
            os.sync()  # the generator's 0.5 GB on its way to disk would slow the import's fsync, not the floor
            size = csv_path.stat().st_size / 1e6
            floors, imports = [], []
            for i in range(args.repeat):  # each import right after its floor: the machine's speed drifts
                floors.append(run_child("--child", "floor", str(csv_path), csv_path))
                db = Path(tmp) / f"bench-{n}-{i}.sqlite"
                imports.append(run_child("--child", "import", f"sqlite:///{db}", str(csv_path), db))
            floor = min(floors, key=lambda r: r["seconds"])
            best = min(imports, key=lambda r: r["seconds"])
            pairs = sorted(m["seconds"] / f["seconds"] for f, m in zip(floors, imports))
            results[n] = (floor, max(imports, key=lambda r: r["max_rss_mb"]))
            print(f"{n:>11,} rows ({size:,.0f} MB CSV, generated in {gen:.1f} s)")
            print(f"   DuckDB GROUP BY floor: {floor['seconds']:6.2f} s   peak {floor['max_rss_mb']:6.0f} MB")
            print(f"   full import:           {best['seconds']:6.2f} s   peak {results[n][1]['max_rss_mb']:6.0f} MB   "
                  f"ratio {best['seconds'] / floor['seconds']:.2f}x best/best, {pairs[len(pairs) // 2]:.2f}x median "
                  f"of pairs   ({best['outcome']}, {best['rows_loaded']:,} rows loaded)")
            print("   runs (floor / import s): " + ", ".join(f"{f['seconds']:.2f} / {m['seconds']:.2f}"
                                                           for f, m in zip(floors, imports)))
        small, large = results[args.reports_small][1], results[args.reports][1]
        print(f"peak memory {args.reports_small:,} -> {args.reports:,} rows: {small['max_rss_mb']:.0f} MB -> "
              f"{large['max_rss_mb']:.0f} MB")
        if args.whole:
            whole_commands(Path(tmp) / f"reports-{args.reports}.csv", Path(tmp), args.repeat)


if __name__ == "__main__":
    main()

"""Command line: python -m etl run | status | import-treaty (see README)."""
import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from . import config, stats_policy, treaty_office
from .db import has_data, make_engine
from .errors import ConfigError, InputError, one_line
from .jobs import JOBS, failed, run_jobs, run_load, summary
from .lock import WarehouseBusy
from .readers import check_file, sha256_of
from .schema import load_run


def _portal_stats():
    """The statistics import (numpy, polars, scipy), loaded only by the commands that use it."""
    from . import portal_stats
    return portal_stats


def cmd_run(args) -> int:
    engine = make_engine()
    reports = run_jobs(engine, args.jobs or None, force=args.force)
    print(summary(reports))
    return 1 if any(r.outcome == "failed" for r in reports) else 0


def cmd_status(args) -> int:
    """Read-only: a status query never writes, so it cannot wait on a running load."""
    engine = make_engine()
    if not has_data(engine):
        print("no job has run yet: python -m etl run")
        return 0
    with engine.connect() as conn:
        rows = conn.execute(select(load_run).order_by(load_run.c.id)).all()
    latest = {}
    for r in rows:
        latest[r.job] = r
    if not latest:
        print("no job has run yet: python -m etl run")
        return 0
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    print(f"{'job':<22}{'load':>5}  {'finished (UTC)':<20}{'outcome':<8}{'in':>8}{'loaded':>8}{'rejected':>9}"
          f"  {'sha256':<14}{'retrieved':<11} source / message")
    for job in sorted(latest, key=lambda j: (list(JOBS).index(j) if j in JOBS else len(JOBS), j)):
        r = latest[job]
        when = (r.finished_at or r.started_at).strftime("%Y-%m-%d %H:%M:%S")
        note = r.message if r.outcome == "failed" else r.source
        print(f"{job:<22}{r.id:>5}  {when:<20}{r.outcome:<8}{r.rows_in:>8}{r.rows_loaded:>8}{r.rows_rejected:>9}"
              f"  {r.sha256[:12]:<14}{str(r.retrieved_at or '-'):<11} {note}")
    return 0


def cmd_import_treaty(args) -> int:
    engine = make_engine()
    reports = run_jobs(engine, ["countries"], out=sys.stderr)  # the crosswalk and names must be there
    if any(r.outcome == "failed" for r in reports):
        print(summary(reports))
        return 1
    path = Path(args.file)
    print(f"importing {path} ...", file=sys.stderr)
    try:
        sha = sha256_of(path)  # refuses a folder, a pipe, an unreadable or missing file
        retrieved = args.retrieved or datetime.fromtimestamp(path.stat().st_mtime).date()
        if retrieved > date.today():
            raise InputError(path, f"retrieved {retrieved} is in the future (--retrieved or the file's date)")
    except InputError as exc:
        report = failed(engine, "import-treaty", [path], str(exc))
    else:
        report = run_load(engine, "import-treaty", [path],
                          lambda conn, load_id: treaty_office.load_file(conn, load_id, path, args.treaty, retrieved),
                          sha, retrieved=retrieved)
    print(summary([report]))
    if report.outcome == "failed":
        print(f"error: {report.message}", file=sys.stderr)
    return 1 if report.outcome == "failed" else 0


def _progress(rows: int) -> None:
    print(f"\r  {rows:,} rows read", end="", file=sys.stderr, flush=True)


def _ready(engine) -> bool:
    """Statistics need the portal network: build what is missing first."""
    reports = run_jobs(engine, ["portals", "figures"], out=sys.stderr)
    if any(r.outcome == "failed" for r in reports):
        print(summary(reports))
        return False
    return True


def _settings(args) -> bool:
    """k and the protection width, checked before anything is read: one line when outside the policy."""
    try:
        stats_policy.settings(args.k, args.width)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    return True


def import_stats_files(engine, paths, k=None, width=None) -> list:
    reports = []
    for path in paths:
        path = Path(path)
        try:
            check_file(path)  # a folder, a pipe, a missing or unreadable file: one line, before anything
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            reports.append(None)
            continue
        print(f"importing {path} ...", file=sys.stderr)
        report = run_load(engine, "portal-stats", [path],
                          lambda conn, load_id, p=path: _portal_stats().load_file(conn, load_id, p, k=k, width=width,
                                                                              progress=_progress),
                          sha256_of(path), retrieved=datetime.fromtimestamp(path.stat().st_mtime).date())
        print("", file=sys.stderr)
        if report.outcome == "failed":
            print(f"error: {report.message}", file=sys.stderr)
        reports.append(report)
    return reports


def cmd_import_stats(args) -> int:
    if not _settings(args):
        return 1
    engine = make_engine()
    if not _ready(engine):
        return 1
    reports = import_stats_files(engine, args.files, args.k, args.width)
    done = [r for r in reports if r]
    print(summary(done))
    return 1 if len(done) < len(reports) or any(r.outcome == "failed" for r in done) else 0


def cmd_inbox(args) -> int:
    """Import every CSV placed in the inbox; move each to done/ or failed/ beside it."""
    if not _settings(args):
        return 1
    engine = make_engine()
    if not _ready(engine):
        return 1
    inbox = Path(args.folder) if args.folder else config.VAR_DIR / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in inbox.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not files:
        print(f"inbox {inbox} is empty")
        return 0
    reports = import_stats_files(engine, files, args.k, args.width)
    for path, report in zip(files, reports):
        target = inbox / ("failed" if report is None or report.outcome == "failed" else "done")
        target.mkdir(exist_ok=True)
        path.rename(target / path.name)
    print(summary([r for r in reports if r]))
    return 1 if any(r is None or r.outcome == "failed" for r in reports) else 0


def cmd_demo(args) -> int:
    engine = make_engine()
    if not _ready(engine):
        return 1
    with engine.connect() as conn:
        from . import demo_stats  # numpy and polars: loaded by the commands that need them
        info = demo_stats.generate(conn, args.seed, args.reports, Path(args.out))
    print(f"wrote {info['rows']:,} DEMO reports for {info['portals']} portals, {info['first_month']} to "
          f"{info['last_day']} (seed {info['seed']}) to {args.out}")
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="build or refresh the database from data/")
    p.add_argument("jobs", nargs="*", metavar="JOB", help=f"jobs to run (default all): {', '.join(JOBS)}")
    p.add_argument("--force", action="store_true", help="run even when inputs and code are unchanged")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("status", help="each job's last run")
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("import-treaty", help="load a Council of Europe Treaty Office export (JSON or chart CSV)")
    p.add_argument("file")
    p.add_argument("--treaty", type=int, help="treaty number, when the file does not say")
    p.add_argument("--retrieved", type=date.fromisoformat, help="date the file was downloaded (default: file date)")
    p.set_defaults(func=cmd_import_treaty)
    p = sub.add_parser("import-portal-stats", help="load anonymized portal statistics (report-level or monthly summary CSV)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--k", help=f"suppress counts 1..k-1 (default PORTAL_STATS_K or {stats_policy.K_DEFAULT}; "
                               f"at least {stats_policy.K_MIN})")
    p.add_argument("--width", help="protection width of a hidden small count (default PORTAL_STATS_WIDTH or k)")
    p.set_defaults(func=cmd_import_stats)
    p = sub.add_parser("inbox", help="import every CSV in the inbox folder (default var/inbox)")
    p.add_argument("--folder")
    p.add_argument("--k")
    p.add_argument("--width")
    p.set_defaults(func=cmd_inbox)
    p = sub.add_parser("demo", help="write a seeded DEMO report-level export for the real portal network")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--reports", type=int, default=100_000)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_demo)
    args = parser.parse_args(argv)
    return guarded(args.func, args)


EXPECTED = (InputError, ConfigError, WarehouseBusy, SQLAlchemyError, OSError)


def guarded(command, args) -> int:
    """Expected failures (bad input, a database that cannot be opened, a busy warehouse, a file that
    cannot be read) end in one line, never a traceback."""
    try:
        return command(args)
    except EXPECTED as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""The job runner: each load is one transaction, recorded in load_run, skipped when nothing changed."""
import hashlib
import importlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy.exc import SQLAlchemyError

from . import config
from .db import ensure_schema
from .errors import InputError, one_line
from .lock import WarehouseBusy, warehouse_lock
from .provenance import (LoadResult, code_fingerprint, describe_sources, finish_run, last_state, record_failure,
                         save_state, start_run)
from .readers import sha256_of, write_rejects

# Job name -> its module, imported when the job is planned: a command that runs one job (import-treaty needs
# only countries) does not pay for the statistics' numpy, polars and scipy.
JOBS = {"countries": "countries", "coe_membership": "coe", "treaties": "treaties", "portals": "portals",
        "rounds": "rounds", "figures": "figures", "portal_stats_demo": "portal_stats_demo"}


def job_module(name: str):
    return importlib.import_module(f"etl.{JOBS[name]}")


@dataclass
class RunReport:
    job: str
    outcome: str  # ok | skipped | failed
    load_id: int | None = None
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    message: str = ""
    seconds: float = 0.0
    rejects_file: str | None = None


def run_load(engine, job: str, paths: list[Path], loader: Callable[..., LoadResult], sha: str,
             state_key: str | None = None, retrieved=None) -> RunReport:
    """Run `loader(conn, load_id)` in one transaction, holding the warehouse; on any error the database keeps
    what it had."""
    try:
        with warehouse_lock(engine):
            return _run_load(engine, job, paths, loader, sha, state_key, retrieved)
    except WarehouseBusy as exc:
        return RunReport(job, "failed", message=str(exc))


def _run_load(engine, job, paths, loader, sha, state_key, retrieved) -> RunReport:
    t0 = time.perf_counter()
    try:
        source, known_retrieved = describe_sources(paths)
    except InputError as exc:
        return failed(engine, job, paths, str(exc), sha)
    retrieved = retrieved or known_retrieved
    rejects_path = None
    try:
        with engine.begin() as conn:
            load_id = start_run(conn, job, source, retrieved, sha)
            result = loader(conn, load_id)
            result.check()
            if result.rejects:
                rejects_path = config.rejects_dir() / f"{job.replace(':', '-')}-{load_id}.csv"
                write_rejects(rejects_path, result.rejects)
            elif result.rejects_file:
                rejects_path = result.rejects_file
            finish_run(conn, load_id, result, str(rejects_path) if rejects_path else None)
            if state_key:
                save_state(conn, state_key, sha, load_id)
    except (InputError, SQLAlchemyError, AssertionError) as exc:
        if rejects_path and rejects_path.exists():
            rejects_path.unlink()
        message = one_line(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
        failed_id = record_failure(engine, job, source, retrieved, sha, message)
        return RunReport(job, "failed", failed_id, message=message, seconds=time.perf_counter() - t0)
    return RunReport(job, "ok", load_id, result.rows_in, result.rows_loaded, result.rows_rejected, result.message,
                     time.perf_counter() - t0, str(rejects_path) if rejects_path else None)


def failed(engine, job: str, paths, message: str, sha: str = "") -> RunReport:
    """A run that could not start (an input that cannot be read) is recorded like one that failed."""
    try:
        with warehouse_lock(engine):
            load_id = record_failure(engine, job, "; ".join(str(p) for p in paths), None, sha, message)
    except WarehouseBusy:
        load_id = None
    return RunReport(job, "failed", load_id, message=message)


def job_paths(name: str, data_dir: Path) -> dict:
    return {f: data_dir / f for f in job_module(name).INPUTS}


def job_checksum(name: str, data_dir: Path) -> str:
    """Inputs, their retrieval dates, the code the job runs and its upstream jobs' checksums: a change to
    any of them makes the job run again (a job built from changed countries is stale too)."""
    h = hashlib.sha256(sha256_of(*job_paths(name, data_dir).values()).encode())
    if (data_dir / "sources.csv").is_file():
        h.update(sha256_of(data_dir / "sources.csv").encode())
    h.update(code_fingerprint(job_module(name)))
    for upstream in job_module(name).DEPENDS:
        h.update(job_checksum(upstream, data_dir).encode())
    return h.hexdigest()


def plan(names: list[str] | None) -> list[str]:
    """Jobs in dependency order, with the dependencies of the named ones."""
    wanted = set(names or JOBS)
    unknown = wanted - set(JOBS)
    if unknown:
        raise SystemExit(f"unknown job(s): {', '.join(sorted(unknown))}; jobs are {', '.join(JOBS)}")
    order: list[str] = []

    def visit(n):
        for d in job_module(n).DEPENDS:
            visit(d)
        if n not in order:
            order.append(n)
    for n in JOBS:
        if n in wanted:
            visit(n)
    return order


def run_jobs(engine, names: list[str] | None = None, force: bool = False, data_dir: Path | None = None,
             out=sys.stderr) -> list[RunReport]:
    data_dir = data_dir or config.DATA_DIR
    order = plan(names)
    try:
        with warehouse_lock(engine):
            return _run_jobs(engine, order, force, data_dir, out)
    except WarehouseBusy as exc:
        return [RunReport(order[0], "failed", message=str(exc))]


def _run_jobs(engine, order, force, data_dir, out) -> list[RunReport]:
    ensure_schema(engine)
    reports = []
    for i, name in enumerate(order, 1):
        print(f"[{i}/{len(order)}] {name} ...", file=out, flush=True)
        paths = job_paths(name, data_dir)
        try:
            sha = job_checksum(name, data_dir)
        except InputError as exc:
            reports.append(failed(engine, name, paths.values(), str(exc)))
            break
        with engine.connect() as conn:
            unchanged = last_state(conn, name) == sha
        if unchanged and not force:
            reports.append(RunReport(name, "skipped", message="inputs and code unchanged"))
            continue
        module = job_module(name)
        report = run_load(engine, name, list(paths.values()),
                          lambda conn, load_id, m=module, p=paths: m.load(conn, load_id, p), sha, state_key=name)
        reports.append(report)
        if report.outcome == "failed":
            break  # later jobs may depend on this one
    return reports


def summary(reports: list[RunReport]) -> str:
    """The one-screen summary every run ends with."""
    lines = [f"{'job':<24}{'outcome':<9}{'load':>6}{'in':>9}{'loaded':>9}{'rejected':>9}{'secs':>7}  note"]
    for r in reports:
        load = str(r.load_id) if r.load_id else "-"
        note = r.message + (f" (rejects: {r.rejects_file})" if r.rejects_file else "")
        lines.append(f"{r.job:<24}{r.outcome:<9}{load:>6}{r.rows_in:>9}{r.rows_loaded:>9}{r.rows_rejected:>9}"
                     f"{r.seconds:>7.2f}  {note}")
    return "\n".join(lines)

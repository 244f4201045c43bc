"""`import-portal-stats FILE`: one anonymized statistics file in, the published statistics rebuilt, in the
runner's one transaction while it holds the warehouse (etl.lock): nothing is counted twice.

The steps, each in its own module: the input contract (stats_contract), reading and counting
(stats_reading, stats_counts), the double-count rules below, what has been counted (stats_store) and the
publication with disclosure control (stats_publication). A file that would load nothing fails with one
line and leaves the publication as it was.
"""
import csv
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np
from sqlalchemy import select

from . import config, stats_policy
from .errors import InputError
from .provenance import LoadResult
from .readers import sha256_of
from .schema import load_run
from .stats_contract import read_header
from .stats_counts import Network, month_start
from .stats_publication import publish
from .stats_reading import RejectsWriter, scan_reports, scan_summary
from .stats_store import (active_loads, check_hash_scheme, loaded_months, prior_refs, retire_demo, same_file, save_load)

KIND_NAMES = {"reports": "a report-level file", "summary": "a monthly summary"}


def load_file(conn, load_id: int, path: Path, today: date | None = None, k=None, width=None,
              progress=None) -> LoadResult:
    """Check, count and record one file, then publish every active load again."""
    k, width = stats_policy.settings(k, width)
    path = Path(path)
    kind, header = read_header(path)
    rejects_path = config.rejects_dir() / f"portal-stats-{load_id}.csv"
    rejects = RejectsWriter(rejects_path)
    try:
        return _load(conn, load_id, path, kind, header, today or date.today(), k, width, rejects, progress)
    except BaseException:
        rejects.discard()
        raise


def _load(conn, load_id, path, kind, header, today, k, width, rejects, progress) -> LoadResult:
    demo = _declares_demo(path, header)
    if demo and active_loads(conn, demo=False):
        raise InputError(path, "a DEMO file while real statistics are loaded: nothing of it was loaded")
    pool = active_loads(conn, demo=demo)  # what this file must not count again
    check_hash_scheme(conn, path, pool)
    sha = _sha(conn, load_id, path)
    earlier = same_file(conn, sha, pool)
    if earlier:
        raise InputError(path, f"this file was loaded already (load {earlier}); nothing of it was loaded again")
    net = Network(conn)
    months = loaded_months(conn, pool)
    record = partial(_record, conn, load_id, path, kind, sha, demo, net, months, rejects, k, width)
    if kind == "summary":
        same_kind = {pm for pm, (kind_, _) in months.items() if kind_ == "summary"}
        counts, rows_in, found_demo = scan_summary(path, header, net, same_kind, today, rejects)
        return record(counts, np.empty(0, np.uint64), rows_in, found_demo)
    read = scan_reports(path, header, net, prior_refs(conn, pool), today, rejects, progress)
    try:  # published while the repeats are counted; a savepoint takes it back if any reference repeats
        with conn.begin_nested():
            result = record(read.counts, read.refs, read.rows_in, read.demo)
            if read.repeats():
                raise RepeatedReferences
            return result
    except Exception:
        if not read.repeats():
            raise
    read.drop_repeated(rejects)
    return record(read.counts, read.refs, read.rows_in, read.demo)


class RepeatedReferences(Exception):
    """References repeat within the file: what was published without taking them out is taken back."""


def _record(conn, load_id, path, kind, sha, demo, net, months, rejects, k, width, counts, refs, rows_in,
            found_demo) -> LoadResult:
    """Check what was counted against the rules, record the load and publish every active load again."""
    rejects.close()
    if found_demo != demo:
        raise InputError(path, "column demo must be 'yes' on every row or 'no' on every row", column="demo")
    if rows_in == rejects.count:
        raise InputError(path, "nothing to load: every row was rejected (as repeated, already loaded or invalid); "
                               "the published statistics are unchanged")
    _one_kind_per_portal_month(path, kind, counts, net, months)
    retired = retire_demo(conn) if not demo else []
    save_load(conn, load_id, kind, sha, path.name, demo, net, counts, refs)
    published = publish(conn, load_id, k, width)
    note = f"DEMO statistics retired (loads {','.join(map(str, retired))}); " if retired else ""
    return LoadResult(rows_in=rows_in, rows_loaded=rows_in - rejects.count, rows_rejected=rejects.count,
                      message=f"{kind}{' (DEMO)' if demo else ''}; {note}{published}",
                      rejects_file=rejects.path if rejects.count else None)


def _one_kind_per_portal_month(path, kind, counts, net, months) -> None:
    """A portal-month is counted from one kind of source: a report-level file and a summary for the same
    portal-month would count its reports twice, so the second is refused whole."""
    for portal, month in zip(*counts.portal_months()):
        other = months.get((net.codes[portal], int(month)))
        if other and other[0] != kind:
            raise InputError(path, f"portal {net.codes[portal]}, month {month_start(int(month)):%Y-%m} was loaded "
                                   f"from {KIND_NAMES[other[0]]} (load {other[1]}); a portal-month comes from one kind "
                                   f"of source, so nothing of this file was loaded")


def _declares_demo(path: Path, header: list[str]) -> bool:
    """Whether the file says it is DEMO data (its first data row; every row must agree, checked when read)."""
    if "demo" not in header:
        return False
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        fh.readline()
        for line in fh:
            if line.strip():
                fields = next(csv.reader([line[:4096]]), [])
                return len(fields) == len(header) and fields[header.index("demo")].strip() == "yes"
    return False


def _sha(conn, load_id: int, path: Path) -> str:
    """The checksum the runner already took for load_run (reading a large file twice costs)."""
    sha = conn.execute(select(load_run.c.sha256).where(load_run.c.id == load_id)).scalar()
    if sha and len(sha) == 64:
        return sha
    return sha256_of(path)

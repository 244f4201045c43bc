"""One writer per warehouse: every load holds this lock, so two runs never interleave or count twice.

The lock names the warehouse itself, not the URL used to reach it: PostgreSQL's advisory lock is
scoped to the database and keyed by the schema; SQLite's is a file lock beside the real path of the
database file. A second run waits up to `LANZAROTE_LOCK_WAIT` seconds, then stops with one line.
"""
import fcntl
import hashlib
import os
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

POLL_SECONDS = 0.2
_held: dict[str, int] = {}  # warehouse -> depth: a run that holds the lock may take it again


class WarehouseBusy(Exception):
    """Another load holds the warehouse for longer than we were willing to wait."""


def wait_seconds() -> float:
    raw = os.environ.get("LANZAROTE_LOCK_WAIT", "60")
    try:
        value = float(raw)
    except ValueError:
        raise WarehouseBusy(f"LANZAROTE_LOCK_WAIT={raw[:20]!r} is not a number of seconds") from None
    if not 0 <= value <= 86_400:
        raise WarehouseBusy(f"LANZAROTE_LOCK_WAIT={raw[:20]!r} must be between 0 and 86400 seconds")
    return value


def _busy(waited: float) -> WarehouseBusy:
    return WarehouseBusy(f"another load is writing to this warehouse; waited {waited:.0f} s "
                         "(LANZAROTE_LOCK_WAIT): run again when it has finished")


def _acquire_until(try_once, wait: float) -> None:
    deadline = time.monotonic() + wait
    while not try_once():
        if time.monotonic() >= deadline:
            raise _busy(wait)
        time.sleep(POLL_SECONDS)


@contextmanager
def _sqlite_lock(database: str, wait: float):
    path = Path(os.path.realpath(database)).with_name(Path(database).name + ".lock")
    with open(path, "a") as handle:
        def try_once() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                return False
        _acquire_until(try_once, wait)
        try:
            yield str(path)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _postgres_lock(engine, wait: float):
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        schema = conn.execute(text("SELECT current_schema()")).scalar() or "public"
        key = int.from_bytes(hashlib.sha256(f"lanzarote-etl:{schema}".encode()).digest()[:8], "big", signed=True)
        _acquire_until(lambda: conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar(), wait)
        try:
            yield f"postgresql:{schema}"
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    finally:
        conn.close()


def _identity(engine) -> str:
    url = engine.url
    if engine.dialect.name == "sqlite":
        return f"sqlite:{os.path.realpath(url.database)}" if url.database and url.database != ":memory:" \
            else f"sqlite-memory:{id(engine)}"
    return f"{engine.dialect.name}:{url.host}:{url.port}:{url.database}:{url.query}"


@contextmanager
def warehouse_lock(engine, wait: float | None = None):
    """Hold the warehouse for one writer; re-entrant within a process (run_jobs -> run_load)."""
    key = _identity(engine)
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    wait = wait_seconds() if wait is None else wait
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            cm = _nothing()
        else:
            cm = _sqlite_lock(database, wait)
    else:
        cm = _postgres_lock(engine, wait)
    with cm:
        _held[key] = 1
        try:
            yield
        finally:
            _held.pop(key, None)


@contextmanager
def _nothing():
    yield None

"""A database of either backend for module-scoped fixtures (conftest's db_url is per test)."""
import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL, _postgres_available


def require_postgres() -> None:
    if not _postgres_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and not reachable at {PG_URL}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")


@contextmanager
def backend(kind: str, tmp):
    """Yields a database URL: a SQLite file in tmp, or a fresh PostgreSQL schema dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'db.sqlite'}"
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

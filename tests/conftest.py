"""Fixtures: every database test runs on SQLite and on a real PostgreSQL (a fresh schema per test)."""
import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from etl import config
from etl.db import make_engine
from etl.jobs import run_jobs
from etl.schema import metadata

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FIXTURES = Path(__file__).parent / "fixtures"


def _postgres_available() -> bool:
    try:
        with create_engine(PG_URL).connect() as conn:
            conn.execute(text("select 1"))
        return True
    except Exception:
        return False


_PROTECTED: dict = {}


def protect_once(values, relations, k, **kwargs):
    """etl.disclosure.protect, run once per distinct input in this test process: dozens of tests build the
    same demo warehouse, and the proofs (deterministic) take seconds each time. tests/test_disclosure.py
    runs the real thing on every table it checks."""
    import hashlib
    import numpy as np
    from etl import disclosure
    digest = hashlib.sha256(repr((k, sorted((name, np.asarray(v).tobytes() if v is not None else None)
                                            for name, v in kwargs.items()))).encode())
    digest.update(np.asarray(values).tobytes())
    for totals, parts in relations.groups.values():
        digest.update(totals.tobytes())
        digest.update(parts.tobytes())
    key = digest.hexdigest()
    if key not in _PROTECTED:
        _PROTECTED[key] = disclosure.protect(values, relations, k, **kwargs)
    return _PROTECTED[key]


@pytest.fixture(autouse=True)
def _var_dir(tmp_path, monkeypatch):
    """Rejects and default databases go to a temporary folder, never into the repo; demo data stays small;
    an identical publication is protected once per test process."""
    monkeypatch.setattr(config, "VAR_DIR", tmp_path / "var")
    monkeypatch.setattr("etl.portal_stats_demo.REPORTS", 3000)
    monkeypatch.setattr("etl.stats_publication.protect", protect_once)
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    if not _postgres_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and not reachable at {PG_URL}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def built(engine):
    """A warehouse with the portal network and published figures: what statistics need."""
    reports = run_jobs(engine, ["portals", "figures"])
    assert {r.outcome for r in reports} == {"ok"}
    return engine


@pytest.fixture
def data_dir(tmp_path):
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, target)
    return target


# Load bookkeeping (which runs happened, what each publication showed) is not data a user sees; everything
# else, the private record of what has been counted included, must be identical.
DATA_TABLES = [t for t in metadata.sorted_tables
               if t.name not in ("load_run", "job_state", "stat_load", "stat_publication", "stat_publication_cells")]
SURROGATE = {"id", "load_id"}


def snapshot(engine) -> dict:
    """Every data table's rows, without surrogate ids, in a stable order: what a user would see."""
    out = {}
    with engine.connect() as conn:
        for t in DATA_TABLES:
            cols = [c for c in t.c if c.name not in SURROGATE]
            rows = conn.execute(select(*cols)).all()
            out[t.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


@pytest.fixture(scope="session")
def app_db(tmp_path_factory):
    """One database built from data/ for every page test (SQLite: what the app runs on by default)."""
    tmp = tmp_path_factory.mktemp("app")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("etl.stats_publication.protect", protect_once)
        mp.setattr(config, "VAR_DIR", tmp / "var")
        mp.setattr("etl.portal_stats_demo.REPORTS", 3000)
        url = f"sqlite:///{tmp / 'app.sqlite'}"
        run_jobs(make_engine(url))
    return url


@pytest.fixture
def open_page(app_db, monkeypatch):
    """open_page(name, **query) -> AppTest run of that page through app.py, with fresh caches, in the local
    staff view (no sign-in configured; what `make run` shows): tests/test_scope.py walks the other audiences."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("DATABASE_URL", app_db)
    monkeypatch.setenv("LANZAROTE_LOCAL_STAFF", "1")
    st.cache_data.clear()
    st.cache_resource.clear()

    def run(name="overview", **query):
        at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=120)
        for k, v in query.items():
            at.query_params[k] = v
        at.switch_page(f"dashboard/pages/{name}.py").run()
        assert not at.exception, at.exception
        return at
    return run

"""The web process only reads: its engine refuses writes, and it never builds the database.

A missing or empty warehouse gives every page one short message naming the command that builds it."""
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dashboard import warehouse
from etl.config import ROOT
from etl.db import ensure_schema, make_engine

PAGES = ["overview", "country", "network", "committee", "funders", "methodology"]


def record_load(conn, outcome: str, job: str = "countries") -> None:
    conn.execute(text("INSERT INTO load_run (job, source, sha256, outcome, rows_in, rows_loaded, rows_rejected,"
                      " started_at) VALUES (:job, 'x', 'x', :outcome, 0, 0, 0, CURRENT_TIMESTAMP)"),
                 {"job": job, "outcome": outcome})


def test_web_engine_reads_but_refuses_writes(db_url):
    built = make_engine(db_url)
    ensure_schema(built)
    with built.begin() as conn:
        record_load(conn, "ok")
    built.dispose()
    engine = warehouse.read_only_engine(db_url)
    assert warehouse.is_built(engine)
    for statement in ["UPDATE load_run SET outcome = 'failed'", "DELETE FROM load_run",
                      "CREATE TABLE scratch (x INTEGER)"]:
        with pytest.raises(DBAPIError, match="(?i)read-?only"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT outcome FROM load_run")).scalars().all() == ["ok"]
    engine.dispose()


def test_the_cached_web_engine_is_the_read_only_one(db_url, monkeypatch):
    import streamlit as st

    from dashboard import queries
    ensure_schema(make_engine(db_url))
    monkeypatch.setenv("DATABASE_URL", db_url)
    st.cache_resource.clear()
    with pytest.raises(DBAPIError, match="(?i)read-?only"):
        with queries.engine().begin() as conn:
            conn.execute(text("DELETE FROM load_run"))
    assert not queries.built()
    queries.engine().dispose()
    st.cache_resource.clear()


def test_sqlite_url_with_awkward_path_opens_the_same_file(tmp_path):
    path = tmp_path / "a dir#1" / "w?.sqlite"
    path.parent.mkdir()
    make_engine(f"sqlite:///{path}")
    ensure_schema(make_engine(f"sqlite:///{path}"))
    assert warehouse.read_only_url(f"sqlite:///{path}").query == {"mode": "ro", "uri": "true"}
    with warehouse.read_only_engine(f"sqlite:///{path}").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM load_run")).scalar() == 0


def run_app(page: str):
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(f"dashboard/pages/{page}.py").run()
    return at


def assert_only_the_build_message(at):
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == [at.info[0].value] and "python -m etl run" in at.info[0].value
    assert not at.header and not at.error and not at.warning and not at.dataframe


@pytest.mark.parametrize("page", PAGES)
def test_missing_database_gives_the_build_command_and_is_not_created(page, tmp_path, monkeypatch):
    path = tmp_path / "missing.sqlite"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    assert_only_the_build_message(run_app(page))
    assert not path.exists()


def test_empty_database_gives_the_build_command_and_stays_empty(db_url, monkeypatch):
    """An empty SQLite file or PostgreSQL schema: the app neither fails nor runs the ETL's jobs."""
    if db_url.startswith("sqlite"):
        Path(db_url.removeprefix("sqlite:///")).touch()
    monkeypatch.setenv("DATABASE_URL", db_url)
    for page in ("overview", "committee"):
        assert_only_the_build_message(run_app(page))
    from sqlalchemy import inspect
    assert inspect(make_engine(db_url)).get_table_names() == []


def test_a_failed_first_load_still_counts_as_not_built(engine, monkeypatch):
    """Tables exist but no load succeeded (e.g. bad input on the first run): same message, no half-empty page."""
    ensure_schema(engine)
    with engine.begin() as conn:
        record_load(conn, "failed")
    assert not warehouse.is_built(warehouse.read_only_engine(engine.url.render_as_string(hide_password=False)))
    with engine.begin() as conn:
        record_load(conn, "ok")
    assert warehouse.is_built(warehouse.read_only_engine(engine.url.render_as_string(hide_password=False)))

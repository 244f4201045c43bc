"""The audit trail on SQLite: a narrow writer that can only add rows, and a staff-only reader
(PostgreSQL's insert-only role is tested in test_access.py)."""
import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from dashboard.audience import PUBLIC, STAFF, Audience
from etl import audit
from etl.db import ensure_schema, make_engine


@pytest.fixture
def warehouse(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    engine = make_engine(url)
    ensure_schema(engine)
    yield url, engine
    engine.dispose()


def test_events_are_recorded_and_read_by_staff(warehouse):
    url, engine = warehouse
    writer = audit.audit_writer_engine(url + "?mode=ro")  # the web's read-only URL: the writer drops mode=ro
    who = Audience("funder", funders=frozenset({"Fund to End Violence Against Children"}), subject="f@example.org")
    audit.record_event(writer, "sign_in", audience=who, what="oidc")
    audit.record_event(writer, "briefing", audience=who, what="funder-report.pdf\nX", detail="2018-2025")
    audit.record_event(writer, "download", audience=PUBLIC, what="x" * 5000)
    events = audit.recent_events(engine, STAFF)
    assert list(events["event"]) == ["download", "briefing", "sign_in"]
    assert events.iloc[1]["what"] == "funder-report.pdf X"         # one line per field
    assert len(events.iloc[0]["what"]) == audit.MAX_TEXT and pd.isna(events.iloc[0]["subject"])
    assert events.iloc[2]["audience"] == "funder" and events.iloc[2]["scope"] == "Fund to End Violence Against Children"
    with pytest.raises(PermissionError):
        audit.recent_events(engine, Audience("partner", portals=frozenset({"MAR"})))
    with pytest.raises(ValueError):
        audit.record_event(writer, "delete_everything", audience=PUBLIC, what="-")
    writer.dispose()


@pytest.mark.parametrize("sql", ["SELECT * FROM audit_event", "SELECT * FROM country", "DELETE FROM audit_event",
                                 "UPDATE audit_event SET what = 'x'", "INSERT INTO job_state VALUES ('j', 'x', 1)",
                                 "DROP TABLE audit_event", "CREATE TABLE z (a)", "PRAGMA writable_schema = 1",
                                 "ATTACH DATABASE ':memory:' AS other"])
def test_the_sqlite_writer_can_do_nothing_else(warehouse, sql):
    url, _ = warehouse
    writer = audit.audit_writer_engine(url)
    with pytest.raises(DatabaseError):
        with writer.begin() as conn:
            conn.execute(text(sql))
    writer.dispose()

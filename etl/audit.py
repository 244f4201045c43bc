"""The audit trail: sign-ins, downloads and briefings (who, what, when, audience), in the warehouse.

The web process reads the warehouse read-only, so events go through a separate writer that can do
nothing but add rows to `audit_event`:

- PostgreSQL: a login role that is a member of `lanzarote_audit_writer` (etl/access.py), which has
  INSERT on `audit_event` and USAGE on its id sequence, and nothing else (not even SELECT);
  `LANZAROTE_AUDIT_URL` is its connection string.
- SQLite: a small writable connection to the same file whose authorizer (sqlite3's
  `set_authorizer`) allows inserting into `audit_event` and refuses everything else: reading or
  changing any table, creating, dropping, attaching, pragmas.

`record_event` writes one row; `recent_events` is the staff reader (the methodology page).
"""
from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, String, Table, Text, create_engine, event, insert, select
from sqlalchemy.engine import Connection, Engine, make_url

from .schema import metadata

EVENTS = ("sign_in", "sign_out", "download", "briefing")
MAX_TEXT = 512  # what a visitor can put in a field (a subject, a file name) never grows the table much

audit_event = Table(
    "audit_event", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),            # UTC
    Column("event", String(16), nullable=False),       # sign_in | sign_out | download | briefing
    Column("subject", Text),                           # who: the identity provider's sub or e-mail; None: anonymous
    Column("audience", String(16), nullable=False),    # public | partner | funder | staff
    Column("scope", Text),                             # the audience's portals or funders
    Column("what", Text, nullable=False),              # the file, briefing or page
    Column("detail", Text),
    implicit_returning=False,  # the writer role may INSERT but not SELECT: no RETURNING
)


def _clip(value) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\r", " ").replace("\n", " ")
    return text[:MAX_TEXT]


def record_event(engine_or_conn: Engine | Connection, event_kind: str, *, audience, what: str,
                 subject: str | None = None, detail: str | None = None, at: datetime | None = None) -> None:
    """Add one event. `audience` is a dashboard.audience.Audience (or anything with kind, portals,
    funders); `subject` defaults to audience.subject. Raises if the row cannot be written: a download
    or briefing that must be audited should not be served when the audit fails."""
    if event_kind not in EVENTS:
        raise ValueError(f"unknown audit event {event_kind!r}: one of {', '.join(EVENTS)}")
    scope = sorted(getattr(audience, "portals", ()) or ()) + sorted(getattr(audience, "funders", ()) or ())
    row = {"at": (at or datetime.now(UTC)).replace(tzinfo=None), "event": event_kind,
           "subject": _clip(subject if subject is not None else getattr(audience, "subject", None)),
           "audience": audience.kind, "scope": _clip(",".join(scope)) or None, "what": _clip(what) or "-",
           "detail": _clip(detail)}
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.begin() as conn:
            conn.execute(insert(audit_event), row)
    else:
        engine_or_conn.execute(insert(audit_event), row)


def recent_events(engine_or_conn: Engine | Connection, audience, limit: int = 200) -> "pd.DataFrame":
    """The latest events, newest first: for staff only (others get PermissionError). On PostgreSQL
    behind the web login, pass the connection of `etl.access.scoped_connection(engine, "staff")`."""
    if getattr(audience, "kind", None) != "staff":
        raise PermissionError("the audit trail is for staff")
    import pandas as pd  # only the staff reader needs it: the ETL's command line starts without pandas
    cols = [audit_event.c[c] for c in ("at", "event", "subject", "audience", "scope", "what", "detail")]
    query = select(*cols).order_by(audit_event.c.id.desc()).limit(limit)
    if isinstance(engine_or_conn, Connection):
        result = engine_or_conn.execute(query)
        return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))
    with engine_or_conn.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


# --- the narrow writer ------------------------------------------------------------------------

def _insert_only_authorizer(action, arg1, arg2, db_name, trigger):
    """sqlite3 authorizer: INSERT into audit_event, and nothing else that touches data or schema."""
    if action == sqlite3.SQLITE_INSERT:
        return sqlite3.SQLITE_OK if arg1 == "audit_event" else sqlite3.SQLITE_DENY
    if action in (sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_READ:
        # the schema table is read to compile any statement; no user table may be read
        return sqlite3.SQLITE_OK if arg1 in ("sqlite_master", "sqlite_schema", "sqlite_sequence") else sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_UPDATE:
        return sqlite3.SQLITE_OK if arg1 == "sqlite_sequence" else sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_SELECT:
        return sqlite3.SQLITE_OK  # reading a column is checked by SQLITE_READ above
    if action == sqlite3.SQLITE_FUNCTION:
        return sqlite3.SQLITE_OK if (arg2 or "").lower() in ("sqlite_version",) else sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_DENY


def audit_writer_engine(url: str | None = None) -> Engine:
    """The engine record_event should use in the web process: LANZAROTE_AUDIT_URL, else the warehouse
    (DATABASE_URL or the default SQLite file). On SQLite it can only insert into audit_event."""
    from . import config
    url = url or os.environ.get("LANZAROTE_AUDIT_URL") or config.database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_size=1, max_overflow=1, pool_pre_ping=True)
    engine = create_engine(parsed.difference_update_query(["mode"]), connect_args={"timeout": 10})

    @event.listens_for(engine, "connect")
    def _narrow(dbapi_conn, _record):
        dbapi_conn.set_authorizer(_insert_only_authorizer)
    return engine

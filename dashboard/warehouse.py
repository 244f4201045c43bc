"""The warehouse as the reading side sees it: opened read-only, never built or changed from here.

The web process and the briefing command only read; `python -m etl run` (or `make run`) builds and
refreshes the database. A write through this engine fails on SQLite (file opened `mode=ro`) and
on PostgreSQL (every transaction read-only)."""
import logging
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from etl.access import public_by_default
from etl.config import database_url

log = logging.getLogger(__name__)
BUILD_COMMAND = "python -m etl run"


def read_only_url(url: str | None = None):
    """The warehouse URL changed so that the database refuses writes."""
    url = make_url(url or database_url())
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        if url.query.get("uri") == "true":  # already a URI: add mode=ro to it
            return url.update_query_dict({"mode": "ro"})
        path = Path(url.database).resolve()
        return url.set(database=path.as_uri()).update_query_dict({"mode": "ro", "uri": "true"})
    if url.get_backend_name() == "postgresql":
        options = " ".join(filter(None, [url.query.get("options"), "-c default_transaction_read_only=on"]))
        return url.update_query_dict({"options": options})
    return url


def read_only_engine(url: str | None = None) -> Engine:
    """On PostgreSQL with the audience roles (etl/access.py), every transaction starts as the public
    role; statistics are read in the audience's own transaction (dashboard/model/scope.py)."""
    engine = create_engine(read_only_url(url), future=True)
    if engine.dialect.name == "postgresql":
        public_by_default(engine)
    return engine


def is_built(engine: Engine) -> bool:
    """True once a load has succeeded. A missing file, an empty database or an unreachable server is
    False (logged here, on the server; the page shows only which command builds the database)."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT 1 FROM v_load WHERE outcome = 'ok' LIMIT 1")).first() is not None
    except SQLAlchemyError as exc:
        log.warning("warehouse %s not readable: %s", engine.url.render_as_string(hide_password=True),
                    str(exc).splitlines()[0])
        return False

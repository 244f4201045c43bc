"""Engine creation and schema set-up for SQLite (embedded default) and PostgreSQL."""
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine

from . import config
from .schema import metadata
from .views import create_views


def make_engine(url: str | None = None) -> Engine:
    url = url or config.database_url()
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()
    return engine


def ensure_schema(engine: Engine) -> None:
    """Create missing tables and (re)create the views, in one transaction."""
    with engine.begin() as conn:
        metadata.create_all(conn)
        create_views(conn)


def has_data(engine: Engine) -> bool:
    return inspect(engine).has_table("load_run")

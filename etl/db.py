"""Engine creation and schema set-up for SQLite (embedded default) and PostgreSQL."""
from pathlib import Path

from sqlalchemy import create_engine, event, insert, inspect
from sqlalchemy.engine import Engine

from . import audit, config  # audit: registers audit_event on metadata
from .errors import ConfigError
from .schema import metadata
from .views import create_views


def make_engine(url: str | None = None) -> Engine:
    url = url or config.database_url()
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        folder = Path(engine.url.database or ".").parent
        if engine.url.database not in (None, "", ":memory:") and not folder.is_dir():
            raise ConfigError(f"database {engine.url.database}: folder {folder} does not exist")

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
        _drop_statistics_before_the_warehouse_kept_them(conn)
        metadata.create_all(conn)
        create_views(conn)
        from .access import apply_if_enabled
        apply_if_enabled(conn)  # PostgreSQL roles: views were recreated, so their grants are re-applied


def has_data(engine: Engine) -> bool:
    return inspect(engine).has_table("load_run")


def insert_many(conn, table, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows through the driver's executemany; each column's type converter is looked up once.

    SQLAlchemy's handling of a list of dicts costs more than the insert itself for a wide table
    (portal_stat: 6,400 rows of 122 columns).
    """
    if not rows:
        return
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=columns)
    convert = [(i, f) for i, c in enumerate(columns) if (f := table.c[c].type.bind_processor(conn.dialect))]
    if convert:
        rows = [list(r) for r in rows]
        for r in rows:
            for i, f in convert:
                r[i] = f(r[i])
    if compiled.positional:
        order = [columns.index(c) for c in compiled.positiontup]
        params = [tuple(r[i] for i in order) for r in rows]
    else:
        params = [dict(zip(columns, r)) for r in rows]
    conn.exec_driver_sql(str(compiled), params)


def _drop_statistics_before_the_warehouse_kept_them(conn) -> None:
    """A warehouse built before the counts moved into it (stat_publication without `width`) kept them in
    files beside it: its statistics tables are dropped and built again (the demo job runs again; real
    statistics files must be imported again)."""
    names = inspect(conn).get_table_names()
    if "stat_publication" not in names or "width" in {c["name"] for c in inspect(conn).get_columns("stat_publication")}:
        return
    from .views import RETIRED_VIEWS, VIEWS
    for view in (*RETIRED_VIEWS, *reversed(list(VIEWS))):
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {view}")
    for table in ("portal_stat", "stat_publication", "stat_load"):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    conn.exec_driver_sql("DELETE FROM job_state WHERE job = 'portal_stats_demo'")

"""The one way the reading model reads statistics: for an audience, filtered by
dashboard.audience.scope_filter, so pages, CSVs and briefings get only what that audience may see.

On PostgreSQL with the audience roles in place (`python -m etl.access grant`), a non-staff read runs
in the audience's own transaction (etl.access.scoped_connection: its role and its portals): the
public role reads aggregates from `v_public_stats` only, a partner or funder reads its portals' rows
from `v_portal_stats` under row-level security. The database then holds the same line as Python."""
import pandas as pd
from sqlalchemy import text

from etl.access import PUBLIC_STATS_VIEW, roles_exist, scoped_connection

from .. import reading
from ..audience import Audience, scope_filter, visible_portals


def _enforced(conn) -> bool:
    """PostgreSQL, the roles created, and this schema's grants applied (its public view exists)."""
    return (conn.dialect.name == "postgresql" and roles_exist(conn)
            and conn.execute(text("SELECT to_regclass(:v)"), {"v": PUBLIC_STATS_VIEW}).scalar() is not None)


def portal_stats(engine, audience: Audience, unit_kind: str, period_kind: str,
                 unit_code: str | None = None) -> pd.DataFrame:
    """reading.portal_stats as `audience` may see it: rows outside its scope dropped, aggregates it may
    not see kept with every value empty and the reason in `hidden` (see audience.scope_filter)."""
    portals = reading.portals(engine)
    if audience.is_staff:
        raw = reading.portal_stats(engine, unit_kind, period_kind, unit_code)
        return scope_filter(audience, raw, portals)
    own = visible_portals(audience, portals)
    with scoped_connection(engine, audience.kind, sorted(own)) as conn:
        if not _enforced(conn):
            raw = reading.portal_stats(conn, unit_kind, period_kind, unit_code)
        elif unit_kind == "portal" and audience.kind != "public":
            raw = reading.portal_stats(conn, unit_kind, period_kind, unit_code)      # row-level security
        else:   # aggregates, and the public's portal rows (none): the aggregate-only view
            raw = reading.portal_stats(conn, unit_kind, period_kind, unit_code, view=PUBLIC_STATS_VIEW)
    return scope_filter(audience, raw, portals)

"""The one way the reading model reads statistics: for an audience, filtered by
dashboard.audience.scope_filter, so pages, CSVs and briefings get only what that audience may see.

On PostgreSQL with the audience roles in place (`python -m etl.access grant`), every read runs in the
audience's own transaction (etl.access.scoped_connection: its role and its portals): the public role
reads aggregates from `v_public_stats` only, a partner or funder reads its portals' rows from
`v_portal_stats` under row-level security, staff read everything. The database then holds the same
line as Python; any other read of the web process runs as the public role (dashboard/warehouse.py)."""
import pandas as pd

from etl.access import PUBLIC_STATS_VIEW, enforced, scoped_connection

from .. import reading
from ..audience import Audience, scope_filter, visible_portals


def portal_stats(engine, audience: Audience, unit_kind: str, period_kind: str,
                 unit_code: str | None = None, measures=None) -> pd.DataFrame:
    """reading.portal_stats as `audience` may see it: rows outside its scope dropped, aggregates it may
    not see kept with every value empty and the reason in `hidden` (see audience.scope_filter).
    `measures` (default every one) limits the measures read (see reading.portal_stats)."""
    portals = reading.portals(engine)
    own = visible_portals(audience, portals)
    with scoped_connection(engine, audience.kind, sorted(own or ())) as conn:
        # the public's figures, and everyone's but staff's aggregates, come from the aggregate-only view
        public_view = not audience.is_staff and (unit_kind != "portal" or audience.kind == "public") \
            and enforced(conn)
        raw = reading.portal_stats(conn, unit_kind, period_kind, unit_code,
                                   view=PUBLIC_STATS_VIEW if public_view else "v_portal_stats", measures=measures)
    return scope_filter(audience, raw, portals)

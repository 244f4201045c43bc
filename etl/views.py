"""The read contract: views the dashboard and analysts' BI tools rely on (documented in README).

Written once in SQL that SQLite and PostgreSQL both run. Dates compare as dates on PostgreSQL and
as ISO text on SQLite, which orders the same way.
"""
from sqlalchemy import text

STATUS_EVENTS = {"signature": "signature", "deposit": "deposit", "entry_into_force": "eif",
                 "denunciation_effective": "denunciation"}
STATUSES = ("not_signed", "signed", "ratified", "in_force", "denounced")


def _pivot_columns() -> str:
    cols = []
    for event, p in STATUS_EVENTS.items():
        for field, alias in (("date_from", "from"), ("date_to", "to"), ("date_precision", "precision"),
                             ("basis", "basis"), ("source", "source"), ("confidence", "confidence")):
            cols.append(f"MAX(CASE WHEN e.event_type = '{event}' THEN e.{field} END) AS {p}_{alias}")
    return ",\n  ".join(cols)


V_TREATY_EVENT = """
CREATE VIEW v_treaty_event AS
SELECT e.id, e.treaty_num, e.country_code, e.event_type, e.date_from, e.date_to, e.date_precision,
       e.basis, e.source_rank, e.detail, e.source, e.confidence, e.note, e.load_id,
       CASE WHEN e.event_type = 'reservation_or_declaration' THEN 1
            WHEN ROW_NUMBER() OVER (PARTITION BY e.treaty_num, e.country_code, e.event_type
                                    ORDER BY e.source_rank, e.id) = 1 THEN 1 ELSE 0 END AS is_selected
FROM treaty_event e
"""

V_TREATY_DATES = f"""
CREATE VIEW v_treaty_dates AS
SELECT e.treaty_num, e.country_code,
  {_pivot_columns()},
  MAX(CASE WHEN e.event_type = 'deposit' THEN e.detail END) AS deposit_kind,
  SUM(CASE WHEN e.event_type = 'reservation_or_declaration' THEN 1 ELSE 0 END) AS reservations_declarations,
  CASE MIN(CASE WHEN e.event_type <> 'reservation_or_declaration' THEN
             CASE e.confidence WHEN 'low' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END END)
       WHEN 1 THEN 'low' WHEN 2 THEN 'medium' ELSE 'high' END AS confidence,
  MAX(CASE WHEN k.country_code IS NULL THEN 0 ELSE 1 END) AS has_conflict
FROM v_treaty_event e
LEFT JOIN (
  SELECT DISTINCT treaty_num, country_code FROM (
    SELECT treaty_num, country_code, event_type FROM treaty_event
    WHERE date_from IS NOT NULL
    GROUP BY treaty_num, country_code, event_type
    HAVING COUNT(DISTINCT date_from) > 1 OR COUNT(DISTINCT date_to) > 1) c
) k ON k.treaty_num = e.treaty_num AND k.country_code = e.country_code
WHERE e.is_selected = 1
GROUP BY e.treaty_num, e.country_code
"""


def status_case(d: str) -> str:
    """SQL for a state's status on date expression `d`: an event counts once it surely happened."""
    return f"""CASE WHEN d.denunciation_to <= {d} THEN 'denounced'
            WHEN d.eif_to <= {d} THEN 'in_force'
            WHEN d.deposit_to <= {d} THEN 'ratified'
            WHEN d.signature_to <= {d} THEN 'signed'
            ELSE 'not_signed' END"""


def status_certain_case(d: str) -> str:
    """0 where a dated event is known only within bounds that straddle `d`."""
    parts = " OR ".join(f"(d.{p}_from <= {d} AND d.{p}_to > {d})" for p in STATUS_EVENTS.values())
    return f"CASE WHEN {parts} THEN 0 ELSE 1 END"


def coe_member_case(d: str) -> str:
    return f"CASE WHEN m.accession_date <= {d} AND (m.left_date IS NULL OR m.left_date > {d}) THEN 1 ELSE 0 END"


def treaty_status_select(d: str) -> str:
    """One row per state and treaty with dates, sources and the status on date `d`."""
    return f"""
SELECT d.*, c.name_en, c.name_fr, t.short_title AS treaty_short_title,
       {status_case(d)} AS status,
       {status_certain_case(d)} AS status_certain,
       {coe_member_case(d)} AS coe_member
FROM v_treaty_dates d
JOIN country c ON c.code = d.country_code
JOIN treaty t ON t.treaty_num = d.treaty_num
LEFT JOIN coe_membership m ON m.country_code = d.country_code
"""


V_TREATY_STATUS = "CREATE VIEW v_treaty_status AS" + treaty_status_select("CURRENT_DATE")

V_COUNTRY = f"""
CREATE VIEW v_country AS
SELECT c.code, c.code_kind, c.iso_alpha2, c.iso_numeric, c.name_en, c.name_fr, c.official_name_en,
       c.parent_code, c.iso3166_2, c.continent, c.un_region, c.marker_lat, c.marker_lon, c.note,
       {coe_member_case("CURRENT_DATE")} AS coe_member,
       m.accession_date AS coe_accession_date, m.left_date AS coe_left_date,
       s.status AS lanzarote_status,
       CASE WHEN p.n IS NULL THEN 0 ELSE 1 END AS has_portal,
       p.region AS portal_region
FROM country c
LEFT JOIN coe_membership m ON m.country_code = c.code
LEFT JOIN v_treaty_status s ON s.country_code = c.code AND s.treaty_num = 201
LEFT JOIN (SELECT country_code, COUNT(*) AS n, MIN(region) AS region FROM portal
           WHERE country_code IS NOT NULL GROUP BY country_code) p ON p.country_code = c.code
"""

V_PORTAL = f"""
CREATE VIEW v_portal AS
SELECT p.id AS portal_id, p.portal_code, p.portal_name, p.country_code, c.name_en AS country_name_en,
       c.name_fr AS country_name_fr, p.scope, p.launch_from, p.launch_to, p.launch_precision,
       p.region, r.region_group AS stats_region, p.partners, p.funders, p.languages, p.url, p.source,
       p.confidence, p.notes,
       {coe_member_case("CURRENT_DATE")} AS coe_member,
       s.status AS lanzarote_status, p.load_id, l.retrieved_at
FROM portal p
LEFT JOIN country c ON c.code = p.country_code
LEFT JOIN coe_membership m ON m.country_code = p.country_code
LEFT JOIN v_treaty_status s ON s.country_code = p.country_code AND s.treaty_num = 201
JOIN load_run l ON l.id = p.load_id
LEFT JOIN stat_portal_region r ON r.portal_code = p.portal_code
"""

def _measure_columns(prefix: str = "s.") -> str:
    from .stats_format import MEASURES
    return ", ".join(f"{prefix}{m}, {prefix}{m}_suppressed" for m in MEASURES)


V_PORTAL_STATS = f"""
CREATE VIEW v_portal_stats AS
SELECT s.unit_kind, s.unit_code,
       CASE WHEN s.unit_kind = 'portal' THEN p.portal_name WHEN s.unit_kind = 'network' THEN 'All portals'
            ELSE s.unit_code END AS unit_name,
       p.country_code, s.period_kind, s.period_start, s.is_demo, {_measure_columns()},
       s.load_id, pub.k AS suppression_k
FROM portal_stat s
LEFT JOIN portal p ON s.unit_kind = 'portal' AND p.portal_code = s.unit_code
LEFT JOIN stat_publication pub ON pub.load_id = s.load_id
"""

STATS_JOBS = ("portal-stats", "portal_stats_demo")  # loads of statistics files: no name, no counts shown

V_LOAD = f"""
CREATE VIEW v_load AS
SELECT l.id AS load_id, l.job, l.started_at, l.finished_at, l.outcome, l.retrieved_at AS data_date,
       CASE WHEN l.job IN {STATS_JOBS} THEN 1 ELSE 0 END AS is_statistics,
       CASE WHEN l.job IN {STATS_JOBS} THEN NULL ELSE l.source END AS source,
       CASE WHEN l.job IN {STATS_JOBS} THEN NULL ELSE l.sha256 END AS sha256,
       CASE WHEN l.job IN {STATS_JOBS} THEN NULL ELSE l.rows_in END AS rows_in,
       CASE WHEN l.job IN {STATS_JOBS} THEN NULL ELSE l.rows_loaded END AS rows_loaded,
       CASE WHEN l.job IN {STATS_JOBS} THEN NULL ELSE l.rows_rejected END AS rows_rejected,
       CASE WHEN l.job IN {STATS_JOBS} THEN NULL ELSE l.message END AS message
FROM load_run l
"""

V_STAT_PUBLICATION = """
CREATE VIEW v_stat_publication AS
SELECT p.load_id, l.finished_at AS published_at, p.is_demo, p.rule, p.k, p.width, p.narrowest, p.cells,
       p.cells_suppressed
FROM stat_publication p
JOIN load_run l ON l.id = p.load_id
"""

VIEWS = {"v_treaty_event": V_TREATY_EVENT, "v_treaty_dates": V_TREATY_DATES, "v_treaty_status": V_TREATY_STATUS,
         "v_country": V_COUNTRY, "v_portal": V_PORTAL, "v_portal_stats": V_PORTAL_STATS,
         "v_load": V_LOAD, "v_stat_publication": V_STAT_PUBLICATION}


# Views no longer part of the read contract, dropped from a warehouse built before they went:
# v_portal_stats_monthly (per portal and month): statistics are no longer published per portal and month.
RETIRED_VIEWS = ("v_portal_stats_monthly",)


def create_views(conn) -> None:
    """Drop and recreate every view (dependants first), so a code change always takes effect; drop the
    retired ones."""
    for name in (*RETIRED_VIEWS, *reversed(list(VIEWS))):
        conn.execute(text(f"DROP VIEW IF EXISTS {name}"))
    for sql in VIEWS.values():
        conn.execute(text(sql))


def status_on_query():
    """v_treaty_status for any date: bind :as_of (a date) and :treaty_num."""
    from sqlalchemy import Date, Integer, bindparam
    sql = treaty_status_select(":as_of") + " WHERE d.treaty_num = :treaty_num ORDER BY c.name_en"
    return text(sql).bindparams(bindparam("as_of", type_=Date), bindparam("treaty_num", type_=Integer))

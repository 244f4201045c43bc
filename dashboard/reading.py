"""The reading side's SQL, as plain functions of an engine: the dashboard caches them (queries.py),
briefings and the command line call them directly, so both show the same figures."""
from datetime import date

import pandas as pd
from sqlalchemy import Date, bindparam, text
from sqlalchemy.engine import Connection

from etl.stats_format import MEASURES
from etl.views import status_on_query


def _frame(bind, sql, params=None) -> pd.DataFrame:
    """A query's rows; `bind` is an engine, or a connection already opened (an audience's transaction)."""
    if isinstance(bind, Connection):
        result = bind.execute(sql if not isinstance(sql, str) else text(sql), params or {})
        return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))
    with bind.connect() as conn:
        return _frame(conn, sql, params)


def _as_dates(df: pd.DataFrame, columns) -> pd.DataFrame:
    """SQLite hands dates back as text from a view; make them dates whatever the backend."""
    for col in columns:
        df[col] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in df[col]]
    return df


def treaty_status(engine, as_of: date, treaty_num: int = 201) -> pd.DataFrame:
    return _frame(engine, status_on_query(), {"as_of": as_of, "treaty_num": treaty_num})


def countries(engine) -> pd.DataFrame:
    return _frame(engine, "SELECT * FROM v_country ORDER BY name_en")


def coe_members_on(engine, as_of: date) -> pd.DataFrame:
    sql = text("SELECT m.country_code, c.name_en, m.accession_date, m.left_date FROM coe_membership m "
               "JOIN country c ON c.code = m.country_code WHERE m.accession_date <= :d "
               "AND (m.left_date IS NULL OR m.left_date > :d)").bindparams(bindparam("d", type_=Date))
    return _frame(engine, sql, {"d": as_of})


def portals(engine) -> pd.DataFrame:
    df = _frame(engine, "SELECT p.*, c.marker_lat, c.marker_lon FROM v_portal p "
                        "LEFT JOIN country c ON c.code = p.country_code ORDER BY p.launch_to, p.portal_name")
    return _as_dates(df, ["launch_from", "launch_to", "retrieved_at"])


def treaty_events(engine, country_code: str, treaty_num: int = 201) -> pd.DataFrame:
    df = _frame(engine, "SELECT * FROM v_treaty_event WHERE country_code = :c AND treaty_num = :t "
                        "ORDER BY is_selected DESC, date_from", {"c": country_code, "t": treaty_num})
    return _as_dates(df, ["date_from", "date_to"])


def all_treaty_events(engine, treaty_num: int = 201) -> pd.DataFrame:
    df = _frame(engine, "SELECT e.*, c.name_en FROM v_treaty_event e JOIN country c ON c.code = e.country_code "
                        "WHERE e.treaty_num = :t AND e.is_selected = 1", {"t": treaty_num})
    return _as_dates(df, ["date_from", "date_to"])


def treaty_notes(engine, country_code: str) -> pd.DataFrame:
    return _frame(engine, "SELECT field, note, kind, source FROM treaty_note WHERE country_code = :c",
                  {"c": country_code})


def general_notes(engine) -> pd.DataFrame:
    """Notes about all Parties (no country of their own); some begin with the state they concern."""
    return _frame(engine, "SELECT field, note, kind, source FROM treaty_note WHERE country_code IS NULL")


def rounds_for(engine, country_code: str) -> pd.DataFrame:
    return _frame(engine, "SELECT r.round_code, r.title, r.launched, r.report_codes, r.report_adopted, p.covered, "
                          "p.reply_submitted, p.reply_detail, p.recommendations, p.compliance_status, p.source, "
                          "p.confidence FROM round_party p JOIN monitoring_round r ON r.round_code = p.round_code "
                          "WHERE p.country_code = :c ORDER BY r.round_code", {"c": country_code})


def round_parties(engine, round_code: str) -> pd.DataFrame:
    return _frame(engine, "SELECT p.country_code, c.name_en, p.covered, p.reply_submitted, p.reply_detail, "
                          "p.recommendations, p.compliance_status, p.source, p.confidence FROM round_party p "
                          "JOIN country c ON c.code = p.country_code WHERE p.round_code = :r ORDER BY c.name_en",
                  {"r": round_code})


_STATS_COLUMNS = {   # every column of each statistics view but the measures
    "v_portal_stats": ("unit_kind", "unit_code", "unit_name", "country_code", "period_kind", "period_start",
                       "is_demo", "load_id", "suppression_k"),
    "v_public_stats": ("unit_kind", "unit_code", "unit_name", "period_kind", "period_start", "is_demo",
                       "load_id", "suppression_k", "hidden"),
}


def portal_stats(engine, unit_kind: str, period_kind: str, unit_code: str | None = None,
                 view: str = "v_portal_stats", measures=None) -> pd.DataFrame:
    """Published statistics of one unit kind and period; `view` "v_public_stats" is PostgreSQL's
    aggregate-only view (etl/access.py), the one the public role may read. `measures` (default: every
    one) limits the measure columns read, each with its `<measure>_suppressed`: a monthly read names
    only what is published by month (a NULL flag there means "not published at this grain")."""
    if view not in _STATS_COLUMNS:
        raise ValueError(f"not a statistics view: {view!r}")
    if measures is None:
        columns = "*"
    else:
        measures = list(dict.fromkeys(measures))     # a measure named twice is read once
        unknown = [m for m in measures if m not in MEASURES]
        if unknown:
            raise ValueError(f"not a measure: {unknown!r}")
        columns = ", ".join([*_STATS_COLUMNS[view], *(f"{m}, {m}_suppressed" for m in measures)])
    sql = f"SELECT {columns} FROM {view} WHERE unit_kind = :k AND period_kind = :p"
    params = {"k": unit_kind, "p": period_kind}
    if unit_code is not None:
        sql += " AND unit_code = :u"
        params["u"] = unit_code
    df = _frame(engine, sql + " ORDER BY unit_code, period_start", params)
    df["period_start"] = pd.to_datetime(df["period_start"])
    return df


def publication(engine) -> dict:
    df = _frame(engine, "SELECT rule, k, width, narrowest, is_demo, cells, cells_suppressed, "
                        "published_at AS finished_at FROM v_stat_publication ORDER BY load_id DESC")
    return df.iloc[0].to_dict() if len(df) else {}


def published_figures(engine) -> pd.DataFrame:
    return _frame(engine, "SELECT publisher, year, metric, value, unit, source, notes FROM published_figure "
                          "ORDER BY publisher, metric, year")


def last_loads(engine) -> pd.DataFrame:
    """Each job's last good load, from v_load: statistics loads carry no file name and no row counts there."""
    return _frame(engine, "SELECT job, load_id, is_statistics, source, data_date AS retrieved_at, sha256, finished_at, "
                          "rows_in, rows_loaded, rows_rejected FROM v_load l WHERE outcome = 'ok' AND load_id = "
                          "(SELECT MAX(load_id) FROM v_load m WHERE m.job = l.job AND m.outcome = 'ok') ORDER BY load_id")


def loads_since(engine, since: date) -> pd.DataFrame:
    sql = text("SELECT load_id, job, is_statistics, source, finished_at, rows_loaded, rows_rejected FROM v_load "
               "WHERE outcome = 'ok' AND finished_at >= :d ORDER BY load_id").bindparams(bindparam("d", type_=Date))
    return _frame(engine, sql, {"d": since})


def data_caveats(engine) -> pd.DataFrame:
    return _frame(engine, "SELECT n.country_code, c.name_en AS state, n.field, n.note, n.kind, n.source "
                          "FROM treaty_note n LEFT JOIN country c ON c.code = n.country_code "
                          "WHERE n.kind IN ('conflict', 'missing', 'year-only', 'month-only', 'single-source', "
                          "'derived-month', 'inferred') ORDER BY n.kind, state")


def rounds(engine) -> pd.DataFrame:
    return _frame(engine, "SELECT * FROM monitoring_round ORDER BY round_code")

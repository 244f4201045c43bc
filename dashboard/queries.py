"""The only SQL on the reading side: cached, with bound parameters, over the documented views."""
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Date, bindparam, inspect, text

from etl.db import make_engine
from etl.jobs import run_jobs
from etl.views import status_on_query

TTL = 600


@st.cache_resource
def engine():
    """One engine per process; builds the embedded database from data/ on first use if it is empty."""
    eng = make_engine()
    if not inspect(eng).has_table("load_run"):
        run_jobs(eng)
    return eng


def _frame(sql, params=None) -> pd.DataFrame:
    with engine().connect() as conn:
        result = conn.execute(sql if not isinstance(sql, str) else text(sql), params or {})
        return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


@st.cache_data(ttl=TTL)
def treaty_status(as_of: date, treaty_num: int = 201) -> pd.DataFrame:
    return _frame(status_on_query(), {"as_of": as_of, "treaty_num": treaty_num})


@st.cache_data(ttl=TTL)
def countries() -> pd.DataFrame:
    return _frame("SELECT * FROM v_country ORDER BY name_en")


@st.cache_data(ttl=TTL)
def coe_members_on(as_of: date) -> pd.DataFrame:
    sql = text("SELECT m.country_code, c.name_en, m.accession_date, m.left_date FROM coe_membership m "
               "JOIN country c ON c.code = m.country_code WHERE m.accession_date <= :d "
               "AND (m.left_date IS NULL OR m.left_date > :d)").bindparams(bindparam("d", type_=Date))
    return _frame(sql, {"d": as_of})


@st.cache_data(ttl=TTL)
def portals() -> pd.DataFrame:
    df = _frame("SELECT p.*, c.marker_lat, c.marker_lon FROM v_portal p "
                "LEFT JOIN country c ON c.code = p.country_code ORDER BY p.launch_to, p.portal_name")
    return _as_dates(df, ["launch_from", "launch_to", "retrieved_at"])


@st.cache_data(ttl=TTL)
def treaty_events(country_code: str, treaty_num: int = 201) -> pd.DataFrame:
    df = _frame("SELECT * FROM v_treaty_event WHERE country_code = :c AND treaty_num = :t "
                "ORDER BY is_selected DESC, date_from", {"c": country_code, "t": treaty_num})
    return _as_dates(df, ["date_from", "date_to"])


def _as_dates(df: pd.DataFrame, columns) -> pd.DataFrame:
    """SQLite hands dates back as text from a view; make them dates whatever the backend."""
    for col in columns:
        df[col] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in df[col]]
    return df


@st.cache_data(ttl=TTL)
def treaty_notes(country_code: str) -> pd.DataFrame:
    return _frame("SELECT field, note, kind, source FROM treaty_note WHERE country_code = :c", {"c": country_code})


@st.cache_data(ttl=TTL)
def rounds_for(country_code: str) -> pd.DataFrame:
    return _frame("SELECT r.round_code, r.title, r.launched, r.report_codes, r.report_adopted, p.covered, "
                  "p.reply_submitted, p.reply_detail, p.recommendations, p.compliance_status, p.source, "
                  "p.confidence FROM round_party p JOIN monitoring_round r ON r.round_code = p.round_code "
                  "WHERE p.country_code = :c ORDER BY r.round_code", {"c": country_code})


@st.cache_data(ttl=TTL)
def portal_stats(unit_kind: str, period_kind: str, unit_code: str | None = None) -> pd.DataFrame:
    sql = "SELECT * FROM v_portal_stats WHERE unit_kind = :k AND period_kind = :p"
    params = {"k": unit_kind, "p": period_kind}
    if unit_code is not None:
        sql += " AND unit_code = :u"
        params["u"] = unit_code
    df = _frame(sql + " ORDER BY unit_code, period_start", params)
    df["period_start"] = pd.to_datetime(df["period_start"])
    return df


@st.cache_data(ttl=TTL)
def publication() -> dict:
    df = _frame("SELECT p.k, p.is_demo, p.cells, p.cells_suppressed, l.finished_at FROM stat_publication p "
                "JOIN load_run l ON l.id = p.load_id ORDER BY p.load_id DESC")
    return df.iloc[0].to_dict() if len(df) else {}


@st.cache_data(ttl=TTL)
def published_figures() -> pd.DataFrame:
    return _frame("SELECT publisher, year, metric, value, unit, source, notes FROM published_figure "
                  "ORDER BY publisher, metric, year")


@st.cache_data(ttl=TTL)
def last_loads() -> pd.DataFrame:
    return _frame("SELECT job, id AS load_id, source, retrieved_at, sha256, finished_at, rows_in, rows_loaded, "
                  "rows_rejected FROM load_run l WHERE outcome = 'ok' AND id = (SELECT MAX(id) FROM load_run m "
                  "WHERE m.job = l.job AND m.outcome = 'ok') ORDER BY id")


@st.cache_data(ttl=TTL)
def data_caveats() -> pd.DataFrame:
    return _frame("SELECT COALESCE(c.name_en, 'All Parties') AS state, n.field, n.note, n.kind, n.source "
                  "FROM treaty_note n LEFT JOIN country c ON c.code = n.country_code "
                  "WHERE n.kind IN ('conflict', 'missing', 'year-only', 'month-only', 'single-source', "
                  "'derived-month', 'inferred') ORDER BY n.kind, state")


@st.cache_data(ttl=TTL)
def rounds() -> pd.DataFrame:
    return _frame("SELECT * FROM monitoring_round ORDER BY round_code")

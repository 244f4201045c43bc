"""The only SQL on the reading side: cached, with bound parameters, over the documented views."""
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import inspect, text

from etl.db import make_engine
from etl.jobs import run_jobs
from etl.views import status_on_query


@st.cache_resource
def engine():
    """One engine per process; builds the embedded database from data/ on first use if it is empty."""
    eng = make_engine()
    if not inspect(eng).has_table("load_run"):
        run_jobs(eng)
    return eng


@st.cache_data(ttl=600)
def treaty_status(as_of: date, treaty_num: int = 201) -> pd.DataFrame:
    with engine().connect() as conn:
        return pd.DataFrame(conn.execute(status_on_query(), {"as_of": as_of, "treaty_num": treaty_num}).mappings().all())


@st.cache_data(ttl=600)
def last_loads() -> pd.DataFrame:
    sql = text("SELECT job, source, retrieved_at, sha256, finished_at, rows_loaded FROM load_run l "
               "WHERE outcome = 'ok' AND id = (SELECT MAX(id) FROM load_run m WHERE m.job = l.job "
               "AND m.outcome = 'ok') ORDER BY id")
    with engine().connect() as conn:
        return pd.DataFrame(conn.execute(sql).mappings().all())

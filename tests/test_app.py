"""Pages through app.py with Streamlit's AppTest, on a database built from data/."""
import pytest
from streamlit.testing.v1 import AppTest

from etl.db import make_engine
from etl.jobs import run_jobs
from etl.config import ROOT

APP = ROOT / "app.py"


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    run_jobs(make_engine(url))
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    return url


def run(query=None):
    at = AppTest.from_file(str(APP), default_timeout=30)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def test_status_page_today(app_db):
    at = run()
    assert not at.exception
    assert "48 Parties with the Convention in force" in at.markdown[0].value
    table = at.dataframe[0].value
    assert len(table) == 48
    italy = table[table["State"] == "Italy"].iloc[0]
    assert italy["Entry into force"] == "2013-05-01 (derived)"


def test_status_page_as_of_from_url(app_db):
    at = run({"as_of": "2010-07-01"})
    assert not at.exception
    assert "5 Parties with the Convention in force" in at.markdown[0].value
    assert at.query_params["as_of"] == "2010-07-01"


def test_builds_database_when_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 48

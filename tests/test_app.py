"""Every page through app.py with Streamlit's AppTest, on a database built from data/."""
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.config import ROOT

APP = ROOT / "app.py"


@pytest.fixture
def app(open_page):
    return open_page


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def plotly_specs(at) -> list:
    return [json.loads(el.proto.spec) | {"_config": json.loads(el.proto.config)}
            for el in at.get("plotly_chart")]


def test_overview_today(app):
    at = app()
    m = metrics(at)
    assert m["Parties (in force)"] == "48"
    assert m["CoE members not yet bound"] == "0"
    assert m["IWF portals launched"] == "47"   # 49 portals, 2 with an unknown launch date
    assert m["Portal countries not Parties"] == "44"
    table = at.dataframe[-1].value
    assert table.loc[table["State or territory"] == "Morocco", "Lanzarote status"].item().startswith("Not a Party")
    assert table.loc[table["State or territory"] == "Morocco", "Portal launch"].item() == "2021-02-09"


def test_overview_replays_1_july_2010(app):
    at = app(as_of="2010-07-01")
    m = metrics(at)
    assert m["Parties (in force)"] == "5" and m["IWF portals launched"] == "0"
    assert m["CoE members not yet bound"] == "42"
    assert at.query_params["as_of"] == "2010-07-01"


def test_url_state_round_trips(app):
    at = app(as_of="2016-06-01", zoom="africa")
    assert at.date_input[0].value.isoformat() == "2016-06-01"
    assert at.radio[0].value == "africa"
    at.radio[0].set_value("europe").run()
    assert at.query_params["zoom"] == "europe" and at.query_params["as_of"] == "2016-06-01"


def test_every_chart_uses_local_map_geometry(app):
    for page in ("overview", "country", "network"):
        at = app(page)
        specs = plotly_specs(at)
        assert specs, page
        for spec in specs:
            assert spec["_config"]["topojsonURL"] == "/app/static/", page
    geo = [s for s in plotly_specs(app()) if any(tr.get("type") == "choropleth" for tr in s["data"])]
    assert geo and geo[0]["layout"]["geo"]["resolution"] == 50


def test_country_profile_shows_portal_and_compares(app):
    at = app("country", countries="MAR,GBR,XAC")
    text = " ".join(m.value for m in at.markdown)
    assert "Launched: **9 February 2021**" in text
    assert [s.value for s in at.subheader][:3] == ["Morocco", "United Kingdom", "Ascension Island"]
    assert "Status today: **In force**" in text
    assert any("DEMO DATA" in w.value for w in at.warning)
    assert at.query_params["countries"] == "MAR,GBR,XAC"


def test_network_page_labels_demo_and_has_no_league_table(app):
    at = app("network", grain="month")
    assert any("DEMO DATA" in w.value for w in at.warning)
    assert at.radio[0].value == "month"
    assert "not ranked" in " ".join(c.value for c in at.caption)


def test_methodology_page(app):
    at = app("methodology")
    text = " ".join(m.value for m in at.markdown)
    assert "Counts from 1 to 9 are suppressed (k = 10)" in text
    # what is published, and the interval the publication proved (the width, 10, on the tests' demo)
    assert "What is published: each portal's figures by year; by month, only the reports received" in text
    assert "cannot narrow a cell hidden because it is small to an interval less than 10 wide" in text
    assert "the narrowest interval proved in this publication is 10 wide" in text
    assert "does not say whether a cell is small or hidden to protect another" in text
    assert any("DEMO DATA" in w.value for w in at.warning)
    sources = at.dataframe[0].value
    assert {"countries", "treaties", "portals", "portal_stats_demo"} <= set(sources["Job"])
    curated = sources[sources["Job"] != "portal_stats_demo"]
    assert curated["SHA-256 of inputs"].str.len().eq(64).all()
    stats = sources[sources["Job"] == "portal_stats_demo"].iloc[0]  # no file name, no per-file counts
    assert stats["Source"].startswith("portal statistics") and pd.isna(stats["Rows loaded"])

"""The reading model on a warehouse built from data/ (3,000 demo reports), on SQLite and PostgreSQL:
view, date and selection -> known values and states. Plus the value states on tiny frames."""
import uuid
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from dashboard.audience import STAFF
from dashboard.model import cells
from dashboard.model.committee import committee
from dashboard.model.country import profile
from dashboard.model.funder import NOT_STATED, funder_group, funder_view
from dashboard.model.methodology import methodology
from dashboard.model.network import network
from dashboard.model.overview import overview
from etl import config
from etl.db import make_engine
from etl.jobs import run_jobs

from .conftest import PG_URL, _postgres_available
from .conftest import protect_once

TODAY = date.today()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def warehouse(request, tmp_path_factory):
    """One warehouse per backend for the whole module (building one takes seconds)."""
    tmp = tmp_path_factory.mktemp("model")
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'model.sqlite'}"
    else:
        if not _postgres_available():
            pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
        schema = f"m_{uuid.uuid4().hex[:12]}"
        with create_engine(PG_URL).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("etl.stats_publication.protect", protect_once)
        mp.setattr(config, "VAR_DIR", tmp / "var")
        mp.setattr("etl.portal_stats_demo.REPORTS", 3000)
        engine = make_engine(url)
        run_jobs(engine)
    yield engine
    engine.dispose()
    if schema:
        with create_engine(PG_URL).begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.mark.parametrize("as_of, parties, members_not_bound, portals, drawn, portal_not_party", [
    (date(2010, 7, 1), 5, 42, 0, 0, 0),
    (date(2015, 1, 1), 33, 14, 1, 1, 1),
    (TODAY, 48, 0, 47, 46, 44),
])
def test_overview_counts(warehouse, as_of, parties, members_not_bound, portals, drawn, portal_not_party):
    v = overview(warehouse, as_of)
    assert (v.parties, v.members_not_bound, v.portals_launched, v.portals_drawn, v.portal_not_party) == (
        parties, members_not_bound, portals, drawn, portal_not_party)
    steps = v.cumulative
    assert steps.groupby("series")["count"].max().to_dict() == {"parties": parties, "portals": portals}
    assert (steps["date"] <= as_of).all() and steps["count"].dtype.kind == "i"


@pytest.mark.parametrize("as_of, code, status, category, signature, deposit, eif", [   # None: not known yet
    (date(2015, 1, 1), "ARM", "signed", "signed", date(2010, 12, 31), None, None),   # ratified 2020: not yet
    (TODAY, "ARM", "in_force", "in_force_member", date(2010, 12, 31), date(2020, 9, 7), date(2021, 1, 1)),
    (date(2010, 7, 1), "ALB", "in_force", "in_force_member", ..., date(2009, 4, 14), date(2010, 7, 1)),
    (TODAY, "MAR", "not_signed", "none", None, None, None),
    (TODAY, "TUN", "in_force", "in_force_non_member", None, ..., date(2020, 2, 1)),     # acceded: no signature
])
def test_overview_states_known_on_the_date(warehouse, as_of, code, status, category, signature, deposit, eif):
    row = overview(warehouse, as_of).states.set_index("code").loc[code]
    assert (row["status"], row["category"]) == (status, category)
    for prefix, expected in (("signature", signature), ("deposit", deposit), ("eif", eif)):
        if expected is None:          # not known by the date: nothing of it is shown
            assert pd.isna(row[f"{prefix}_to"]) and pd.isna(row[f"{prefix}_source"]), prefix
        elif expected is not ...:     # ... : not checked
            assert row[f"{prefix}_to"] == expected, prefix
            assert row[f"{prefix}_source"] and row[f"{prefix}_confidence"] in ("high", "medium", "low")


@pytest.mark.parametrize("code, as_of, status, is_party, has_portal, launch", [
    ("MAR", TODAY, "not_signed", False, True, date(2021, 2, 9)),
    ("MAR", date(2020, 1, 1), "not_signed", False, False, None),     # its portal came in 2021
    ("GBR", TODAY, "in_force", True, False, None),
    ("XAC", TODAY, "not_signed", False, True, date(2016, 6, 1)),
])
def test_country_profile(warehouse, code, as_of, status, is_party, has_portal, launch):
    v = profile(warehouse, code, as_of, STAFF)
    assert (v.status, v.is_party, v.portal is not None) == (status, is_party, has_portal)
    if launch:
        assert v.portal.launch_to == launch and v.portal.source and v.portal.confidence in ("high", "medium", "low")
        assert not any("reference" in f.lower() for f in v.portal.funders)
    assert (v.events["date_to"] <= as_of).all()


def test_morocco_caveat_and_launch_conflict(warehouse):
    v = profile(warehouse, "MAR", TODAY, STAFF)
    assert not v.has_events
    assert v.notes["note"].str.contains("invite accession").any()
    assert "9 Feb 2021" in v.portal.notes and "11 Feb 2021" in v.portal.notes
    assert v.portal.funders == ["Global Partnership / Fund to End Violence Against Children"]
    tunisia = profile(warehouse, "TUN", TODAY, STAFF).portal
    assert tunisia.languages is None and tunisia.partners      # not given: None, never 'nan'



def test_portal_statistics_carry_a_state_per_value(warehouse):
    v = profile(warehouse, "UKR", TODAY, STAFF)
    stats = v.stats
    assert v.k == 10 and v.is_demo
    for m in ("received", "actioned", "severity_a", "share_actioned", "share_self"):
        has_value = stats[m].notna()
        assert (has_value == (stats[f"{m}_state"] == cells.VALUE)).all(), m
        assert set(stats[f"{m}_state"]) <= set(cells.STATES)
    hidden = stats[stats["actioned_state"] != cells.VALUE]
    assert (hidden["share_actioned_state"] == hidden["actioned_state"]).all()


def test_network_by_month_reads_received_only(warehouse, monkeypatch):
    """By month only `received` is published (every other measure's flag is NULL there: "not published at
    this grain"): the monthly view reads that measure alone and has no actioned series and no breakdowns."""
    from dashboard import reading
    from dashboard.model import scope
    asked = []
    real = scope.portal_stats

    def spy(engine, audience, unit_kind, period_kind, unit_code=None, measures=None):
        asked.append((unit_kind, period_kind, measures))
        return real(engine, audience, unit_kind, period_kind, unit_code, measures=measures)
    monkeypatch.setattr(scope, "portal_stats", spy)
    v = network(warehouse, TODAY, "month", STAFF)
    assert asked and all(p == "month" and tuple(m) == ("received",) for _, p, m in asked), asked
    assert v.measures == ("received",) and v.outcomes is None and v.hosting is None
    assert list(v.totals.columns) == ["period_start", "received", "received_state"] and len(v.totals) > 12
    assert list(v.regions.columns) == ["period_start", "received", "received_state", "region"]
    assert cells.UNKNOWN not in set(v.totals["received_state"]) | set(v.regions["received_state"])
    y = network(warehouse, TODAY, "year", STAFF)
    assert {"received", "actioned", "not_actioned", "host_europe"} <= set(y.measures)
    assert y.outcomes is not None and y.hosting is not None and "actioned_state" in y.totals.columns
    frame = reading.portal_stats(warehouse, "network", "month", measures=["received", "received"])
    assert [c for c in frame.columns if c.startswith(("received", "actioned"))] == ["received", "received_suppressed"]
    with pytest.raises(ValueError):
        reading.portal_stats(warehouse, "network", "month", measures=["received; DROP TABLE portal_stat"])


def test_network_view(warehouse):
    v = network(warehouse, TODAY, "year", STAFF)
    assert v.launches_region["portals"].sum() == 47 and v.launches_funder["portals"].sum() == 47
    assert NOT_STATED in set(v.launches_funder["funder"])
    assert v.totals is not None and v.is_demo
    for (pub, metric), part in v.figures.groupby(["publisher", "metric"]):
        assert list(part["year"]) == sorted(part["year"]), (pub, metric)


@pytest.mark.parametrize("code, kind, precision, start", [
    ("R1", "round", "month", date(2012, 3, 1)),
    ("URG", "urgent", "month", date(2016, 6, 1)),
    ("URG-COMP", "compliance", "year", date(2018, 1, 1)),
    ("URG-RUS", "urgent", "day", date(2023, 6, 2)),
    ("SURV2024", "survey", "month", date(2024, 2, 1)),
])
def test_committee_rounds_are_dated_periods(warehouse, code, kind, precision, start):
    rounds = committee(warehouse, TODAY, "R1", date(2020, 1, 1)).rounds.set_index("round_code")
    assert (rounds.loc[code, "kind"], rounds.loc[code, "launch_precision"], rounds.loc[code, "launch_from"]) == (
        kind, precision, start)


def test_committee_changes_and_advocacy(warehouse):
    v = committee(warehouse, TODAY, "R1", date(2020, 1, 1))
    assert {"ARM", "IRL"} <= set(v.deposits["country_code"])
    assert (v.deposits["date_to"] >= date(2020, 1, 1)).all()
    assert {"MAR", "GIB", "BMU"} <= set(v.portal_not_party["country_code"])
    assert v.parties.loc[v.parties["country_code"] == "FIN", "reply_submitted"].item() == "yes"
    past = committee(warehouse, date(2015, 1, 1), "R1", date(2014, 1, 1))
    assert (past.deposits["date_to"] <= date(2015, 1, 1)).all() and "ARM" not in set(past.deposits["country_code"])


def test_funder_view(warehouse):
    v = funder_view(warehouse, "Fund to End Violence Against Children", 2013, TODAY.year, TODAY, STAFF)
    assert len(v.portals) > 5 and "ZMB" in set(v.portals["country_code"])
    assert v.launches["count"].iloc[-1] == v.portals["launch_to"].notna().sum()
    assert {str(t) for t in v.totals.dtypes} <= {"int64", "Int64"}
    shown = v.totals.dropna()
    assert (shown["received"] >= shown["actioned"]).all()


def test_funder_totals_of_a_year_with_every_part_hidden_are_hidden_not_zero(warehouse):
    """A year in which every funded portal's value is suppressed has no sum: missing, never 0 (nor "at least 0")."""
    from dashboard.model.funder import funders
    every_part_hidden = 0
    for name in funders(warehouse):
        v = funder_view(warehouse, name, 2013, TODAY.year, TODAY, STAFF)
        stats = reading_stats(warehouse, set(v.portals["portal_code"]))
        for row in v.totals.to_dict("records"):
            year = stats[stats["period_start"].dt.year == row["year"]]
            for m in ("received", "actioned"):
                if year[m].notna().any():
                    assert row[m] == int(year[m].sum()), (name, row)
                else:
                    every_part_hidden += 1
                    assert pd.isna(row[m]) and row[f"{m}_hidden"] == len(year), (name, row)
    assert every_part_hidden  # the demo data has such years: the test is not vacuous


def reading_stats(engine, codes):
    from dashboard import reading
    stats = reading.portal_stats(engine, "portal", "year")
    return stats[stats["unit_code"].isin(codes)]


def test_methodology_view(warehouse):
    v = methodology(warehouse)
    assert v.publication["k"] == 10 and v.publication["is_demo"]
    assert {"countries", "treaties", "portals"} <= set(v.loads["job"])
    assert v.caveats["state"].isna().any()          # notes about all Parties have no country


# --- value states, on tiny frames -------------------------------------------------------------------

@pytest.mark.parametrize("flag, value, state", [
    (0, 12, cells.VALUE), (0, 0, cells.VALUE), (0, None, cells.UNKNOWN), (None, None, cells.UNKNOWN),
    (1, None, cells.SUPPRESSED),                       # today's warehouse: hidden, reason not recorded
    (2, None, cells.SUPPRESSED_THRESHOLD), (3, None, cells.SUPPRESSED_SECONDARY),
])
def test_suppression_state(flag, value, state):
    assert cells.suppression_state(flag, value) == state


@pytest.mark.parametrize("part, part_flag, whole, whole_flag, value, state", [
    (25, 0, 100, 0, 25.0, cells.VALUE),
    (None, 1, 100, 0, None, cells.SUPPRESSED),
    (25, 0, None, 3, None, cells.SUPPRESSED_SECONDARY),
    (0, 0, 0, 0, None, cells.NOT_APPLICABLE),
])
def test_derived_share_keeps_the_state(part, part_flag, whole, whole_flag, value, state):
    raw = pd.DataFrame({"period_start": ["2024-01-01"], "a": [part], "a_suppressed": [part_flag],
                        "b": [whole], "b_suppressed": [whole_flag]})
    frame = cells.share(cells.with_states(raw, ["a", "b"]), "a", "b", "s")
    got = frame["s"].iloc[0]
    assert (None if pd.isna(got) else got, frame["s_state"].iloc[0]) == (value, state)


def test_stacked_parts_draw_the_hidden_remainder():
    raw = pd.DataFrame({"period_start": ["2024-01-01", "2025-01-01"], "t": [30, None], "t_suppressed": [0, 1],
                        "x": [20, None], "x_suppressed": [0, 1], "y": [None, 12], "y_suppressed": [1, 0],
                        "z": [None, None], "z_suppressed": [1, 1]})
    parts = cells.stack_parts(cells.with_states(raw, ["t", "x", "y", "z"]), "t", ["x", "y", "z"])
    rows = {(str(r.period_start)[:4], r.part): (None if pd.isna(r.value) else r.value, r.state)
            for r in parts.itertuples()}
    assert rows == {("2024", "x"): (20, "value"), ("2024", "hidden:y,z"): (10, "suppressed"),
                    ("2025", "y"): (12, "value"), ("2025", "hidden:x,z"): (None, "suppressed")}


def test_funder_names_from_the_sources_wording():
    assert funder_group("Global Partnership / Fund to End Violence Against Children; reference: IWF page") == \
        "Fund to End Violence Against Children"
    assert funder_group(None) == NOT_STATED and funder_group("reference: somewhere") == NOT_STATED

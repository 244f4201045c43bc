"""Audiences: what each one sees of the statistics (dashboard.audience.scope_filter), on SQLite and PostgreSQL."""
import pandas as pd
import pytest

from dashboard import reading
from dashboard.audience import (HIDDEN_FEW, MIN_PORTALS, PUBLIC, STAFF, Audience, State, cell, region_group,
                                scope_filter, total, visible_portals)
from etl import config
from etl.db import make_engine
from etl.jobs import run_jobs
from tests.backends import backend
from .conftest import protect_once


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def built(request, tmp_path_factory):
    """One database per backend for the whole module (built once: the rules only read it)."""
    tmp = tmp_path_factory.mktemp("audience")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("etl.stats_publication.protect", protect_once)
        mp.setattr(config, "VAR_DIR", tmp / "var")
        mp.setattr("etl.portal_stats_demo.REPORTS", 3000)
        with backend(request.param, tmp) as url:
            engine = make_engine(url)
            run_jobs(engine)
            yield _frames(engine)
            engine.dispose()


def _frames(engine):
    stats = pd.concat([reading.portal_stats(engine, kind, grain)
                       for kind in ("portal", "region", "network") for grain in ("month", "year")], ignore_index=True)
    return stats, reading.portals(engine)


def _values(frame):
    """Every published number of a frame: what a page, CSV or briefing could print."""
    from etl.stats_format import MEASURES
    return {int(v) for m in MEASURES for v in frame[m] if v is not None and not pd.isna(v)}


def test_staff_sees_everything(built):
    stats, portals = built
    out = scope_filter(STAFF, stats, portals)
    assert len(out) == len(stats) and out["hidden"].isna().all()


def test_public_sees_yearly_aggregates_of_three_portals_or_more(built):
    stats, portals = built
    out = scope_filter(PUBLIC, stats, portals)
    assert set(out["unit_kind"]) <= {"region", "network"}
    assert set(out["period_kind"]) == {"year"}
    shown = out[out["hidden"].isna()]
    assert len(shown) > 0
    # regions of fewer than MIN_PORTALS portals (Europe: one portal) are said to be hidden, never zero
    europe = out[out["unit_code"] == "Europe"]
    assert len(europe) > 0 and (europe["hidden"] == HIDDEN_FEW).all()
    assert europe["received"].isna().all() and (europe["received_suppressed"] == 1).all()
    assert cell(europe.iloc[0], "received").state is State.HIDDEN
    assert str(cell(europe.iloc[0], "received")).startswith("hidden")
    # no number of the single-portal region reaches the public frame unless some other cell has it too
    europe_portal = stats[(stats["unit_kind"] == "portal") & (stats["unit_code"].isin(
        portals.loc[[region_group(r) == "Europe" for r in portals["region"]], "portal_code"]))]
    assert len(europe_portal) > 0


def test_hidden_regions_never_stand_alone(built):
    """network minus the visible regions must not give back one hidden region."""
    stats, portals = built
    out = scope_filter(PUBLIC, stats, portals)
    for year, rows in out[out["unit_kind"] == "region"].groupby("period_start"):
        n_hidden = rows["hidden"].notna().sum()
        assert n_hidden == 0 or n_hidden >= 2, (year, n_hidden)


def test_partner_sees_its_portal_and_no_other(built):
    stats, portals = built
    mar = Audience("partner", portals=frozenset({"mar"}))
    assert visible_portals(mar, portals) == {"MAR"}
    out = scope_filter(mar, stats, portals)
    assert set(out.loc[out["unit_kind"] == "portal", "unit_code"]) == {"MAR"}
    assert set(out.loc[out["unit_kind"] == "portal", "period_kind"]) == {"year"}   # portals are published by year
    # partner sees at least what the public sees
    public = scope_filter(PUBLIC, stats, portals)
    assert len(out[out["unit_kind"] != "portal"]) == len(public)
    # a portal's own months add up to its year; nothing about another portal is in the frame
    others = stats[(stats["unit_kind"] == "portal") & (stats["unit_code"] != "MAR")]
    assert not set(out["unit_code"]) & set(others["unit_code"])


def test_funder_sees_the_portals_it_funded(built):
    stats, portals = built
    fund = Audience("funder", funders=frozenset({"Fund to End Violence Against Children"}))
    scope = visible_portals(fund, portals)
    assert len(scope) >= 3
    out = scope_filter(fund, stats, portals)
    assert set(out.loc[out["unit_kind"] == "portal", "unit_code"]) <= scope  # portals with data


def test_a_region_never_gives_away_the_one_other_portal(built):
    """Region minus the reader's own portals must not leave exactly one portal."""
    stats, portals = built
    from dashboard.audience import _portals_by_region_year
    years = sorted({d.year for d in stats["period_start"]})
    running = _portals_by_region_year(portals, years)
    for region, year in [(r, y) for (r, y), m in running.items() if len(m) == MIN_PORTALS]:
        members = sorted(running[(region, year)])
        reader = Audience("partner", portals=frozenset(members[:2]))
        out = scope_filter(reader, stats, portals)
        row = out[(out["unit_kind"] == "region") & (out["unit_code"] == region)
                  & (out["period_start"].dt.year == year)]
        assert len(row) == 0 or row["hidden"].notna().all(), (region, year)
        break
    else:
        pytest.skip("no region-year with exactly MIN_PORTALS portals")


def test_a_region_never_gives_away_the_sum_of_two_other_portals(built):
    """Region minus the reader's own portal must not leave a sum of two portals (each of whose partners
    could then work out the other's figure): a partner in a region of exactly MIN_PORTALS portals sees
    that region hidden."""
    stats, portals = built
    from dashboard.audience import _portals_by_region_year
    years = sorted({d.year for d in stats["period_start"]})
    running = _portals_by_region_year(portals, years)
    cases = [(r, y) for (r, y), m in running.items() if len(m) == MIN_PORTALS]
    if not cases:
        pytest.skip("no region-year with exactly MIN_PORTALS portals")
    for region, year in cases:
        members = sorted(running[(region, year)])
        out = scope_filter(Audience("partner", portals=frozenset(members[:1])), stats, portals)
        row = out[(out["unit_kind"] == "region") & (out["unit_code"] == region)
                  & (out["period_start"].dt.year == year)]
        assert len(row) == 0 or row["hidden"].notna().all(), (region, year)


def test_public_threshold_is_at_least_the_published_one(built, monkeypatch):
    stats, portals = built
    monkeypatch.setenv("LANZAROTE_PUBLIC_K", "1000000")
    out = scope_filter(PUBLIC, stats, portals)
    assert out["hidden"].notna().all()
    assert _values(out) == set()
    monkeypatch.setenv("LANZAROTE_PUBLIC_K", "1")  # lower than the published k: the published k holds
    from dashboard.audience import public_k
    assert public_k(10) == 10


@pytest.mark.parametrize("k", [50, 100, 200, 300, 500, 1000])
def test_network_minus_visible_regions_is_never_below_the_public_threshold(built, monkeypatch, k):
    """The hidden regions' sum (network minus the visible regions) is a figure the public works out:
    it meets the public threshold too, else another region (or the network total) is hidden."""
    stats, portals = built
    monkeypatch.setenv("LANZAROTE_PUBLIC_K", str(k))
    for audience in (PUBLIC, Audience("partner", portals=frozenset({"MAR"}))):
        out = scope_filter(audience, stats, portals)
        out = out[(out["period_kind"] == "year") & out["unit_kind"].isin(["network", "region"])]
        for year, rows in out.groupby(out["period_start"].dt.year):
            network, regions = rows[rows["unit_kind"] == "network"], rows[rows["unit_kind"] == "region"]
            if network.empty or network["hidden"].notna().all() or regions["hidden"].isna().all():
                continue
            visible = regions[regions["hidden"].isna()]["received"]
            if pd.isna(network["received"].iloc[0]) or visible.isna().any():
                continue  # not an exact difference
            derived = int(network["received"].iloc[0]) - int(visible.astype(int).sum())
            assert derived >= k, (audience.kind, year, derived)


def test_totals_say_hidden_never_zero(built):
    stats, portals = built
    mar = Audience("partner", portals=frozenset({"MAR"}))
    out = scope_filter(mar, stats, portals)
    nothing = out[(out["unit_kind"] == "portal") & (out["unit_code"] == "GBR")]
    t = total(nothing, "received")
    assert t.state is State.HIDDEN and t.value is None and "0" not in str(t)
    mine = out[(out["unit_kind"] == "portal") & (out["unit_code"] == "MAR") & (out["period_kind"] == "year")]
    t = total(mine, "received", expected_units=["MAR", "ZMB"])
    assert t.state is State.SHOWN and t.at_least


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        Audience("admin")


def test_rows_hidden_upstream_stay_hidden(built):
    stats, portals = built
    stats = stats.copy()
    stats["hidden"] = None
    row = stats.index[(stats["unit_kind"] == "network") & (stats["period_kind"] == "year")][-1]
    stats.loc[row, "hidden"] = "hidden by the database"
    out = scope_filter(PUBLIC, stats, portals)
    assert out.loc[row, "hidden"] == "hidden by the database"
    assert cell(out.loc[row], "received").state is State.HIDDEN and pd.isna(out.loc[row, "received"])


def test_hidden_regions_are_said_hidden_in_the_region_chart(built):
    """The public's chart of regions marks each hidden region-year (on the axis, what it is on hover),
    as the trend charts do: a hidden region is not a line that silently stops or never starts."""
    from dashboard import charts
    from dashboard.formatting import state_labels
    from dashboard.model.cells import with_states
    stats, portals = built
    seen = scope_filter(PUBLIC, stats, portals)
    reg = seen[(seen["unit_kind"] == "region") & (seen["period_kind"] == "year")]
    regions = with_states(reg, ["received"]).assign(region=reg["unit_code"].to_numpy())   # as model.network
    labels = state_labels("en")
    hidden = regions[regions["received_state"] != "value"]
    assert len(hidden)
    fig = charts.lines(regions, "period_start", "region", "received", "t", states="received_state",
                       state_labels=labels)
    marks = [tr for tr in fig.data if tr.marker and tr.marker.symbol == "x-open"]
    assert len(marks) == 1
    said = set(marks[0].text)
    for r in hidden.itertuples():
        assert f"{r.region}: {labels[r.received_state]}" in said
    assert all(y == 0 for y in marks[0].y) and len(marks[0].x) == len(hidden)
    assert "withheld_" not in marks[0].name and "hidden" in marks[0].name

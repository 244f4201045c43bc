"""Revisions of the portal list, attacked the way the hostile review attacked them: publish a demo set,
correct a portal's launch to a later month, move a portal to another region, remove a portal, publishing
after each; then solve all the publications together (tests/attacker.py), as someone who kept every one
of them would. Before, the launch correction took a portal's early counts out of every total, and the
difference between two publications gave them away exactly."""
import io
from datetime import date

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from etl import demo_stats, stats_publication
from etl.db import make_engine
from etl.jobs import run_jobs
from etl.stats_format import region_group

from .attacker import Attacker
from .test_portal_stats import load
from .test_stats_sources import _portal_list

K = 10


def _capture(monkeypatch) -> list:
    """Every Table the publications build, in order (with what it was built from: `.given`)."""
    tables, real = [], stats_publication.build

    def spy(*args, **kwargs):
        tables.append(real(*args, **kwargs))
        tables[-1].given = (args, kwargs)
        return tables[-1]
    monkeypatch.setattr(stats_publication, "build", spy)
    return tables


def _variable(i: int, key: str) -> str:
    """A portal's cell is the same count in every publication (the same loads); a regional or network
    total is each publication's own sum of the portals it counted."""
    return key if key.startswith("portal|") else f"{i}|{key}"


def joint_attacker(tables):
    """All the publications as one system: a portal's cell (unit, period, measure) is one unknown in all of
    them, known if any publication showed it, at least 1 if one showed it hidden; every publication's sums
    over them."""
    index, values = {}, []
    for i, table in enumerate(tables):
        for key, value in zip(table.cells.keys, table.cells.values.tolist()):
            key = _variable(i, key)
            if key in index:
                assert values[index[key]] == value, f"a revision changed the true value of {key}"
            else:
                index[key] = len(values)
                values.append(value)
    n = len(values)
    known, lower, primary = np.zeros(n, bool), np.zeros(n, np.int64), np.zeros(n, bool)
    pairs = []
    for i, table in enumerate(tables):
        at = np.array([index[_variable(i, key)] for key in table.cells.keys])
        known[at[~table.cells.hidden]] = True
        lower[at] = np.maximum(lower[at], table.cells.lower)
        primary[at] |= table.cells.primary
        for totals, parts in table.cells.relations.groups.values():
            pairs += [(int(t), p.tolist()) for t, p in zip(at[totals], at[parts])]
    keys = sorted(index, key=index.get)
    return Attacker(np.array(values), known, pairs, lower), np.array(values), known, lower, primary, keys


@pytest.fixture
def revisions(tmp_path, data_dir, monkeypatch):
    """A 1,500-report demo published, then three revisions of the portal list, each published again."""
    engine = make_engine(f"sqlite:///{tmp_path / 'revisions.sqlite'}")
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir, out=io.StringIO())
    path = tmp_path / "demo.csv"
    with engine.connect() as conn:
        demo_stats.generate(conn, 7, 1500, path, end=date(2026, 10, 31))
    tables = _capture(monkeypatch)
    assert load(engine, path).outcome == "ok"
    with engine.connect() as conn:
        yearly = {(r.unit_code, int(str(r.period_start)[:4])): r.received for r in conn.execute(text(
                      "SELECT unit_code, period_start, received FROM v_portal_stats "
                      "WHERE unit_kind = 'portal' AND period_kind = 'year'"))}
        portals = {r.portal_code: r for r in conn.execute(text("SELECT portal_code, region FROM portal"))}
    # The portal with the most hidden yearly counts in the year after its launch: a later launch takes that
    # year away from it, the case the review attacked.
    hidden_first = [(code, year) for (code, year), received in yearly.items() if received is None
                    and (code, year - 1) not in yearly and (code, year + 1) in yearly]
    late, late_year = hidden_first[0]
    moving = next(code for code in sorted(portals) if code != late and portals[code].region
                  and any(c == code for c, _ in yearly))
    removing = next(code for code in sorted(portals) if code not in (late, moving)
                    and any(c == code and v is None for (c, _), v in yearly.items()))
    other_region = next(r.region for r in portals.values() if r.region and r.region.split(" (")[0]
                        != portals[moving].region.split(" (")[0])
    _portal_list(data_dir, lambda rows: [dict(r, launch_date=f"{late_year + 1}-01", launch_precision="month")
                                         if r["portal_code"] == late else r for r in rows])
    launch = run_jobs(engine, ["portals"], data_dir=data_dir, out=io.StringIO())[-1]
    _portal_list(data_dir, lambda rows: [dict(r, region=other_region) if r["portal_code"] == moving else r
                                         for r in rows])
    moved = run_jobs(engine, ["portals"], data_dir=data_dir, out=io.StringIO())[-1]
    _portal_list(data_dir, lambda rows: [r for r in rows if r["portal_code"] != removing])
    removed = run_jobs(engine, ["portals"], data_dir=data_dir, out=io.StringIO())[-1]
    yield dict(engine=engine, tables=tables, late=late, moving=moving, removing=removing,
               reports=(launch, moved, removed))
    engine.dispose()


def test_revisions_of_the_portal_list_keep_every_total_and_say_why(revisions):
    launch, moved, removed = revisions["reports"]
    assert [r.outcome for r in (launch, moved, removed)] == ["ok"] * 3
    assert f"before the launch month the portal list gives, kept in their figures (check the launch date): " \
           f"{revisions['late']}" in launch.message
    assert f"not the one the portal list gives now: {revisions['moving']}" in moved.message
    assert f"kept in their region's totals, not published on their own: {revisions['removing']}" in removed.message
    tables = revisions["tables"]
    assert len(tables) == 4
    first = dict(zip(tables[0].keys, tables[0].values.tolist()))
    for table in tables[1:]:  # every row published again has its true values unchanged
        for key, value in zip(table.keys, table.values.tolist()):
            assert first.get(key, value) == value, key
    with revisions["engine"].connect() as conn:
        units = set(conn.execute(text("SELECT unit_code FROM v_portal_stats WHERE unit_kind = 'portal'")).scalars())
    assert revisions["removing"] not in units and revisions["late"] in units


def test_a_moved_portal_counts_where_the_totals_count_it_for_every_audience(revisions):
    """The review: after a region move, the audience rules counted the region's members from the list (3 now,
    1 in its totals) and showed the public a region total that was one portal's figures."""
    from dashboard import reading
    from dashboard.audience import Audience, _portals_by_region_year, scope_filter
    engine, moving, removing = revisions["engine"], revisions["moving"], revisions["removing"]
    portals = reading.portals(engine)
    row = portals.set_index("portal_code").loc[moving]
    assert row["stats_region"] != region_group(row["region"])   # the list moved it; the totals did not
    with engine.connect() as conn:
        counted = dict(conn.execute(text("SELECT portal_code, region_group FROM stat_portal_region")).all())
        listed = dict(conn.execute(text("SELECT portal_code, listed FROM stat_portal_region")).all())
    assert counted[moving] == row["stats_region"] and not listed[removing] and listed[moving]
    running = _portals_by_region_year(portals, range(2010, 2027))
    assert all(counted[code] == region for (region, _), codes in running.items() for code in codes)
    with engine.connect() as conn:
        stats = pd.read_sql(text("SELECT * FROM v_portal_stats"), conn, parse_dates=["period_start"])
    public = scope_filter(Audience("public"), stats, portals)
    shown = public[(public["unit_kind"] == "region") & public["hidden"].isna()]
    for _, r in shown.iterrows():
        assert len(running.get((r["unit_code"], r["period_start"].year), ())) >= 3, r["unit_code"]


def test_the_subtraction_attack_over_every_publication_finds_nothing(revisions):
    """The review's attack: every publication held at once. No threshold cell narrower than k, no hidden
    cell pinned; the changed portals' cells and their regions' first of all."""
    attacker, values, known, lower, primary, keys = joint_attacker(revisions["tables"])
    changed = tuple(f"portal|{revisions[name]}|" for name in ("late", "moving", "removing"))
    near = np.array([key.startswith(changed) or key.startswith("region|") for key in keys])
    protected = np.nonzero(primary & ~known)[0]
    assert len(protected) > 50 and (primary & ~known & near).any()
    rng = np.random.default_rng(7)
    sample = np.unique(np.concatenate([protected[near[protected]][:150],
                                       rng.choice(protected, min(100, len(protected)), replace=False)]))
    assert attacker.narrow(sample, K) == {}
    others = np.nonzero(~known & ~primary & (lower == 1))[0]
    assert attacker.narrow(others[near[others]][:60], 1) == {}


def test_the_joint_attacker_recovers_counts_a_revision_took_out_of_the_totals(revisions):
    """The attack is real: the last revision built as before this fix (the removed portal's counts in no
    total, as when no publication recorded its region) lets the attacker subtract two publications and pin
    the removed portal's hidden counts."""
    tables = revisions["tables"]
    args, kwargs = tables[-1].given
    old_way = stats_publication.build(*args, **dict(kwargs, regions={}))
    assert old_way.dropped == (revisions["removing"],)
    attacker, values, known, lower, primary, keys = joint_attacker(tables[:-1] + [old_way])
    removing = f"portal|{revisions['removing']}|"
    theirs = np.nonzero(np.array([key.startswith(removing) and key.split("|")[2] == "year" for key in keys])
                        & ~known & primary)[0]
    assert len(theirs)
    pinned = attacker.narrow(theirs, 1)
    assert pinned and all(lo == hi == values[cell] for cell, (lo, hi) in pinned.items())

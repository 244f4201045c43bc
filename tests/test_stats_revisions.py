"""Revisions of the portal list, attacked the way the hostile review attacked them: publish a demo set,
correct a portal's launch to a later month, move a portal to another region, remove a portal, publishing
after each; then solve all the publications together (tests/attacker.py), as someone who kept every one
of them would. Before, the launch correction took a portal's early counts out of every total, and the
difference between two publications gave them away exactly."""
import dataclasses
import io
from datetime import date

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from etl import demo_stats, portal_stats, stats_publication, stats_reading
from etl.db import make_engine
from etl.jobs import run_jobs
from etl.stats_format import region_group
from etl.stats_store import fold_publication

from .attacker import Attacker
from .test_portal_stats import load
from .test_stats_sources import _portal_list

K = 10


def _capture(monkeypatch) -> list:
    """Every Table the publications build, in order (with what it was built from: `.given`). A publication
    built before a file's repeated references were counted, and taken back, is not one."""
    tables, real, marks = [], stats_publication.build, []
    real_scan, real_drop = portal_stats.scan_reports, stats_reading.Scanned.drop_repeated

    def spy(*args, **kwargs):
        tables.append(real(*args, **kwargs))
        tables[-1].given = (args, kwargs)
        return tables[-1]

    def scan(*args, **kwargs):
        marks.append(len(tables))
        return real_scan(*args, **kwargs)

    def drop(scanned, rejects):
        del tables[marks[-1]:]
        return real_drop(scanned, rejects)
    monkeypatch.setattr(stats_publication, "build", spy)
    monkeypatch.setattr(portal_stats, "scan_reports", scan)
    monkeypatch.setattr(stats_reading.Scanned, "drop_repeated", drop)
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
    # without the regions, the removed portal's counts leave the totals: below what the record says was
    # shown, so the build needs every publication itself, as publish() reads them
    every = [dataclasses.replace(fold_publication(None, t.keys, t.values, t.hidden), cumulative=False)
             for t in tables[:-1]]
    old_way = stats_publication.build(*args[:4], every, *args[5:], **dict(kwargs, regions={}))
    assert old_way.dropped == (revisions["removing"],)
    attacker, values, known, lower, primary, keys = joint_attacker(tables[:-1] + [old_way])
    removing = f"portal|{revisions['removing']}|"
    theirs = np.nonzero(np.array([key.startswith(removing) and key.split("|")[2] == "year" for key in keys])
                        & ~known & primary)[0]
    assert len(theirs)
    pinned = attacker.narrow(theirs, 1)
    assert pinned and all(lo == hi == values[cell] for cell, (lo, hi) in pinned.items())


# --- loads that add counts: each table is at least the one before ----------------------------------

def ordered_attacker(tables):
    """The publications of successive loads: every publication's cells are its own unknowns, and the
    attacker also knows that counts only grow (a cell is at least the same cell of the publication before:
    later = earlier + a growth >= 0, the growth an unknown of its own)."""
    values, known, lower, primary, pairs, keys = [], [], [], [], [], []
    previous = {}
    for i, table in enumerate(tables):
        cells, start = table.cells, len(values)
        values += cells.values.tolist()
        known += (~cells.hidden).tolist()
        lower += cells.lower.tolist()
        primary += cells.primary.tolist()
        keys += [f"{i}|{key}" for key in cells.keys]
        for totals, parts in cells.relations.groups.values():
            pairs += [(int(t) + start, (p + start).tolist()) for t, p in zip(totals, parts)]
        here = {key: start + j for j, key in enumerate(cells.keys)}
        for key, at in here.items():
            if key in previous:
                growth = len(values)
                values.append(values[at] - values[previous[key]])
                assert values[-1] >= 0, key
                known.append(False)
                lower.append(0)
                primary.append(False)
                keys.append(f"growth|{i}|{key}")
                pairs.append((at, [previous[key], growth]))
        previous = here
    values, known, lower, primary = map(np.array, (values, known, lower, primary))
    return Attacker(values, known, pairs, lower), values, known, primary, keys


def _demo_in_two_loads(tmp_path, monkeypatch, first, second, seed=7, reports=1500):
    """A demo set loaded as two files (rows chosen by `first`, then `second`, each a filter on the rows),
    published after each; returns the two Tables."""
    engine = make_engine(f"sqlite:///{tmp_path / 'loads.sqlite'}")
    run_jobs(engine, ["portals", "figures"], out=io.StringIO())
    path = tmp_path / "demo.csv"
    with engine.connect() as conn:
        demo_stats.generate(conn, seed, reports, path, end=date(2026, 10, 31))
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    tables = _capture(monkeypatch)
    for name, pick in (("one.csv", first), ("two.csv", second)):
        part = pick(rows)
        part.to_csv(tmp_path / name, index=False)
        report = load(engine, tmp_path / name)
        assert report.outcome == "ok", report.message
    engine.dispose()
    return tables


def test_a_monthly_import_leaves_no_narrow_interval_in_either_publication(tmp_path, monkeypatch):
    """The usual workflow: January 2026 to September in one file, October in the next. The ordered attacker
    on both publications finds no small cell of either narrower than k (2026 first: the cells that grew)."""
    october = lambda rows: rows["received_date"] >= "2026-10-01"
    tables = _demo_in_two_loads(tmp_path, monkeypatch, lambda rows: rows[~october(rows)],
                                lambda rows: rows[october(rows)])
    attacker, values, known, primary, keys = ordered_attacker(tables)
    protected = np.nonzero(primary & ~known)[0]
    grew = np.array(["|2026-" in key for key in keys])
    rng = np.random.default_rng(3)
    sample = np.unique(np.concatenate([protected[grew[protected]][:200],
                                       rng.choice(protected, min(60, len(protected)), replace=False)]))
    assert (grew[sample]).sum() > 100
    assert attacker.narrow(sample, K) == {}


def _reports(portal: str, day: str, n: int, tag: str) -> pd.DataFrame:
    """`n` reports not actioned for one portal on one day (a late file)."""
    return pd.DataFrame({"report_ref": [f"{tag}-{i}" for i in range(n)], "portal": portal, "received_date": day,
                         "outcome": "not_actioned", "media_type": "", "severity": "", "youngest_age": "",
                         "self_generated": "", "hosting_country": "", "demo": "yes"})


def test_a_small_late_file_narrows_no_earlier_hidden_cell(tmp_path, monkeypatch):
    """The leak the second review found: a late file of a few reports for one portal showed a cell that was
    hidden (AIA 2026 `received`: 3 hidden, then 12 shown), and the growth of the regional totals bounded the
    earlier value to [3, 12]. Now a cell hidden once stays hidden and new proofs stay above the last
    publication: the ordered attacker narrows nothing in either publication. Built without the earlier
    publication, the second one gives the cell away again, so the attacker is real."""
    whole = lambda rows: rows
    chosen = []

    def late(rows):
        counts = rows[(rows["received_date"] >= "2026-01-01")].groupby("portal").size()
        portal = counts[(counts >= 2) & (counts <= 6)].index[0]
        chosen.append(portal)
        return _reports(portal, "2026-10-15", 12 - int(counts[portal]), "LATE")
    published = _demo_in_two_loads(tmp_path, monkeypatch, whole, late, reports=1000)
    portal = chosen[0]
    attacker, values, known, primary, keys = ordered_attacker(published)
    cell = keys.index(f"0|portal|{portal}|year|2026-01-01|received")
    later = keys.index(f"1|portal|{portal}|year|2026-01-01|received")
    assert not known[cell] and primary[cell] and values[later] == 12 and not known[later]
    protected = np.nonzero(primary & ~known)[0]
    near = np.array([f"|{portal}|" in key or "region|" in key or "|2026-" in key for key in keys])
    rng = np.random.default_rng(5)
    sample = np.unique(np.concatenate([[cell], protected[near[protected]][:200],
                                       rng.choice(protected, min(60, len(protected)), replace=False)]))
    assert attacker.narrow(sample, K) == {}
    published_hidden = published[1].cells.hidden & (published[1].cells.lower == 1) & ~published[1].cells.primary
    hidden_later = np.array([keys.index(f"1|{key}") for key in np.array(published[1].cells.keys)[published_hidden]])
    assert attacker.narrow(hidden_later[near[hidden_later]][:80], 1) == {}

    args, kwargs = published[1].given
    unaware = stats_publication.build(*args[:4], None, **dict(kwargs, floor={}))
    attacker, values, known, primary, keys = ordered_attacker([published[0], unaware])
    cell = keys.index(f"0|portal|{portal}|year|2026-01-01|received")
    (lo, hi), = attacker.narrow([cell], K).values()
    assert hi - lo < K and lo <= values[cell] <= hi


def test_a_launch_corrected_later_proves_the_cells_hidden_before_again(tmp_path, data_dir, monkeypatch):
    """The third review: KEN's 3 reports of 2021 (all in December) were hidden, proved by moving KEN's
    earlier months of 2021. Its launch corrected to December 2021 makes those months known zeros, and the
    published December total of the region then bounds the earlier 3 to [1, 10]. Nothing published now
    can undo that: the cells hidden before are proved again, and the publication says how narrow."""
    engine = make_engine(f"sqlite:///{tmp_path / 'launch.sqlite'}")
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir, out=io.StringIO())
    parts = [("KEN", "2021-12-05", 3), ("UGA", "2021-03-10", 12), ("UGA", "2021-12-06", 4), ("UGA", "2020-07-07", 25),
             ("UGA", "2022-02-02", 25), ("TZA", "2021-05-10", 20), ("TZA", "2021-12-07", 3),
             ("TZA", "2022-04-04", 25), ("IND", "2021-06-06", 20), ("IND", "2021-12-08", 15),
             ("IND", "2020-05-05", 25), ("IND", "2022-06-06", 25)]
    pd.concat([_reports(p, d, n, f"R{i}") for i, (p, d, n) in enumerate(parts)]).to_csv(tmp_path / "a.csv",
                                                                                        index=False)
    tables = _capture(monkeypatch)
    assert load(engine, tmp_path / "a.csv").outcome == "ok"
    _portal_list(data_dir, lambda rows: [dict(r, launch_date="2021-12", launch_precision="month")
                                         if r["portal_code"] == "KEN" else r for r in rows])
    report = run_jobs(engine, ["portals"], data_dir=data_dir, out=io.StringIO())[-1]
    assert report.outcome == "ok" and "already bounds narrower than the width" in report.message
    with engine.connect() as conn:
        narrowest = conn.execute(text("SELECT narrowest FROM v_stat_publication ORDER BY load_id")).scalars().all()
    engine.dispose()
    assert narrowest[0] >= K and narrowest[-1] < K
    attacker, values, known, primary, keys = ordered_attacker(tables)
    cell = keys.index("1|portal|KEN|year|2021-01-01|received")
    (lo, hi), = attacker.narrow([cell], K).values()
    assert hi - lo >= narrowest[-1] and tables[1].bounded


def test_a_launch_put_back_later_after_counts_were_added_is_proved_again_and_holds(tmp_path, data_dir, monkeypatch):
    """A hostile review (2026-12-05): LKA's launch corrected to an earlier month, counts added, then the
    launch put back. The new known zeros oblige the control to prove the cells hidden before again; proofs
    above the last publication of fewer loads find none for cells that did not grow (the portal list change
    was refused). Proofs that move every earlier table by the same amounts do; the ordered attacker over all
    four publications finds no small cell narrower than k and pins no hidden cell."""
    from .test_portal_stats import REPORTS
    engine = make_engine(f"sqlite:///{tmp_path / 'back.sqlite'}")
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir, out=io.StringIO())
    tables = _capture(monkeypatch)
    assert load(engine, REPORTS).outcome == "ok"
    original = []
    _portal_list(data_dir, lambda rows: original.extend(rows) or [
        dict(r, launch_date="2023-06", launch_precision="month") if r["portal_code"] == "LKA" else r for r in rows])
    assert run_jobs(engine, ["portals"], data_dir=data_dir, out=io.StringIO())[-1].outcome == "ok"
    _reports("LKA", "2024-05-03", 3, "L").drop(columns="demo").to_csv(tmp_path / "lka.csv", index=False)
    assert load(engine, tmp_path / "lka.csv").outcome == "ok"
    _portal_list(data_dir, lambda rows: original)
    report = run_jobs(engine, ["portals"], data_dir=data_dir, out=io.StringIO())[-1]
    engine.dispose()
    assert report.outcome == "ok", report.message
    assert len(tables) == 4 and tables[-1].carried
    attacker, values, known, primary, keys = ordered_attacker(tables)
    protected = np.nonzero(primary & ~known)[0]
    assert len(protected) > 50 and attacker.narrow(protected, K) == {}
    index = {key: i for i, key in enumerate(keys)}
    others = np.array([index[f"{i}|{key}"] for i, table in enumerate(tables) for key, hidden_published in
                       zip(table.cells.keys, table.cells.hidden & (table.cells.lower == 1) & ~table.cells.primary)
                       if hidden_published])
    assert len(others) > 20 and attacker.narrow(others, 1) == {}


def test_a_launch_refined_to_its_day_after_two_loads_is_proved_again_and_holds(tmp_path, data_dir, monkeypatch):
    """The common case of the same limit: ICMEC's launch known only as 2022, then refined to a day in
    September, after the statistics arrived in two loads. January to August 2022 become known zeros; the
    cells hidden before are proved again, and the ordered attacker over the three publications finds no small
    cell of 2022 or of ICMEC narrower than k."""
    engine = make_engine(f"sqlite:///{tmp_path / 'refine.sqlite'}")
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir, out=io.StringIO())
    path = tmp_path / "demo.csv"
    with engine.connect() as conn:
        demo_stats.generate(conn, 7, 1500, path, end=date(2026, 10, 31))
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    tables = _capture(monkeypatch)
    for name, part in (("one.csv", rows[rows["received_date"] < "2026-01-01"]),
                       ("two.csv", rows[rows["received_date"] >= "2026-01-01"])):
        part.to_csv(tmp_path / name, index=False)
        assert load(engine, tmp_path / name).outcome == "ok"
    _portal_list(data_dir, lambda rows: [dict(r, launch_date="2022-09-15", launch_precision="day")
                                         if r["portal_code"] == "ICMEC" else r for r in rows])
    report = run_jobs(engine, ["portals"], data_dir=data_dir, out=io.StringIO())[-1]
    engine.dispose()
    assert report.outcome == "ok", report.message
    attacker, values, known, primary, keys = ordered_attacker(tables)
    protected = np.nonzero(primary & ~known)[0]
    near = np.array(["|2022-" in key or "|ICMEC|" in key for key in keys])
    rng = np.random.default_rng(13)
    sample = np.unique(np.concatenate([protected[near[protected]][:200],
                                       rng.choice(protected, min(60, len(protected)), replace=False)]))
    assert near[sample].sum() > 50 and attacker.narrow(sample, K) == {}


def test_a_launch_fix_that_bounds_a_small_count_of_an_earlier_publication_says_so(tmp_path, data_dir, monkeypatch):
    """A hostile review (2026-12-05): MAR's 3 reports of October 2026 hidden, the region's October total 10
    shown; 9 more reports added; then MAR's launch corrected to October 2026. Its earlier months are zeros,
    so its 2026 total in the first publication is at most the region's October: [1, 10], narrower than k,
    and no publication now can undo that. Proved again alike in every table, a cell small in an earlier
    publication needs the width; where the launch date and what was shown bound it, it is reported and the
    narrowest interval recorded is that bound (before, the first publication's 3 was left unchecked)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'mar.sqlite'}")
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir, out=io.StringIO())
    tables = _capture(monkeypatch)
    parts = [("TUN", f"2026-{m:02d}-05", 5) for m in range(1, 10)] + [("TUN", "2026-10-05", 7)] + \
        [("UKR", f"2026-{m:02d}-07", 20) for m in range(1, 11)] + [("MAR", "2026-10-06", 3)]
    for name, rows in (("one.csv", parts), ("two.csv", [("MAR", "2026-10-20", 9)])):
        pd.concat([_reports(p, d, n, f"{name[:3]}{i}") for i, (p, d, n) in enumerate(rows)]).drop(
            columns="demo").to_csv(tmp_path / name, index=False)
        assert load(engine, tmp_path / name).outcome == "ok"
    _portal_list(data_dir, lambda rows: [dict(r, launch_date="2026-10", launch_precision="month")
                                         if r["portal_code"] == "MAR" else r for r in rows])
    report = run_jobs(engine, ["portals"], data_dir=data_dir, out=io.StringIO())[-1]
    with engine.connect() as conn:
        narrowest = conn.execute(text("SELECT narrowest FROM v_stat_publication ORDER BY load_id DESC")).scalar()
    assert report.outcome == "ok" and "already bounds narrower than the width" in report.message
    attacker, values, known, primary, keys = ordered_attacker(tables)
    found = attacker.narrow(np.nonzero(primary & ~known)[0], K)
    assert {keys[cell] for cell in found} == {"0|portal|MAR|year|2026-01-01|received",
                                              "0|portal|MAR|year|2026-01-01|not_actioned"}
    assert narrowest < K and all(hi - lo >= narrowest - 1e-6 for lo, hi in found.values())
    _reports("UKR", "2026-11-07", 20, "next").drop(columns="demo").to_csv(tmp_path / "next.csv", index=False)
    report = load(engine, tmp_path / "next.csv")   # a later load keeps saying so (a hostile review)
    assert report.outcome == "ok" and f"narrowest interval {narrowest:g}, below the width" in report.message
    engine.dispose()

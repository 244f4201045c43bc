"""Publication: the counts of every active load, aggregated to portal, region and network by month and
year, with disclosure control applied across all of them and across earlier publications.

Real statistics are published when any real load is active, else the demo. Each publication records its
rule, k, protection width and the narrowest interval achieved (stat_publication, read through
v_stat_publication), and privately what it showed and hid, so that the next one never reveals a cell an
earlier one hid, nor lets the difference between two publications give one away.
"""
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import delete, insert, select

from . import stats_policy
from .db import insert_many
from .disclosure import Relations, exposed_cells, protect
from .errors import InputError
from .schema import portal_stat, stat_portal_region, stat_publication
from .stats_counts import Counts, Network, month_start
from .stats_format import BREAKDOWNS, MEASURES
from .stats_store import (active_loads, cell_key, cell_year, earlier_publications, fold_cells, fold_publication,
                          load_counts, save_publication)

LEVELS = {"portal": 0, "region": 1, "network": 2}   # disclosure cost: a network cell is what most readers read
COLUMNS = ["unit_kind", "unit_code", "period_kind", "period_start"] + [
    c for m in MEASURES for c in (m, f"{m}_suppressed")]


@dataclass
class Cells:
    """What the disclosure control saw: one entry per cell of the system (every published cell, and the
    withheld ones tied to them by sums), keyed 'unit_kind|unit_code|period_kind|period_start|measure'. The
    tests attack it, this publication and earlier ones together."""
    keys: list
    values: np.ndarray
    relations: Relations
    hidden: np.ndarray
    lower: np.ndarray    # what the attacker knows a hidden cell is at least: 1 if published hidden, else 0
    primary: np.ndarray  # hidden by the threshold rule: its interval must be at least the width
    fixed: np.ndarray    # known zeros (months before a portal started)


@dataclass
class Table:
    """The published rows and, per row (unit and period), its key, true values and hidden flags."""
    rows: list
    keys: list
    values: np.ndarray
    hidden: np.ndarray
    narrowest: float | None
    proofs: int     # linear programmes the disclosure control solved
    shown: np.ndarray  # per row and measure: published at this grain (monthly rows: `received` only)
    regions: dict      # portal code -> the region group its counts were added to
    bounded: int = 0   # hidden cells an earlier publication already bounds narrower than the width
    carried: int = 0   # cells hidden because an earlier publication hid them (proved then, not again)
    early: tuple = ()       # portals with counts before the launch month the list gives (kept in their figures)
    moved: tuple = ()       # portals the list puts in another region than they were first published in
    withheld: tuple = ()    # portals no longer in the list: counts kept in their region's totals, not published
    dropped: tuple = ()     # portals no longer in the list whose region no publication recorded: in no total
    cells: Cells | None = None


def publish(conn, load_id: int, k: int, width: int) -> str:
    """Rebuild portal_stat from every active load: real loads if there are any, else demo loads."""
    real = active_loads(conn, demo=False)
    use, demo = (real, False) if real else (active_loads(conn, demo=True), True)
    conn.execute(delete(portal_stat))
    conn.execute(delete(stat_portal_region))
    if not use:
        return "no statistics loaded"
    net = Network(conn)
    counts, removed = load_counts(conn, use, net)
    try:
        def against(every: bool):
            earlier = earlier_publications(conn, demo, before=load_id, loads=",".join(map(str, use)), every=every)
            return earlier, build(counts, net, k, width, earlier.cells, removed=removed, regions=earlier.regions,
                                  floor=earlier.floor, fixed_before=earlier.fixed, history=earlier.history,
                                  loads=len(use))
        try:
            earlier, table = against(every=False)
        except BelowEarlier:   # a value below one shown before: the record is not enough, read them all
            earlier, table = against(every=True)
    except RuntimeError as exc:  # the disclosure control could not protect every cell: publish nothing
        raise InputError("disclosure control", f"{exc}; the publication is unchanged") from None
    insert_many(conn, portal_stat, COLUMNS + ["is_demo", "load_id"], [r + (demo, load_id) for r in table.rows])
    if table.regions:   # public: which region's totals each portal is in (the list may say another now)
        conn.execute(insert(stat_portal_region), [
            dict(portal_code=code, region_group=region, listed=code not in table.withheld)
            for code, region in table.regions.items()])
    cells, suppressed = int(table.shown.sum()), int(table.hidden.sum())
    narrowest, (last_narrowest, last_width) = table.narrowest, earlier.last or (None, None)
    if table.carried and last_narrowest is not None:  # their proofs are that one's
        narrowest = last_narrowest if narrowest is None else min(narrowest, last_narrowest)
    ever_regions = {**table.regions, **earlier.regions}   # the region a portal was first published in
    system = _cells_record(table.cells)
    history = None   # recorded while every earlier publication's system is (or there is none)
    if table.cells and (earlier.history is not None or earlier.record is None):
        keys_, values_, _, unknown, lower, small = system
        history = fold_cells(earlier.history, keys_, values_, unknown, lower, small, len(use))
    save_publication(conn, load_id, dict(rule=stats_policy.RULE, k=k, width=width, narrowest=narrowest,
                                         is_demo=demo, loads=",".join(map(str, use)), cells=cells,
                                         cells_suppressed=suppressed), table.keys, table.values, table.hidden,
                     table.regions, system, fold_publication(earlier.record, table.keys, table.values, table.hidden),
                     ever_regions, history)
    notes = [f"published {len(table.rows)} rows{' (DEMO)' if demo else ''} from loads {','.join(map(str, use))}; "
             f"{suppressed} of {cells} cells suppressed (k={k}, protection width {width})"]
    for codes, text in ((table.withheld, "counts of portal(s) no longer in the portal list kept in their region's "
                                         "totals, not published on their own"),
                        (table.dropped, "counts of portal(s) no longer in the portal list, in no published total "
                                        "(no publication recorded their region)"),
                        (table.early, "portal(s) with counts before the launch month the portal list gives, kept "
                                      "in their figures (check the launch date)"),
                        (table.moved, "portal(s) counted in the region they were first published in, not the one "
                                      "the portal list gives now")):
        if codes:
            notes.append(f"{text}: {', '.join(codes)}")
    if table.bounded:
        notes.append(f"{table.bounded} hidden cell(s) an earlier publication already bounds narrower than the "
                     f"width kept hidden")
    elif narrowest is not None and narrowest < min(width, last_width or width):
        notes.append(f"narrowest interval {narrowest:g}, below the width: cells an earlier publication bounds")
    if table.carried and last_width is not None and last_width < width:
        notes.append(f"{table.carried} cell(s) hidden before keep the protection width they were proved with "
                     f"({last_width})")
    return "; ".join(notes)


def republish(conn, load_id: int) -> str | None:
    """After a change to the portal list: publish again with the settings of the last publication."""
    if not active_loads(conn):
        return None
    last = conn.execute(select(stat_publication.c.k, stat_publication.c.width)
                        .order_by(stat_publication.c.load_id.desc()).limit(1)).first()
    k, width = (last.k, last.width) if last else stats_policy.settings()
    return publish(conn, load_id, k, width)


@dataclass
class _Portal:
    code: str
    values: np.ndarray   # [month, measure]
    start: int           # first month it is published from (launch, or an earlier first month with counts)
    region: str
    listed: bool         # in today's portal list (published); else withheld: in its region's totals only


def _portals(counts: Counts, net: Network, removed: dict, regions: dict, last: int | None):
    """The portals whose counts the publication adds up, and what differs from the portal list.

    A revision of the list never takes counts out of a published total: two publications would then differ
    by exactly those counts, hidden ones included. So counts before a corrected launch stay in the portal's
    figures, a portal stays in the region it was first published in, and a removed portal's counts stay in
    that region's totals as a withheld unit."""
    portals, early, moved, withheld, dropped = [], [], [], [], []
    for i, code in enumerate(net.codes):
        values = counts.values[i]
        data_months = np.nonzero(values[:, 0] > 0)[0]
        start = net.launch_month(i)
        if len(data_months) and (start is None or data_months[0] < start):
            early += [code] if start is not None else []
            start = int(data_months[0])
        if start is None or last is None or (not len(data_months) and start > last):
            continue
        region = regions.get(code, net.region[i])
        if region != net.region[i]:
            moved.append(code)
        portals.append(_Portal(code, values, start, region, True))
    for code, values in removed.items():
        data_months = np.nonzero(values[:, 0] > 0)[0]
        if not len(data_months):
            continue
        if code not in regions:
            dropped.append(code)
            continue
        withheld.append(code)
        portals.append(_Portal(code, values, int(data_months[0]), regions[code], False))
    return portals, tuple(early), tuple(moved), tuple(withheld), tuple(dropped)


def _cells_record(cells) -> tuple:
    """What a publication records of the system its control saw: keys, true values, known zeros, unknowns,
    their lower bounds, the small ones."""
    if cells is None:
        return [], [], [], [], [], []
    return cells.keys, cells.values, cells.fixed, cells.hidden, cells.lower, cells.primary


def build(counts: Counts, net: Network, k: int, width: int, earlier: list | None, removed: dict | None = None,
          regions: dict | None = None, floor: dict | None = None, fixed_before: dict | None = None,
          history=None, loads: int = 0) -> Table:
    """Portal, region and network rows by month and year, with disclosure control across all of them.
    `earlier`: what the earlier publications of the same kind showed and hid (stats_store.Record: one
    record of them all, or one per publication; raises BelowEarlier when a value now is below one a record
    of several says was shown); `removed`: counts of
    portals the list no longer has; `regions`: the region each portal was first published in; `floor`: the
    true value per cell key of the last publication of fewer loads (no proof goes below it); `fixed_before`:
    per cell key of the last publication, whether it was a known zero (None: not recorded); `history`: the
    systems of the earlier publications (stats_store.CellHistory), for proving again the cells hidden before
    (None: not recorded); `loads`: how many loads this publication counts."""
    span = _span(counts.values, removed or {})
    portals, early, moved, withheld, dropped = _portals(counts, net, removed or {}, regions or {},
                                                        span[1] if span else None)
    if span is None or not portals:
        return Table([], [], np.zeros((0, len(MEASURES)), np.int64), np.zeros((0, len(MEASURES)), bool), None, 0,
                     np.zeros((0, len(MEASURES)), bool), {}, early=early, moved=moved, withheld=withheld,
                     dropped=dropped)
    first, last = span
    months = list(range(first, last + 1))
    years = sorted({month_start(m).year for m in months})
    periods = [("month", m) for m in months] + [("year", y) for y in years]
    n_periods, n_measures = len(periods), len(MEASURES)
    regions_used = sorted({p.region for p in portals})
    units = [("portal", p.code) for p in portals] + [("region", r) for r in regions_used] + [("network", "ALL")]
    n_units, n_portals = len(units), len(portals)
    cube = np.zeros((n_units, n_periods, n_measures), dtype=np.int64)
    for u, p in enumerate(portals):
        cube[u, :len(months)] = p.values[first:last + 1]
    region_of = {r: n_portals + j for j, r in enumerate(regions_used)}
    for u, p in enumerate(portals):
        cube[region_of[p.region], :len(months)] += cube[u, :len(months)]
    for r in regions_used:
        cube[n_units - 1, :len(months)] += cube[region_of[r], :len(months)]
    year_at = {y: len(months) + j for j, y in enumerate(years)}
    months_of = {y: [t for t, m in enumerate(months) if month_start(m).year == y] for y in years}
    for y in years:
        cube[:, year_at[y]] = cube[:, months_of[y]].sum(axis=1)

    relations = _relations(n_units, n_periods, n_measures, years, year_at, months_of, regions_used, region_of,
                           [p.region for p in portals])
    monthly = np.array([kind == "month" for kind, _ in periods])
    is_portal = np.arange(n_units) < n_portals
    is_withheld = np.array([u < n_portals and not portals[u].listed for u in range(n_units)])
    # Rows: a portal by year from its start, a region and the network by month and year; a withheld portal
    # has no rows, but its cells are in every sum.
    used = np.zeros((n_units, n_periods), dtype=bool)
    for u in range(n_units):
        start = portals[u].start if u < n_portals else first
        used[u] = [pv >= start if pk == "month" else pv >= month_start(start).year for pk, pv in periods]
    before_start = ~used
    used[np.ix_(is_portal, monthly)] = False
    published = used & ~is_withheld[:, None]
    # The design (README, "What is published"): by month only `received`, for regions and the network; a
    # portal's monthly total is withheld but tied by sums to published cells, so the attacker sees it as an
    # unknown (free); the other monthly cells only add sums the yearly ones already imply, so they are left out.
    in_system = np.ones(cube.shape, dtype=bool)
    in_system[:, monthly, 1:] = False
    free = np.zeros(cube.shape, dtype=bool)
    free[np.ix_(is_portal, monthly, [0])] = True
    withheld_cells = np.zeros(cube.shape, dtype=bool)
    withheld_cells[np.ix_(is_withheld, ~monthly)] = True
    fixed = before_start[:, :, None] & np.ones(n_measures, dtype=bool)  # before a portal started: known zero
    level = np.broadcast_to(np.array([LEVELS[kind] for kind, _ in units])[:, None, None], cube.shape)
    unit_at, period_at = np.nonzero(used)      # published rows and a withheld portal's years
    keys = [cell_key(*units[u], periods[t][0], _start(periods[t]))
            for u, t in zip(unit_at.tolist(), period_at.tolist())]
    row_shown = in_system[unit_at, period_at]        # per row: the measures it publishes
    seen_visible, seen_hidden = _earlier_masks(keys, cube[unit_at, period_at], earlier)
    earlier_visible = np.zeros_like(fixed)
    earlier_hidden = np.zeros_like(fixed)
    earlier_visible[unit_at, period_at] = seen_visible & row_shown
    earlier_hidden[unit_at, period_at] = seen_hidden & row_shown
    flat = in_system.ravel()
    published_sums = relations.restricted(flat)
    cell_keys = _cell_keys(units, periods, cube.shape, flat)
    system = {name: mask.ravel()[flat] for name, mask in (
        ("fixed", fixed), ("earlier_visible", earlier_visible), ("earlier_hidden", earlier_hidden), ("free", free),
        ("withheld", withheld_cells), ("level", level))}
    floor = floor or {}
    system["floor"] = np.array([floor.get(key, 0) for key in cell_keys], dtype=np.int64)
    # Cells hidden before keep their proofs unless a cell those proofs could move is a known zero now.
    newly_fixed = fixed_before is None or any(
        not fixed_before.get(key, True) for key in np.array(cell_keys, dtype=object)[system["fixed"]].tolist())
    again = _again(history, cell_keys, loads) if history is not None and not dropped else {}
    protection = protect(cube.ravel()[flat], published_sums, k, width=width,
                         reprove=bool(earlier) and newly_fixed, **system, **again)
    hidden_all = np.zeros(cube.size, dtype=bool)
    hidden_all[np.nonzero(flat)[0][protection.hidden]] = True
    exposed = exposed_cells(cube.ravel()[flat], protection.hidden, published_sums)
    # A withheld cell a sum gives away is no published small count unless the threshold protects it; a cell
    # published before is known anyway; a cell an earlier publication already pins is reported by protect().
    allowed = ((system["free"] | system["withheld"]) & ~protection.primary) | system["earlier_visible"] \
        | protection.limited
    if (~allowed[exposed]).any():
        raise RuntimeError("disclosure check failed: a suppressed cell can be worked out; nothing published")
    rows_at = ~is_withheld[unit_at]
    unit_at, period_at, keys, row_shown = unit_at[rows_at], period_at[rows_at], \
        [key for key, keep in zip(keys, rows_at.tolist()) if keep], row_shown[rows_at]
    hidden = hidden_all.reshape(cube.shape)[unit_at, period_at] & row_shown
    true_values = cube[unit_at, period_at]
    shown = true_values.astype(object)
    shown[hidden | ~row_shown] = None   # not published at this grain: NULL, not marked suppressed
    measures = np.stack([shown, hidden.astype(np.int64).astype(object)], axis=2).reshape(
        len(unit_at), 2 * n_measures).tolist()
    rows = [(*units[u], periods[t][0], _start(periods[t])) + tuple(m)
            for u, t, m in zip(unit_at.tolist(), period_at.tolist(), measures)]
    cells = _cells(cell_keys, cube, flat, published_sums, protection, published, system)
    return Table(rows, keys, true_values, hidden, protection.narrowest, protection.proofs, row_shown,
                 {p.code: p.region for p in portals}, int(protection.limited.sum()),
                 int((system["earlier_hidden"] & protection.hidden).sum()), early, moved, withheld, dropped, cells)


def _again(history, cell_keys: list[str], loads: int) -> dict:
    """Per cell of the system: whether a proof may move it by the same amount in every earlier publication
    (it was in each of them that had its year, and none made it known), and how far down (etl/disclosure.py).
    A year's relations are the same in every publication that had all its cells; a cell that came later is
    held where it is. `again_small`: small in a publication of fewer loads than `loads` (the loads now)."""
    row_of = {key: i for i, key in enumerate(history.keys)}
    at = np.array([row_of.get(key, -1) for key in cell_keys], dtype=np.int64)
    have = at >= 0
    years = np.array([history.years.get(cell_year(key), 0) for key in cell_keys], dtype=np.int64)
    at = np.where(have, at, 0)
    movable = have & (history.pubs[at] == years) & ~history.known[at]
    return {"again_movable": movable, "again_slack": np.where(movable, history.slack[at], 0),
            "again_small": have & (history.small_loads[at] < loads)}


def _cell_keys(units, periods, shape, flat) -> list[str]:
    """'unit_kind|unit_code|period_kind|period_start|measure' per cell of the system protect() sees."""
    unit, period, measure = np.unravel_index(np.nonzero(flat)[0], shape)
    pairs, pair = np.unique(unit * shape[1] + period, return_inverse=True)  # each unit and period once
    prefixes = [f"{cell_key(*units[u], periods[t][0], _start(periods[t]))}|"
                for u, t in zip(*(x.tolist() for x in np.divmod(pairs, shape[1])))]
    return [prefixes[i] + MEASURES[m] for i, m in zip(pair.tolist(), measure.tolist())]


def _cells(keys, cube, flat, relations, protection, published, system) -> Cells:
    """The system protect() saw, keyed by unit, period and measure (for the tests' attacker)."""
    unit, period, _ = np.unravel_index(np.nonzero(flat)[0], cube.shape)
    lower = (published[unit, period] & ~system["free"] & ~system["withheld"]).astype(np.int64)
    return Cells(keys, cube.ravel()[flat], relations, protection.hidden & ~system["fixed"], lower,
                 protection.primary, system["fixed"])


def _start(period: tuple) -> date:
    """The first day of a ("month", month index) or ("year", year) period."""
    kind, value = period
    return month_start(value) if kind == "month" else date(value, 1, 1)


def _span(values: np.ndarray, removed: dict) -> tuple[int, int] | None:
    received = values[:, :, 0].sum(axis=0)
    for counts in removed.values():
        received = received + counts[:, 0]
    months = np.nonzero(received)[0]
    return (int(months[0]), int(months[-1])) if len(months) else None


def _relations(n_units, n_periods, n_measures, years, year_at, months_of, regions, region_of, portal_regions):
    """Every published sum: breakdowns, months to years, portals to regions, regions to the network."""
    relations = Relations({})
    unit_period = np.arange(n_units * n_periods, dtype=np.int64) * n_measures
    for total, parts in BREAKDOWNS.values():
        relations.add(unit_period + MEASURES.index(total),
                      unit_period[:, None] + np.array([MEASURES.index(p) for p in parts]))
    unit_measure = (np.arange(n_units)[:, None] * n_periods * n_measures + np.arange(n_measures)[None, :]).ravel()
    for y in years:
        relations.add(unit_measure + year_at[y] * n_measures,
                      unit_measure[:, None] + np.array(months_of[y])[None, :] * n_measures)
    period_measure = np.arange(n_periods * n_measures, dtype=np.int64)
    block = n_periods * n_measures
    for r in regions:
        members = [u for u, region in enumerate(portal_regions) if region == r]
        relations.add(region_of[r] * block + period_measure, np.array(members)[None, :] * block + period_measure[:, None])
    relations.add((n_units - 1) * block + period_measure,
                  np.array([region_of[r] for r in regions])[None, :] * block + period_measure[:, None])
    return relations


class BelowEarlier(Exception):
    """A cell is below a value a record of several publications says was shown: an earlier value may equal
    it now, which only the publications themselves tell (a regenerated demo)."""


def _earlier_masks(keys: list[str], current: np.ndarray, earlier: list | None):
    """Per published cell: shown by an earlier publication at its true value now (the attacker knows it),
    and hidden by one, whatever its value now (it stays hidden: etl/disclosure.py)."""
    visible = np.zeros(current.shape, dtype=bool)
    hidden = np.zeros(current.shape, dtype=bool)
    for record in earlier or []:
        row_of = {key: i for i, key in enumerate(record.keys)}
        rows = np.array([row_of.get(key, -1) for key in keys], dtype=np.int64)
        present = rows >= 0
        shown = record.shown[rows[present]]
        if record.cumulative and (current[present] < shown).any():
            raise BelowEarlier
        visible[present] |= shown == current[present]
        hidden[present] |= record.hidden[rows[present]]
    return visible, hidden

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
from sqlalchemy import delete, select

from . import stats_policy
from .db import insert_many
from .disclosure import Relations, exposed_cells, protect
from .errors import InputError
from .schema import portal_stat, stat_publication
from .stats_counts import Counts, Network, month_start
from .stats_format import BREAKDOWNS, MEASURES
from .stats_store import active_loads, cell_key, earlier_cells, load_counts, save_publication

LEVELS = {"portal": 0, "region": 1, "network": 2}   # disclosure cost: a network cell is what most readers read
COLUMNS = ["unit_kind", "unit_code", "period_kind", "period_start"] + [
    c for m in MEASURES for c in (m, f"{m}_suppressed")]


@dataclass
class Table:
    """The published rows and, per row (unit and period), its key, true values and hidden flags."""
    rows: list
    keys: list
    values: np.ndarray
    hidden: np.ndarray
    narrowest: float | None
    proofs: int     # linear programmes the disclosure control solved
    set_aside: int  # portal-months counted before the portal's launch month: not published
    shown: np.ndarray  # per row and measure: published at this grain (monthly rows: `received` only)
    bounded: int = 0   # hidden cells an earlier publication already bounds narrower than the width


def publish(conn, load_id: int, k: int, width: int) -> str:
    """Rebuild portal_stat from every active load: real loads if there are any, else demo loads."""
    real = active_loads(conn, demo=False)
    use, demo = (real, False) if real else (active_loads(conn, demo=True), True)
    conn.execute(delete(portal_stat))
    if not use:
        return "no statistics loaded"
    net = Network(conn)
    counts, missing = load_counts(conn, use, net)
    try:
        table = build(counts, net, k, width, list(earlier_cells(conn, demo, before=load_id)))
    except RuntimeError as exc:  # the disclosure control could not protect every cell: publish nothing
        raise InputError("disclosure control", f"{exc}; the publication is unchanged") from None
    insert_many(conn, portal_stat, COLUMNS + ["is_demo", "load_id"], [r + (demo, load_id) for r in table.rows])
    cells, suppressed = int(table.shown.sum()), int(table.hidden.sum())
    save_publication(conn, load_id, dict(rule=stats_policy.RULE, k=k, width=width, narrowest=table.narrowest,
                                         is_demo=demo, loads=",".join(map(str, use)), cells=cells,
                                         cells_suppressed=suppressed), table.keys, table.values, table.hidden)
    notes = [f"published {len(table.rows)} rows{' (DEMO)' if demo else ''} from loads {','.join(map(str, use))}; "
             f"{suppressed} of {cells} cells suppressed (k={k}, protection width {width})"]
    if missing:
        notes.append(f"counts of portal(s) no longer in the portal list kept, not published: {', '.join(missing)}")
    if table.bounded:
        notes.append(f"{table.bounded} hidden cell(s) an earlier publication already bounds narrower than the "
                     f"width kept hidden")
    if table.set_aside:
        notes.append(f"{table.set_aside} portal-month(s) counted before the portal's launch month not published")
    return "; ".join(notes)


def republish(conn, load_id: int) -> str | None:
    """After a change to the portal list: publish again with the settings of the last publication."""
    if not active_loads(conn):
        return None
    last = conn.execute(select(stat_publication.c.k, stat_publication.c.width)
                        .order_by(stat_publication.c.load_id.desc()).limit(1)).first()
    k, width = (last.k, last.width) if last else stats_policy.settings()
    return publish(conn, load_id, k, width)


def build(counts: Counts, net: Network, k: int, width: int, earlier: list) -> Table:
    """Portal, region and network rows by month and year, with disclosure control across all of them.
    `earlier`: (keys, values, hidden) of every earlier publication of the same kind."""
    values = counts.values.copy()
    set_aside = 0
    for i in range(len(net.codes)):  # counts before a (corrected) launch month are not published
        launch = net.launch_month(i)
        if launch is not None and launch > 0:
            set_aside += int((values[i, :launch, 0] > 0).sum())
            values[i, :launch] = 0
    span = _span(values)
    if span is None:
        return Table([], [], np.zeros((0, len(MEASURES)), np.int64), np.zeros((0, len(MEASURES)), bool), None, 0,
                     set_aside, np.zeros((0, len(MEASURES)), bool))
    first, last = span
    months = list(range(first, last + 1))
    years = sorted({month_start(m).year for m in months})
    periods = [("month", m) for m in months] + [("year", y) for y in years]
    n_periods, n_measures = len(periods), len(MEASURES)
    # Portals are published from their launch month (or first data month) on.
    has_data = values.sum(axis=2) > 0
    portal_units = []  # (portal index, code, first published month)
    for i, code in enumerate(net.codes):
        data_months = np.nonzero(has_data[i])[0]
        start = net.launch_month(i)
        if start is None:
            start = int(data_months[0]) if len(data_months) else None
        if start is None or (not len(data_months) and start > last):
            continue
        portal_units.append((i, code, max(start, first)))
    regions = sorted({net.region[i] for i, _, _ in portal_units})
    units = [("portal", code) for _, code, _ in portal_units] + [("region", r) for r in regions] + [("network", "ALL")]
    n_units = len(units)
    cube = np.zeros((n_units, n_periods, n_measures), dtype=np.int64)
    for u, (i, _, _) in enumerate(portal_units):
        cube[u, :len(months)] = values[i, first:last + 1]
    region_of = {r: n_units - 1 - len(regions) + j for j, r in enumerate(regions)}
    for u, (i, _, _) in enumerate(portal_units):
        cube[region_of[net.region[i]], :len(months)] += cube[u, :len(months)]
    for r in regions:
        cube[n_units - 1, :len(months)] += cube[region_of[r], :len(months)]
    year_at = {y: len(months) + j for j, y in enumerate(years)}
    months_of = {y: [t for t, m in enumerate(months) if month_start(m).year == y] for y in years}
    for y in years:
        cube[:, year_at[y]] = cube[:, months_of[y]].sum(axis=1)

    relations = _relations(n_units, n_periods, n_measures, years, year_at, months_of, regions, region_of,
                           [net.region[i] for i, _, _ in portal_units])
    monthly = np.array([kind == "month" for kind, _ in periods])
    is_portal = np.array([kind == "portal" for kind, _ in units])
    starts = {u: s for u, (_, _, s) in enumerate(portal_units)}
    published = np.zeros((n_units, n_periods), dtype=bool)  # rows: a portal by year from its start, the rest
    for u in range(n_units):
        start = starts.get(u, first)
        published[u] = [pv >= start if pk == "month" else pv >= month_start(start).year for pk, pv in periods]
    before_start = ~published.copy()
    published[np.ix_(is_portal, monthly)] = False
    # The design (README, "What is published"): by month only `received`, for regions and the network; a
    # portal's monthly total is withheld but tied by sums to published cells, so the attacker sees it as an
    # unknown (free); the other monthly cells only add sums the yearly ones already imply, so they are left out.
    in_system = np.ones(cube.shape, dtype=bool)
    in_system[:, monthly, 1:] = False
    free = np.zeros(cube.shape, dtype=bool)
    free[np.ix_(is_portal, monthly, [0])] = True
    fixed = before_start[:, :, None] & np.ones(n_measures, dtype=bool)  # before a portal started: known zero
    level = np.broadcast_to(np.array([LEVELS[kind] for kind, _ in units])[:, None, None], cube.shape)
    unit_at, period_at = np.nonzero(published)
    keys = [cell_key(units[u][0], units[u][1], periods[t][0],
                     month_start(periods[t][1]) if periods[t][0] == "month" else date(periods[t][1], 1, 1))
            for u, t in zip(unit_at.tolist(), period_at.tolist())]
    shown_measure = in_system[unit_at, period_at]        # per row: the measures it publishes
    seen_visible, seen_hidden = _earlier_masks(keys, cube[unit_at, period_at], earlier)
    earlier_visible = np.zeros_like(fixed)
    earlier_hidden = np.zeros_like(fixed)
    earlier_visible[unit_at, period_at] = seen_visible & shown_measure
    earlier_hidden[unit_at, period_at] = seen_hidden & shown_measure
    flat = in_system.ravel()
    published_sums = relations.restricted(flat)
    protection = protect(cube.ravel()[flat], published_sums, k, width=width, fixed=fixed.ravel()[flat],
                         earlier_visible=earlier_visible.ravel()[flat], earlier_hidden=earlier_hidden.ravel()[flat],
                         free=free.ravel()[flat], level=level.ravel()[flat])
    hidden_all = np.zeros(cube.size, dtype=bool)
    hidden_all[np.nonzero(flat)[0][protection.hidden]] = True
    exposed = exposed_cells(cube.ravel()[flat], protection.hidden, published_sums)
    # A withheld cell a sum gives away is no published small count; a cell published before is known anyway;
    # a cell an earlier publication already pins is reported by protect() (`limited`).
    allowed = free.ravel()[flat] | earlier_visible.ravel()[flat] | protection.limited
    if (~allowed[exposed]).any():
        raise RuntimeError("disclosure check failed: a suppressed cell can be worked out; nothing published")
    hidden = hidden_all.reshape(cube.shape)[unit_at, period_at] & shown_measure
    true_values = cube[unit_at, period_at]
    shown = true_values.astype(object)
    shown[hidden | ~shown_measure] = None   # not published at this grain: NULL, not marked suppressed
    measures = np.stack([shown, hidden.astype(np.int64).astype(object)], axis=2).reshape(len(unit_at), 2 * n_measures).tolist()
    rows = [(units[u][0], units[u][1], periods[t][0],
             month_start(periods[t][1]) if periods[t][0] == "month" else date(periods[t][1], 1, 1)) + tuple(m)
            for u, t, m in zip(unit_at.tolist(), period_at.tolist(), measures)]
    return Table(rows, keys, true_values, hidden, protection.narrowest, protection.proofs, set_aside, shown_measure,
                 int(protection.limited.sum()))


def _span(values: np.ndarray) -> tuple[int, int] | None:
    months = np.nonzero(values[:, :, 0].sum(axis=0))[0]
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


def _earlier_masks(keys: list[str], current: np.ndarray, earlier: list):
    """Per published cell: shown by an earlier publication with the same true value as now (the attacker
    knows it), and hidden by one with the same true value as now (it must stay hidden)."""
    visible = np.zeros(current.shape, dtype=bool)
    hidden = np.zeros(current.shape, dtype=bool)
    for old_keys, old_values, old_hidden in earlier:
        row_of = {key: i for i, key in enumerate(old_keys)}
        rows = np.array([row_of.get(key, -1) for key in keys], dtype=np.int64)
        present = rows >= 0
        same = np.zeros(current.shape, dtype=bool)
        same[present] = old_values[rows[present]] == current[present]
        was_hidden = np.zeros(current.shape, dtype=bool)
        was_hidden[present] = old_hidden[rows[present]]
        visible |= same & ~was_hidden
        hidden |= same & was_hidden
    return visible, hidden

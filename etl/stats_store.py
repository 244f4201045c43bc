"""What has been counted, kept in the warehouse in the same transaction as the published figures.

Per load: its unsuppressed counts per portal-month and the hashes of its report references (to catch a
report loaded twice), as compressed numpy arrays in private tables that no view exposes, and the
portal-months it counted with the kind of source (a portal-month comes from one kind only). Per
publication: what it showed and hid, with the true values, so that the next publication can protect
what earlier ones revealed or hid. Keyed by portal code, month, unit and period, never by row numbers,
so a change to the portal list leaves them meaningful.
"""
import dataclasses
import io
import zlib
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from sqlalchemy import delete, insert, select, update

from .errors import InputError
from .schema import (stat_load, stat_load_counts, stat_load_month, stat_load_refs, stat_publication,
                     stat_publication_cells)
from .stats_counts import N_MONTHS, Counts, Network, month_index, month_start
from .stats_format import MEASURES

REFS_PER_PART = 1 << 20  # 8 MB a row: a large load never needs one huge statement


def hash_scheme() -> str:
    """The reference hash in use: polars' hash is stable only within one polars version, so loads hashed
    under another would no longer recognise their reports."""
    probe = pl.Series(["R00001", "DEMO-0", "a-reference"]).hash().to_list()
    return f"polars-hash:{pl.__version__}:" + ",".join(map(str, probe))


def _pack(**arrays) -> bytes:
    """Named arrays as one compressed blob: the names, then each array in .npy form (the same arrays give
    the same bytes, unlike a zip archive with its timestamps). An array of text goes in as its lines in
    UTF-8, named 'lines:COUNT:NAME': a quarter of numpy's four bytes a character to compress."""
    out = io.BytesIO()
    names, parts = [], []
    for name, array in arrays.items():
        if array.dtype.kind == "U":
            text = "\n".join(array.tolist())
            if text.count("\n") != max(len(array) - 1, 0):
                raise ValueError(f"{name}: text with a line break cannot be stored as lines")
            name, array = f"lines:{len(array)}:{name}", np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
        names.append(name)
        parts.append(array)
    np.save(out, np.array(names, dtype=str), allow_pickle=False)
    for array in parts:
        np.save(out, array, allow_pickle=False)
    return zlib.compress(out.getvalue(), 1)  # level 1: most of the gain at a fraction of the time


def _unpack(blob: bytes) -> dict:
    data = io.BytesIO(zlib.decompress(blob))
    out = {}
    for name in np.load(data, allow_pickle=False).tolist():
        array = np.load(data, allow_pickle=False)
        if name.startswith("lines:"):
            _, count, name = name.split(":", 2)
            array = np.array(array.tobytes().decode("utf-8").split("\n") if int(count) else [], dtype=str)
        out[name] = array
    return out


def active_loads(conn, demo: bool | None = None) -> list[int]:
    query = select(stat_load.c.load_id).where(stat_load.c.active.is_(True))
    if demo is not None:
        query = query.where(stat_load.c.is_demo.is_(demo))
    return list(conn.execute(query.order_by(stat_load.c.load_id)).scalars())


def check_hash_scheme(conn, path, load_ids: list[int]) -> None:
    schemes = set(conn.execute(select(stat_load_counts.c.hash_scheme)
                               .where(stat_load_counts.c.load_id.in_(load_ids))).scalars()) if load_ids else set()
    if schemes - {hash_scheme()}:
        raise InputError(path, f"the report references of earlier loads were hashed by another polars version "
                               f"(polars {pl.__version__} hashes differently), so reports loaded earlier would not "
                               f"be recognised; install the polars version in requirements.txt. Nothing was loaded")


def same_file(conn, sha: str, load_ids: list[int]) -> int | None:
    """The active load of a file with these bytes, if any."""
    return conn.execute(select(stat_load.c.load_id).where(stat_load.c.file_sha256 == sha,
                                                          stat_load.c.load_id.in_(load_ids))).scalar()


def prior_refs(conn, load_ids: list[int]) -> np.ndarray:
    """The sorted reference hashes of these loads."""
    if not load_ids:
        return np.empty(0, np.uint64)
    parts = [np.frombuffer(blob, dtype=np.uint64) for blob in conn.execute(
        select(stat_load_refs.c.hashes).where(stat_load_refs.c.load_id.in_(load_ids))).scalars()]
    return np.sort(np.concatenate(parts)) if parts else np.empty(0, np.uint64)


def loaded_months(conn, load_ids: list[int]) -> dict:
    """(portal code, month index) -> (kind, load id) of every portal-month these loads counted."""
    if not load_ids:
        return {}
    rows = conn.execute(select(stat_load_month.c.portal_code, stat_load_month.c.month, stat_load_month.c.kind,
                               stat_load_month.c.load_id).where(stat_load_month.c.load_id.in_(load_ids)))
    return {(r.portal_code, month_index(r.month)): (r.kind, r.load_id) for r in rows}


def save_load(conn, load_id: int, kind: str, sha: str, file_name: str, demo: bool, net: Network, counts: Counts,
              refs: np.ndarray) -> None:
    """Record the load: its row in stat_load, its counts, its reference hashes and its portal-months."""
    portals, months = counts.portal_months()
    span = counts.months_with_data()
    conn.execute(insert(stat_load).values(
        load_id=load_id, kind=kind, file_sha256=sha, file_name=file_name, is_demo=demo, active=True,
        first_month=month_start(span[0]) if span else None, last_month=month_start(span[1]) if span else None))
    codes = np.array(net.codes, dtype="U8")[portals]
    conn.execute(insert(stat_load_counts).values(load_id=load_id, hash_scheme=hash_scheme(), counts=_pack(
        portal=codes, month=months.astype(np.int16), values=counts.values[portals, months, :])))
    for part, start in enumerate(range(0, len(refs), REFS_PER_PART)):
        conn.execute(insert(stat_load_refs).values(load_id=load_id, part=part,
                                                   hashes=refs[start:start + REFS_PER_PART].tobytes()))
    if len(codes):
        conn.execute(insert(stat_load_month), [
            {"load_id": load_id, "portal_code": c, "month": month_start(m), "kind": kind}
            for c, m in zip(codes.tolist(), months.tolist())])


def load_counts(conn, load_ids: list[int], net: Network) -> tuple[Counts, dict]:
    """The summed counts of these loads on today's portal list, and per portal code the list no longer
    has, its counts [month, measure] (they stay in their region's totals: stats_publication)."""
    values = np.zeros((len(net.codes), N_MONTHS, len(MEASURES)), dtype=np.int64)
    removed: dict[str, np.ndarray] = {}
    for blob in conn.execute(select(stat_load_counts.c.counts).where(stat_load_counts.c.load_id.in_(load_ids))
                             .order_by(stat_load_counts.c.load_id)).scalars():
        data = _unpack(blob)
        codes = data["portal"].tolist()
        index = np.array([net.index.get(c, -1) for c in codes], dtype=np.int64)
        known = index >= 0
        np.add.at(values, (index[known], data["month"][known].astype(np.int64)), data["values"][known])
        for row in np.nonzero(~known)[0].tolist():
            counts = removed.setdefault(codes[row], np.zeros((N_MONTHS, len(MEASURES)), dtype=np.int64))
            counts[int(data["month"][row])] += data["values"][row]
    counts = Counts(len(net.codes))
    counts.set_values(values)
    return counts, dict(sorted(removed.items()))


def retire_demo(conn) -> list[int]:
    """Stop counting the active demo loads and forget what they counted (generated data: nothing will be
    checked against it again); their stat_load rows stay as the record. Returns their ids."""
    ids = active_loads(conn, demo=True)
    if ids:
        conn.execute(update(stat_load).where(stat_load.c.load_id.in_(ids)).values(active=False))
        for table in (stat_load_counts, stat_load_refs, stat_load_month):
            conn.execute(delete(table).where(table.c.load_id.in_(ids)))
    return ids


# --- publications ---------------------------------------------------------------------------------

def save_publication(conn, load_id: int, record: dict, keys: list[str], values: np.ndarray,
                     hidden: np.ndarray, regions: dict, cells: tuple, ever: "Record", ever_regions: dict,
                     history: "CellHistory | None") -> None:
    """The publication's settings (stat_publication) and, privately, every published cell: its key
    'unit_kind|unit_code|period_kind|period_start', true values and hidden flags [row, measure]; the
    region each portal's counts were added to (`regions`: portal code -> region group); every cell the
    disclosure control saw (`cells`: keys 'key|measure', true values, known zeros, unknowns, their lower
    bounds, the small ones), withheld ones included: the next publication's proofs stay above them; and what
    this and every earlier publication of its kind showed and hid (`ever`: a Record; `ever_regions`;
    `history`: their systems, None when not recorded for every one), so that the next one reads this one
    only."""
    conn.execute(delete(stat_publication_cells).where(stat_publication_cells.c.load_id == load_id))
    conn.execute(delete(stat_publication).where(stat_publication.c.load_id == load_id))
    conn.execute(insert(stat_publication).values(load_id=load_id, **record))
    conn.execute(insert(stat_publication_cells).values(load_id=load_id, cells=_pack(
        keys=np.array(keys, dtype=str), values=values, hidden=hidden,
        portals=np.array(list(regions), dtype=str), regions=np.array(list(regions.values()), dtype=str),
        cell_keys=np.array(cells[0], dtype=str), cell_values=np.asarray(cells[1], dtype=np.int64),
        cell_fixed=np.asarray(cells[2], dtype=bool), cell_hidden=np.asarray(cells[3], dtype=bool),
        cell_lower=np.asarray(cells[4], dtype=np.int64), cell_primary=np.asarray(cells[5], dtype=bool),
        **_history_arrays(history),
        ever_keys=np.array(ever.keys, dtype=str),
        ever_shown=ever.shown, ever_hidden=ever.hidden, ever_exact=np.array([ever.exact]),
        ever_portals=np.array(list(ever_regions), dtype=str),
        ever_regions=np.array(list(ever_regions.values()), dtype=str))))


@dataclass
class Record:
    """What publications showed and hid, per published row key and measure: the last value shown (-1: never
    shown) and whether any hid it. Counts only grow within a kind, so a cell some publication showed at the
    value it has now was shown at that value by the last one that showed it: the attacker's knowledge of
    every earlier publication in one record. `exact`: no cell was ever shown below a value shown before
    (a regenerated demo can be); `cumulative`: a fold of several publications, not one publication."""
    keys: list
    shown: np.ndarray
    hidden: np.ndarray
    exact: bool = True
    cumulative: bool = True


def _history_arrays(history: "CellHistory | None") -> dict:
    if history is None:
        return {}
    return dict(hist_keys=np.array(history.keys, dtype=str), hist_known=history.known, hist_slack=history.slack,
                hist_pubs=history.pubs, hist_small_loads=history.small_loads,
                hist_years=np.array(list(history.years), dtype=str),
                hist_year_pubs=np.array(list(history.years.values()), dtype=np.int64))


def fold_publication(record: Record | None, keys: list[str], values: np.ndarray, hidden: np.ndarray) -> Record:
    """The record with one more publication (keys, true values [row, measure], hidden [row, measure])."""
    record = record or Record([], np.zeros((0, values.shape[1]), np.int64), np.zeros((0, values.shape[1]), bool))
    row_of = {key: i for i, key in enumerate(record.keys)}
    new = [key for key in keys if key not in row_of]
    row_of.update((key, len(record.keys) + i) for i, key in enumerate(new))
    shown = np.concatenate([record.shown, np.full((len(new), values.shape[1]), -1, np.int64)])
    ever_hidden = np.concatenate([record.hidden, np.zeros((len(new), values.shape[1]), bool)])
    rows = np.array([row_of[key] for key in keys], dtype=np.int64)
    before = shown[rows]
    exact = record.exact and not (~hidden & (values < before)).any()
    shown[rows] = np.where(hidden, before, values)
    ever_hidden[rows] |= hidden
    return Record(list(record.keys) + new, shown, ever_hidden, exact)


NO_SLACK = np.iinfo(np.int64).max // 4   # a cell never unknown: no bound from it


@dataclass
class CellHistory:
    """Per cell of the disclosure systems of a series of publications ('key|measure'): whether any of them
    made it known (shown, or a known zero), how far it could move down in all of them together (the least
    true value minus its lower bound, over those in which it was unknown), in how many it was, and the
    fewest loads of one that hid it as a small count; per year, in how many publications the year was.
    What a proof that moves every earlier table by the same amounts may do (etl/disclosure.py, `again`)."""
    keys: list
    known: np.ndarray
    slack: np.ndarray
    pubs: np.ndarray
    years: dict
    small_loads: np.ndarray   # the fewest loads of one that hid it as small (NO_SLACK: none)


def cell_year(key: str) -> str:
    return key.split("|")[3][:4]


def fold_cells(history: CellHistory | None, keys: list[str], values: np.ndarray, hidden: np.ndarray,
               lower: np.ndarray, small: np.ndarray, loads: int) -> CellHistory:
    """The history with one more publication's system: its cell keys, true values, unknown cells (`hidden`:
    hidden and not a known zero), their lower bounds, the small ones, and how many loads it counted."""
    history = history or CellHistory([], np.zeros(0, bool), np.zeros(0, np.int64), np.zeros(0, np.int64), {},
                                     np.zeros(0, np.int64))
    row_of = {key: i for i, key in enumerate(history.keys)}
    new = [key for key in keys if key not in row_of]
    row_of.update((key, len(history.keys) + i) for i, key in enumerate(new))
    known = np.concatenate([history.known, np.zeros(len(new), bool)])
    slack = np.concatenate([history.slack, np.full(len(new), NO_SLACK, np.int64)])
    pubs = np.concatenate([history.pubs, np.zeros(len(new), np.int64)])
    small_loads = np.concatenate([history.small_loads, np.full(len(new), NO_SLACK, np.int64)])
    rows = np.array([row_of[key] for key in keys], dtype=np.int64)
    small_loads[rows] = np.where(np.asarray(small, bool), np.minimum(small_loads[rows], loads), small_loads[rows])
    hidden = np.asarray(hidden, bool)
    known[rows] |= ~hidden
    slack[rows] = np.where(hidden, np.minimum(slack[rows], np.asarray(values, np.int64) - lower), slack[rows])
    pubs[rows] += 1
    years = dict(history.years)
    for year in {cell_year(key) for key in keys}:
        years[year] = years.get(year, 0) + 1
    return CellHistory(list(history.keys) + new, known, slack, pubs, years, small_loads)


@dataclass
class Earlier:
    """What the earlier publications of one kind (demo or real) tell the next one."""
    cells: list       # Records: the last publication's record of every one before it, or one per publication
    record: Record | None  # what all of them showed and hid (the next publication's record folds into it)
    regions: dict     # portal code -> the region its counts were first published in
    floor: dict       # 'key|measure' -> true value in the last publication of fewer loads than now
    fixed: dict | None  # 'key|measure' -> known zero, per cell of the last publication (None: not recorded)
    last: tuple | None = None  # (narrowest, width) of the last publication
    history: CellHistory | None = None  # their disclosure systems (None: not recorded for all of them)


def earlier_publications(conn, demo: bool, before: int | None = None, loads: str | None = None,
                         every: bool = False) -> Earlier:
    """What every earlier publication of this kind tells the next one, read from the last one's record
    (at most one more: the last of fewer loads, for the floor); every publication when asked (`every`), when
    the record is not exact, or when the warehouse published before records existed. A portal stays in the
    region it was first published in: moved or removed, it would otherwise leave two publications whose
    regional totals differ by exactly its counts, hidden ones included. `loads`: the loads publishing now
    (ids joined by ','), so that the floor comes from the last publication that counted fewer.

    Only publications of loads that are all still counted are earlier ones: real loads never stop being
    counted, so for real statistics that is every publication. A demo generated again (after a change to
    the portal list) is a new generated set whose counts need not be above the retired one's: it starts a
    series of its own, as the first demo did."""
    query = select(stat_publication.c.load_id, stat_publication.c.loads, stat_publication.c.narrowest,
                   stat_publication.c.width).where(stat_publication.c.is_demo.is_(demo))
    if before is not None:
        query = query.where(stat_publication.c.load_id < before)
    meta = conn.execute(query.order_by(stat_publication.c.load_id)).all()
    if loads is not None:
        counted = set(loads.split(","))
        series = [i for i, row in enumerate(meta) if set(row.loads.split(",")) <= counted]
        every = every or series != list(range(len(meta) - len(series), len(meta)))  # not the last ones: fold
        meta = [meta[i] for i in series]
    found = Earlier([], None, {}, {}, None)
    if not meta:
        return found
    blobs = {}

    def data(load_id):
        if load_id not in blobs:
            blobs[load_id] = _unpack(conn.execute(select(stat_publication_cells.c.cells).where(
                stat_publication_cells.c.load_id == load_id)).scalar_one())
        return blobs[load_id]
    last = data(meta[-1].load_id)
    found.last = (meta[-1].narrowest, meta[-1].width)
    if "ever_keys" in last and bool(last["ever_exact"][0]) and not every:   # recorded since 2026-12-05
        found.record = Record(last["ever_keys"].tolist(), last["ever_shown"], last["ever_hidden"])
        found.cells = [found.record]
        found.regions = dict(zip(last["ever_portals"].tolist(), last["ever_regions"].tolist()))
        if "hist_small_loads" in last:
            found.history = CellHistory(last["hist_keys"].tolist(), last["hist_known"], last["hist_slack"],
                                        last["hist_pubs"], dict(zip(last["hist_years"].tolist(),
                                                                    last["hist_year_pubs"].tolist())),
                                        last["hist_small_loads"])
    else:
        complete = True
        for row in meta:
            published = data(row.load_id)
            one = (published["keys"].tolist(), published["values"], published["hidden"])
            found.cells.append(dataclasses.replace(fold_publication(None, *one), cumulative=False))
            found.record = fold_publication(found.record, *one)
            for code, region in zip(published.get("portals", np.array([])).tolist(),
                                    published.get("regions", np.array([])).tolist()):
                found.regions.setdefault(code, region)
            complete = complete and "cell_primary" in published
            if complete:
                found.history = fold_cells(found.history, published["cell_keys"].tolist(),
                                           published["cell_values"], published["cell_hidden"],
                                           published["cell_lower"], published["cell_primary"],
                                           len(row.loads.split(",")))
        if not complete:
            found.history = None
    fewer_id = next((row.load_id for row in reversed(meta) if row.loads != loads), None)
    fewer = data(fewer_id) if fewer_id is not None else {}
    if "cell_keys" in fewer:   # recorded since 2026-12-05 (second change); before, the published cells only
        found.floor = dict(zip(fewer["cell_keys"].tolist(), fewer["cell_values"].tolist()))
    elif fewer:
        found.floor = {f"{key}|{measure}": value for key, row in zip(fewer["keys"].tolist(), fewer["values"].tolist())
                       for measure, value in zip(MEASURES, row)}
    if "cell_fixed" in last:
        found.fixed = dict(zip(last["cell_keys"].tolist(), last["cell_fixed"].tolist()))
    return found


def publications(conn, demo: bool) -> list[tuple[list, np.ndarray, np.ndarray]]:
    """Every publication of this kind, oldest first: (keys, true values, hidden) of its published rows, as an
    attacker holding all of them would read them."""
    query = select(stat_publication_cells.c.cells).join(
        stat_publication, stat_publication.c.load_id == stat_publication_cells.c.load_id).where(
        stat_publication.c.is_demo.is_(demo)).order_by(stat_publication.c.load_id)
    return [(data["keys"].tolist(), data["values"], data["hidden"])
            for data in map(_unpack, conn.execute(query).scalars())]


def cell_key(unit_kind: str, unit_code: str, period_kind: str, period_start: date) -> str:
    return f"{unit_kind}|{unit_code}|{period_kind}|{period_start.isoformat()}"

"""Disclosure control for published counts: the threshold rule, and secondary suppression proved cell by cell
against an attacker who solves linear programmes.

Cells are one flat array; a relation says total = sum(parts) (a breakdown of a measure, a year and its months,
a region and its portals, the network and its regions).

**The attacker** knows every published cell of this and of every earlier publication, every relation, that
counts are non-negative integers, that counts only grow from one publication to the next (loads only add
reports: each cell is at least the same cell before), and what the rules say about a hidden cell: zeros are
published, so a hidden cell is at least 1. Cells *withheld by design* (`free`: counts the publication never
shows at all, such as a portal's monthly total, but which sums tie to published cells) are unknowns at
least 0. The publication shows one mark for every hidden cell, never why it is hidden (a mark "below k"
would say the cell is under k). For each hidden cell the attacker solves the smallest and the largest value
consistent with all of that: an interval [lo, hi].

**The guarantee** of `protect()`: every cell hidden by the threshold rule (0 < value < k) has
hi - lo >= `width` (default k), so it is never proved to be below k; no other hidden cell is pinned
(hi > lo); and that holds for every publication's cells with all publications held together. Two rules
carry it across publications (T_n is the true table of publication n):
- *Nested hiding*: every cell hidden by an earlier publication stays hidden (`earlier_hidden`), whatever
  its value now. Then any point y of publication n-1's problem gives the point T_n + (y - T_{n-1}) of
  publication n's: it keeps every relation, shows the published cells as published, and is at least y
  wherever the counts grew. So what the attacker could not narrow before, a later publication does not
  narrow, and a cell proved when it was first hidden needs no new proof (hence none is solved for it).
  That holds while no cell such a proof moved becomes known: a launch corrected to a later month makes a
  portal's earlier months known zeros, and then the cells hidden before are proved again (`reprove`).
- *Proving again* uses points T_n + d such that T_i + d is a point of every earlier publication i's
  problem too: d moves no cell any publication made known (shown, or a known zero), no cell missing from
  one that had its year (a year's relations are then the same in all of them), and keeps T_i + d at least
  each cell's lower bound in every one (`again_slack`: the least T_i - bound). The tables T_i + d keep
  every relation, every published cell, and grow from one to the next as the T_i do: a history the
  attacker cannot rule out, in which the cell moves as far in every table. So a cell small in a
  publication of fewer loads (`again_small`) is proved again that way only, with the width, even if it has
  grown since; a proof above the floor (below) keeps those tables as they were and says nothing of it.
  Other cells hidden before are proved above the floor first (a cell that has not grown cannot move down
  then), then that way. What no proof reaches, because the launch date and what was shown bound it, is
  reported (`limited`) with the narrowest interval proved; a cell small in an earlier publication that
  cannot move at all stops the publication.
- *Proofs above the last publication* (`floor`): a cell hidden for the first time is proved with points
  that are at least the true table of the last publication of fewer loads on every cell. The true tables
  before it sit below such a point, and the publications of the same loads since (a change to the portal
  list publishes again) contain it, since it moves no cell they showed; so it is a point of the problem of
  all publications together.
Cells in `earlier_visible` count as known; `fixed` cells (structural zeros every reader knows) are never
hidden and never protect anything. Not modelled: an attacker who reasons about how the repair chooses
cells, and counts that fall between publications of one kind (loads are never taken back; when real data
arrive the demo is retired whole and its publications are not the real ones' earlier publications).
The price of nested hiding: a small count hidden once stays hidden when it has grown (README).

**How (one proof per cell)**: for each protected cell, a linear programme (HiGHS) over the cells within a few
relations of it looks for two whole-number tables y and z that equal the truth on every published cell,
keep every relation, stay at least 1 on every hidden cell (0 on a withheld one) and at least the floor on
every cell, and differ by at least the width on that cell. A published non-zero cell may move at a price
(its value plus one, times 10 for a regional and 100 for a network cell: those are what most readers read),
and every published cell that moves is hidden. y and z are feasible points of the attacker's own problem,
so they *prove* the cell's interval at least max(x, y, z) - min(x, y, z) wide (x, the truth, is a third
point), and they stay proofs when more cells are hidden later. When the cheapest proof hides a regional or network cell, a wider neighbourhood
is tried first (up to `max_reach` relations away). Cells that moved in a proof get their interval credited,
so many cells need no programme of their own. Where the answer is not whole numbers, the same programme is
solved with integrality. At the end every proof is checked again in integer arithmetic against the final
pattern (`_certify`). `narrowest` is the narrowest interval *proved* (a lower bound: the attacker's true
interval is at least as wide).

Why one proof per cell and not one pair of tables for all: one pair must move every protected cell by the
width at once, in one direction, so every total above them moves too; on thin data that hid nearly every
cell, the yearly network totals included (measured: README, Performance).

Why zeros are published: hiding zeros would hide most of a sparse table and protect nothing, since a zero
is not a small count of people; the price is that the attacker knows every hidden cell is >= 1, and the
proofs above use exactly that lower bound.
"""
import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components


@dataclass
class Relations:
    """Relations grouped by their number of parts, as flat cell indices, for vectorised checks."""

    groups: dict  # k -> (totals: int array [n], parts: int array [n, k])

    @classmethod
    def build(cls, pairs):
        """`pairs`: iterable of (total index, list of part indices)."""
        by_k: dict[int, tuple[list, list]] = {}
        for total, parts in pairs:
            if not parts:
                continue
            t, p = by_k.setdefault(len(parts), ([], []))
            t.append(total)
            p.append(parts)
        return cls({k: (np.array(t, dtype=np.int64), np.array(p, dtype=np.int64)) for k, (t, p) in by_k.items()})

    def add(self, totals: np.ndarray, parts: np.ndarray):
        k = parts.shape[1]
        if k == 0 or len(totals) == 0:
            return
        if k in self.groups:
            t, p = self.groups[k]
            self.groups[k] = (np.concatenate([t, totals]), np.concatenate([p, parts]))
        else:
            self.groups[k] = (totals.astype(np.int64), parts.astype(np.int64))

    def members(self) -> list[np.ndarray]:
        """Per group, one row per relation: the total first, then its parts. Relation ids count through
        the groups in this order."""
        return [np.concatenate([t[:, None], p], axis=1) for t, p in self.groups.values()]

    def restricted(self, keep: np.ndarray) -> "Relations":
        """The relations whose cells are all kept, renumbered over the kept cells."""
        new = np.full(len(keep), -1, dtype=np.int64)
        new[keep] = np.arange(int(keep.sum()))
        out = Relations({})
        for totals, parts in self.groups.values():
            whole = keep[totals] & keep[parts].all(axis=1)
            out.add(new[totals[whole]], new[parts[whole]])
        return out


@dataclass
class Protection:
    hidden: np.ndarray        # bool per cell: not published (withheld cells included)
    primary: np.ndarray       # bool per cell: hidden because 0 < value < k (the threshold rule)
    narrowest: float | None   # narrowest interval (hi - lo) proved for any protected cell; None if none
    width: int                # the protection width required
    proofs: int               # linear programmes solved (one or more per proof)
    limited: np.ndarray | None = None  # bool per cell: hidden cells an earlier publication keeps narrower


COST_LEVEL = (1.0, 10.0, 100.0)   # price of moving one unit of a published cell, times (value + 1), per level


def protect(values: np.ndarray, relations: Relations, k: int, width: int | None = None,
            fixed: np.ndarray | None = None, earlier_visible: np.ndarray | None = None,
            earlier_hidden: np.ndarray | None = None, free: np.ndarray | None = None,
            withheld: np.ndarray | None = None, floor: np.ndarray | None = None, reprove: bool = False,
            level: np.ndarray | None = None, reach: int = 2, max_reach: int = 5,
            again_movable: np.ndarray | None = None, again_slack: np.ndarray | None = None,
            again_small: np.ndarray | None = None) -> Protection:
    """Hide every count 0 < value < k and as few other cells as the proofs need, so that the attacker of the
    module docstring proves no protected cell narrower than `width` and pins no hidden cell.

    `fixed`: cells every reader knows (never hidden, never protection). `earlier_visible`: cells whose current
    value was published before (known to the attacker, even if hidden now). `earlier_hidden`: cells hidden by
    an earlier publication (whatever their value now): they stay hidden and are not proved again, since the
    proofs that hid them, shifted by what the loads added since, still hold (module docstring), unless
    `reprove`: cells every reader knows now that were unknown then (a portal's launch corrected to a later
    month makes its months before it known zeros) can break those proofs, so they are proved again, and
    one an earlier publication now bounds narrower is reported in `limited`. `floor`: per cell, its value in
    the last publication of fewer loads (0 for a new cell): no proof goes below it. `free`: cells withheld
    by design (never published, at least 0, no protection of their own). `withheld`: cells never published
    now (at least 0, or 1 if hidden before) that the threshold rule still protects: the counts of a portal
    no longer in the list, published before, still in its region. `level`: 0, 1 or 2 per cell, how high in
    the hierarchy (portal, region, network): higher cells cost more to hide. `again_movable`, `again_slack`:
    for proving again the cells hidden before (`reprove`), the cells a proof may move by the same amount in
    every earlier publication, and how far down (module docstring, "Proving again"); `again_small`: cells
    small in an earlier publication of fewer loads, which only such a proof covers: they need the width
    from it. Without them (a warehouse that did not record its publications' systems), cells hidden before
    are proved again above the floor only.
    Raises RuntimeError when a cell cannot be proved protected (nothing is published then).
    """
    values = np.asarray(values, dtype=np.int64)
    n = len(values)
    width = k if width is None else int(width)
    if width < 1:
        raise ValueError("the protection width must be at least 1")
    none = np.zeros(n, dtype=bool)
    free = none if free is None else np.asarray(free, bool)
    fixed = close_known(none.copy() if fixed is None else np.asarray(fixed, bool).copy(), relations)
    free = free & ~fixed
    withheld = (none if withheld is None else np.asarray(withheld, bool)) & ~fixed & ~free
    seen = none if earlier_visible is None else np.asarray(earlier_visible, bool) & ~fixed & ~free
    carried = (none if earlier_hidden is None else np.asarray(earlier_hidden, bool)) & ~fixed & ~seen & ~free \
        & (values > 0)
    primary = (values > 0) & (values < k) & ~fixed & ~free
    hidden = primary | carried | free | withheld
    protected = primary & ~seen & (reprove | ~carried)  # needs `width`; known cells cannot be helped
    movable = ~fixed & ~seen & ((values > 0) | hidden)
    level = np.zeros(n, dtype=np.int64) if level is None else np.asarray(level, dtype=np.int64)
    floor = np.zeros(n, dtype=np.int64) if floor is None else np.minimum(np.asarray(floor, np.int64), values)
    lower = np.maximum(np.where(free | (withheld & ~carried), 0, 1), floor)
    # A withheld count >= k needs nothing; a carried cell keeps its earlier proof unless proved again.
    need = np.where(protected, width, np.where((withheld & ~carried) | (carried & ~reprove), 0, 1))
    again = carried & reprove
    again_lower = again_moves = None
    if again.any() and again_movable is not None:
        # A proof above the floor keeps the tables of fewer loads as they were, so it says nothing of a cell
        # small in one of them; a proof moving every table alike gives that cell its spread there too.
        alike = again & np.asarray(again_small, bool)
        protected = protected | alike
        need = np.where(alike, width, need)
        again_moves = movable & np.asarray(again_movable, bool)
        again_lower = np.maximum(np.where(free | (withheld & ~carried), 0, 1),
                                 values - np.asarray(again_slack, np.int64))
    task = _Task(_System(relations, n), values, hidden, movable, lower,
                 (values + 1.0) * np.asarray(COST_LEVEL)[level], level, need, reach, max_reach, bool(seen.any()),
                 again, again_moves, again_lower, none if again_moves is None else alike)
    # Smallest values first: they are the hardest (a 1 can only move up), and their proofs credit others.
    wanted = np.nonzero(protected | (carried & reprove))[0]
    wanted = wanted[np.lexsort((wanted, values[wanted]))]
    proofs, solved, limited = [], 0, []
    for opened, part_proofs, part_solved, part_limited in _run(task, task.system.parts(wanted, movable)):
        hidden[opened] = True
        proofs += part_proofs
        solved += part_solved
        limited += part_limited
    proved = np.zeros(n)           # widest interval proved per cell
    proved_alike = np.zeros(n)     # ... by proofs moving every earlier table alike (what a cell proved again has)
    for block, y, z, moves_all in proofs:
        spread = _spread(values[block], y, z)
        proved[block] = np.maximum(proved[block], spread)
        if moves_all:
            proved_alike[block] = np.maximum(proved_alike[block], spread)
    if again_moves is not None:
        proved = np.where(alike, proved_alike, proved)
    short = _certify(task.system, values, hidden, fixed | seen, (task.lower, task.again_lower), proofs)
    need = task.need.copy()
    need[limited] = 0    # bounded by an earlier publication: as wide as the rest of the table allows
    short |= hidden & ~fixed & ~seen & ~free & (proved < need)
    if short.any():
        raise RuntimeError(f"disclosure check failed: {int(short.sum())} hidden cells not proved protected; "
                           "nothing published")
    target = protected & hidden
    narrowest = float(proved[target].min()) if target.any() else None
    bounded = np.zeros(n, dtype=bool)
    bounded[limited] = True
    return Protection(hidden=hidden, primary=primary, narrowest=narrowest, width=width, proofs=solved,
                      limited=bounded)


@dataclass
class _Task:
    """What every proof reads: the table, its relations, and the pattern before any proof."""
    system: "_System"
    values: np.ndarray
    hidden: np.ndarray
    movable: np.ndarray
    lower: np.ndarray      # per cell: what no proof goes below (1 if hidden, 0 if withheld by design; at
                           # least its value in the last publication)
    price: np.ndarray      # per cell: cost of moving it one unit
    level: np.ndarray
    need: np.ndarray       # per cell: the interval its proof must reach (width, or 1 for an unpinned cell)
    reach: int
    max_reach: int
    earlier: bool          # cells of an earlier publication are known
    again: np.ndarray      # per cell: hidden before and proved again (reprove)
    again_movable: np.ndarray | None  # what a proof moving every earlier table alike may move, and how far down
    again_lower: np.ndarray | None
    alike: np.ndarray      # per cell: proved again only by such proofs (small in a publication of fewer loads)

    def prove_part(self, cells: np.ndarray):
        """Proofs for the wanted `cells` of one linked part, in order. Returns (cells hidden to protect
        them, [(block, y, z)], linear programmes solved, cells an earlier publication keeps narrower)."""
        hidden, proved, proofs, solved, limited = self.hidden.copy(), np.zeros(len(self.values)), [], 0, []
        proved_alike = np.zeros(len(self.values))
        for cell in cells.tolist():
            alike = bool(self.alike[cell])
            if (proved_alike if alike else proved)[cell] >= self.need[cell]:
                continue
            if alike:   # proved again, with what every earlier publication showed (module docstring)
                found = self._prove_again(cell, hidden)
                solved += 1
                if found is None:
                    found = self._prove_again(cell, hidden, shortfall=True)
                    solved += 1
                    if found is not None:
                        limited.append(cell)
                    elif self.need[cell] == 1:
                        limited.append(cell)
                        continue
                    else:
                        raise RuntimeError(AGAIN_FAILED)
                self._credit(found, hidden, proved, proved_alike, proofs)
                continue
            found = None
            # The nearest cells first; when that proof hides a regional or network cell (or there is none), a
            # wider neighbourhood; when that one still hides a network cell, the whole linked part of the table.
            for r in (self.reach, self.max_reach, self.system.n_cells):
                block = self.system.near(cell, self.movable, r)
                result = _prove(self.system, block, cell, int(self.need[cell]), self.values, hidden, self.lower,
                                self.price)
                solved += 1
                if result is not None:
                    found = (block,) + result + (False,)
                    opened = self.level[block[result[2]]]
                    if not (opened > 0).any() or (r == self.max_reach and not (opened > 1).any()):
                        break   # no wider search when nothing above the portals (or the regions) is hidden
            if found is None and self.again[cell] and self.again_movable is not None:
                found = self._prove_again(cell, hidden)
                solved += 1
            if found is None and self.earlier:
                # What an earlier publication showed can bound a cell (a total published before, when k has
                # risen since): the widest interval the whole part allows, reported as the narrowest.
                block = self.system.near(cell, self.movable, self.system.n_cells)
                result = _prove(self.system, block, cell, int(self.need[cell]), self.values, hidden, self.lower,
                                self.price, shortfall=True)
                solved += 1
                if result is not None:
                    found = (block,) + result + (False,)
                    limited.append(cell)
                elif self.need[cell] == 1:
                    # A cell hidden before to protect another, which an earlier publication and what is known
                    # now pin: it stays hidden; hiding more now cannot undo what was shown.
                    limited.append(cell)
                    continue
            if found is None and self.again[cell]:
                raise RuntimeError(AGAIN_FAILED)   # proved again above the floor (no record of the systems)
            if found is None:
                raise RuntimeError("disclosure control could not prove a hidden cell protected; nothing published")
            self._credit(found, hidden, proved, proved_alike, proofs)
        return np.nonzero(hidden & ~self.hidden)[0], proofs, solved, limited

    def _credit(self, found, hidden, proved, proved_alike, proofs) -> None:
        """Record a proof: the cells it opened are hidden, every cell it moved is credited its spread."""
        block, y, z, newly, alike = found
        hidden[block[newly]] = True
        spread = _spread(self.values[block], y, z)
        proved[block] = np.maximum(proved[block], spread)
        if alike:
            proved_alike[block] = np.maximum(proved_alike[block], spread)
        proofs.append((block, y, z, alike))

    def _prove_again(self, cell: int, hidden: np.ndarray, shortfall: bool = False):
        """A proof that moves every earlier publication's table by the same amounts (module docstring):
        over the whole linked part, only cells that may move so, each no further down than its slack."""
        block = self.system.near(cell, self.again_movable, self.system.n_cells)
        result = _prove(self.system, block, cell, int(self.need[cell]), self.values, hidden, self.again_lower,
                        self.price, shortfall=shortfall)
        return None if result is None else (block,) + result + (True,)


def _spread(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The interval a proof gives each cell it covers: the truth and its two points."""
    return np.maximum(np.maximum(x, y), z) - np.minimum(np.minimum(x, y), z)


AGAIN_FAILED = ("a cell hidden before could not be proved again after a launch date corrected to a later month "
                "made months known zeros (README, 'Known limits'); nothing published")
PARALLEL_FROM = 1000   # wanted cells from which the parts are proved in parallel (a process costs ~1 s to start)


def _run(task: _Task, parts: list[np.ndarray]):
    """Every part's proofs; on more than one core and many cells, parts run in forked processes (parts share
    no cell that may move, so the result is the same; a process that cannot start leaves it to this one)."""
    workers = min(os.cpu_count() or 1, len(parts))
    if workers < 2 or sum(len(p) for p in parts) < PARALLEL_FROM or "fork" not in _start_methods():
        return [task.prove_part(part) for part in parts]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    global _ADOPTED
    _ADOPTED = task   # inherited by the forked workers: nothing to copy
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            order = sorted(range(len(parts)), key=lambda i: -len(parts[i]))
            done = dict(zip(order, pool.map(_prove_adopted, [parts[i] for i in order])))
        return [done[i] for i in range(len(parts))]
    except (BrokenProcessPool, OSError):
        return [task.prove_part(part) for part in parts]
    finally:
        _ADOPTED = None


def _start_methods() -> list[str]:
    import multiprocessing
    return multiprocessing.get_all_start_methods()


_ADOPTED: _Task | None = None


def _prove_adopted(cells: np.ndarray):
    return _ADOPTED.prove_part(cells)


class _System:
    """Every relation as one sparse row (+1 on the total, -1 on each part) over all cells."""

    def __init__(self, relations: Relations, n_cells: int):
        rows, cols, signs, start = [], [], [], 0
        for members in relations.members():
            count, width = members.shape
            rows.append(np.repeat(np.arange(start, start + count), width))
            cols.append(members.ravel())
            signs.append(np.tile(np.r_[1.0, -np.ones(width - 1)], count))
            start += count
        if rows:
            rows, cols, signs = np.concatenate(rows), np.concatenate(cols), np.concatenate(signs)
        else:
            rows, cols, signs = np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
        self.matrix = sparse.csr_matrix((signs, (rows, cols)), shape=(start, n_cells))
        self.by_cell = self.matrix.T.tocsr()      # per cell, its relations (with their signs)
        self.n_rows, self.n_cells = start, n_cells

    def parts(self, cells: np.ndarray, movable: np.ndarray) -> list[np.ndarray]:
        """`cells` (in their order) grouped by the part of the table they are linked to through movable cells."""
        if len(cells) == 0:
            return []
        use = sparse.csr_matrix(sparse.diags(movable.astype(np.float64)) @ self.by_cell)
        use.eliminate_zeros()
        graph = sparse.bmat([[None, use], [use.T, None]], format="csr")
        _, label = connected_components(graph, directed=False)
        label = label[cells]
        return [cells[label == part] for part in dict.fromkeys(label.tolist())]

    def near(self, cell: int, allowed: np.ndarray, reach: int) -> np.ndarray:
        """`cell` and the allowed cells within `reach` relations of it, sorted."""
        cells = np.array([cell])
        for _ in range(reach):
            rows = np.unique(_gather(self.by_cell, cells))
            grown = np.unique(_gather(self.matrix, rows))
            grown = np.union1d(cells, grown[allowed[grown]])
            if len(grown) == len(cells):
                break
            cells = grown
        return cells

    def entries(self, cells: np.ndarray):
        """The relations holding `cells`: (row, position in `cells`, sign) per entry, rows numbered from 0."""
        starts, lengths = self.by_cell.indptr[cells], np.diff(self.by_cell.indptr)[cells]
        at = _positions(starts, lengths)
        rows, number = np.unique(self.by_cell.indices[at], return_inverse=True)
        return number, np.repeat(np.arange(len(cells)), lengths), self.by_cell.data[at], len(rows)


def _positions(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices starts[i] .. starts[i] + lengths[i] - 1 for every i, concatenated."""
    ends = np.cumsum(lengths)
    return np.repeat(starts - ends + lengths, lengths) + np.arange(ends[-1] if len(ends) else 0)


def _gather(matrix: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """The column indices of the given rows of a CSR matrix, concatenated (scipy's indexing costs more)."""
    return matrix.indices[_positions(matrix.indptr[rows], np.diff(matrix.indptr)[rows])]


def _solver() -> highspy.Highs:
    """One HiGHS instance per process, made silent (its constructor prints a banner on standard output)."""
    global _HIGHS
    if _HIGHS is None:
        sys.stdout.flush()
        saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        try:
            _HIGHS = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _HIGHS.setOptionValue("output_flag", False)
        _HIGHS.setOptionValue("presolve", "off")   # the programmes are small: presolve took half the time
        # No solver threads: the programmes are too small to share, and a process forked by _run() would wait
        # for ever on threads that only exist in its parent.
        _HIGHS.setOptionValue("threads", 1)
    return _HIGHS


_HIGHS = None


def _prove(system: _System, block: np.ndarray, cell: int, need: int, values, hidden, lower, price,
           shortfall: bool = False):
    """One proof: the cheapest y and z over `block` (every other cell at its true value) that keep every
    relation, equal the truth on published cells that do not move, stay >= `lower` on hidden cells, and
    differ by at least `need` on `cell` (with `shortfall`: as much as they can, at least 1). Returns (y, z, mask
    of the block's published cells that move), or None when there is no such pair in this block."""
    row, col, sign, m = system.entries(block)
    h = hidden[block]
    hc, vc = np.nonzero(h)[0], np.nonzero(~h)[0]
    n_h, n_v = len(hc), len(vc)
    x = values[block].astype(np.float64)
    # Columns per table: d (hidden cells), up, down (published cells; a published cell moves by up - down).
    # Rows: y's relations, z's relations, then d_y[cell] - d_z[cell] >= need.
    size = n_h + 2 * n_v
    var = np.empty(len(block), dtype=np.int64)
    var[hc], var[vc] = np.arange(n_h), n_h + np.arange(n_v)
    down = ~h[col]
    one_r = np.concatenate([row, row[down]])
    one_c = np.concatenate([var[col], var[col[down]] + n_v])
    one_v = np.concatenate([sign, -sign[down]])
    target = int(var[np.searchsorted(block, cell)])
    extra = int(shortfall)   # a last column s: d_y[cell] - d_z[cell] + s >= need, 0 <= s <= need - 1
    rows = np.concatenate([one_r, one_r + m, [2 * m, 2 * m], [2 * m] * extra])
    cols = np.concatenate([one_c, one_c + size, [target, size + target], [2 * size] * extra])
    data = np.concatenate([one_v, one_v, [1.0, -1.0], [1.0] * extra])
    order = np.lexsort((rows, cols))
    matrix = (np.searchsorted(cols[order], np.arange(2 * size + extra + 1)), rows[order], data[order], 2 * m + 1)
    cost_v = price[block][vc]
    cost = np.concatenate([np.zeros(n_h), cost_v, cost_v] * 2 + [[1e3 * (1 + cost_v.sum())] * extra])
    lb = np.concatenate([lower[block][hc] - x[hc], np.zeros(2 * n_v)] * 2 + [[0.0] * extra])
    ub = np.concatenate([np.full(n_h, np.inf), np.full(n_v, np.inf), x[vc] - lower[block][vc]] * 2
                        + [[need - 1.0] * extra])
    row_lo = np.concatenate([np.zeros(2 * m), [float(need)]])
    row_hi = np.concatenate([np.zeros(2 * m), [np.inf]])
    sol = _solve(matrix, cost, lb, ub, row_lo, row_hi, integral=False)
    if sol is not None and np.abs(sol - np.round(sol)).max() > 1e-6:
        sol = _solve(matrix, cost, lb, ub, row_lo, row_hi, integral=True)
    if sol is None:
        return None
    sol = np.round(sol).astype(np.int64)[:2 * size]
    points = []
    for p in (sol[:size], sol[size:]):
        d = np.zeros(len(block), dtype=np.int64)
        d[hc] = p[:n_h]
        d[vc] = p[n_h:n_h + n_v] - p[n_h + n_v:]
        points.append(values[block] + d)
    y, z = points
    if y[np.searchsorted(block, cell)] - z[np.searchsorted(block, cell)] < (1 if shortfall else need):
        return None
    return y, z, ~h & ((y != values[block]) | (z != values[block]))


def _solve(matrix, cost, lb, ub, row_lo, row_hi, integral: bool):
    """Minimise cost over lb <= x <= ub, row_lo <= A x <= row_hi with HiGHS (A given column-wise as
    (starts, rows, values, number of rows)); None when infeasible."""
    starts, rows, data, n_rows = matrix
    solver = _solver()
    solver.passModel(len(cost), n_rows, len(rows), int(highspy.MatrixFormat.kColwise),
                     int(highspy.ObjSense.kMinimize), 0.0, cost, lb, ub, row_lo, row_hi,
                     starts.astype(np.int32), rows.astype(np.int32), data.astype(np.float64),
                     np.full(len(cost), int(integral), dtype=np.int32))
    solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.array(solver.getSolution().col_value)


def _certify(system: _System, values, hidden, known, lowers, proofs) -> np.ndarray:
    """The audit, in integer arithmetic against the final pattern: each proof's y and z keep every relation,
    equal the truth on every published or known cell, and respect the bounds on hidden cells (`lowers`: the
    bounds of proofs above the floor, and of proofs moving every earlier table alike). Returns the cells of
    the proofs that fail (they count as not proved)."""
    failed = np.zeros(len(values), dtype=bool)
    if not proofs:
        return failed
    cols, rows, data = [], [], []
    for j, (block, y, z, again) in enumerate(proofs):
        lower = lowers[1] if again else lowers[0]
        for side, p in enumerate((y, z)):
            d = p - values[block]
            moved = np.nonzero(d)[0]
            if (~hidden[block[moved]] | known[block[moved]]).any() or (p < lower[block])[hidden[block]].any():
                failed[block] = True
            cols.append(np.full(len(moved), 2 * j + side))
            rows.append(block[moved])
            data.append(d[moved])
    deltas = sparse.csc_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                               shape=(len(values), 2 * len(proofs)), dtype=np.int64)
    product = sparse.coo_matrix(system.matrix.astype(np.int64) @ deltas)
    broken = np.unique(product.col[product.data != 0])
    for j in set((broken // 2).tolist()):
        failed[proofs[j][0]] = True
    return failed & hidden


def close_known(known: np.ndarray, relations: Relations) -> np.ndarray:
    """Everything that follows from the known cells alone (a sum with one unknown cell gives it away)."""
    while True:
        progress = False
        for totals, parts in relations.groups.values():
            unknown = (~known[totals]).astype(np.int64) + (~known[parts]).sum(axis=1)
            rows = np.nonzero(unknown == 1)[0]
            if len(rows):
                cells = np.where(~known[totals[rows]], totals[rows],
                                 parts[rows, np.argmax(~known[parts[rows]], axis=1)])
                known[cells] = True
                progress = True
        if not progress:
            return known


def exposed_cells(values: np.ndarray, hidden: np.ndarray, relations: Relations) -> np.ndarray:
    """Hidden cells an attacker works out by solving sums with one unknown, again and again: publish() checks
    it as a last guard; the tests attack independently too."""
    return np.nonzero(close_known(~hidden, relations) & hidden)[0]

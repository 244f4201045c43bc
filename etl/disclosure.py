"""Disclosure control for published counts: the threshold rule, and secondary suppression proved against an
attacker who solves linear programmes.

Cells are one flat array (unit x period x measure); a relation says total = sum(parts) (a breakdown of a
measure, a year and its months, a region and its portals, the network and its regions).

**The attacker** knows every published cell of this and of every earlier publication, every relation, that
counts are non-negative integers, and what the rules say about a hidden cell: zeros are published, so a
hidden cell is at least 1. The publication shows one mark for every hidden cell, never why it is hidden (a
mark "below k" would say the cell is under k). For each hidden cell the attacker solves the smallest and
the largest value consistent with all of that: an interval [lo, hi].

**The guarantee** of `protect()`: every cell hidden by the threshold rule (0 < value < k) has
hi - lo >= `width` (default k), so it is never proved to be below k; no other hidden cell is pinned
(hi > lo). Every cell hidden in an earlier publication whose value has not changed stays hidden (and so
stays protected as before). Cells in `earlier_visible` count as known; `fixed` cells (structural zeros
every reader knows) are never hidden and never protect anything. Not modelled: sums of an earlier
publication over cells whose values have changed since, and an attacker who reasons about how the
repair chooses cells.

**How**: the cells split into independent blocks (cells linked by relations through cells that may move).
Per block one linear programme (HiGHS) looks for two feasible tables y and z, both equal to the truth on
every cell that stays published, keeping every relation, at least 1 on every hidden cell, with
sign * (y - z) >= width on every protected cell (sign +1 at first) and >= 1 on any other hidden cell the
audit finds pinned; a published non-zero cell may move in y or z at a cost (1 + log(1 + value) per unit:
small cells first), and every published cell that moves is hidden. Then y and z are feasible points of the
attacker's own problem: they *prove* each interval at least max(x, y, z) - min(x, y, z) wide (x, the truth,
is a third point). The proof is checked in integer arithmetic (`_certify`); cells it does not prove get
another round (the other orientation, cells one relation further may move). Where the LP's answer is not
whole numbers, the variables around the fractional cells are solved again with integrality (`milp`), the
whole block if that fails, so the proof holds against an attacker who uses integrality too. `narrowest`
is the narrowest interval *proved* (a lower bound: the attacker's true interval is at least as wide).

Why zeros are published: hiding zeros would hide most of a sparse table (most portal-month detail cells
are zero) and protect nothing, since a zero is not a small count of people; the price is that the
attacker knows every hidden cell is >= 1, and the proof above uses exactly that lower bound.
"""
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
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


@dataclass
class Protection:
    hidden: np.ndarray        # bool per cell: not published
    primary: np.ndarray       # bool per cell: hidden because 0 < value < k (the threshold rule)
    narrowest: float | None   # narrowest interval (hi - lo) proved for any protected cell; None if none
    width: int                # the protection width required
    rounds: int               # repair rounds taken


def protect(values: np.ndarray, relations: Relations, k: int, width: int | None = None,
            fixed: np.ndarray | None = None, earlier_visible: np.ndarray | None = None,
            earlier_hidden: np.ndarray | None = None, max_rounds: int = 4) -> Protection:
    """Hide every count 0 < value < k and as few other cells as the repair finds, so that the attacker of the
    module docstring proves no protected cell narrower than `width` and pins no hidden cell.

    `fixed`: cells every reader knows (never hidden, never protection). `earlier_visible`: cells whose current
    value was published before (known to the attacker, even if hidden now). `earlier_hidden`: cells hidden
    before with the same value now: they stay hidden, unpinned, and keep the width if they are primary. Raises
    RuntimeError when no repair can protect a cell (nothing is published then).
    """
    values = np.asarray(values, dtype=np.int64)
    n = len(values)
    width = k if width is None else int(width)
    if width < 1:
        raise ValueError("the protection width must be at least 1")
    none = np.zeros(n, dtype=bool)
    fixed = close_known(none.copy() if fixed is None else np.asarray(fixed, bool).copy(), relations)
    seen = none if earlier_visible is None else np.asarray(earlier_visible, bool) & ~fixed
    sticky = none if earlier_hidden is None else np.asarray(earlier_hidden, bool) & ~fixed & ~seen & (values > 0)
    primary = (values > 0) & (values < k) & ~fixed
    hidden = primary | sticky
    protected = primary & ~seen   # needs `width`; cells the attacker already knows cannot be helped
    movable = ~fixed & ~seen & ((values > 0) | hidden)
    system = _System(relations, n)
    ys, zs = values.copy(), values.copy()
    # What the linear programme asks of each hidden cell: sign * (y - z) >= need. Protected cells ask for the
    # width, higher in y than in z at first (totals then move with their parts); other hidden cells ask for
    # nothing until the audit finds one pinned, then for 1. A cell the audit finds short asks the other way.
    sign, need = np.ones(n), np.where(protected, float(width), 0.0)
    rounds, redo = 0, hidden & movable
    while True:
        rounds += 1
        # Only cells within `reach` relations of a hidden cell may move (a smaller programme; the proof holds
        # all the same); each round that fails reaches one relation further.
        near = system.near(hidden & movable, movable, reach=rounds + 1)
        for block in system.blocks(near, redo):  # from round 2: the blocks whose proof failed
            y, z, newly = _repair_block(system, block, values, hidden, sign, need)
            hidden[block[newly]] = True
            ys[block], zs[block] = y, z
        redo = _certify(system, values, hidden, seen | fixed, protected, width, ys, zs)
        if not redo.any():
            break
        if rounds == max_rounds:
            raise RuntimeError(f"disclosure repair could not prove {int(redo.sum())} hidden cells protected; "
                               "nothing published")
        sign[redo & (need > 0)] *= -1
        need[redo] = np.where(protected[redo], float(width), 1.0)
    lower = np.maximum(np.maximum(ys, zs), values) - np.minimum(np.minimum(ys, zs), values)
    target = protected & hidden
    narrowest = float(lower[target].min()) if target.any() else None
    return Protection(hidden=hidden, primary=primary, narrowest=narrowest, width=width, rounds=rounds)


def suppress(values: np.ndarray, relations: Relations, k: int, fixed: np.ndarray | None = None,
             max_rounds: int = 4) -> np.ndarray:
    """The mask of cells to hide (old callers): `protect()` with the protection width k."""
    return protect(values, relations, k, fixed=fixed, max_rounds=max_rounds).hidden


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
        self.by_cell = self.matrix.T.tocsr()
        self.n_rows, self.n_cells = start, n_cells

    def near(self, cells: np.ndarray, allowed: np.ndarray, reach: int) -> np.ndarray:
        """`cells` and the allowed cells within `reach` relations of them."""
        out = cells.copy()
        for _ in range(reach):
            rows = abs(self.matrix) @ out.astype(np.float64) > 0
            grown = (abs(self.by_cell) @ rows.astype(np.float64) > 0) & allowed
            if not (grown & ~out).any():
                break
            out |= grown
        return out

    def blocks(self, movable: np.ndarray, wanted: np.ndarray) -> list[np.ndarray]:
        """Movable cells linked by relations, as arrays of cell indices; only blocks holding a wanted cell."""
        cells = np.nonzero(movable)[0]
        if len(cells) == 0:
            return []
        sub = self.by_cell[cells].tocoo()           # (cell, row) entries
        m = self.n_rows
        graph = sparse.csr_matrix((np.ones(len(sub.row)), (sub.row, sub.col + len(cells))),
                                  shape=(len(cells) + m, len(cells) + m))
        count, label = connected_components(graph, directed=False)
        label = label[:len(cells)]
        keep = np.unique(label[wanted[cells]])
        order = np.argsort(label, kind="stable")
        bounds = np.searchsorted(label[order], np.arange(count + 1))
        return [cells[order[bounds[b]:bounds[b + 1]]] for b in keep]


def _repair_block(system: _System, block: np.ndarray, values, hidden, sign, need):
    """One block's linear programme (see the module docstring). A hidden cell c with need[c] > 0 asks for
    sign[c] * (y[c] - z[c]) >= need[c]; a shortfall is allowed at a price far above any
    hiding (the audit then finds the cell, and the next round asks for the other orientation). Returns y
    and z over the block and the mask of the block's published cells that must be hidden."""
    sub = system.matrix[:, block]
    rows = np.nonzero(np.diff(sub.indptr))[0]
    sub = sub[rows]
    m = sub.shape[0]
    h = hidden[block]
    v = ~h
    n_h, n_v = int(h.sum()), int(v.sum())
    a_h, a_v = sub[:, np.nonzero(h)[0]], sub[:, np.nonzero(v)[0]]
    x_h, x_v = values[block][h].astype(np.float64), values[block][v].astype(np.float64)

    def zeros(r, c):
        return sparse.csr_matrix((r, c))
    # columns: y [d_h, up_v, down_v], z [d_h, up_v, down_v], shortfall [n_h]; a published cell moves by up - down
    one = sparse.hstack([a_h, a_v, -a_v])
    asks = np.nonzero(need[block][h] > 0)[0]
    n_a = len(asks)
    orient = sparse.csr_matrix((sign[block][h][asks], (np.arange(n_a), asks)), shape=(n_a, n_h))
    size = n_h + 2 * n_v
    matrix = sparse.vstack([
        sparse.hstack([one, zeros(m, size + n_a)]),
        sparse.hstack([zeros(m, size), one, zeros(m, n_a)]),
        sparse.hstack([orient, zeros(n_a, 2 * n_v), -orient, zeros(n_a, 2 * n_v),
                       sparse.identity(n_a, format="csr")]),
    ]).tocsr()
    wanted = need[block][h][asks]
    lower = np.concatenate([np.zeros(2 * m), wanted])
    upper = np.concatenate([np.zeros(2 * m), np.full(n_a, np.inf)])
    cost_v = 1.0 + np.log1p(x_v)
    shortfall = 1e3 * (1.0 + (cost_v.max() if n_v else 1.0)) * max(1, len(block))
    cost = np.concatenate([np.zeros(n_h), cost_v, cost_v] * 2 + [np.full(n_a, shortfall)])
    lb = np.concatenate([1.0 - x_h, np.zeros(2 * n_v)] * 2 + [np.zeros(n_a)])   # a hidden cell stays >= 1
    ub = np.concatenate([np.full(n_h, np.inf), np.full(n_v, np.inf), x_v - 1.0] * 2 + [wanted])
    # Interior point with crossover to a vertex: 13 times faster than the dual simplex on a year of the demo
    # (2.4 s against 30.8 s CPU), same optimum.
    res = linprog(cost, A_ub=-matrix[2 * m:] if n_a else None, b_ub=-wanted if n_a else None,
                  A_eq=matrix[:2 * m], b_eq=np.zeros(2 * m),
                  bounds=np.column_stack([lb, ub]), method="highs-ipm")
    constraints = LinearConstraint(matrix, lower, upper)
    if res.x is not None and np.abs(res.x - np.round(res.x)).max() > 1e-6:  # whole numbers, or no proof
        # Keep the whole-number part of the answer and solve for whole numbers only around the cells that
        # came out fractional (the cells sharing a relation with one); if that has no answer, the block.
        h_cells, v_cells = np.nonzero(h)[0], np.nonzero(v)[0]
        owner = np.concatenate([h_cells, v_cells, v_cells] * 2 + [h_cells[asks]])
        fractional = np.zeros(len(block), dtype=bool)
        fractional[owner[np.abs(res.x - np.round(res.x)) > 1e-6]] = True
        rows_hit = abs(sub) @ fractional.astype(np.float64) > 0
        around = (abs(sub).T @ rows_hit.astype(np.float64) > 0) | fractional
        free = around[owner]
        fixed_at = np.round(res.x)
        local = milp(cost, constraints=constraints, integrality=np.ones(len(cost)),
                     bounds=Bounds(np.where(free, lb, fixed_at), np.where(free, ub, fixed_at)))
        res = local if local.x is not None else milp(cost, constraints=constraints, bounds=Bounds(lb, ub),
                                                     integrality=np.ones(len(cost)))
    if res.x is None:
        raise RuntimeError(f"disclosure repair: no solution for a block ({res.message}); nothing published")
    sol = np.round(res.x)
    points = []
    for p in (sol[:size], sol[size:2 * size]):
        d = np.zeros(len(block))
        d[h] = p[:n_h]
        d[v] = p[n_h:n_h + n_v] - p[n_h + n_v:]
        points.append(values[block] + d.astype(np.int64))
    y, z = points
    newly = v & ((y != values[block]) | (z != values[block]))
    return y, z, newly


def _certify(system: _System, values, hidden, known, protected, width: int, ys, zs) -> np.ndarray:
    """The audit: y and z must be whole-number tables that keep every published cell and every relation, with
    hidden cells >= 1; then each hidden cell's interval is at least max(x, y, z) - min(x, y, z) wide. Returns
    the hidden cells this does not prove (protected: narrower than width; others: pinned)."""
    ok = True
    for p in (ys, zs):
        whole = np.all(p == np.round(p))
        same = np.all(p[~hidden | known] == values[~hidden | known])
        rows_hold = whole and np.array_equal(system.matrix @ np.round(p).astype(np.int64),
                                             system.matrix @ values)
        ok = ok and whole and same and rows_hold and bool(np.all(p[hidden] >= 1))
    if not ok:
        return hidden & ~known
    lower = np.maximum(np.maximum(ys, zs), values) - np.minimum(np.minimum(ys, zs), values)
    need = np.where(protected, width, 1)
    return hidden & ~known & (lower < need)


def determined_cells(hidden: np.ndarray, relations: Relations, vectors: int = 2, seed: int = 0,
                     warm: dict | None = None, around: np.ndarray | None = None) -> np.ndarray:
    """Hidden cells an attacker pins down by solving every published sum at once as one linear system.

    A hidden cell is safe when some change to the hidden cells leaves every published sum as it is; such
    changes form the null space of the sums restricted to the hidden cells. Random vectors projected on
    that null space (conjugate gradients on A·Aᵀ, Jacobi-preconditioned) move every safe cell; a cell no
    projection moves is returned. Numerical error can only report a safe cell as pinned (one more cell
    hidden), not the reverse: the projection must converge or this raises.

    The system splits into independent blocks (hidden cells linked by shared sums); with `around`, only
    the blocks holding one of those cells are solved. `warm` (a dict kept across calls by suppress) keeps
    each cell's random vector and the last solution, so that a block solved again starts near its answer.
    """
    rows, cols, coef, row_ids, cells = _hidden_system(hidden, relations)
    if len(row_ids) == 0:  # no published sum holds a hidden cell: none can be worked out
        return cells[:0]
    if around is not None:
        rows, cols, coef, row_ids, cells = _blocks_holding(rows, cols, coef, row_ids, cells, around[cells])
    n, m = len(cells), len(row_ids)
    if n == 0:
        return cells
    if warm is None:
        warm = {}
    if "r" not in warm:
        warm["r"] = np.random.default_rng(seed).standard_normal((len(hidden), vectors))
        warm["y"] = np.zeros((sum(len(t) for t, _ in relations.groups.values()), vectors))
    a = sparse.csr_matrix((coef, (rows, cols)), shape=(m, n))
    at = a.T.tocsr()
    diag = np.bincount(rows, minlength=m).astype(np.float64)[:, None]
    r = warm["r"][cells]
    y = _solve_normal_equations(a.dot, at.dot, a @ r, diag, warm["y"][row_ids])
    warm["y"][row_ids] = y
    moved = np.abs(r - at @ y).max(axis=1)
    return cells[moved < 1e-6]


def _blocks_holding(rows, cols, coef, row_ids, cells, wanted: np.ndarray):
    """The part of the system (rows and columns renumbered) in the blocks that hold a wanted column."""
    m, n = len(row_ids), len(cells)
    graph = sparse.csr_matrix((np.ones(len(rows)), (rows, cols + m)), shape=(m + n, m + n))
    _, label = connected_components(graph, directed=False)
    keep = np.zeros(label.max() + 1, dtype=bool)
    keep[label[m:][wanted]] = True
    keep_row, keep_col = keep[label[:m]], keep[label[m:]]
    new_row = np.cumsum(keep_row) - 1
    new_col = np.cumsum(keep_col) - 1
    entry = keep_row[rows]
    return new_row[rows[entry]], new_col[cols[entry]], coef[entry], row_ids[keep_row], cells[keep_col]


def _solve_normal_equations(a, at, b: np.ndarray, diag: np.ndarray, start: np.ndarray, tol: float = 1e-11,
                            max_iter: int = 20_000) -> np.ndarray:
    """Preconditioned conjugate gradients for (A·Aᵀ) y = b from `start`, every column of b at once; b is in
    the range of A, so the system is consistent. Inside, one row per vector: contiguous products and dots
    (a third of the time of column-wise ones here)."""
    b, y, diag = b.T.copy(), start.T.copy(), diag.ravel()
    normal = lambda v: np.stack([a(at(row)) for row in v])  # noqa: E731
    dot = lambda u, v: np.einsum("ij,ij->i", u, v)  # noqa: E731
    res = b - normal(y)
    z = res / diag
    p, rz, target = z.copy(), dot(res, z), tol ** 2 * dot(b, b)
    for _ in range(max_iter):
        if (dot(res, res) <= target).all():
            return y.T
        mp = normal(p)
        alpha = (rz / np.maximum(dot(p, mp), 1e-300))[:, None]
        y += alpha * p
        res -= alpha * mp
        z = res / diag
        rz, rz_old = dot(res, z), rz
        p = z + (rz / np.maximum(rz_old, 1e-300))[:, None] * p
    raise RuntimeError("disclosure audit did not converge; nothing published")


def _hidden_system(hidden: np.ndarray, relations: Relations):
    """The relations that touch a hidden cell, over hidden cells only: sparse (row, column, ±1) entries."""
    cells = np.nonzero(hidden)[0]
    col_of = np.full(len(hidden), -1, dtype=np.int64)
    col_of[cells] = np.arange(len(cells))
    rows, cols, coef, ids, m, first = [], [], [], [], 0, 0
    for members in relations.members():
        sign = np.where(np.arange(members.shape[1]) == 0, 1.0, -1.0)
        use = np.nonzero(hidden[members].any(axis=1))[0]
        r, c = np.nonzero(hidden[members[use]])
        rows.append(m + r)
        cols.append(col_of[members[use][r, c]])
        coef.append(sign[c])
        ids.append(first + use)
        m, first = m + len(use), first + len(members)
    if not rows:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64), cells
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(coef), np.concatenate(ids), cells


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
    """Hidden cells an attacker works out by solving sums with one unknown, again and again.

    Empty after suppress(): publish() checks it as a last guard; the tests attack independently too.
    """
    return np.nonzero(close_known(~hidden, relations) & hidden)[0]


# --- exact recovery only (the default until the interval protection is fast enough) -----------------

def protect_exact(values, relations: Relations, k: int, width: int | None = None, fixed=None,
                  earlier_visible=None, earlier_hidden=None) -> Protection:
    """The default protection (PORTAL_STATS_PROTECTION=exact): suppress() across all linked sums, with cells
    hidden in an earlier publication kept hidden (treated as small) and cells published before with the same
    value counted as known. No hidden cell can be solved exactly from the published sums; it proves no
    interval width, so `narrowest` is None."""
    values = np.asarray(values)
    n = len(values)
    fixed = np.zeros(n, dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
    earlier_visible = np.zeros(n, dtype=bool) if earlier_visible is None else np.asarray(earlier_visible, dtype=bool)
    earlier_hidden = np.zeros(n, dtype=bool) if earlier_hidden is None else np.asarray(earlier_hidden, dtype=bool)
    primary = (values >= 1) & (values < k) & ~fixed
    sticky = earlier_hidden & ~earlier_visible & ~fixed & (values > 0)
    as_seen = np.where(sticky, 1, values)  # hidden before: hidden again, like a small count
    known = fixed | (earlier_visible & ~earlier_hidden & ~primary)
    try:
        hidden = suppress_exact(as_seen, relations, k, known)
    except RuntimeError:
        hidden = suppress_exact(as_seen, relations, k, fixed)
    return Protection(hidden=hidden, primary=primary, narrowest=None, width=k if width is None else width, rounds=0)


def suppress_exact(values: np.ndarray, relations: Relations, k: int, fixed: np.ndarray | None = None,
             max_rounds: int = 100) -> np.ndarray:
    """The exact-recovery mask (PORTAL_STATS_PROTECTION=exact): small counts hidden, then secondary cells until
    every relation with a hidden cell hides two and no hidden cell is solved by all published sums at once;
    `values` is flat (non-negative integers).

    `fixed` marks cells a reader knows anyway (e.g. months before a portal existed): never hidden,
    never chosen to protect another cell.
    """
    fixed = close_known(np.zeros(len(values), dtype=bool) if fixed is None else fixed.copy(), relations)
    hidden = (values >= 1) & (values < k) & ~fixed
    safe = np.zeros(len(values), dtype=bool)  # hiding more never exposes a safe cell, so each is audited once
    tries: dict[int, int] = {}
    index, warm = None, {}
    for _ in range(max_rounds):
        hidden = _protect_in_each_relation(values, relations, fixed, hidden, max_rounds)
        pinned = determined_cells(hidden, relations, warm=warm, around=hidden & ~safe)
        safe = hidden.copy()
        safe[pinned] = False
        if len(pinned) == 0:
            return hidden
        index = index or _RelationIndex(relations, len(values))
        hidden = _hide_a_neighbour(values, index, fixed, hidden, pinned, tries)
    raise RuntimeError("secondary suppression did not settle")


def _protect_in_each_relation(values, relations: Relations, fixed, hidden, max_rounds: int) -> np.ndarray:
    """Step 1: hide cells until no relation has exactly one hidden cell."""
    hidden = hidden.copy()
    for _ in range(max_rounds):
        changed = False
        for totals, parts in relations.groups.values():
            count = hidden[totals].astype(np.int64) + hidden[parts].sum(axis=1)
            exposed = np.nonzero(count == 1)[0]
            if len(exposed) == 0:
                continue
            p = parts[exposed]
            v = values[p].astype(np.float64)
            score = np.where(hidden[p] | fixed[p] | (v == 0), np.inf, v)  # zero cells protect nothing
            best = np.argmin(score, axis=1)
            has_part = np.isfinite(score[np.arange(len(exposed)), best])
            hidden[p[np.arange(len(exposed)), best][has_part]] = True
            lone_total = totals[exposed][~has_part]
            if fixed[lone_total].any():
                raise RuntimeError("a hidden cell's only protection would be a cell every reader knows")
            hidden[lone_total] = True
            changed = True
        if not changed:
            return hidden
    raise RuntimeError("secondary suppression did not settle")


class _RelationIndex:
    """Which relations each cell is in, and the cells of each relation (for the repair's search)."""

    def __init__(self, relations: Relations, n_cells: int):
        members = relations.members()
        flat = np.concatenate([m.ravel() for m in members])
        first = np.cumsum([0] + [len(m) for m in members])
        rel_id = np.concatenate([np.repeat(np.arange(len(m)) + first[g], m.shape[1]) for g, m in enumerate(members)])
        order = np.argsort(flat, kind="stable")
        self._rel_of_cell, self._starts = rel_id[order], np.searchsorted(flat[order], np.arange(n_cells + 1))
        self._members = members
        self._first = first

    def relations_of(self, cell: int) -> list[list[int]]:
        out = []
        for r in self._rel_of_cell[self._starts[cell]:self._starts[cell + 1]].tolist():
            g = int(np.searchsorted(self._first, r, side="right")) - 1
            out.append(self._members[g][r - self._first[g]].tolist())
        return out


def _hide_a_neighbour(values, index: _RelationIndex, fixed, hidden, pinned: np.ndarray, tries: dict) -> np.ndarray:
    """Step 2's repair: for each pinned cell, hide the nearest visible non-zero cell, searching its relations
    first, then the relations of the hidden cells it shares a relation with, and so on. A cell pinned
    again gets the smallest such cell in every relation searched, not just one."""
    usable = ~hidden & ~fixed & (values > 0)
    before, hidden = hidden, hidden.copy()
    for cell in pinned:
        seen, frontier = {int(cell)}, [int(cell)]
        while frontier:
            related = [cells for x in frontier for cells in index.relations_of(x)]
            near = {y for cells in related for y in cells}
            by_relation = [c for c in ([y for y in cells if usable[y]] for cells in related) if c]
            if by_relation:
                tries[int(cell)] = tries.get(int(cell), 0) + 1
                choices = by_relation if tries[int(cell)] > 1 else [[y for c in by_relation for y in c]]
                for c in choices:
                    best = min(c, key=lambda y: values[y])
                    hidden[best], usable[best] = True, False
                break
            frontier = [y for y in near if hidden[y] and y not in seen]
            seen.update(frontier)
        # else: this round already hid every candidate near the cell; the next audit looks again
    if not (hidden != before).any():
        raise RuntimeError("a hidden cell can be worked out and no cell is left to protect it")
    return hidden

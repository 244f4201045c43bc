"""Disclosure control for published counts: primary suppression of small counts and secondary
suppression so that no suppressed cell can be worked out from the published totals and parts.

Cells live in one array V[unit, period, measure]. A relation says total = sum(parts) (a breakdown of a
measure, a year and its months, a region and its portals, the network and its regions). Two steps,
repeated until both hold:
1. every relation with a hidden cell hides at least two (the smallest non-zero visible part, else the
   total, is hidden next: a zero protects nothing), across all relations at once;
2. an audit solves every published sum at once as one linear system, as a determined attacker would,
   and finds the hidden cells it pins down; each gets its nearest visible non-zero neighbour hidden.
"""
from dataclasses import dataclass

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


def suppress(values: np.ndarray, relations: Relations, k: int, fixed: np.ndarray | None = None,
             max_rounds: int = 100) -> np.ndarray:
    """Return the boolean mask of cells to hide; `values` is flat (non-negative integers).

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


# --- TEMPORARY (branch issue10): the agreed interface, as a thin wrapper around suppress() -------------
# The real protect() (interval protection against an LP attacker with bounds, sticky suppression across
# publications) comes from branch issue10a and replaces everything below at merge. This stand-in keeps
# cells hidden earlier hidden (by treating them as small) and never hides what was already published, but
# it proves no interval: `narrowest` is None.

@dataclass
class Protection:
    hidden: np.ndarray        # bool per cell: not published
    primary: np.ndarray       # bool per cell: hidden because 0 < value < k
    narrowest: float | None   # narrowest feasible interval the attacker can prove for any primary cell; None if none
    width: int                # protection width required
    rounds: int


def protect(values, relations, k, width=None, fixed=None, earlier_visible=None, earlier_hidden=None) -> Protection:
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
        hidden = suppress(as_seen, relations, k, known)
    except RuntimeError:
        hidden = suppress(as_seen, relations, k, fixed)
    return Protection(hidden=hidden, primary=primary, narrowest=None, width=k if width is None else width, rounds=0)

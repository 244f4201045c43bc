"""The suite's attacker, written independently of etl/disclosure.py (no code shared with it).

It knows: every published cell (of this and of earlier publications: `known`), every relation as
(total, [parts]) pairs, that counts are non-negative integers, that a hidden cell is at least 1 (zeros
are published), and that a cell the publication never shows is at least 0. For a hidden cell it solves
the smallest and the largest value consistent with all of that: a linear programme per bound (scipy's
HiGHS), and with `integral=True` a mixed-integer one.
"""
import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import connected_components


class Attacker:
    def __init__(self, values, known, pairs, hidden_lower=1):
        """`values`: the true table, used only for the right-hand sides (the published sums) and never for
        an unknown cell; `known`: bool per cell, the cells the attacker has read somewhere; `hidden_lower`:
        what an unknown cell is at least, one number or one per cell (1 for a hidden published cell, 0 for a
        cell the publication never shows)."""
        values = np.asarray(values, dtype=np.int64)
        self.known = np.asarray(known, dtype=bool)
        self.unknown = np.nonzero(~self.known)[0]
        col = np.full(len(values), -1)
        col[self.unknown] = np.arange(len(self.unknown))
        rows, cols, coef, rhs = [], [], [], []
        for total, parts in pairs:
            cells = [total] + list(parts)
            signs = [1] + [-1] * len(parts)
            free = [(c, s) for c, s in zip(cells, signs) if not self.known[c]]
            if not free:
                continue
            r = len(rhs)
            for c, s in free:
                rows.append(r)
                cols.append(col[c])
                coef.append(s)
            rhs.append(-sum(s * values[c] for c, s in zip(cells, signs) if self.known[c]))
        n = len(self.unknown)
        self.a = sparse.csr_matrix((coef, (rows, cols)), shape=(len(rhs), n))
        self.b = np.array(rhs, dtype=np.float64)
        self.lower = np.broadcast_to(np.asarray(hidden_lower, dtype=np.float64), len(values))[self.unknown]
        graph = sparse.csr_matrix((np.ones(len(rows)), (np.array(rows, int), np.array(cols, int) + len(rhs))),
                                  shape=(len(rhs) + n, len(rhs) + n))
        _, label = connected_components(graph, directed=False)
        self.row_label, self.col_label = label[:len(rhs)], label[len(rhs):]

    def interval(self, cell: int, integral: bool = False) -> tuple[float, float]:
        """The attacker's [lo, hi] for one hidden cell (hi may be inf)."""
        j = int(np.nonzero(self.unknown == cell)[0][0])
        cols = np.nonzero(self.col_label == self.col_label[j])[0]
        rows = np.nonzero(self.row_label == self.col_label[j])[0]
        a = self.a[rows][:, cols]
        b = self.b[rows]
        target = int(np.nonzero(cols == j)[0][0])
        out = []
        lower = self.lower[cols]
        for sign in (1.0, -1.0):
            c = np.zeros(len(cols))
            c[target] = sign
            if integral:
                res = milp(c, constraints=LinearConstraint(a, b, b), bounds=Bounds(lower, np.inf),
                           integrality=np.ones(len(cols)))
            else:
                res = linprog(c, A_eq=a, b_eq=b, bounds=np.column_stack([lower, np.full(len(cols), np.inf)]),
                              method="highs")
            if res.status != 0 and sign < 0:  # no largest value: check the relaxation is unbounded
                relaxed = linprog(c, A_eq=a, b_eq=b, bounds=np.column_stack([lower, np.full(len(cols), np.inf)]),
                                  method="highs")
                assert relaxed.status == 3, (res.message, relaxed.message)
                out.append(np.inf)
                continue
            assert res.status == 0, res.message
            out.append(sign * res.fun)
        return out[0], out[1]

    def narrow(self, cells, width: int, integral: bool = False) -> dict:
        """Cells of `cells` whose interval is narrower than `width`: {cell: (lo, hi)}."""
        found = {}
        for cell in cells:
            lo, hi = self.interval(int(cell), integral)
            if hi - lo < width - 1e-6:
                found[int(cell)] = (lo, hi)
        return found

"""Disclosure control for published counts: primary suppression of small counts and secondary
suppression so that no suppressed cell can be worked out from a total and its other parts.

Cells live in one array V[unit, period, measure]. A relation says total = sum(parts) (a breakdown of a
measure, a year and its months, a region and its portals, the network and its regions). A suppressed
cell is safe from one relation when at least two of its cells are hidden; the loop hides more cells
(the smallest non-zero visible part, else the total: a zero protects nothing) until every relation
with a hidden cell hides at least two, across all relations at once.
"""
from dataclasses import dataclass

import numpy as np


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


def suppress(values: np.ndarray, relations: Relations, k: int, fixed: np.ndarray | None = None,
             max_rounds: int = 100) -> np.ndarray:
    """Return the boolean mask of cells to hide; `values` is flat (non-negative integers).

    `fixed` marks cells a reader knows anyway (e.g. months before a portal existed): never hidden,
    never chosen to protect another cell.
    """
    fixed = close_known(np.zeros(len(values), dtype=bool) if fixed is None else fixed.copy(), relations)
    hidden = (values >= 1) & (values < k) & ~fixed
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

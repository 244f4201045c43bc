"""Disclosure control against the attacker of etl/disclosure.py's docstring, played by tests/attacker.py (an
independent LP per hidden cell with hidden cells >= 1, and a MILP on small tables): on hand-made tables, on
random tables (Hypothesis), after a revision, and on demo sets imported the way the ETL imports them."""
import os
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.disclosure import Relations, protect

from .attacker import Attacker


# --- small hierarchical tables: portals -> regions -> network, months -> year, received = outcomes,
# actioned = media --------------------------------------------------------------------------------------

class Table:
    """Cells [unit, period, measure]. Units: portals, then one row per region, then the network. Periods:
    months, then their year. Measures: received, actioned, other outcomes, media parts."""

    def __init__(self, leaves: np.ndarray, region_of: list[int], launch: list[int] | None = None):
        p, t, leaf = leaves.shape            # leaf measures: other outcomes, then media parts
        self.leaves, self.region_of = leaves, region_of
        self.n_media = leaf - (leaf // 2)
        n_other = leaf - self.n_media
        regions = max(region_of) + 1
        self.shape = (p + regions + 1, t + 1, 2 + leaf)
        v = np.zeros(self.shape, dtype=np.int64)
        v[:p, :t, 2:] = leaves
        v[:p, :t, 1] = leaves[:, :, n_other:].sum(axis=2)
        v[:p, :t, 0] = v[:p, :t, 1] + leaves[:, :, :n_other].sum(axis=2)
        for r in range(regions):
            v[p + r] = v[[i for i in range(p) if region_of[i] == r]].sum(axis=0)
        v[-1] = v[p:p + regions].sum(axis=0)
        v[:, t] = v[:, :t].sum(axis=1)
        self.values = v.ravel()
        idx = np.arange(v.size).reshape(self.shape)
        pairs = []
        for u in range(self.shape[0]):
            for s in range(t + 1):
                pairs.append((idx[u, s, 0], [idx[u, s, 1]] + list(idx[u, s, 2:2 + n_other])))
                pairs.append((idx[u, s, 1], list(idx[u, s, 2 + n_other:])))
        for u in range(self.shape[0]):
            for m in range(self.shape[2]):
                pairs.append((idx[u, t, m], list(idx[u, :t, m])))
        for r in range(regions):
            members = [i for i in range(p) if region_of[i] == r]
            for s in range(t + 1):
                for m in range(self.shape[2]):
                    pairs.append((idx[p + r, s, m], list(idx[members, s, m])))
        for s in range(t + 1):
            for m in range(self.shape[2]):
                pairs.append((idx[-1, s, m], list(idx[p:p + regions, s, m])))
        self.pairs = [(int(a), [int(x) for x in b]) for a, b in pairs]
        self.relations = Relations.build(self.pairs)
        fixed = np.zeros(self.shape, dtype=bool)  # months before a portal's launch: zero, and known to be
        for i, start in enumerate(launch or [0] * p):
            fixed[i, :start] = True
        assert not v[fixed].any()
        self.fixed = fixed.ravel()
        self.free = np.zeros(v.size, dtype=bool)
        self.idx = idx

    def as_published(self) -> "Table":
        """The table as the dashboard publishes it: by month only `received` (regions and the network); a
        portal's monthly `received` withheld but tied by its sums (free, at least 0); the other monthly cells
        left out with every sum through them (etl/stats_publication.py)."""
        p, t = len(self.region_of), self.shape[1] - 1
        keep = np.ones(self.shape, dtype=bool)
        keep[:, :t, 1:] = False
        free = np.zeros(self.shape, dtype=bool)
        free[:p, :t, 0] = True
        keep, free = keep.ravel(), free.ravel()
        new = np.full(keep.size, -1)
        new[keep] = np.arange(int(keep.sum()))
        out = object.__new__(Table)
        out.shape, out.region_of, out.leaves = self.shape, self.region_of, self.leaves
        out.values, out.fixed, out.free = self.values[keep], self.fixed[keep], free[keep]
        out.pairs = [(int(new[a]), [int(new[x]) for x in b]) for a, b in self.pairs if keep[a] and keep[b].all()]
        out.relations = Relations.build(out.pairs)
        out.withheld = True
        return out

    withheld = False   # as_published() sets it


def attack(values, hidden, pairs, known_before=None, free=None):
    """The attacker over the publication(s): known = published now, or published before with this value;
    a withheld (free) cell is an unknown at least 0."""
    known = ~hidden if known_before is None else (~hidden | known_before)
    return Attacker(values, known, pairs, 1 if free is None else np.where(free, 0, 1))


def check(values, result, pairs, k, width, known_before=None, integral=True, fixed=None, free=None):
    """The guarantee: threshold cells hidden, zeros and fixed cells published, no protected cell narrower
    than the width, no hidden cell pinned (exact LP; and MILP if `integral`). Withheld cells are unknowns
    the attacker may use, but have no protection of their own."""
    free = np.zeros(len(values), dtype=bool) if free is None else free
    fixed_free = free & (fixed if fixed is not None else False)
    hidden = result.hidden & ~fixed_free
    assert hidden[free & ~fixed_free].all(), "a withheld cell was published"
    assert not (hidden & (values == 0) & ~free).any(), "a zero was hidden"
    if fixed is not None:
        assert not (result.hidden & fixed & ~free).any(), "a structural zero was hidden"
    small = (values > 0) & (values < k) & ~free
    assert (hidden[small]).all(), "a small count is published"
    assert (result.primary == (small & (fixed is None or ~fixed))).all()
    attacker = attack(values, hidden, pairs, known_before, free)
    targets = np.nonzero(hidden & ~free & (~hidden if known_before is None else ~known_before))[0]
    protected = [c for c in targets if result.primary[c]]
    others = [c for c in targets if not result.primary[c]]
    for integral_now in ([False, True] if integral else [False]):
        assert attacker.narrow(protected, width, integral_now) == {}
        assert attacker.narrow(others, 1, integral_now) == {}, "a hidden cell is pinned"
    assert result.narrowest is None or result.narrowest >= width
    if any(result.primary[c] for c in np.nonzero(hidden & ~free)[0]) and known_before is None:
        assert result.narrowest is not None   # a first publication proves its own threshold cells


# --- the issue's attack -----------------------------------------------------------------------------

def test_the_issues_attack_pinned_two_cells_at_one_and_no_longer_does():
    """ARG 2026-07: actioned 12 and media_image 10 published; the two other media cells (1 and 1) hidden.
    An attacker who knows a hidden cell is >= 1 pins both at 1 (the old suppress() left exactly this)."""
    values = np.array([12, 10, 1, 1])   # actioned = image + video + image_and_video
    pairs = [(0, [1, 2, 3])]
    old_mask = np.array([False, False, True, True])
    assert attack(values, old_mask, pairs).narrow([2, 3], 1) == {2: (1.0, 1.0), 3: (1.0, 1.0)}
    result = protect(values, Relations.build(pairs), 10)
    check(values, result, pairs, 10, 10)


def test_the_attacker_is_real():
    """A primary cell beside a published total and one hidden partner is found narrower than the width."""
    values = np.array([20, 3, 17])
    hidden = np.array([False, True, True])
    found = attack(values, hidden, [(0, [1, 2])]).narrow([1], 10, integral=True)
    assert found == {1: (1.0, 19.0)} or list(found) == []  # 19 - 1 = 18 >= 10: wide enough
    values = np.array([8, 3, 5])      # total 8 published: 3 is within [1, 7], 6 wide < 10
    assert attack(values, np.array([False, True, True]), [(0, [1, 2])]).narrow([1], 10) == {1: (1.0, 7.0)}


# --- a fixture table ------------------------------------------------------------------------------

FIXTURE = np.array([  # 4 portals x 3 months x (2 other outcomes, 3 media parts)
    [[12, 0, 5, 1, 0], [15, 2, 9, 0, 1], [11, 0, 14, 3, 2]],
    [[40, 3, 22, 11, 0], [37, 0, 18, 12, 4], [44, 1, 25, 10, 2]],
    [[2, 0, 1, 0, 0], [0, 0, 0, 0, 0], [3, 1, 0, 2, 0]],
    [[60, 5, 30, 20, 9], [58, 7, 33, 18, 11], [66, 4, 31, 25, 12]],
])


@pytest.mark.parametrize("k,width", [(10, 10), (5, 5), (10, 15), (3, 1)])
def test_fixture_table(k, width):
    table = Table(FIXTURE, region_of=[0, 0, 1, 1])
    result = protect(table.values, table.relations, k, width=width)
    assert result.width == width and result.proofs >= 1
    check(table.values, result, table.pairs, k, width)


@pytest.mark.parametrize("k,width", [(10, 10), (5, 5), (10, 15)])
def test_fixture_table_as_published(k, width):
    """By month only received, a portal's monthly received withheld: the attacker uses the withheld cells as
    unknowns >= 0 and still finds no narrow interval."""
    table = Table(FIXTURE, region_of=[0, 0, 1, 1]).as_published()
    result = protect(table.values, table.relations, k, width=width, free=table.free)
    check(table.values, result, table.pairs, k, width, free=table.free)


def test_structural_zeros_are_known_and_never_protection():
    leaves = FIXTURE.copy()
    leaves[2, 0] = 0                                  # portal 2 launched in month 1
    table = Table(leaves, region_of=[0, 0, 1, 1], launch=[0, 0, 1, 0])
    result = protect(table.values, table.relations, 10, fixed=table.fixed)
    check(table.values, result, table.pairs, 10, 10, fixed=table.fixed)


# --- random tables (Hypothesis) -------------------------------------------------------------------

@st.composite
def tables(draw):
    portals = draw(st.integers(2, 4))
    months = draw(st.integers(1, 3))
    leaf = draw(st.integers(2, 4))
    small = st.one_of(st.just(0), st.integers(1, 12), st.integers(10, 60))
    leaves = np.array(draw(st.lists(small, min_size=portals * months * leaf, max_size=portals * months * leaf)))
    leaves = leaves.reshape(portals, months, leaf)
    region_of = [0] + [draw(st.integers(0, 1)) for _ in range(portals - 1)]
    region_of = [r if 1 in region_of else 0 for r in region_of]
    launch = [draw(st.integers(0, months - 1)) if draw(st.booleans()) else 0 for _ in range(portals)]
    for i, start in enumerate(launch):
        leaves[i, :start] = 0
    k = draw(st.integers(2, 10))
    width = draw(st.integers(1, k + 3))
    table = Table(leaves, region_of, launch)
    return (table.as_published() if draw(st.booleans()) else table), k, width


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_random_tables_keep_every_interval_wide(case):
    table, k, width = case
    result = protect(table.values, table.relations, k, width=width, fixed=table.fixed, free=table.free)
    check(table.values, result, table.pairs, k, width, fixed=table.fixed, free=table.free)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.integers(0, 3), st.integers(0, 10**6))
def test_random_revisions_keep_every_interval_wide(case, launch_shift, salt):
    """Publish with no structural zeros, then with a corrected launch (a portal's months before it are known
    zeros now; the counts do not change) and the first publication passed on: the attacker holds both."""
    table, k, width = case
    first = protect(table.values, table.relations, k, width=width, free=table.free)
    t = table.shape[1] - 1
    rng = np.random.default_rng(salt)
    launch = [0] * len(table.region_of)
    portal = int(rng.integers(len(table.region_of)))
    while launch[portal] < min(launch_shift, t - 1) and not table.leaves[portal, launch[portal]].any():
        launch[portal] += 1
    revised = Table(table.leaves, table.region_of, launch)
    revised = revised.as_published() if table.withheld else revised
    seen = ~first.hidden & ~revised.fixed
    second = protect(revised.values, revised.relations, k, width=width, fixed=revised.fixed,
                     earlier_visible=seen, earlier_hidden=first.hidden & ~table.free, free=revised.free,
                     reprove=bool((revised.fixed & ~table.fixed).any()))
    assert second.hidden[first.hidden & ~revised.fixed].all()
    check(revised.values, second, revised.pairs, k, width, known_before=~first.hidden, fixed=revised.fixed,
          free=revised.free)


# --- a revision -------------------------------------------------------------------------------------

def test_a_revision_keeps_the_first_publications_hidden_cells_protected():
    """Publish, then correct a portal's launch (its first month becomes a structural zero) and publish again
    with the first publication's cells; the attacker holds both publications."""
    leaves = FIXTURE.copy()
    leaves[2, 0] = 0
    table = Table(leaves, region_of=[0, 0, 1, 1])
    first = protect(table.values, table.relations, 10)
    check(table.values, first, table.pairs, 10, 10)
    revised = Table(leaves, region_of=[0, 0, 1, 1], launch=[0, 0, 1, 0])   # same counts, new structural zeros
    assert (revised.values == table.values).all()
    earlier_visible = ~first.hidden & ~revised.fixed
    second = protect(revised.values, revised.relations, 10, fixed=revised.fixed,
                     earlier_visible=earlier_visible, earlier_hidden=first.hidden, reprove=True)
    assert second.hidden[first.hidden & ~revised.fixed].all(), "a cell hidden before is published now"
    both = ~first.hidden                                  # known from the first publication
    check(revised.values, second, revised.pairs, 10, 10, known_before=both, fixed=revised.fixed)


def test_a_removed_portal_stays_in_its_totals_and_its_small_counts_protected():
    """Portal 2 (small counts) leaves the list: its cells are withheld now but stay in its region's sums, as
    etl/stats_publication.py keeps them; the attacker holds both publications."""
    table = Table(FIXTURE, region_of=[0, 0, 1, 1])
    first = protect(table.values, table.relations, 10)
    withheld = np.zeros(table.shape, dtype=bool)
    withheld[2] = True
    withheld = withheld.ravel()
    second = protect(table.values, table.relations, 10, withheld=withheld, earlier_visible=~first.hidden,
                     earlier_hidden=first.hidden)
    assert second.hidden[withheld].all() and second.hidden[first.hidden].all()
    known = ~first.hidden | ~second.hidden
    lower = np.where(first.hidden | (second.hidden & ~withheld), 1, 0)
    small = (table.values > 0) & (table.values < 10)
    attacker = Attacker(table.values, known, table.pairs, lower)
    assert (small & ~known & withheld).any()
    for integral in (False, True):
        assert attacker.narrow(np.nonzero(small & ~known)[0], 10, integral) == {}
        assert attacker.narrow(np.nonzero(~known & ~small & (lower == 1))[0], 1, integral) == {}
    assert second.narrowest is None and second.proofs == 0   # hidden before: the first proofs still hold


def test_a_region_total_published_before_does_not_give_away_a_portal_now():
    """Issue: Sub-Saharan Africa January 45 and ZMB 40 published -> MUS 5. Before: region total published,
    both portals hidden. Now the region total must count as known: ZMB cannot be published alone."""
    values = np.array([45, 40, 5])            # region = ZMB + MUS
    pairs = [(0, [1, 2])]
    rel = Relations.build(pairs)
    earlier_visible = np.array([True, False, False])
    earlier_hidden = np.array([False, True, True])
    result = protect(values, rel, 10, earlier_visible=earlier_visible, earlier_hidden=earlier_hidden)
    assert result.hidden[[1, 2]].all()
    check(values, result, pairs, 10, 10, known_before=earlier_visible)


def test_a_load_that_adds_counts_is_proved_above_the_last_publication():
    """Published: total 20 = a 0 + b 20. A load adds 3 to a and 5 to b: 28 = 3 + 25. The attacker knows
    counts only grow (each cell at least what was published), so a proof that lowers b below 20 is no
    proof: a alone would be [1, 8]. With the floor the proof raises the total, which is hidden too."""
    values, pairs = np.array([28, 3, 25]), [(0, [1, 2])]
    before = np.array([20, 0, 20])
    for floor, safe in ((None, False), (before, True)):
        result = protect(values, Relations.build(pairs), 10, floor=floor)
        attacker = Attacker(values, ~result.hidden, pairs, np.maximum(before, 1))
        assert result.hidden[1] and (attacker.narrow([1], 10) == {}) == safe
    assert result.hidden.all() and result.narrowest >= 10


def test_a_cell_known_before_cannot_be_protected_by_a_total_known_before():
    """Both parts of a published total were published before, and one is small now under a higher k: the
    attacker knows it; it is hidden (the threshold) but counted as known, not as protected."""
    values = np.array([30, 4, 26])
    result = protect(values, Relations.build([(0, [1, 2])]), 10, earlier_visible=np.array([True, True, True]))
    assert result.hidden[1] and result.narrowest is None


# --- demo sets, imported the way the ETL imports them ------------------------------------------------

def _demo_cells(tmp_path, seed: int, reports: int, monkeypatch):
    """The import's own cells and relations for a demo set (captured around its call to protect()), and
    the warehouse it published to."""
    from etl import demo_stats, portal_stats, stats_publication
    from etl.db import make_engine
    from etl.jobs import run_jobs, run_load
    from etl.readers import sha256_of
    engine = make_engine(f"sqlite:///{tmp_path / f'demo{seed}.sqlite'}")
    run_jobs(engine, ["portals", "figures"], out=open(os.devnull, "w"))
    path = Path(tmp_path) / f"demo{seed}.csv"
    with engine.connect() as conn:
        demo_stats.generate(conn, seed, reports, path, end=date(2026, 10, 31))
    seen = {}

    def spy(values, relations, k, fixed=None, **kwargs):
        seen.update(values=values, relations=relations, k=k, fixed=fixed, free=kwargs["free"],
                    result=protect(values, relations, k, fixed=fixed, **kwargs))
        return seen["result"]
    monkeypatch.setattr(stats_publication, "protect", spy)
    report = run_load(engine, "portal-stats", [path],
                      lambda conn, load_id: portal_stats.load_file(conn, load_id, path, today=date(2026, 11, 29),
                                                                   k=10), sha256_of(path))
    assert report.outcome == "ok", report.message
    seen["engine"] = engine
    return seen


@pytest.mark.parametrize("seed,reports", [(20261129, 100_000), (1, 4000), (2, 4000), (3, 4000)])
def test_demo_sets_leave_no_narrow_interval(tmp_path, monkeypatch, seed, reports):
    """The default demo and three 4,000-report sets: the attacker's exact LP on 150 protected cells per set
    (the smallest values first, then a random sample) and on 50 other hidden cells finds nothing narrower
    than k, with every withheld cell an unknown >= 0; the threshold and the zeros hold on every cell; and
    the yearly network totals a public reader sees are published."""
    seen = _demo_cells(tmp_path, seed, reports, monkeypatch)
    values, result, k, free = seen["values"], seen["result"], seen["k"], seen["free"]
    from etl.disclosure import close_known
    fixed = close_known(seen["fixed"].copy(), seen["relations"])
    free = free & ~fixed
    pairs = [(int(t), [int(x) for x in p]) for tt, pp in seen["relations"].groups.values()
             for t, p in zip(tt, pp)]
    hidden = result.hidden & ~fixed
    assert hidden[free].all()
    assert not (hidden & ~free & ((values == 0) | fixed)).any()
    assert hidden[(values > 0) & (values < k) & ~fixed & ~free].all()
    assert result.narrowest is not None and result.narrowest >= k
    attacker = Attacker(values, ~hidden, pairs, np.where(free, 0, 1))
    rng = np.random.default_rng(seed)
    protected = np.nonzero(hidden & result.primary)[0]
    order = protected[np.argsort(values[protected], kind="stable")]
    sample = np.unique(np.concatenate([order[:75], rng.choice(protected, min(75, len(protected)), replace=False)]))
    assert attacker.narrow(sample, k) == {}
    others = np.nonzero(hidden & ~result.primary & ~free)[0]
    if len(others):
        assert attacker.narrow(rng.choice(others, min(50, len(others)), replace=False), 1) == {}
    from sqlalchemy import text
    with seen["engine"].connect() as conn:
        network = conn.execute(text("SELECT period_start, received FROM portal_stat WHERE unit_kind = 'network' "
                                    "AND period_kind = 'year' ORDER BY period_start")).all()
    seen["engine"].dispose()
    shown = [r.received for r in network if r.received is not None]
    if reports >= 100_000:   # the default demo: at most its first year (19 reports) hidden
        assert len(shown) >= len(network) - 1 and sum(shown) > 0.99 * reports, network
    else:                    # thin sets: the early years, when the network had a few reports, may be hidden
        assert sum(shown) > 0.9 * reports, network

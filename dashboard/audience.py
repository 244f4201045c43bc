"""Who sees what: audiences as data, and the one filter the reading model applies to statistics.

Four kinds of audience:

- **public**: treaty status, the portal network (the portal list), and network- or region-level
  **yearly** statistics only, each aggregate covering at least MIN_PORTALS portals and with a
  threshold (`public_k`) never below the one the statistics were published with (`suppression_k`).
- **partner**: the public view plus every row of its own portals (`Audience.portals`).
- **funder**: the public view plus every row of the portals its funders paid for (`Audience.funders`,
  matched to the portal list's `funders` column through `dashboard.reading.funder_group`).
- **staff**: everything.

`scope_filter(audience, stats, portals)` takes a frame shaped like the `v_portal_stats` view and
returns only what the audience may see. Rows of portals outside the audience's scope are dropped;
aggregate rows the audience may not see as numbers are kept with every measure empty, every
`<measure>_suppressed` set and the reason in the `hidden` column, so a page says "hidden" rather
than drawing zero. `cell()` and `total()` give a page one value with its state.

Why the aggregate rules: a partner sees its own portal, so a region total that covers its portal
and one other would give that other portal away (region minus own); and if one region is hidden,
network minus the visible regions gives the hidden one back. So every sum a non-staff reader can
see or derive covers at least MIN_PORTALS portals, and hidden regions of a year are never alone;
network minus the visible regions, where exact, also meets the public threshold.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum

import pandas as pd

from etl.stats_format import region_group

KINDS = ("public", "partner", "funder", "staff")
MIN_PORTALS = 3          # an aggregate shown outside staff covers at least this many portals
PUBLIC_GRAIN = "year"    # the only period the public sees
AGGREGATE_UNITS = ("network", "region")

HIDDEN_SCOPE = "outside your access"
HIDDEN_FEW = "fewer than 3 portals"
HIDDEN_THRESHOLD = "below the public threshold"
HIDDEN_COMPLEMENT = "hidden so that another hidden total cannot be worked out"
# the reason as a code, for the value state a page, CSV or briefing writes in its language ("withheld_few")
REASON_CODES = {HIDDEN_SCOPE: "scope", HIDDEN_FEW: "few", HIDDEN_THRESHOLD: "threshold", HIDDEN_COMPLEMENT: "complement"}


def reason_code(reason: str) -> str:
    """The code of a `hidden` reason; an unknown one (e.g. from the database's view) is 'scope'."""
    return REASON_CODES.get(reason, "scope")


@dataclass(frozen=True)
class Audience:
    """What one reader may see. `subject` (who, for the audit trail) takes no part in the scope."""
    kind: str
    portals: frozenset[str] = frozenset()
    funders: frozenset[str] = frozenset()
    subject: str | None = field(default=None, compare=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown audience kind {self.kind!r}: one of {', '.join(KINDS)}")
        object.__setattr__(self, "portals", frozenset(str(p).upper() for p in self.portals))
        object.__setattr__(self, "funders", frozenset(self.funders))

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"


PUBLIC = Audience("public")
STAFF = Audience("staff")


def public_k(published_k: int | None = None) -> int:
    """The public threshold: LANZAROTE_PUBLIC_K, never below the k the statistics were published with."""
    configured = int(os.environ.get("LANZAROTE_PUBLIC_K", "0") or 0)
    return max(configured, int(published_k or 0))


def visible_portals(audience: Audience, portals: pd.DataFrame) -> frozenset[str] | None:
    """Portal codes whose own rows the audience sees; None means every portal (staff). Partner and
    funder: the listed portals (known ones) and the portals of the listed funders; public: none."""
    if audience.kind == "staff":
        return None
    if audience.kind == "public":
        return frozenset()
    known = set(portals["portal_code"]) if portals is not None and len(portals) else set()
    own = {p for p in audience.portals if p in known}
    if audience.funders and portals is not None and len(portals):
        from dashboard.model.funder import funder_group
        own |= {code for code, funders in zip(portals["portal_code"], portals["funders"])
                if funder_group(funders) in audience.funders}
    return frozenset(own)


def can_see_portal(audience: Audience, portal_code: str, portals: pd.DataFrame) -> bool:
    scope = visible_portals(audience, portals)
    return scope is None or portal_code in scope


def _measures(frame: pd.DataFrame) -> list[str]:
    return [c[: -len("_suppressed")] for c in frame.columns
            if c.endswith("_suppressed") and c[: -len("_suppressed")] in frame.columns]


def _portals_by_region_year(portals: pd.DataFrame, years) -> dict[tuple[str, int], frozenset[str]]:
    """Which portals surely ran in each region group and year (launched by its last day); an
    unknown launch counts as not running, which can only hide more."""
    running: dict[tuple[str, int], set] = {}
    # The region the published totals count a portal in (it stays where it was first published), else the list's.
    counted_in = portals["stats_region"] if "stats_region" in portals.columns else [None] * len(portals)
    for code, region, counted, launch_to in zip(portals["portal_code"], portals["region"], counted_in,
                                                portals["launch_to"]):
        if launch_to is None or pd.isna(launch_to):
            continue
        region = counted if isinstance(counted, str) else region
        first = pd.Timestamp(launch_to).year
        for y in years:
            if y >= first:
                running.setdefault((region_group(region), y), set()).add(code)
    return {key: frozenset(v) for key, v in running.items()}


def _safe_group(members: frozenset[str], own: frozenset[str]) -> bool:
    """A sum over `members` may be known to a reader who also knows every portal in `own`: it must
    cover MIN_PORTALS portals, and what it leaves once the reader's own are taken away (a sum the
    reader can work out) must be nothing or cover MIN_PORTALS portals too: never one portal, nor two."""
    others = len(members - own)
    return len(members) >= MIN_PORTALS and (others == 0 or others >= MIN_PORTALS)


def _hide(frame: pd.DataFrame, index, reason: str, measures: list[str]) -> None:
    for m in measures:
        frame.loc[index, m] = None
        frame.loc[index, f"{m}_suppressed"] = 1
    frame.loc[index, "hidden"] = reason


def scope_filter(audience: Audience, stats: pd.DataFrame, portals: pd.DataFrame) -> pd.DataFrame:
    """The rows of `stats` (v_portal_stats shape) this audience may see, with hidden aggregates marked.

    `portals` is the portal list (v_portal shape: portal_code, region, funders, launch_to).
    The result always has a `hidden` column: None where the row is shown as published, else why not
    (a `hidden` already in `stats`, as from PostgreSQL's v_public_stats, is kept).
    """
    out = stats.copy()
    prior = stats["hidden"] if "hidden" in stats.columns else None  # e.g. rows v_public_stats already hid
    out["hidden"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    if prior is not None:
        out.loc[prior.notna(), "hidden"] = prior[prior.notna()]
    if audience.kind == "staff" or out.empty:
        return out
    measures = _measures(out)
    for m in measures:  # hidden cells must be able to hold "nothing"
        out[m] = out[m].astype(object)
    own = visible_portals(audience, portals)
    is_portal = out["unit_kind"] == "portal"
    keep_portal = is_portal & out["unit_code"].isin(own)
    is_aggregate = out["unit_kind"].isin(AGGREGATE_UNITS) & (out["period_kind"] == PUBLIC_GRAIN)
    out = out[keep_portal | is_aggregate].copy()
    for idx in out.index[out["hidden"].notna()]:  # hidden upstream: no value either
        _hide(out, idx, out.at[idx, "hidden"], measures)
    agg = out[out["unit_kind"].isin(AGGREGATE_UNITS)]
    if agg.empty:
        return out
    years = sorted({pd.Timestamp(d).year for d in agg["period_start"]})
    running = _portals_by_region_year(portals, years)
    k_col = out["suppression_k"] if "suppression_k" in out.columns else pd.Series(0, index=out.index)

    def too_small(idx) -> str | None:
        """The public threshold applies to a row's `received`; above the published k, a row whose
        `received` is suppressed is hidden too (it was protected only against the published k)."""
        published = 0 if pd.isna(k_col.get(idx)) else int(k_col.get(idx))
        threshold = public_k(published)
        received = out.at[idx, "received"] if "received" in out.columns else None
        if received is None or pd.isna(received):
            return HIDDEN_THRESHOLD if threshold > published else None
        return HIDDEN_THRESHOLD if int(received) < threshold else None

    for year in years:
        rows = agg[[pd.Timestamp(d).year == year for d in agg["period_start"]]]
        regions = rows[rows["unit_kind"] == "region"]
        members = {i: running.get((regions.at[i, "unit_code"], year), frozenset()) for i in regions.index}
        hidden: dict = {}
        for idx in regions.index:
            if not _safe_group(members[idx], own):
                hidden[idx] = HIDDEN_FEW
            elif reason := too_small(idx):
                hidden[idx] = reason

        network_rows = rows[rows["unit_kind"] == "network"].index

        def derived_safe() -> bool:
            """Network minus the visible regions, where a reader can work it out exactly, meets the
            public threshold (a figure worked out is a figure shown)."""
            if not len(network_rows) or network_rows[0] in out.index[out["hidden"].notna()]:
                return True
            n = network_rows[0]
            shown = [out.at[i, "received"] for i in regions.index if i not in hidden]
            net = out.at[n, "received"]
            if net is None or pd.isna(net) or any(v is None or pd.isna(v) for v in shown):
                return True
            published = 0 if pd.isna(k_col.get(n)) else int(k_col.get(n))
            return int(net) - sum(int(v) for v in shown) >= public_k(published)

        # Network minus the visible regions is the sum of the hidden ones: that sum must be safe too
        # (two regions or more, a safe group of portals, not below the public threshold), else hide
        # the next smallest region.
        def hidden_safe() -> bool:
            return len(hidden) >= 2 and _safe_group(frozenset().union(*(members[i] for i in hidden)), own) \
                and derived_safe()
        visible = sorted((i for i in regions.index if i not in hidden),
                         key=lambda i: (len(members[i]), 0.0 if pd.isna(out.at[i, "received"])
                                        else float(out.at[i, "received"])))
        while hidden and not hidden_safe() and visible:
            hidden[visible.pop(0)] = HIDDEN_COMPLEMENT
        everyone = frozenset().union(*(v for (r, y), v in running.items() if y == year))
        network_hidden = None
        if not _safe_group(everyone, own):
            network_hidden = HIDDEN_FEW
        elif hidden and not hidden_safe():
            network_hidden = HIDDEN_COMPLEMENT  # every region hidden and still unsafe: hide the total too
        for idx in rows[rows["unit_kind"] == "network"].index:
            if reason := network_hidden or too_small(idx):
                _hide(out, idx, reason, measures)
        for idx, reason in hidden.items():
            _hide(out, idx, reason, measures)
    return out


class State(Enum):
    SHOWN = "shown"
    SUPPRESSED = "suppressed"   # hidden by the disclosure control of the published statistics
    HIDDEN = "hidden"           # not for this audience
    NO_DATA = "no data"         # nothing published for this unit and period


@dataclass(frozen=True)
class Cell:
    value: int | None
    state: State
    reason: str | None = None
    at_least: bool = False      # a sum with suppressed or hidden parts left out: "at least value"

    def __str__(self) -> str:
        if self.state is State.SHOWN:
            return f"at least {self.value:,}" if self.at_least else f"{self.value:,}"
        return self.state.value if not self.reason else f"{self.state.value} ({self.reason})"


def cell(row, measure: str) -> Cell:
    """One published value of a scope_filter row with its state: never 0 for what is not shown."""
    if row is None:
        return Cell(None, State.NO_DATA)
    reason = row.get("hidden") if hasattr(row, "get") else None
    if isinstance(reason, str):
        return Cell(None, State.HIDDEN, reason)
    if int(row.get(f"{measure}_suppressed") or 0):
        return Cell(None, State.SUPPRESSED)
    value = row.get(measure)
    return Cell(None, State.NO_DATA) if value is None or pd.isna(value) else Cell(int(value), State.SHOWN)


def total(frame: pd.DataFrame, measure: str, expected_units=None, unit_column: str = "unit_code") -> Cell:
    """Sum of a measure over scope_filter rows. Empty, or none of `expected_units` visible: HIDDEN,
    never 0. Any part suppressed, hidden or missing: the sum of the rest, marked `at_least`."""
    if frame is None or frame.empty:
        return Cell(None, State.HIDDEN, HIDDEN_SCOPE)
    missing = set(expected_units or ()) - set(frame[unit_column])
    cells = [cell(r, measure) for _, r in frame.iterrows()]
    shown = [c.value for c in cells if c.state is State.SHOWN]
    if not shown:
        hidden = next((c for c in cells if c.state is State.HIDDEN), None)
        return hidden or Cell(None, State.SUPPRESSED)
    return Cell(sum(shown), State.SHOWN, at_least=len(shown) < len(cells) or bool(missing))

"""The portal network: launches per year by region and by funder, network trends with the state of every
value, and the IWF and INHOPE published figures (one series per publisher and metric, in year order).
Outside staff the statistics are yearly network and regional figures, those an audience may not see
marked withheld (dashboard/audience.py); monthly figures are for staff only.

By month the statistics publish `received` only (region x month and network x month; no portal x
month): every other measure of a monthly row is NULL with a NULL `<measure>_suppressed`, meaning "not
published at this grain", which is neither 0, nor suppressed, nor unknown. So a monthly view reads
`received` alone (MONTHLY_MEASURES) and has no actioned series and no breakdowns; those are yearly."""
from dataclasses import dataclass
from datetime import date

import pandas as pd

from etl.stats_format import region_group
from etl.stats_format import BREAKDOWNS

from .. import reading
from ..audience import PUBLIC_GRAIN, Audience
from . import scope
from .cells import stack_parts, with_states
from .funder import funder_group

OUTCOMES = BREAKDOWNS["outcome"][1]
HOSTS = BREAKDOWNS["hosting"][1]
YEARLY_MEASURES = tuple(dict.fromkeys(("received", "actioned", *OUTCOMES, *HOSTS)))   # OUTCOMES holds actioned
MONTHLY_MEASURES = ("received",)     # the only measure published by month


def published_measures(grain: str) -> tuple:
    """The measures the statistics publish at this grain (the only columns the model reads)."""
    return MONTHLY_MEASURES if grain == "month" else YEARLY_MEASURES


@dataclass
class Network:
    as_of: date
    grain: str                    # year | month
    region_names: list            # every portal region group, in one order (one colour each in every chart)
    launches_region: pd.DataFrame  # year, region, portals
    launches_funder: pd.DataFrame  # year, funder (a name, or NOT_STATED), portals
    measures: tuple                # the measures in totals: published_measures(grain)
    totals: pd.DataFrame | None    # period_start, each of `measures` with its state
    regions: pd.DataFrame | None   # period_start, region, received, received_state
    outcomes: pd.DataFrame | None  # received by outcome as stacked: period_start, part, value, state (yearly only)
    hosting: pd.DataFrame | None   # actioned by hosting region as stacked: period_start, part, value, state (yearly only)
    figures: pd.DataFrame          # publisher, metric, unit, year, value, source, notes: sorted by series and year
    k: int | None
    is_demo: bool
    withheld: bool                 # statistics at this grain are not for this audience (totals is then None)


def network(engine, as_of: date, grain: str, audience: Audience) -> Network:
    portals = reading.portals(engine)
    launched = portals[portals["launch_to"].notna() & (portals["launch_to"] <= as_of)].assign(
        year=lambda d: pd.to_datetime(d["launch_to"]).dt.year.astype("int64"),
        region=lambda d: [region_group(r) for r in d["region"]],
        funder=lambda d: [funder_group(f) for f in d["funders"]])
    by_region = launched.groupby(["year", "region"]).size().rename("portals").reset_index()
    by_funder = launched.groupby(["year", "funder"]).size().rename("portals").reset_index()

    totals = regions = outcomes = hosting = None
    k, is_demo = None, False
    withheld = grain != PUBLIC_GRAIN and not audience.is_staff
    measures = published_measures(grain)
    raw = None if withheld else scope.portal_stats(engine, audience, "network", grain, measures=measures)
    raw = None if raw is None else raw[raw["period_start"].dt.date <= as_of]
    if raw is not None and len(raw):
        totals = with_states(raw, list(measures))
        reg = scope.portal_stats(engine, audience, "region", grain, measures=("received",))
        reg = reg[reg["period_start"].dt.date <= as_of]
        regions = with_states(reg, ["received"]).assign(region=reg["unit_code"].to_numpy())
        if grain != "month":   # no breakdown is published by month
            outcomes = stack_parts(totals, "received", OUTCOMES)
            hosting = stack_parts(totals, "actioned", HOSTS)
        pub = reading.publication(engine)
        k, is_demo = int(pub.get("k", 10)), bool(pub.get("is_demo"))

    figures = reading.published_figures(engine)
    figures = figures[figures["year"] <= as_of.year].sort_values(["publisher", "metric", "year"])
    figures["value"] = pd.Series([int(v) if pd.notna(v) and float(v).is_integer() else v for v in figures["value"]],
                                 index=figures.index, dtype=object)   # counts as integers, shares as published
    names = sorted({region_group(r) for r in portals["region"]})
    return Network(as_of, grain, names, by_region, by_funder, measures, totals, regions, outcomes, hosting,
                   figures.reset_index(drop=True), k, is_demo, withheld)

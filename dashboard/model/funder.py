"""Funder impact: the portals a funder paid for, their launches as drawn, and per year the reports received
and actioned through them (sums of published values; how many portal-years were hidden is kept). The
portal list is public; the sums are for an audience that may see every funded portal (the funder
itself, staff), else withheld: a sum over some of them would be a different figure."""
from dataclasses import dataclass
from datetime import date

import pandas as pd

from .. import reading
from ..audience import Audience, visible_portals
from . import scope
from .cells import HIDDEN, with_states
from .periods import steps

NOT_STATED = "not_stated"
FUNDER_GROUPS = {"end violence": "Fund to End Violence Against Children",
                 "global partnership": "Fund to End Violence Against Children",
                 "foreign & commonwealth": "UK Government (FCO programme)",
                 "unodc": "UNODC (Government of Norway)"}


def funder_group(text) -> str:
    """One name per funder from the varied wording of the sources; NOT_STATED when the sources say none."""
    text = text if isinstance(text, str) else ""
    lowered = text.lower()
    for key, name in FUNDER_GROUPS.items():
        if key in lowered:
            return name
    named = [p.strip() for p in text.split(";") if p.strip() and not p.strip().lower().startswith("reference")]
    return "; ".join(named) or NOT_STATED


def funders(engine) -> list:
    return sorted({funder_group(f) for f in reading.portals(engine)["funders"]} - {NOT_STATED})


@dataclass
class FunderView:
    funder: str
    start: int
    end: int
    as_of: date
    portals: pd.DataFrame    # portal_code, portal_name, country_code, country_name_en, launch period, languages, ...
    languages: list
    launches: pd.DataFrame   # the steps drawn: date, count
    totals: pd.DataFrame     # year, received, received_hidden, actioned, actioned_hidden (portal-years hidden);
                             # a sum is missing (<NA>) when every portal-year of it is hidden
    withheld: bool           # the sums are not for this audience (totals is then empty)
    k: int | None
    is_demo: bool
    publication: dict
    loads: pd.DataFrame      # each job's last load: the provenance of everything above


def funder_view(engine, funder: str, start: int, end: int, as_of: date, audience: Audience) -> FunderView:
    portals = reading.portals(engine)
    funded = portals[[funder_group(f) == funder for f in portals["funders"]]].reset_index(drop=True)
    languages = sorted({x.strip() for v in funded["languages"].dropna() for x in v.split(";") if x.strip()})
    launches = steps(funded["launch_to"], as_of)

    seen = visible_portals(audience, portals)
    withheld = seen is not None and not set(funded["portal_code"]) <= seen
    rows = []
    if not withheld:
        stats = scope.portal_stats(engine, audience, "portal", "year")
        stats = stats[stats["unit_code"].isin(set(funded["portal_code"]))
                      & stats["period_start"].dt.year.between(start, end) & (stats["period_start"].dt.date <= as_of)]
    if not withheld and len(stats):
        cells = with_states(stats, ["received", "actioned"]).assign(year=stats["period_start"].dt.year.to_numpy())
        for year, part in cells.groupby("year"):
            row = {"year": int(year)}
            for m in ("received", "actioned"):
                shown = part[m].dropna()   # no value shown this year: no sum (missing, never 0)
                row[m] = int(shown.sum()) if len(shown) else None
                row[f"{m}_hidden"] = int(part[f"{m}_state"].isin(HIDDEN).sum())
            rows.append(row)
    totals = pd.DataFrame(rows, columns=["year", "received", "received_hidden", "actioned", "actioned_hidden"])
    totals = totals.astype({"year": "int64", "received": "Int64", "received_hidden": "int64",
                            "actioned": "Int64", "actioned_hidden": "int64"})
    pub = reading.publication(engine)
    return FunderView(funder, start, end, as_of, funded, languages, launches, totals, withheld,
                      int(pub["k"]) if pub and len(totals) else None, bool(pub.get("is_demo")) and len(totals) > 0,
                      pub, reading.last_loads(engine))

"""The overview on a date: every state's status and category, the portals launched, the headline counts
and the cumulative steps, all as known on that date."""
from dataclasses import dataclass
from datetime import date

import pandas as pd

from .. import reading
from .periods import known_by, steps

CATEGORIES = ("in_force_member", "in_force_non_member", "ratified", "signed", "not_signed_member", "denounced",
              "none")


@dataclass
class Overview:
    as_of: date
    states: pd.DataFrame      # every country and territory: code, names, category, status, events known by as_of
    portals: pd.DataFrame     # portals launched by as_of: code, name, country, scope, launch period, lat, lon, drawn
    cumulative: pd.DataFrame  # the steps drawn: series (parties | portals), date, count
    parties: int
    members_not_bound: int
    portals_launched: int
    portals_drawn: int
    portal_not_party: int
    uncertain: int


def category(status: str | None, member: bool) -> str:
    """The map's category: status, with CoE members and non-members told apart."""
    if status == "in_force":
        return "in_force_member" if member else "in_force_non_member"
    if status in ("ratified", "signed", "denounced"):
        return status
    return "not_signed_member" if member else "none"


def overview(engine, as_of: date) -> Overview:
    status = reading.treaty_status(engine, as_of)
    members = set(reading.coe_members_on(engine, as_of)["country_code"])
    places = reading.countries(engine)
    portals = reading.portals(engine)
    launched = portals[portals["launch_to"].notna() & (portals["launch_to"] <= as_of)].copy()
    portal_of = launched.dropna(subset=["country_code"]).set_index("country_code")
    by_state = {r["country_code"]: known_by(r, as_of) for r in status.to_dict("records")}

    rows = []
    for place in places.to_dict("records"):
        code = place["code"]
        rec = by_state.get(code, {})
        member = code in members
        st_code = rec.get("status", "not_signed")
        row = {"code": code, "name_en": place["name_en"], "name_fr": place["name_fr"],
               "code_kind": place["code_kind"], "marker_lat": place["marker_lat"], "marker_lon": place["marker_lon"],
               "category": category(rec.get("status"), member), "status": st_code,
               "has_events": bool(rec), "status_certain": bool(rec.get("status_certain", 1)),
               "coe_member": member, "confidence": rec.get("confidence"),
               "has_conflict": bool(rec.get("has_conflict", 0))}
        for prefix in ("signature", "deposit", "eif"):
            for f in ("from", "to", "precision", "basis", "source", "confidence"):
                row[f"{prefix}_{f}"] = rec.get(f"{prefix}_{f}")
        port = portal_of.loc[code] if code in portal_of.index else None
        row["portal_code"] = None if port is None else port["portal_code"]
        for f in ("launch_from", "launch_to", "launch_precision"):
            row[f] = None if port is None else port[f]
        row["in_table"] = row["category"] != "none" or port is not None or bool(rec)
        rows.append(row)
    states = pd.DataFrame(rows)

    coords = places.set_index("code")[["marker_lat", "marker_lon"]]
    launched["lat"] = [coords.loc[c, "marker_lat"] if c in coords.index else None for c in launched["country_code"]]
    launched["lon"] = [coords.loc[c, "marker_lon"] if c in coords.index else None for c in launched["country_code"]]
    launched["drawn"] = launched["lat"].notna()
    launched = launched[["portal_code", "portal_name", "country_code", "scope", "launch_from", "launch_to",
                         "launch_precision", "lat", "lon", "drawn"]].reset_index(drop=True)

    in_force = set(status.loc[status["status"] == "in_force", "country_code"])
    cumulative = pd.concat([
        steps(status["eif_to"], as_of).assign(series="parties"),
        steps(portals["launch_to"], as_of).assign(series="portals"),
    ], ignore_index=True)[["series", "date", "count"]]
    return Overview(
        as_of=as_of, states=states, portals=launched, cumulative=cumulative,
        parties=len(in_force), members_not_bound=len(members - in_force), portals_launched=len(launched),
        portals_drawn=int(launched["drawn"].sum()),
        portal_not_party=len(set(portal_of.index) - in_force),
        uncertain=int((status["status_certain"] == 0).sum()))

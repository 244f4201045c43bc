"""The Lanzarote Committee's view: monitoring rounds as dated periods (urgent rounds, compliance procedures
and surveys included), the round x Party matrix, one round's Parties, what changed since a date, and the
advocacy lists, all as known on the as-of date."""
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from etl.dates import Period, month_end

from .. import reading

RECENT_YEARS = 5


def first_period(text) -> Period | None:
    """The first date written in a free-text field, at its precision: '2017-06 (...)' -> June 2017, '2018' -> 2018."""
    found = re.search(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text if isinstance(text, str) else "")
    if not found:
        return None
    y, m, d = int(found[1]), found[2], found[3]
    if d:
        day = date(y, int(m), int(d))
        return Period(day, day, "day")
    if m:
        return Period(date(y, int(m), 1), month_end(y, int(m)), "month")
    return Period(date(y, 1, 1), date(y, 12, 31), "year")


def round_kind(code: str) -> str:
    """round | urgent | compliance | survey, from the round's code (R1, URG, URG-COMP, SURV2024...)."""
    if code.endswith("-COMP"):
        return "compliance"
    if code.startswith("URG"):
        return "urgent"
    if code.startswith("SURV"):
        return "survey"
    return "round"


@dataclass
class Committee:
    as_of: date
    since: date
    rounds: pd.DataFrame        # round_code, kind, title, launched (text), launch_from/_to/_precision, adopted_from/_to, ...
    matrix: pd.DataFrame        # country_code, name_en, one column per round_code: covered (yes/no/None = unknown)
    round_code: str
    parties: pd.DataFrame       # the round's Parties: country_code, name_en, covered, reply_submitted, ..., status
    deposits: pd.DataFrame      # since <= date_to <= as_of: country_code, name_en, period, basis, source, confidence
    entries_into_force: pd.DataFrame
    new_portals: pd.DataFrame   # portal_code, portal_name, country_code, launch period, funders, source
    loads: pd.DataFrame         # load_id, job, source, finished_at, rows_loaded, rows_rejected
    portal_not_party: pd.DataFrame   # country_code, name_en, launch period, funders
    party_no_portal: pd.DataFrame    # country_code, name_en, eif period, coe_member
    recent_eif: pd.DataFrame         # CoE members, eif in the last RECENT_YEARS years: country_code, name_en, eif_*


def committee(engine, as_of: date, round_code: str, since: date) -> Committee:
    rounds = reading.rounds(engine)
    launch = [first_period(x) for x in rounds["launched"]]
    adopted = [first_period(x) for x in rounds["report_adopted"]]
    rounds = rounds.drop(columns=["load_id"]).assign(
        kind=[round_kind(c) for c in rounds["round_code"]],
        launch_from=[p.start if p else None for p in launch], launch_to=[p.end if p else None for p in launch],
        launch_precision=[p.precision if p else "unknown" for p in launch],
        adopted_from=[p.start if p else None for p in adopted], adopted_to=[p.end if p else None for p in adopted])

    everyone = [reading.round_parties(engine, c).assign(round_code=c) for c in rounds["round_code"]]
    parties_all = pd.concat(everyone, ignore_index=True)
    matrix = parties_all.pivot_table(index=["country_code", "name_en"], columns="round_code", values="covered",
                                     aggfunc="first").reset_index()
    matrix.columns.name = None

    status = reading.treaty_status(engine, as_of)
    by_code = status.set_index("country_code")["status"]
    parties = reading.round_parties(engine, round_code)
    parties["status"] = [by_code.get(c, "not_signed") for c in parties["country_code"]]

    events = reading.all_treaty_events(engine)
    recent = events[events["date_to"].notna() & (events["date_to"] >= since) & (events["date_to"] <= as_of)]
    cols = ["country_code", "name_en", "date_from", "date_to", "date_precision", "basis", "source", "confidence"]
    deposits = recent[recent["event_type"] == "deposit"][cols].sort_values("date_to").reset_index(drop=True)
    eifs = recent[recent["event_type"] == "entry_into_force"][cols].sort_values("date_to").reset_index(drop=True)

    portals = reading.portals(engine)
    launched = portals[portals["launch_to"].notna() & (portals["launch_to"] <= as_of)]
    pcols = ["portal_code", "portal_name", "country_code", "country_name_en", "launch_from", "launch_to",
             "launch_precision", "funders", "source"]
    new_portals = launched[launched["launch_to"] >= since][pcols].reset_index(drop=True)
    loads = reading.loads_since(engine, since)

    in_force = set(status.loc[status["status"] == "in_force", "country_code"])
    portal_not_party = launched[launched["country_code"].notna() & ~launched["country_code"].isin(in_force)][
        pcols].reset_index(drop=True)
    with_portal = set(launched["country_code"].dropna())
    party_rows = status[status["status"] == "in_force"]
    party_no_portal = party_rows[~party_rows["country_code"].isin(with_portal)][
        ["country_code", "name_en", "eif_from", "eif_to", "eif_precision", "eif_basis", "coe_member"]
    ].reset_index(drop=True)
    cutoff = date(as_of.year - RECENT_YEARS, as_of.month, 1)
    recent_eif = party_rows[(party_rows["coe_member"] == 1) & (pd.to_datetime(party_rows["eif_to"]).dt.date >= cutoff)][
        ["country_code", "name_en", "eif_from", "eif_to", "eif_precision", "eif_basis", "eif_source"]
    ].reset_index(drop=True)
    return Committee(as_of, since, rounds, matrix, round_code, parties, deposits, eifs, new_portals, loads,
                     portal_not_party, party_no_portal, recent_eif)

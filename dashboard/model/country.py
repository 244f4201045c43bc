"""One country or territory on a date: CoE membership, treaty status and events known by then, caveats,
monitoring rounds, its portal and the portal's yearly statistics with the state of every value, as far
as the reader's audience may see them (the portal itself is public; its statistics are not)."""
from dataclasses import dataclass
from datetime import date

import pandas as pd

from .. import reading
from ..audience import Audience, can_see_portal
from . import scope
from .cells import share, stack_parts, with_states
from .periods import known_by

STAT_MEASURES = ["received", "actioned", "severity_a", "severity_b", "severity_c", "self_generated_yes"]


@dataclass
class Portal:
    portal_code: str
    name: str
    launch_from: date | None
    launch_to: date | None
    launch_precision: str
    partners: str | None
    funders: list          # funder names as the sources word them, without reference fragments
    languages: str | None
    url: str | None
    source: str
    confidence: str
    retrieved_at: date | None
    notes: str | None      # e.g. a launch date reported differently by two sources


@dataclass
class CountryProfile:
    code: str
    name_en: str
    name_fr: str
    code_kind: str
    as_of: date
    coe_member: bool
    coe_accession: date | None
    coe_left: date | None
    status: str            # not_signed | signed | ratified | in_force | denounced (as of as_of)
    is_party: bool
    has_events: bool
    status_certain: bool
    dates: dict            # the status row: <event>_from/_to/_precision/_basis/_source/_confidence, known by as_of
    events: pd.DataFrame   # every recorded event known by as_of, with basis, source, confidence, is_selected
    notes: pd.DataFrame    # caveats: field, note, kind, source
    rounds: pd.DataFrame   # round_code, covered, reply_submitted, recommendations, compliance_status, source
    portal: Portal | None
    stats: pd.DataFrame | None   # yearly: period_start, per measure value + state, shares with state
    withheld: bool         # the portal's statistics are not for this audience (stats is then None)
    severity: pd.DataFrame | None  # actioned by severity as stacked: period_start, part, value, state
    k: int | None
    is_demo: bool
    treaties_retrieved: str | None
    publication: dict        # k, is_demo, cells, cells_suppressed of the statistics' publication
    loads: pd.DataFrame      # each job's last load: the provenance of everything above


def funder_names(text) -> list:
    """'A; reference: IWF page' -> ['A']: a reference belongs to the source, not the funder field."""
    parts = [p.strip() for p in (text if isinstance(text, str) else "").split(";")]
    return [p for p in parts if p and not p.lower().startswith("reference")]


def _text(value) -> str | None:
    """A free-text field, None when the sources give nothing (NULL, NaN or empty)."""
    return value.strip() or None if isinstance(value, str) else None


def _date(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def notes_for(engine, code: str, name: str) -> pd.DataFrame:
    """The country's own caveats, and notes about all Parties that begin with its name ('Morocco: ...')."""
    own = reading.treaty_notes(engine, code)
    general = reading.general_notes(engine)
    about = general[general["note"].str.startswith(f"{name}:")]
    return pd.concat([own, about], ignore_index=True)


def profile(engine, code: str, as_of: date, audience: Audience) -> CountryProfile:
    places = reading.countries(engine).set_index("code")
    place = places.loc[code]
    status = reading.treaty_status(engine, as_of)
    mine = status[status["country_code"] == code]
    row = known_by(mine.iloc[0].to_dict(), as_of) if len(mine) else {}
    members = set(reading.coe_members_on(engine, as_of)["country_code"])
    events = reading.treaty_events(engine, code)
    events = events[events["date_to"].notna() & (events["date_to"] <= as_of)].reset_index(drop=True)
    rounds = reading.rounds_for(engine, code)

    portals = reading.portals(engine)
    ours = portals[portals["country_code"] == code]
    portal, stats, severity, k, is_demo, withheld = None, None, None, None, False, False
    if len(ours) and ours.iloc[0]["launch_to"] is not None and ours.iloc[0]["launch_to"] <= as_of:
        p = ours.iloc[0]
        portal = Portal(p["portal_code"], p["portal_name"], _date(p["launch_from"]), _date(p["launch_to"]),
                        p["launch_precision"], _text(p["partners"]), funder_names(p["funders"]),
                        _text(p["languages"]), _text(p["url"]), p["source"], p["confidence"],
                        _date(p["retrieved_at"]), _text(p["notes"]))
        withheld = not can_see_portal(audience, portal.portal_code, portals)
        raw = None if withheld else scope.portal_stats(engine, audience, "portal", "year", portal.portal_code)
        raw = None if raw is None else raw[raw["period_start"].dt.date <= as_of]
        if raw is not None and len(raw):
            stats = with_states(raw, STAT_MEASURES)
            share(stats, "actioned", "received", "share_actioned")
            share(stats, "self_generated_yes", "actioned", "share_self")
            severity = stack_parts(stats, "actioned", ["severity_a", "severity_b", "severity_c"])
    pub = reading.publication(engine)
    if stats is not None:
        k, is_demo = int(pub.get("k", 10)), bool(pub.get("is_demo"))
    loads = reading.last_loads(engine)
    by_job = loads.set_index("job")
    return CountryProfile(
        code=code, name_en=place["name_en"], name_fr=place["name_fr"], code_kind=place["code_kind"], as_of=as_of,
        coe_member=code in members, coe_accession=_date(place["coe_accession_date"]),
        coe_left=_date(place["coe_left_date"]), status=row.get("status", "not_signed"),
        is_party=row.get("status") == "in_force", has_events=bool(row),
        status_certain=bool(row.get("status_certain", 1)), dates=row, events=events,
        notes=notes_for(engine, code, place["name_en"]), rounds=rounds, portal=portal, stats=stats, withheld=withheld,
        severity=severity, k=k,
        is_demo=is_demo,
        treaties_retrieved=str(by_job.loc["treaties", "retrieved_at"]) if "treaties" in by_job.index else None,
        publication=pub, loads=loads)

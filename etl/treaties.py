"""Job `treaties`: treaty metadata and the curated treaty events and notes (CETS 201)."""
from sqlalchemy import delete, insert, select, update

from . import validate as v
from .countries import CountryResolver
from .errors import InputError
from .provenance import LoadResult, retrieved_on
from .readers import read_csv_rows
from .schema import treaty, treaty_event, treaty_note
from .treaty_rules import ALTERNATIVE, CURATED, DERIVED, EVENT_TYPES, Broken, check_events, derive_events

INPUTS = ["treaties.csv", "treaty_events.csv", "treaty_notes.csv"]
DEPENDS = ["countries"]
TREATY_COLUMNS = ["treaty_num", "short_title", "title_en", "title_fr", "opened_date", "entry_into_force_date",
                  "eif_months_after_deposit", "source"]
EVENT_COLUMNS = ["treaty_num", "country_code", "event", "date", "precision", "role", "detail", "source",
                 "confidence", "note"]


def _treaties(path, load_id):
    rows, seen, retrieved = [], v.Unique(path, "treaty"), retrieved_on(path)
    for line, r in read_csv_rows(path, TREATY_COLUMNS):
        num = v.integer(path, line, r, "treaty_num")
        seen.add(num, line, "treaty_num")
        opened = v.iso_date(path, line, r, "opened_date", required=False)
        eif = v.iso_date(path, line, r, "entry_into_force_date", required=False)
        if opened and eif and eif < opened:
            raise InputError(path, "entry into force before opening for signature", line, "entry_into_force_date")
        v.not_after(path, line, "opened_date", opened, retrieved)
        v.not_after(path, line, "entry_into_force_date", eif, retrieved)
        rows.append(dict(treaty_num=num, short_title=r["short_title"] or None, title_en=r["title_en"] or None,
                         title_fr=r["title_fr"] or None, opened_date=opened, entry_into_force_date=eif,
                         eif_months_after_deposit=v.integer(path, line, r, "eif_months_after_deposit", False),
                         source=r["source"] or None, load_id=load_id))
    return rows


def _events(path, load_id, resolver, treaties):
    """Curated events; each state's primary values, and each alternative in their place, keep the rules."""
    rows, seen, by_state, alternatives = [], v.Unique(path, "event"), {}, []
    retrieved = retrieved_on(path)
    for line, r in read_csv_rows(path, EVENT_COLUMNS):
        num = v.integer(path, line, r, "treaty_num")
        if num not in treaties:
            raise InputError(path, f"treaty {num} is not in treaties.csv", line, "treaty_num")
        code = resolver.require_code(path, line, "country_code", r["country_code"])
        event = v.one_of(path, line, r, "event", EVENT_TYPES)
        role = v.one_of(path, line, r, "role", ("primary", "alternative"))
        p = v.period(path, line, r, "date", "precision")
        if event != "reservation_or_declaration" and not p.known:
            raise InputError(path, f"a {event} needs a date", line, "date")
        key = (num, code, event, r["detail"]) if event == "reservation_or_declaration" else (num, code, event, role, r["date"])
        seen.add(key, line)
        if event != "reservation_or_declaration":
            if role == "alternative":
                alternatives.append((num, code, event, line, p))
            elif (num, code, event) in by_state:
                raise InputError(path, f"second primary {event} for {code} (first on line "
                                       f"{by_state[(num, code, event)][0]}); mark one as alternative", line, "role")
            else:
                by_state[(num, code, event)] = (line, p)
        rows.append(dict(treaty_num=num, country_code=code, event_type=event, date_from=p.start, date_to=p.end,
                         date_precision=p.precision, basis="read",
                         source_rank=CURATED if role == "primary" else ALTERNATIVE, detail=r["detail"] or None,
                         source=v.required(path, line, r, "source"), confidence=v.confidence(path, line, r),
                         note=r["note"] or None, load_id=load_id))
    states = {(n, c) for n, c, _ in by_state} | {(n, c) for n, c, *_ in alternatives}
    for num, code in sorted(states):
        primary = {e: at for (n, c, e), at in by_state.items() if (n, c) == (num, code)}
        variants = [primary] + [{**primary, e: (line, p)} for n, c, e, line, p in alternatives if (n, c) == (num, code)]
        for got in variants:
            try:
                check_events(code, {e: p for e, (_, p) in got.items()}, retrieved, treaties[num])
            except Broken as exc:
                raise InputError(path, exc.message, got[exc.event][0], "date") from None
    return rows


def _notes(path, load_id, resolver, treaty_num):
    rows = []
    for line, r in read_csv_rows(path, ["iso3_or_ALL", "field", "value_or_note", "kind", "source"]):
        code = None if r["iso3_or_ALL"] == "ALL" else resolver.require_code(path, line, "iso3_or_ALL", r["iso3_or_ALL"])
        rows.append(dict(treaty_num=treaty_num, country_code=code, field=v.required(path, line, r, "field"),
                         note=v.required(path, line, r, "value_or_note"), kind=v.required(path, line, r, "kind"),
                         source=r["source"] or None, load_id=load_id))
    return rows


def load(conn, load_id: int, paths: dict) -> LoadResult:
    resolver = CountryResolver(conn)
    treaties = _treaties(paths["treaties.csv"], load_id)
    nums = {t["treaty_num"] for t in treaties}
    events = _events(paths["treaty_events.csv"], load_id, resolver, {t["treaty_num"]: t for t in treaties})
    notes = _notes(paths["treaty_notes.csv"], load_id, resolver, 201)
    existing = set(conn.execute(select(treaty.c.treaty_num)).scalars())
    for t in treaties:
        stmt = update(treaty).where(treaty.c.treaty_num == t["treaty_num"]) if t["treaty_num"] in existing \
            else insert(treaty)
        conn.execute(stmt.values(**t))
    conn.execute(delete(treaty_event).where(treaty_event.c.source_rank.in_([CURATED, ALTERNATIVE, DERIVED]),
                                            treaty_event.c.treaty_num.in_(nums)))
    conn.execute(insert(treaty_event), events)
    conn.execute(delete(treaty_note).where(treaty_note.c.treaty_num.in_(nums)))
    conn.execute(insert(treaty_note), notes)
    derived = sum(derive_events(conn, n, load_id, str(paths["treaty_events.csv"])) for n in sorted(nums))
    n = len(treaties) + len(events) + len(notes)
    return LoadResult(rows_in=n, rows_loaded=n, message=f"{derived} events derived by the entry-into-force rule")

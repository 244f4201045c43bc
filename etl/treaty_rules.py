"""Rules over treaty events shared by every source: which value is shown, what the entry-into-force
rule derives, and which combinations are impossible."""
from datetime import date

from sqlalchemy import delete, insert, select

from .dates import Period, deposit_month_before_eif, eif_after_deposit, format_period
from .errors import InputError
from .schema import treaty, treaty_event

OFFICIAL, CURATED, ALTERNATIVE, DERIVED = 1, 2, 3, 4
DATED_EVENTS = ("signature", "deposit", "entry_into_force", "denunciation", "denunciation_effective", "suspension")
EVENT_TYPES = DATED_EVENTS + ("reservation_or_declaration",)


def selected_events(conn, treaty_num: int, below_rank: int = DERIVED) -> dict:
    """{(country, event_type): row} with the best-ranked value of each dated event."""
    rows = conn.execute(select(treaty_event).where(treaty_event.c.treaty_num == treaty_num,
                                                   treaty_event.c.source_rank < below_rank,
                                                   treaty_event.c.event_type.in_(DATED_EVENTS))
                        .order_by(treaty_event.c.source_rank, treaty_event.c.id)).all()
    chosen = {}
    for r in rows:
        chosen.setdefault((r.country_code, r.event_type), r)
    return chosen


def _period(row) -> Period | None:
    return Period(row.date_from, row.date_to, row.date_precision) if row is not None and row.date_to else None


ORDER = ("signature", "deposit", "entry_into_force", "denunciation", "denunciation_effective")


class Broken(Exception):
    """A rule a state's events break; `event` is the date at fault, so each source can point at its own cell."""

    def __init__(self, event: str, message: str):
        super().__init__(message)
        self.event, self.message = event, message


def _label(event: str) -> str:
    return event.replace("_", " ")


def eif_window(t, dep: Period | None) -> tuple | None:
    """Earliest and latest entry into force the treaty's own rule allows after this deposit (never before
    the treaty itself entered into force); None where the treaty has no such rule or the deposit is unknown."""
    months = t["eif_months_after_deposit"] if t else None
    if months is None or dep is None or not dep.known:
        return None
    lo, hi = eif_after_deposit(dep.start, months), eif_after_deposit(dep.end, months)
    if t["entry_into_force_date"]:
        lo, hi = max(lo, t["entry_into_force_date"]), max(hi, t["entry_into_force_date"])
    return lo, hi


def check_events(country: str, events: dict, retrieved: date | None = None, t=None) -> None:
    """The rules every source's events must keep, whatever the source; raise Broken for the first that
    cannot be true. `events` maps event type to Period; `t` is the treaty row (None: not known yet)."""
    for event, p in events.items():
        if retrieved and p.known and p.start > retrieved:
            raise Broken(event, f"{country}: {_label(event)} {format_period(p)} is after the file was retrieved "
                                f"({retrieved}): a fact cannot be from the future")
    for i, first in enumerate(ORDER):
        for later in ORDER[i + 1:]:
            a, b = events.get(first), events.get(later)
            if a and b and a.known and b.known and b.end < a.start:
                raise Broken(later, f"{country}: {_label(later)} {format_period(b)} is before {_label(first)} "
                                    f"{format_period(a)}")
    if not t:
        return
    sig, dep, eif = (events.get(e) for e in ("signature", "deposit", "entry_into_force"))
    if sig and sig.known and t["opened_date"] and sig.end < t["opened_date"]:
        raise Broken("signature", f"{country}: signature {format_period(sig)} is before the treaty was opened for "
                                  f"signature ({t['opened_date']})")
    if eif and eif.known and t["entry_into_force_date"] and eif.end < t["entry_into_force_date"]:
        raise Broken("entry_into_force", f"{country}: entry into force {format_period(eif)} is before the treaty "
                                         f"itself entered into force ({t['entry_into_force_date']})")
    window = eif_window(t, dep)
    if window and eif and eif.known and eif.end < window[0]:
        raise Broken("entry_into_force", f"{country}: entry into force {format_period(eif)} cannot be: the treaty's "
                                         f"rule ({t['eif_months_after_deposit']} months from deposit "
                                         f"{format_period(dep)}) gives {window[0]} at the earliest")


def derive_events(conn, treaty_num: int, load_id: int, label: str) -> int:
    """Recompute the events the treaty's entry-into-force rule implies; return how many were derived.

    Deposit known, entry into force not: EIF = first day of the month after N months (but never before the
    treaty itself entered into force). EIF known, deposit not: deposit fell in the month N+1 months before;
    for states bound when the treaty itself entered into force only an upper bound is known.
    """
    conn.execute(delete(treaty_event).where(treaty_event.c.treaty_num == treaty_num,
                                            treaty_event.c.source_rank == DERIVED))
    t = conn.execute(select(treaty).where(treaty.c.treaty_num == treaty_num)).one()
    chosen = selected_events(conn, treaty_num)
    countries = sorted({c for c, _ in chosen})
    derived = []
    for code in countries:
        shown = {e: _period(r) for (c, e), r in chosen.items() if c == code and r.date_to}
        try:
            check_events(code, shown, t=t._mapping)
        except Broken as exc:
            raise InputError(label, f"{exc.message} (the values shown, from different sources)") from None
        dep_row, eif_row = chosen.get((code, "deposit")), chosen.get((code, "entry_into_force"))
        dep, eif = _period(dep_row), _period(eif_row)
        months = t.eif_months_after_deposit
        if months is None:
            continue
        rule = f"Art. 45(4) rule: entry into force on the first day of the month after {months} months from deposit"
        window = eif_window(t._mapping, dep)
        if dep and not eif:
            derived.append(_derived(treaty_num, code, "entry_into_force", *window, None, dep_row, rule, load_id))
        elif dep and eif and eif.start > window[1]:
            # Possible but not what the rule gives: kept as read, and the rule's value beside it is a conflict.
            derived.append(_derived(treaty_num, code, "entry_into_force", *window, None, dep_row,
                                    f"{rule}; CONFLICT: the source gives {format_period(eif)}", load_id))
        elif eif and not dep and eif.precision in ("day", "month"):
            month = deposit_month_before_eif(eif.start, months)
            if t.entry_into_force_date and eif.start == t.entry_into_force_date:
                start = t.opened_date or month.start
                derived.append(_derived(treaty_num, code, "deposit", start, month.end, "ratification", eif_row,
                                        rule + "; bound when the treaty entered into force, so only an upper bound "
                                               "is known", load_id))
            else:
                derived.append(_derived(treaty_num, code, "deposit", month.start, month.end, "ratification",
                                        eif_row, rule + " (run backwards: the deposit month)", load_id))
    if derived:
        conn.execute(insert(treaty_event), derived)
    return len(derived)


def _derived(treaty_num, code, event_type, lo, hi, detail, base, rule, load_id) -> dict:
    if lo == hi:
        precision = "day"
    elif lo.day == 1 and hi.month == lo.month and hi.year == lo.year:
        precision = "month"
    else:
        precision = "range"
    return dict(treaty_num=treaty_num, country_code=code, event_type=event_type, date_from=lo, date_to=hi,
                date_precision=precision, basis="derived", source_rank=DERIVED, detail=detail,
                source=f"Derived from {base.event_type.replace('_', ' ')} ({base.source})",
                confidence=base.confidence, note=rule, load_id=load_id)

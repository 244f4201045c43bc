"""Rules over treaty events shared by every source: which value is shown, what the entry-into-force
rule derives, and which combinations are impossible."""
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


def check_order(label: str, country: str, sig: Period | None, dep: Period | None, eif: Period | None) -> None:
    """Refuse orders that cannot be: deposit surely before signature, entry into force before deposit."""
    if sig and dep and dep.end < sig.start:
        raise InputError(label, f"{country}: deposit {format_period(dep)} is before signature {format_period(sig)}")
    if dep and eif and eif.end < dep.start:
        raise InputError(label, f"{country}: entry into force {format_period(eif)} is before deposit "
                                f"{format_period(dep)}")


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
        sig_row, dep_row, eif_row = (chosen.get((code, e)) for e in ("signature", "deposit", "entry_into_force"))
        sig, dep, eif = _period(sig_row), _period(dep_row), _period(eif_row)
        check_order(label, code, sig, dep, eif)
        months = t.eif_months_after_deposit
        if months is None:
            continue
        rule = f"Art. 45(4) rule: entry into force on the first day of the month after {months} months from deposit"
        if dep and not eif:
            lo, hi = (eif_after_deposit(d, months) for d in (dep.start, dep.end))
            if t.entry_into_force_date:
                lo, hi = max(lo, t.entry_into_force_date), max(hi, t.entry_into_force_date)
            derived.append(_derived(treaty_num, code, "entry_into_force", lo, hi, None, dep_row, rule, load_id))
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

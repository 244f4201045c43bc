"""Dates with a precision: a fact may be known to the day, month, year or only within bounds."""
import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

PRECISIONS = ("day", "month", "year", "range", "unknown")


@dataclass(frozen=True)
class Period:
    """The event happened on some day between start and end (both inclusive)."""

    start: date | None
    end: date | None
    precision: str

    @property
    def known(self) -> bool:
        return self.end is not None


UNKNOWN = Period(None, None, "unknown")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str, precision: str | None = None) -> Period:
    """Parse '2013-10-24', '2013-10', '2013' or 'start/end'; raise ValueError with the reason."""
    try:
        return _parse_period(text, precision)
    except ValueError as exc:
        if str(exc).startswith(("not a date", "range", "month", "date", "precision")) and "'" in str(exc):
            raise
        raise ValueError(f"impossible date {text!r} ({exc})") from None


def _parse_period(text: str, precision: str | None) -> Period:
    text = (text or "").strip()
    if not text:
        if precision not in (None, "", "unknown"):
            raise ValueError(f"precision {precision!r} given but the date is empty")
        return UNKNOWN
    if "/" in text and re.fullmatch(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}", text):
        a, b = (date.fromisoformat(p) for p in text.split("/"))
        if b < a:
            raise ValueError(f"range {text!r} ends before it starts")
        found = Period(a, b, "range")
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        d = date.fromisoformat(text)
        found = Period(d, d, "day")
    elif re.fullmatch(r"\d{4}-\d{2}", text):
        y, m = int(text[:4]), int(text[5:])
        if not 1 <= m <= 12:
            raise ValueError(f"month out of range in {text!r}")
        found = Period(date(y, m, 1), month_end(y, m), "month")
    elif re.fullmatch(r"\d{4}", text):
        y = int(text)
        found = Period(date(y, 1, 1), date(y, 12, 31), "year")
    else:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD, YYYY-MM, YYYY or YYYY-MM-DD/YYYY-MM-DD)")
    if precision and precision != found.precision:
        raise ValueError(f"date {text!r} has precision {found.precision!r}, not {precision!r}")
    return found


_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


def parse_official_date(value) -> date | None:
    """A Treaty Office date: ISO date, ISO date-time or dd/mm/yyyy; empty is None; else ValueError."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    m = _DMY.fullmatch(text)
    if m:
        d, mth, y = map(int, m.groups())
        return date(y, mth, d)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text):
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD, an ISO date-time or dd/mm/yyyy)")


def eif_after_deposit(deposit: date, months: int) -> date:
    """First day of the month after `months` months from deposit (CETS 201 Art. 45(4), 46(2))."""
    index = deposit.year * 12 + (deposit.month - 1) + months + 1
    return date(index // 12, index % 12 + 1, 1)


def deposit_month_before_eif(eif: date, months: int) -> Period:
    """The month of deposit that the same rule implies, run backwards."""
    index = eif.year * 12 + (eif.month - 1) - months - 1
    y, m = index // 12, index % 12 + 1
    return Period(date(y, m, 1), month_end(y, m), "month")


def format_period(p: Period) -> str:
    """A short human form: 2013-10-24, 2013-10, 2013, 2010-05-21 to 2011-12-31, or unknown."""
    if not p.known:
        return "unknown"
    if p.precision == "day":
        return p.start.isoformat()
    if p.precision == "month":
        return p.start.isoformat()[:7]
    if p.precision == "year":
        return str(p.start.year)
    return f"{p.start.isoformat()} to {p.end.isoformat()}"

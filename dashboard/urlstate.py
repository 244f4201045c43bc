"""Reading a page's selections from its URL: every value is checked, and a bad or out-of-range one gives
the nearest valid view and a note saying so (a text key and its arguments), never an exception.

Pure functions of the raw strings, so every page reads its URL the same way and the rules are tested
without Streamlit; components.url_value shows the note."""
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Parsed:
    value: object
    note: str | None = None      # a key in dashboard/text.py, None when the URL value was used as given
    args: tuple = ()              # (name, raw value, what was used instead)


def _fixed(value, note, name, raw, used) -> Parsed:
    return Parsed(value, note, (name, raw, used))


def parse_date(name: str, raw: str | None, default: date, lowest: date, highest: date) -> Parsed:
    """An ISO date within [lowest, highest]; out of range gives the nearest end, unreadable the default."""
    if raw is None or raw == "":
        return Parsed(default)
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return _fixed(default, "url.bad_date", name, raw, default.isoformat())
    if value < lowest:
        return _fixed(lowest, "url.out_of_range", name, raw, lowest.isoformat())
    if value > highest:
        return _fixed(highest, "url.out_of_range", name, raw, highest.isoformat())
    return Parsed(value)


def parse_year(name: str, raw: str | None, default: int, lowest: int, highest: int) -> Parsed:
    """A year within [lowest, highest]; out of range gives the nearest end, unreadable the default."""
    if raw is None or raw == "":
        return Parsed(default)
    try:
        value = int(raw)
    except ValueError:
        return _fixed(default, "url.bad_value", name, raw, str(default))
    clamped = min(max(value, lowest), highest)
    return Parsed(clamped) if clamped == value else _fixed(clamped, "url.out_of_range", name, raw, str(clamped))


def parse_choice(name: str, raw: str | None, options: list, default) -> Parsed:
    if raw is None or raw == "" or raw in options:
        return Parsed(default if raw in (None, "") else raw)
    return _fixed(default, "url.bad_value", name, raw, str(default))


def parse_codes(name: str, raw: str | None, known: set, default: list, limit: int) -> Parsed:
    """A comma-separated list of known codes, each once, at most `limit`: the rest is dropped with a note."""
    if raw is None or raw == "":
        return Parsed(list(default))
    wanted = [c.strip().upper() for c in raw.split(",") if c.strip()]
    kept = []
    for code in wanted:
        if code in known and code not in kept:
            kept.append(code)
    kept = kept[:limit]
    if not kept:
        return _fixed(list(default), "url.bad_value", name, raw, ",".join(default))
    if kept != wanted:
        return _fixed(kept, "url.codes_fixed", name, raw, ",".join(kept))
    return Parsed(kept)

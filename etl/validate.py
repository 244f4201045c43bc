"""Field checks for curated rows; each failure is an InputError naming file, line and column."""
import math
from datetime import date

from .dates import Period, parse_period
from .errors import InputError

CONFIDENCE = ("high", "medium", "low")


def confidence(path, line, row, column="confidence") -> str:
    value = row[column]
    if value not in CONFIDENCE:
        raise InputError(path, f"confidence must be one of {', '.join(CONFIDENCE)}, not {value!r}", line, column)
    return value


def one_of(path, line, row, column, allowed) -> str:
    value = row[column]
    if value not in allowed:
        raise InputError(path, f"{value!r} is not one of {', '.join(allowed)}", line, column)
    return value


def period(path, line, row, column, precision_column=None) -> Period:
    try:
        return parse_period(row[column], row[precision_column] if precision_column else None)
    except ValueError as exc:
        raise InputError(path, str(exc), line, column) from None


def iso_date(path, line, row, column, required=True) -> date | None:
    value = row[column]
    if not value:
        if required:
            raise InputError(path, "a date is required", line, column)
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(path, f"not a date: {value!r} (use YYYY-MM-DD)", line, column) from None


def required(path, line, row, column) -> str:
    if not row[column]:
        raise InputError(path, "a value is required", line, column)
    return row[column]


def integer(path, line, row, column, required_value=True) -> int | None:
    value = row[column]
    if not value and not required_value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InputError(path, f"not a whole number: {value!r}", line, column) from None


def number(path, line, row, column) -> float:
    try:
        value = float(row[column].replace(",", ""))
    except ValueError:
        raise InputError(path, f"not a number: {row[column]!r}", line, column) from None
    if not math.isfinite(value):  # float() reads "nan" and "inf"; no source publishes either
        raise InputError(path, f"not a finite number: {row[column]!r}", line, column)
    return value


def not_after(path, line, column, day: date | None, retrieved: date) -> None:
    """A fact cannot be later than the day its file was retrieved."""
    if day and day > retrieved:
        raise InputError(path, f"{day} is after the file was retrieved ({retrieved}): a fact cannot be from the "
                               "future", line, column)


def not_negative(path, line, row, column, value: float) -> None:
    if value < 0:
        raise InputError(path, f"a count cannot be negative: {row[column]!r}", line, column)


class Unique:
    """Remembers keys seen so a duplicate row names the line it repeats."""

    def __init__(self, path, what):
        self.path, self.what, self.seen = path, what, {}

    def add(self, key, line, column=None):
        if key in self.seen:
            raise InputError(self.path, f"duplicate {self.what} {key!r} (first on line {self.seen[key]})", line, column)
        self.seen[key] = line

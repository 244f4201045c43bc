"""The input contract of statistics files: which columns, and the domain of every value.

An allow-list, not a search for bad values: each column declares what it may hold (codes, dates, whole
numbers, an opaque reference of a strict form). A value outside its column's domain refuses the whole
file with one line naming the file, line and column and the kind of problem, never the value, which
may identify someone. Every pattern is bounded and has no nested repetition, so each check takes time
linear in the field (a 10 MB field fails after a few dozen characters).
"""
import csv
import re
from pathlib import Path

from .errors import InputError
from .stats_format import MEASURES, OPTIONAL_COLUMNS, REPORT_COLUMNS, SUMMARY_COLUMNS, SUMMARY_OPTIONAL

REFERENCE = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
# The same domain as a search for what a reference may not hold, plus its length: polars runs this in a
# fraction of the time of the anchored pattern on 10 million references (reference_outside).
REFERENCE_BREACH, REFERENCE_MAX = r"[^A-Za-z0-9_-]|^[_-]", 64
CODE = r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}"  # then looked up in its code list: an unknown code is a row reject
DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
MONTH = r"[0-9]{4}-[0-9]{2}"
COUNT = r"[0-9]{1,9}"
DEMO = r"yes|no"
# What a value outside each domain is called in the one-line refusal.
KINDS = {REFERENCE: "not an opaque reference (1 to 64 letters, digits, '-' or '_', starting with a letter or digit)",
         CODE: "not a code (letters, digits, '-' or '_')", DATE: "not a date YYYY-MM-DD",
         MONTH: "not a month YYYY-MM", COUNT: "not a whole number", DEMO: "not 'yes' or 'no'"}

REPORT_DOMAINS = {"report_ref": REFERENCE, "received_date": DATE, "demo": DEMO,
                  **{c: CODE for c in REPORT_COLUMNS if c not in ("report_ref", "received_date")}}
SUMMARY_DOMAINS = {"portal": CODE, "month": MONTH, "demo": DEMO, **{m: COUNT for m in MEASURES}}
_COMPILED = {pattern: re.compile(pattern) for pattern in KINDS}
MAX_HEADER_BYTES = 4096


def outside(pattern: str, value: str | None) -> bool:
    """True when a non-empty value is outside the domain (an empty field is in every domain: the row checks
    say what it means)."""
    return bool(value) and _COMPILED[pattern].fullmatch(value) is None


def reference_outside(ref):
    """polars expression: a non-empty reference outside REFERENCE (`ref` with nulls filled as '')."""
    return ref.str.contains(REFERENCE_BREACH) | (ref.str.len_bytes() > REFERENCE_MAX)


def refusal(path, line: int, column: str, pattern: str) -> InputError:
    return InputError(path, f"a value outside the column's domain ({KINDS[pattern]}); the whole file is refused "
                            f"and nothing of it was loaded", line, column)


def read_header(path: Path) -> tuple[str, list[str]]:
    """The file's kind (reports | summary) and its columns, or a one-line refusal naming no value."""
    path = Path(path)
    if path.is_dir():
        raise InputError(path, "is a folder, not a statistics file")
    if not path.is_file():
        raise InputError(path, "is not a regular file")
    with open(path, "rb") as fh:
        first = fh.readline(MAX_HEADER_BYTES + 1)
    if not first.strip():
        raise InputError(path, "file is empty" if not first else "the first line is empty; it must be the header")
    if b"\r" in first.rstrip(b"\r\n"):
        raise InputError(path, "lines end in a carriage return only; save the file with LF or CRLF line ends", 1)
    if len(first) > MAX_HEADER_BYTES:
        raise InputError(path, "the first line is not a header of either statistics format", 1)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text; save the file as UTF-8", 1) from None
    header = [h.strip() for h in next(csv.reader([text.rstrip("\r\n")]), [])]
    allowed = set(REPORT_COLUMNS + OPTIONAL_COLUMNS + SUMMARY_COLUMNS + SUMMARY_OPTIONAL)
    for i, name in enumerate(header, 1):
        if name not in allowed:  # named by position: a stray header may be anything
            raise InputError(path, f"header field {i} is not a column of either statistics format (see README); "
                                   f"the whole file is refused and nothing of it was loaded", 1)
    kind = "reports" if "report_ref" in header else "summary"
    required, optional = (REPORT_COLUMNS, OPTIONAL_COLUMNS) if kind == "reports" else (SUMMARY_COLUMNS,
                                                                                       SUMMARY_OPTIONAL)
    extra = [c for c in header if c not in required + optional]
    if extra:
        raise InputError(path, f"column {extra[0]} belongs to the other statistics format; the whole file is refused",
                         1, extra[0])
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", 1)
    if len(set(header)) != len(header):
        raise InputError(path, "a column name repeats", 1)
    return kind, header

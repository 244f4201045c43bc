"""`import-treaty FILE`: a Council of Europe Treaty Office export, for any treaty, in either form:
the signatures JSON (CodePays, LibPaysOrga, DateSignature, DateConsentement, DateEntreeVigueur, ...) or
the printed chart saved as CSV (States, Signature, Ratification, Entry into Force, Notes, R., D., ...)."""
import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import delete, insert, select

from .countries import CountryResolver
from .dates import Period, parse_official_date
from .errors import InputError
from .provenance import LoadResult
from .readers import control_character, csv_error, open_text_checked
from .schema import treaty, treaty_event
from .treaty_rules import OFFICIAL, Broken, check_events, derive_events

JSON_DATES = {"DateSignature": "signature", "DateConsentement": "deposit", "DateEntreeVigueur": "entry_into_force",
              "DateDenonciation": "denunciation", "DateEffetDenonciation": "denunciation_effective",
              "DateSuspension": "suspension"}
JSON_FLAGS = {"Reserves": "reservations", "Declarations": "declarations", "Objections": "objections",
              "Territoires": "territorial application", "Communications": "communications"}
CHART_DATES = {"Signature": "signature", "Ratification": "deposit", "Entry into Force": "entry_into_force"}
CHART_FLAGS = {"R.": "reservations", "D.": "declarations", "A.": "authorities", "T.": "territorial application",
               "C.": "communications", "O.": "objections"}
SECTIONS = ("member", "non-member", "organisation")
SECTION_TITLE = re.compile(r"(non-)?members? (states )?of the council of europe|international organi[sz]ations?")


@dataclass
class Record:
    line: int  # line in the CSV, or position in the JSON list (1-based)
    code: str
    name: str
    section: str
    dates: dict = field(default_factory=dict)  # event_type -> date
    flags: list = field(default_factory=list)
    accession: bool = False


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value > 0
    return str(value or "").strip().lower() not in ("", "0", "false", "no", "n", "none", "null")


MAX_DEPTH = 20  # the export nests three deep; json's own recursion fails near 1,000 with a traceback
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[\[\]{}]')  # a string (skipped: brackets in names) or a bracket


def check_depth(path: Path, text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before json parses it (a 100,000-deep file would otherwise end
    in RecursionError)."""
    depth = 0
    for m in _TOKEN.finditer(text):
        if m.group()[0] == '"':
            continue
        depth += 1 if m.group() in "[{" else -1
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, m.start()) + 1
            raise InputError(path, f"JSON nested deeper than {MAX_DEPTH} levels (a Treaty Office export has 3)",
                             line, m.start() - text.rfind("\n", 0, m.start()))


def parse_json(path: Path, text: str, treaty_num: int | None) -> tuple[int, list[Record]]:
    check_depth(path, text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON, or truncated ({exc.msg} at line {exc.lineno} column {exc.colno})",
                         exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:  # e.g. a number of more than 4,300 digits
        raise InputError(path, f"not valid JSON ({exc})") from None
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else lists
    if not isinstance(data, list) or not data:
        raise InputError(path, "expected a list of signature rows (or three lists: members, non-members, "
                               "organisations); found none")
    groups = data if all(isinstance(g, list) for g in data) else [data]
    if len(groups) > 3:
        raise InputError(path, f"expected at most three lists of rows, found {len(groups)}")
    records, nums, position = [], set(), 0
    for g, rows in enumerate(groups):
        for row in rows:
            position += 1
            if not isinstance(row, dict):
                raise InputError(path, f"row {position} is not an object", position)
            for key in ("CodePays", "LibPaysOrga", "DateSignature", "DateConsentement", "DateEntreeVigueur"):
                if key not in row:
                    raise InputError(path, f"row {position} has no field {key}", position, key)
            if row.get("NumSTE") not in (None, ""):
                try:
                    nums.add(int(str(row["NumSTE"]).strip()))
                except ValueError:
                    raise InputError(path, f"treaty number {row['NumSTE']!r} is not a number", position,
                                     "NumSTE") from None
            rec = Record(position, str(row["CodePays"] or "").strip(), str(row["LibPaysOrga"] or "").strip(),
                         SECTIONS[g] if len(groups) == 3 else "unknown")
            control_character(path, position, "CodePays", rec.code)
            control_character(path, position, "LibPaysOrga", rec.name)
            for key, event in JSON_DATES.items():
                try:
                    d = parse_official_date(row.get(key))
                except ValueError as exc:
                    raise InputError(path, f"row {position} ({rec.name}): {exc}", position, key) from None
                if d:
                    rec.dates[event] = d
            rec.flags = [label for key, label in JSON_FLAGS.items() if _flag(row.get(key))]
            records.append(rec)
    return _treaty_number(path, nums, treaty_num), records


def parse_chart_csv(path: Path, text: str, treaty_num: int | None) -> tuple[int, list[Record]]:
    found = re.search(r"Treaty\s*(?:No\.?\s*)?(\d+)", text[:2000])
    rows = list(_csv_rows(path, text))
    head = next((i for i, (_, cells) in enumerate(rows) if cells and cells[0].strip().lower() == "states"), None)
    if head is None:
        raise InputError(path, "no header row starting with 'States' (expected the Treaty Office chart columns "
                               "States, Signature, Ratification, Entry into Force, Notes, R., D., A., T., C., O.)")
    header = [h.strip() for h in rows[head][1]]
    missing = [c for c in ("States", *CHART_DATES) if c not in header]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", rows[head][0])
    section, records = "unknown", []
    for line, cells in rows[head + 1:]:
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        first = cells[0].lower()
        if first.startswith(("total", "notes")):
            break  # the chart's footer: totals, then the key to the notes
        if SECTION_TITLE.match(first) and not any(cells[1:]):
            section = ("organisation" if "organi" in first else "non-member" if "non" in first else "member")
            continue
        if len(cells) != len(header):
            raise InputError(path, f"{len(cells)} fields where the header has {len(header)} (truncated or "
                                   f"misquoted row)", line)
        row = dict(zip(header, cells))
        for col, value in row.items():
            control_character(path, line, col, value)
        rec = Record(line, "", row["States"], section)
        for col, event in CHART_DATES.items():
            try:
                d = parse_official_date(row[col])
            except ValueError as exc:
                raise InputError(path, f"{rec.name}: {exc}", line, col) from None
            if d:
                rec.dates[event] = d
        rec.accession = bool(re.search(r"\ba\b", row.get("Notes", "")))
        rec.flags = [label for col, label in CHART_FLAGS.items() if _flag(row.get(col))]
        records.append(rec)
    if not records:
        raise InputError(path, "no state rows after the header")
    nums = {int(found.group(1))} if found else set()
    return _treaty_number(path, nums, treaty_num), records


def _csv_rows(path, text):
    reader = csv.reader(io.StringIO(text), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise csv_error(path, exc, start, reader.line_num) from None
        yield start, cells


def _treaty_number(path, nums: set, given: int | None) -> int:
    if len(nums) > 1:
        raise InputError(path, f"rows name several treaties: {sorted(nums)}", column="NumSTE")
    if given is not None and nums and given not in nums:
        raise InputError(path, f"file is for treaty {nums.pop()}, not {given}")
    if given is None and not nums:
        raise InputError(path, "the file does not name its treaty; pass --treaty N")
    return given if given is not None else nums.pop()


def parse(path: Path, treaty_num: int | None = None) -> tuple[int, list[Record]]:
    text = open_text_checked(path)
    if not text.strip():
        raise InputError(path, "file is empty")
    if text.lstrip()[:1] in "[{":
        return parse_json(path, text, treaty_num)
    return parse_chart_csv(path, text, treaty_num)


COLUMNS = {"json": {**{e: k for k, e in JSON_DATES.items()}, "code": "CodePays", "name": "LibPaysOrga"},
           "chart": {**{e: k for k, e in CHART_DATES.items()}, "code": "States", "name": "States"}}


def load_file(conn, load_id: int, path: Path, treaty_num: int | None, retrieved: date | None = None) -> LoadResult:
    """Replace this treaty's official events with the file's; organisations go to the rejects file.

    Each state's dates keep the rules of every source (treaty_rules.check_events), no date is later than
    the day the file was retrieved, and a row's code and name must name the same state."""
    num, records = parse(path, treaty_num)
    retrieved = retrieved or date.today()
    resolver = CountryResolver(conn)
    t = conn.execute(select(treaty).where(treaty.c.treaty_num == num)).first()
    rows, rejects, seen = [], [], {}
    columns = COLUMNS["json" if path.suffix.lower() == ".json" or records and records[0].code else "chart"]
    for rec in records:
        by_code, by_name = resolver.coe_codes.get(rec.code), resolver.by_any_name(rec.name)
        code = by_code or by_name
        if code is None and rec.section == "organisation":
            rejects.append(dict(line=rec.line, code=rec.code, name=rec.name,
                                reason="international organisation, not a state: not loaded"))
            continue
        if code is None:
            raise InputError(path, f"unknown country {rec.code + ' ' if rec.code else ''}{rec.name!r}; "
                                   f"closest known: {resolver.closest(rec.name)}. Add the code to "
                                   f"data/coe_country_codes.csv or the name to data/country_aliases.csv",
                             rec.line, columns["code"])
        if by_code and by_name and by_code != by_name:
            raise InputError(path, f"code {rec.code!r} is {resolver.names[by_code]} ({by_code}) but the name "
                                   f"{rec.name!r} is {resolver.names[by_name]} ({by_name}): which state is meant?",
                             rec.line, columns["name"])
        if code in seen:
            raise InputError(path, f"duplicate row for {rec.name} (first at {seen[code]})", rec.line, columns["code"])
        seen[code] = rec.line
        try:
            check_events(rec.name, {e: Period(d, d, "day") for e, d in rec.dates.items()}, retrieved,
                         t._mapping if t else None)
        except Broken as exc:
            raise InputError(path, exc.message, rec.line, columns.get(exc.event, columns["name"])) from None
        src = f"Council of Europe Treaty Office export {path.name}"
        for event, d in rec.dates.items():
            detail = ("accession" if rec.accession else "ratification") if event == "deposit" else None
            rows.append(dict(treaty_num=num, country_code=code, event_type=event, date_from=d, date_to=d,
                             date_precision="day", basis="read", source_rank=OFFICIAL, detail=detail, source=src,
                             confidence="high", note=None, load_id=load_id))
        for flag in rec.flags:
            rows.append(dict(treaty_num=num, country_code=code, event_type="reservation_or_declaration",
                             date_from=None, date_to=None, date_precision="unknown", basis="read",
                             source_rank=OFFICIAL, detail=f"{flag.capitalize()} (flagged in the Treaty Office chart)",
                             source=src, confidence="high", note=None, load_id=load_id))
    if conn.execute(select(treaty.c.treaty_num).where(treaty.c.treaty_num == num)).first() is None:
        conn.execute(insert(treaty).values(treaty_num=num, short_title=f"CETS No. {num}", source=src,
                                           load_id=load_id))
    conn.execute(delete(treaty_event).where(treaty_event.c.treaty_num == num,
                                            treaty_event.c.source_rank == OFFICIAL))
    if rows:
        conn.execute(insert(treaty_event), rows)
    derived = derive_events(conn, num, load_id, str(path))
    return LoadResult(rows_in=len(records), rows_loaded=len(records) - len(rejects), rows_rejected=len(rejects),
                      rejects=rejects, message=f"treaty {num}: {len(rows)} events; {derived} derived by rule")

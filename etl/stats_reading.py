"""Reading statistics files: every row checked against the input contract, classified, and counted.

Two readings of a report-level export, with the same result (a test compares them). The quick reading
declares every coded column as a polars Enum of its codes (dates: every day the counters hold), so the
parser itself yields the codes; any other value stops it (OutsideCodes). The careful reading reads them
as categories and looks at each distinct value once: the contract's domain check runs on it, and a row
with an unknown code is rejected with its reason. A monthly summary is small and read row by row.
Rejected rows are kept as line and reason only: no value of a rejected row is written anywhere.
"""
import csv
import io
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, timedelta
from functools import lru_cache, reduce
from pathlib import Path
from uuid import uuid4

import numpy as np
import polars as pl

from .errors import InputError
from .readers import open_text
from .stats_contract import REFERENCE, REPORT_DOMAINS, SUMMARY_DOMAINS, outside, reference_outside, refusal
from .stats_counts import BASE_YEAR, EPOCH, N_MONTHS, NO_LAUNCH, Counts, Network, month_index, month_start
from .stats_format import (ACTIONED_DETAIL, AGES, BREAKDOWNS, MEASURES, MEDIA, OUTCOMES, SELF_GENERATED,
                           SEVERITY)

CHUNK_ROWS = 250_000
PIECE_BYTES, PIECES_AHEAD = 16 << 20, 2  # the quick reading: pieces of the file, read ahead (_quick_batches)
CODED = ["portal", "received_date", "outcome"] + ACTIONED_DETAIL
REASONS = ["", "blank line", "missing report reference", "unknown portal", "invalid or missing date", "date in the future",
           "date before the portal's launch", "invalid outcome", "actioned report with a missing or invalid detail code",
           "detail codes on a report that was not actioned", "report reference repeated in this file",
           "report reference already loaded", "invalid count", "counts do not add up", "portal and month repeated in this file",
           "portal and month already loaded"]
REASON = {name: i for i, name in enumerate(REASONS)}
UNSEEN = -99
FIRST_DAY = date(BASE_YEAR, 1, 1)  # the counters start here; an earlier date is not a date they hold
SUMMARY_FIELD_LIMIT = 1 << 16  # longer than any value in the summary contract: refused without reading on


class OutsideCodes(Exception):
    """The quick read met a value that is not one of the codes: the file must be read the careful way."""


class RejectsWriter:
    """Rejected rows as `line,reason`: enough to find the row in the file, and no value from it."""

    def __init__(self, path: Path):
        self.path, self.count, self._fh = path, 0, None

    def write(self, lines: np.ndarray, reasons) -> None:
        if len(lines) == 0:
            return
        if self._fh is None:  # opened again after close() for the rows a second pass takes back
            self._fh = open(self.path, "a" if self.count else "w", encoding="utf-8", newline="")
            if not self.count:
                self._fh.write("line,reason\n")
        self._fh.write(pl.DataFrame({"line": np.asarray(lines, dtype=np.int64), "reason": list(reasons)})
                       .write_csv(include_header=False))
        self.count += len(lines)

    def close(self):
        if self._fh:
            self._fh.close()
            self._fh = None

    def discard(self):
        """Forget what was written (the file is being read again from the start)."""
        self.close()
        self.path.unlink(missing_ok=True)
        self.count, self._fh = 0, None


class CategoryCodes:
    """Turns categorical ids into codes through lookup tables, reading each distinct string once.

    polars numbers the strings of all categorical columns in one growing mapping (the scanner's own, kept
    alive by the scanner: ReportScanner.categorical), so an id means the same string in every batch and
    every pass. Each output keeps a
    table from id to code (its last entry: an empty field, id -1); only ids a table has not seen yet are
    read as strings, and that is where the contract's domain check looks at them.
    """

    def __init__(self, path, outputs: dict):
        """`outputs`: name -> (column, function from the column's string to the code)."""
        self.path, self.outputs = path, outputs
        self.tables = {name: np.array([mapping("")], dtype=np.int64) for name, (_, mapping) in outputs.items()}

    def codes(self, df: pl.DataFrame, column: str, offset: int) -> dict[str, np.ndarray]:
        ids = df[f"_id_{column}"].to_numpy()
        names = [name for name, (c, _) in self.outputs.items() if c == column]
        if int(ids.max(initial=-1)) >= len(self.tables[names[0]]) - 1:
            for name in names:
                self.tables[name] = _grown(self.tables[name], int(ids.max()) + 2)
        first = self.tables[names[0]][ids]
        unseen = np.nonzero(first == UNSEEN)[0]
        if len(unseen):
            self._learn(df, column, ids, unseen, names, offset)
            first = self.tables[names[0]][ids]
        return {name: first if i == 0 else self.tables[name][ids] for i, name in enumerate(names)}

    def _learn(self, df, column: str, ids: np.ndarray, rows: np.ndarray, names: list, offset: int) -> None:
        first_row = np.full(len(self.tables[names[0]]), -1, dtype=np.int64)
        first_row[ids[rows][::-1]] = rows[::-1]  # the last write wins: each new id's first row
        new_ids = np.nonzero(first_row >= 0)[0]
        values = df[column].gather(first_row[new_ids]).cast(pl.String).to_list()
        for new_id, row, value in zip(new_ids.tolist(), first_row[new_ids].tolist(), values):
            if outside(REPORT_DOMAINS[column], value):
                raise refusal(self.path, offset + row + 2, column, REPORT_DOMAINS[column])
            for name in names:
                self.tables[name][new_id] = self.outputs[name][1](value)


def _grown(table: np.ndarray, size: int) -> np.ndarray:
    out = np.full(size, UNSEEN, dtype=np.int64)
    out[:len(table) - 1], out[-1] = table[:-1], table[-1]
    return out


def _code_of(values):
    index = {v: i for i, v in enumerate(values)}
    return lambda v: index.get(v, -1) if v else -2  # -2: empty, -1: invalid


def _month_of(value: str | None) -> int:
    days = _date_days(value)
    return month_index(EPOCH + timedelta(days=days)) if days >= 0 else -1


@lru_cache(maxsize=1 << 16)  # the day and the month of each distinct date string are both looked up
def _date_days(value: str | None) -> int:
    """Days since EPOCH, or -1 for a value that is not a date the counters hold (from BASE_YEAR on)."""
    if not value or outside(REPORT_DOMAINS["received_date"], value):
        return -1
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return -1
    return (day - EPOCH).days if day >= FIRST_DAY else -1


@lru_cache(maxsize=1)
def _date_codes() -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every day the counters hold as an ISO string (the quick reading's Enum of dates), and per position
    its day since EPOCH and its month index; the last entry (id -1) is an empty field."""
    days = np.arange((FIRST_DAY - EPOCH).days, (month_start(N_MONTHS - 1) - EPOCH).days + 31)
    names = [(EPOCH + timedelta(days=int(d))).isoformat() for d in days]
    months = np.array([month_index(EPOCH + timedelta(days=int(d))) for d in days])
    return names, np.append(days, -1), np.append(months, -1)


class ReportScanner:
    """Classifies chunks of a report-level export: every row gets a reason (0 = counted) and its codes."""

    def __init__(self, path: Path, header: list[str], net: Network, prior: np.ndarray, today: date,
                 careful: bool = False):
        self.path, self.header, self.net, self.prior, self.careful = path, header, net, prior, careful
        self.today_days = (today - EPOCH).days
        maps = {"portal": lambda v: net.index.get(v, -1), "received_date": _date_days,
                "outcome": _code_of(OUTCOMES), "media_type": _code_of(MEDIA), "severity": _code_of(SEVERITY),
                "youngest_age": _code_of(AGES), "self_generated": _code_of(SELF_GENERATED),
                "hosting_country": lambda v: net.host_codes.get(v, -1) if v else -2}
        self.careful_columns = CODED if careful else []
        # The careful reading's categorical ids index CategoryCodes' tables, so they must not change between
        # batches or passes: a mapping of this scanner's own, kept alive by one value (polars drops a
        # mapping nothing refers to, and numbers the strings again, in parse order, the next time).
        self.categorical = pl.Categorical(pl.Categories(f"careful-{uuid4().hex}"))
        self._mapping_alive = pl.Series([""], dtype=self.categorical)
        self.categories = CategoryCodes(path, {"_month": ("received_date", _month_of),
                                               **{c: (c, maps[c]) for c in self.careful_columns}})
        hosts = sorted(net.host_codes)
        dates, self.date_day, self.date_month = _date_codes()
        self.enums = {"portal": net.codes, "received_date": dates, "outcome": OUTCOMES, "media_type": MEDIA,
                      "severity": SEVERITY, "youngest_age": AGES, "self_generated": SELF_GENERATED,
                      "hosting_country": hosts, "demo": ["yes", "no"]}
        self.host_group = np.array([net.host_codes[h] for h in hosts] + [-2])  # last: an empty field (id -1)
        self.launch = np.append(np.where(net.launch_day == NO_LAUNCH, -10**9, net.launch_day), 0)  # last: no portal

    def batches(self):
        """The file in chunks of CHUNK_ROWS rows from polars' streaming reader (parallel parsing); the derived
        columns are computed by the streaming engine too."""
        self._check_last_line()
        ref = pl.col("report_ref").fill_null("")
        derived = [ref.hash().alias("_h"), (ref == "").alias("_no_ref"),
                   pl.all_horizontal(pl.col(self.header).is_null()).alias("_blank"),
                   reference_outside(ref).alias("_bad_ref")]
        if self.careful:
            schema = {c: (pl.String if c == "report_ref" else self.categorical) for c in self.header}
        else:
            schema = {c: pl.String if c == "report_ref" else pl.Enum(self.enums[c]) for c in self.header}
        # Enum ids are positions in the code lists; an empty field is -2, or -1 where a table maps the id
        empty = {c: -1 if self.careful or c in ("portal", "received_date", "hosting_country") else -2 for c in CODED}
        derived += [pl.col(c).to_physical().cast(pl.Int32).fill_null(empty[c]).alias(f"_id_{c}") for c in CODED]

        def query(source, **options):
            return pl.scan_csv(source, schema=schema, low_memory=True, **options).with_columns(derived) \
                .collect_batches(chunk_size=CHUNK_ROWS)
        if not self.careful:
            yield from self._quick_batches(query)
            return
        line = 2
        try:
            for df in query(self.path, raise_if_empty=True):
                line += df.height
                yield df
        except pl.exceptions.NoDataError:
            raise InputError(self.path, "no data rows after the header") from None
        except pl.exceptions.PolarsError as exc:
            raise _polars_error(self.path, exc, line) from None

    def _quick_batches(self, query):
        """The file's data lines in pieces of PIECE_BYTES cut at line ends, each read by its own query, at most
        PIECES_AHEAD pieces ahead of the one being counted: polars reads ahead as fast as it can, so one
        query over the whole file would hold much of it in memory (577 MB against 435 MB at 10 million
        rows, same speed). A quote character (a field that may span lines) or anything polars refuses
        sends the file to the careful reading."""
        try:
            running = []
            with open(self.path, "rb") as fh:
                fh.readline()
                while piece := fh.read(PIECE_BYTES):
                    piece += fh.readline()
                    if b'"' in piece:
                        raise OutsideCodes("a quoted field")
                    running.append(query(io.BytesIO(piece), has_header=False))
                    if len(running) > PIECES_AHEAD:
                        yield from running.pop(0)
            for batches in running:
                yield from batches
        except pl.exceptions.PolarsError as exc:
            raise OutsideCodes(str(exc)) from None

    def _check_last_line(self) -> None:
        """A file cut off mid-row is refused whole (the rows before it would otherwise load)."""
        with open(self.path, "rb") as fh:
            fh.seek(max(0, self.path.stat().st_size - 4096))
            tail = fh.read()
        if tail.endswith(b"\n"):
            return
        last = tail.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")
        fields = len(next(csv.reader([last]), []))
        if fields != len(self.header):
            raise InputError(self.path, f"truncated: the last line has {fields} fields where the header has "
                                        f"{len(self.header)}")

    def coded(self, df: pl.DataFrame, offset: int) -> dict:
        """Every coded column as its position in its code list (-1 invalid, -2 empty), the day and the month,
        and whether any actioned-report detail is missing or present."""
        code = {}
        for column in self.careful_columns:
            code.update(self.categories.codes(df, column, offset))
        if not self.careful:
            code.update({c: df[f"_id_{c}"].to_numpy() for c in CODED})
            code["_month"] = self.date_month[code["received_date"]]
            code["received_date"] = self.date_day[code["received_date"]]
            code["hosting_country"] = self.host_group[code["hosting_country"]]
        detail = [code[c] for c in ACTIONED_DETAIL]
        code["_detail_missing"] = reduce(np.minimum, detail) < 0  # -1 invalid, -2 empty
        code["_detail_present"] = reduce(np.maximum, detail) != -2
        return code

    def classify(self, df: pl.DataFrame, offset: int):
        """Per row: reference hash, portal, month, the breakdown codes, and the reason it is rejected (None
        when every row counts). A reference outside its domain refuses the file."""
        bad_ref = df["_bad_ref"].to_numpy()
        if bad_ref.any():
            raise refusal(self.path, offset + int(np.argmax(bad_ref)) + 2, "report_ref", REFERENCE)
        if "demo" in df.columns and self.careful:
            demo = df["demo"].cast(pl.String)
            wrong = (~demo.is_in(["yes", "no"]) & demo.is_not_null()).to_numpy()
            if wrong.any():
                raise refusal(self.path, offset + int(np.argmax(wrong)) + 2, "demo", REPORT_DOMAINS["demo"])
        codes = self.coded(df, offset)
        portals, days, months, outcome = codes["portal"], codes["received_date"], codes["_month"], codes["outcome"]
        ref_hash = df["_h"].to_numpy()
        actioned = outcome == 0
        checks = [
            (df["_blank"].to_numpy(), REASON["blank line"]),
            (df["_no_ref"].to_numpy(), REASON["missing report reference"]),
            (portals < 0, REASON["unknown portal"]), (days < 0, REASON["invalid or missing date"]),
            (days > self.today_days, REASON["date in the future"]),
            (days < self.launch[portals], REASON["date before the portal's launch"]),
            (outcome < 0, REASON["invalid outcome"]),
            (actioned & codes["_detail_missing"], REASON["actioned report with a missing or invalid detail code"]),
            (~actioned & codes["_detail_present"], REASON["detail codes on a report that was not actioned"]),
        ]
        if len(self.prior):
            pos = np.minimum(np.searchsorted(self.prior, ref_hash), len(self.prior) - 1)
            checks.append((self.prior[pos] == ref_hash, REASON["report reference already loaded"]))
        reason = None
        if np.logical_or.reduce([mask for mask, _ in checks]).any():
            reason = np.zeros(df.height, dtype=np.int64)
            for mask, code in reversed(checks):  # the first failing check wins
                reason[mask] = code
        breakdown = {"outcome": outcome, "media": codes["media_type"], "severity": codes["severity"],
                     "age": codes["youngest_age"], "self_generated": codes["self_generated"],
                     "hosting": codes["hosting_country"]}
        return ref_hash, portals, months, breakdown, reason


def _polars_error(path, exc, line: int) -> InputError:
    """polars' own message may quote the file: only its kind is said."""
    text = str(exc).lower()
    if "utf-8" in text or "utf8" in text:
        return InputError(path, f"not UTF-8 text in the block from line {line}; save the file as UTF-8")
    return InputError(path, f"malformed or truncated CSV in the block from line {line} (a row with the wrong "
                            f"number of fields or a broken quote)")


class ReferenceHashes:
    """The reference hashes of the counted rows in one buffer, in file order (no second copy).

    The buffer is sized for the most rows the file could hold (a row has at least one byte per column);
    pages never written take no memory.
    """

    def __init__(self, path: Path, columns: int):
        self.buffer = np.empty(path.stat().st_size // columns + 1, dtype=np.uint64)
        self.n = 0

    def add(self, hashes: np.ndarray) -> None:
        self.buffer[self.n:self.n + len(hashes)] = hashes
        self.n += len(hashes)

    def all(self) -> np.ndarray:
        return self.buffer[:self.n]


def scan_reports(path: Path, header: list[str], net: Network, prior: np.ndarray, today: date,
                 rejects: RejectsWriter, progress=None) -> "Scanned":
    """The streaming pass over a report-level export. Read the quick way; a file with any value outside the
    codes is read again the careful way. Whether a reference repeats is still being counted when it
    returns (Scanned.repeats)."""
    try:
        return first_pass(ReportScanner(path, header, net, prior, today), rejects, progress)
    except OutsideCodes:
        rejects.discard()
        return first_pass(ReportScanner(path, header, net, prior, today, careful=True), rejects, progress)


def scan(scanner: ReportScanner, rejects: RejectsWriter, progress=None):
    """Both passes at once: (counts, reference hashes, rows in, rows taken back as repeated, demo flag)."""
    scanned = first_pass(scanner, rejects, progress)
    removed = scanned.drop_repeated(rejects) if scanned.repeats() else 0
    return scanned.counts, scanned.refs, scanned.rows_in, removed, scanned.demo


def first_pass(scanner: ReportScanner, rejects: RejectsWriter, progress=None) -> "Scanned":
    counts = Counts(len(scanner.net.codes))
    hashes, rows_in, demo_values = ReferenceHashes(scanner.path, len(scanner.header)), 0, set()
    for df in scanner.batches():
        ref_hash, portals, months, breakdown, reason = scanner.classify(df, rows_in)
        if reason is None:
            counts.add_rows(portals, months, breakdown)
            hashes.add(ref_hash)
        else:
            ok = reason == 0
            bad = np.nonzero(~ok)[0]
            rejects.write(bad + rows_in + 2, np.array(REASONS, dtype=object)[reason[bad]])
            counts.add_rows(portals[ok], months[ok], {k: v[ok] for k, v in breakdown.items()})
            hashes.add(ref_hash[ok])
        if "demo" in df.columns:
            demo_values |= set(df["demo"].unique().cast(pl.String).to_list())
        rows_in += df.height
        if progress:
            progress(rows_in)
    if rows_in == 0:
        raise InputError(scanner.path, "no data rows after the header")
    return Scanned(scanner, counts, hashes.all(), rows_in, _demo_flag(scanner.path, demo_values))


class Scanned:
    """What the first pass counted. Whether any reference repeats within the file is one multi-threaded
    count of distinct values on the hash buffer, started here on another thread (polars releases the
    GIL): the caller publishes meanwhile and asks `repeats()` before it keeps the result."""

    def __init__(self, scanner: ReportScanner, counts: Counts, refs: np.ndarray, rows_in: int, demo: bool):
        self.scanner, self.counts, self.refs, self.rows_in, self.demo = scanner, counts, refs, rows_in, demo
        self._distinct = _started(lambda: pl.Series(refs).n_unique() != len(refs))

    def repeats(self) -> bool:
        return self._distinct.result()

    def drop_repeated(self, rejects: RejectsWriter) -> int:
        """Take back out every counted row whose reference repeats within the file: a second pass, only
        when there are repeats. Returns the rows taken back."""
        order = np.sort(self.refs)
        repeated = np.unique(order[1:][order[1:] == order[:-1]])
        removed, offset = 0, 0
        for df in self.scanner.batches():
            ref_hash, portals, months, breakdown, reason = self.scanner.classify(df, offset)
            again = np.isin(ref_hash, repeated) if reason is None else (reason == 0) & np.isin(ref_hash, repeated)
            rows = np.nonzero(again)[0]
            self.counts.add_rows(portals[again], months[again], {k: v[again] for k, v in breakdown.items()},
                                 sign=-1)
            rejects.write(rows + offset + 2, ["report reference repeated in this file"] * len(rows))
            removed += len(rows)
            offset += df.height
        self.refs = self.refs[~np.isin(self.refs, repeated)]
        self._distinct = Future()
        self._distinct.set_result(False)
        return removed


def _started(work) -> Future:
    """`work` on a thread of its own; the result (or its exception) from the future."""
    pool = ThreadPoolExecutor(1)
    future = pool.submit(work)
    pool.shutdown(wait=False)  # the thread ends when the work does
    return future


def _demo_flag(path, values: set) -> bool:
    if values - {"yes", "no"} or len(values) > 1:
        raise InputError(path, "column demo must be 'yes' on every row or 'no' on every row", column="demo")
    return values == {"yes"}


def scan_summary(path: Path, header: list[str], net: Network, loaded: set, today: date, rejects: RejectsWriter):
    """A monthly summary file, row by row (each row one portal and month): (counts, rows in, demo flag).
    `loaded`: (portal code, month index) pairs already loaded; a row for one of them is rejected."""
    limit = csv.field_size_limit(SUMMARY_FIELD_LIMIT)
    try:
        return _scan_summary(path, header, net, loaded, today, rejects)
    finally:
        csv.field_size_limit(limit)


def _scan_summary(path: Path, header: list[str], net: Network, loaded: set, today: date, rejects: RejectsWriter):
    values = np.zeros((len(net.codes), N_MONTHS, len(MEASURES)), dtype=np.int64)
    rows_in, seen, demo_values, bad_lines, bad_reasons = 0, set(), set(), [], []
    current = month_index(today)
    with open_text(path) as fh:
        reader = csv.reader(fh, strict=True)
        try:
            next(reader)
            for fields in reader:
                line = reader.line_num
                if not fields or all(not f.strip() for f in fields):
                    continue
                if len(fields) != len(header):
                    raise InputError(path, f"{len(fields)} fields where the header has {len(header)}", line)
                row = dict(zip(header, (f.strip() for f in fields)))
                for column, value in row.items():
                    if outside(SUMMARY_DOMAINS[column], value):
                        raise refusal(path, line, column, SUMMARY_DOMAINS[column])
                rows_in += 1
                demo_values.add(row.get("demo", "no"))
                reason, portal, month, counts = _summary_row(row, net, current)
                if not reason and (portal, month) in seen:
                    reason = "portal and month repeated in this file"
                elif not reason and (row["portal"], month) in loaded:
                    reason = "portal and month already loaded"
                if reason:
                    bad_lines.append(line)
                    bad_reasons.append(reason)
                    continue
                seen.add((portal, month))
                values[portal, month, :] += counts
        except csv.Error:
            raise InputError(path, "malformed CSV (a broken quote, or a field longer than any value in the format)",
                             reader.line_num) from None
        except UnicodeDecodeError:
            raise InputError(path, "not UTF-8 text; save the file as UTF-8", reader.line_num + 1) from None
    if rows_in == 0:
        raise InputError(path, "no data rows after the header")
    demo = _demo_flag(path, demo_values)
    counts_out = Counts(len(net.codes))
    counts_out.set_values(values)
    rejects.write(np.array(bad_lines), bad_reasons)
    return counts_out, rows_in, demo


def _summary_row(row: dict, net: Network, current: int):
    """(reason or '', portal index, month index, counts) of one summary row whose values are in their domains."""
    portal = net.index.get(row["portal"], -1)
    year, month_of_year = (int(x) for x in row["month"].split("-")) if row["month"] else (0, 0)
    month = (year - BASE_YEAR) * 12 + month_of_year - 1 if 1 <= month_of_year <= 12 else -1
    counts = np.array([int(row[m]) if row[m] else -1 for m in MEASURES], dtype=np.int64)
    by_measure = dict(zip(MEASURES, counts.tolist()))
    launch = net.launch_month(portal) if portal >= 0 else None
    if portal < 0:
        return "unknown portal", portal, month, counts
    if not 0 <= month < N_MONTHS:
        return "invalid or missing date", portal, month, counts
    if month > current:
        return "date in the future", portal, month, counts
    if launch is not None and month < launch:
        return "date before the portal's launch", portal, month, counts
    if counts.min() < 0:
        return "invalid count", portal, month, counts
    if any(by_measure[total] != sum(by_measure[p] for p in parts) for total, parts in BREAKDOWNS.values()):
        return "counts do not add up", portal, month, counts
    return "", portal, month, counts

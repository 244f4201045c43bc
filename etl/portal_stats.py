"""`import-portal-stats FILE [...]`: anonymized portal statistics in, suppressed aggregates out.

Each file is one load: validated and aggregated to portal x month in a streaming pass (polars reads the
CSV in chunks; numpy counts), rows with problems go to a rejects file with their reason, and the
published tables are rebuilt from every active load with disclosure control applied, in one
transaction. Unsuppressed counts and hashed report references (needed to merge later files and to
catch a report loaded twice) are kept in a staging folder outside the database.
"""
import csv
import hashlib
import io
import os
import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import delete, insert, select

from . import config
from .db import insert_many
from .disclosure import Relations, exposed_cells, suppress
from .errors import InputError
from .provenance import LoadResult
from .readers import iter_csv, open_text, sha256_of
from .schema import country, load_run, portal, portal_stat, stat_load, stat_publication
from .stats_format import (ACTIONED_DETAIL, region_group, AGES, BREAKDOWNS, CONTINENT_TO_HOST, HOST_GROUPS, MEASURES, MEDIA,
                           OPTIONAL_COLUMNS, OUTCOMES, REPORT_COLUMNS, SELF_GENERATED, SEVERITY, SUMMARY_COLUMNS,
                           SUMMARY_OPTIONAL)

BASE_YEAR = 2000
N_MONTHS = 12 * 60  # months from January 2000: room to 2059
CHUNK_ROWS = 250_000
PIECE_BYTES, PIECES_AHEAD = 16 << 20, 2  # the quick reading: pieces of the file, read ahead (ReportScanner._quick_batches)
IDENTIFYING = {  # checked in this order
    "an e-mail address": re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"),
    "an IP address": re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b|\b[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}\b"),
    "a web address": re.compile(r"(?i)(https?://|www\.|\b[a-z0-9-]+\.(com|org|net|uk|info|ru|io|co)\b)"),
}
# A report reference is opaque: 1 to 64 bytes without the characters that web, e-mail or IP addresses need.
REF_FORBIDDEN = ["@", ".", ":", "/", "\\", " ", ",", ";", "?", "=", "&", "%", "#", "\t"]
CODED = ["portal", "received_date", "outcome"] + ACTIONED_DETAIL
REASONS = ["", "invalid report reference", "unknown portal", "invalid or missing date", "date in the future",
           "date before the portal's launch", "invalid outcome", "actioned report with a missing or invalid detail code",
           "detail codes on a report that was not actioned", "report reference repeated in this file",
           "report reference already loaded", "invalid count", "counts do not add up", "portal and month repeated in this file",
           "portal and month already loaded"]
R = {name: i for i, name in enumerate(REASONS)}


def suppression_k() -> int:
    return int(os.environ.get("PORTAL_STATS_K", "10"))


def staging_dir(engine_url: str) -> Path:
    key = hashlib.sha256(engine_url.encode()).hexdigest()[:12]
    path = config.VAR_DIR / "portal_stats" / key
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_hash_scheme(folder: Path) -> None:
    """The staged reference hashes must come from the hash the import uses now: polars' hash is stable only
    within one polars version, and under another a report loaded earlier would no longer be recognised."""
    probe = ",".join(map(str, pl.Series(["R00001", "DEMO-0", "a-reference"]).hash().to_list()))
    marker = folder / "hash-scheme.txt"
    if not marker.exists():
        marker.write_text(probe, encoding="utf-8")
    elif marker.read_text(encoding="utf-8").strip() != probe:
        raise InputError(marker, f"the report references staged here were hashed by another polars version "
                                 f"(polars {pl.__version__} hashes differently), so reports loaded earlier would not "
                                 f"be recognised; install the polars version in requirements.txt. Nothing was loaded")


def month_index(d: date) -> int:
    return (d.year - BASE_YEAR) * 12 + d.month - 1


def month_start(i: int) -> date:
    return date(BASE_YEAR + i // 12, i % 12 + 1, 1)


def looks_identifying(value: str) -> str | None:
    for what, pattern in IDENTIFYING.items():
        if pattern.search(value or ""):
            return what
    return None


class Network:
    """The portals as the statistics see them: index, launch (earliest possible day), region group."""

    def __init__(self, conn):
        rows = conn.execute(select(portal.c.portal_code, portal.c.launch_from, portal.c.region)
                            .order_by(portal.c.portal_code)).all()
        self.codes = [r.portal_code for r in rows]
        self.index = {c: i for i, c in enumerate(self.codes)}
        epoch = date(1970, 1, 1)
        self.launch_day = np.array([(r.launch_from - epoch).days if r.launch_from else -10**6 for r in rows])
        self.region = [region_group(r.region) for r in rows]
        hosts = conn.execute(select(country.c.code, country.c.continent)).all()
        self.host_codes = {h.code: HOST_GROUPS.index(CONTINENT_TO_HOST.get(h.continent, "other")) for h in hosts}
        self.host_codes["unknown"] = HOST_GROUPS.index("unknown")


class Counts:
    """Dense counters per portal x month for every published measure (one array per breakdown; received is
    the sum of the outcomes)."""

    def __init__(self, n_portals: int):
        self.n = n_portals
        size = n_portals * N_MONTHS
        self.parts = {name: np.zeros(size * len(parts), dtype=np.int64) for name, (_, parts) in BREAKDOWNS.items()}
        self._values = None

    @property
    def values(self) -> np.ndarray:
        """[portal, month, measure] in MEASURES order (built on first use after counting)."""
        if self._values is None:
            size = self.n * N_MONTHS
            cols = [self.parts[name].reshape(size, len(parts)) for name, (_, parts) in BREAKDOWNS.items()]
            received = cols[0].sum(axis=1, keepdims=True)
            self._values = np.concatenate([received] + cols, axis=1).reshape(self.n, N_MONTHS, len(MEASURES))
        return self._values

    def add_rows(self, p, mi, codes: dict, sign: int = 1):
        """Add report rows: p, mi (arrays) and the index of each coded field."""
        self._values = None
        size = self.n * N_MONTHS
        add = np.add if sign > 0 else np.subtract
        cell = p * N_MONTHS + mi
        outcome = codes["outcome"]
        detail = np.nonzero(outcome == OUTCOMES.index("actioned"))[0]
        detail_cell = cell[detail]
        for name, (_, parts) in BREAKDOWNS.items():
            k = len(parts)
            if name == "outcome":
                counts = np.bincount(cell * k + outcome, minlength=size * k)
            else:
                counts = np.bincount(detail_cell * k + codes[name][detail], minlength=size * k)
            add(self.parts[name], counts, out=self.parts[name])

    def set_values(self, values: np.ndarray) -> None:
        size = self.n * N_MONTHS
        flat = values.reshape(size, len(MEASURES))
        start = 1
        for name, (_, parts) in BREAKDOWNS.items():
            self.parts[name] = flat[:, start:start + len(parts)].copy().ravel()
            start += len(parts)
        self._values = values

    def months_with_data(self) -> tuple[int, int] | None:
        months = np.nonzero(self.values[:, :, 0].sum(axis=0))[0]
        return (int(months[0]), int(months[-1])) if len(months) else None


def read_header(path: Path) -> list[str]:
    try:
        with open_text(path) as fh:
            first = fh.readline()
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason}); save the file as UTF-8", line=1) from None
    if not first.strip():
        raise InputError(path, "file is empty")
    return [h.strip().strip('"') for h in next(csv.reader([first]))]


def check_columns(path, header, required, optional):
    extra = [c for c in header if c not in required + optional]
    if extra:
        raise InputError(path, f"column {extra[0]!r} is outside the format; the whole file is refused and nothing "
                               f"of it was loaded (allowed: {', '.join(required + optional)})", 1, extra[0])
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", 1)
    if len(set(header)) != len(header):
        raise InputError(path, "a column name repeats", 1)


UNSEEN = -99


class CategoryCodes:
    """Turns categorical ids into codes through lookup tables, reading each distinct string once.

    polars numbers the strings of all categorical columns in one growing mapping. Each output keeps a
    table from id to code (its last entry: an empty field, id -1); only ids a table has not seen yet are
    read as strings, and that is where the privacy guard looks at them.
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
        pids = np.nonzero(first_row >= 0)[0]
        values = df[column].gather(first_row[pids]).cast(pl.String).to_list()
        for pid, row, value in zip(pids.tolist(), first_row[pids].tolist(), values):
            codes = [self.outputs[name][1](value) for name in names]
            what = looks_identifying(value) if value and codes[0] < 0 else None  # a valid code or date identifies no one
            if what:
                raise InputError(self.path, f"a value looks like {what}; the whole file is refused and nothing "
                                            f"of it was loaded", offset + row + 2, column)
            for name, code in zip(names, codes):
                self.tables[name][pid] = code


def _grown(table: np.ndarray, size: int) -> np.ndarray:
    out = np.full(size, UNSEEN, dtype=np.int64)
    out[:len(table) - 1], out[-1] = table[:-1], table[-1]
    return out


def _code_of(values):
    index = {v: i for i, v in enumerate(values)}
    return lambda v: index.get(v, -1) if v else -2  # -2: empty, -1: invalid


def _month_of(value: str | None) -> int:
    days = _date_days(value)
    return month_index(date(1970, 1, 1) + timedelta(days=days)) if days >= 0 else -1


@lru_cache(maxsize=1 << 16)  # the day and the month of each distinct date string are both looked up
def _date_days(value: str | None) -> int:
    if not value or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return -1
    try:
        return (date.fromisoformat(value) - date(1970, 1, 1)).days
    except ValueError:
        return -1


class RejectsWriter:
    def __init__(self, path: Path, columns: list[str]):
        self.path, self.columns, self.count, self._fh = path, columns, 0, None

    def write(self, df: pl.DataFrame):
        if df.height == 0:
            return
        if self._fh is None:
            self._fh = open(self.path, "w", encoding="utf-8", newline="")
            self._fh.write(",".join(["line", "reason"] + self.columns) + "\n")
        self._fh.write(df.write_csv(include_header=False))
        self.count += df.height

    def close(self):
        if self._fh:
            self._fh.close()

    def discard(self):
        """Forget what was written (the file is being read again from the start)."""
        self.close()
        self.path.unlink(missing_ok=True)
        self.count, self._fh = 0, None


class OutsideCodes(Exception):
    """The quick read met a value that is not one of the codes: the file must be read the careful way."""


class ReportScanner:
    """Classifies chunks of a report-level export: every row gets a reason (0 = counted) and its codes.

    Two ways to read a file, with the same result. The quick way reads each coded column as a polars Enum
    of its codes, so the parser itself yields the codes; any other value stops it (OutsideCodes). The
    careful way reads them as categories and looks at each distinct value once: the privacy guard runs on
    it, and a row with an invalid code is rejected with its reason. Dates are read the careful way in both.
    """

    def __init__(self, path: Path, header: list[str], net: Network, prior: np.ndarray, today: date,
                 careful: bool = False):
        self.path, self.header, self.net, self.prior, self.careful = path, header, net, prior, careful
        self.today_days = (today - date(1970, 1, 1)).days
        maps = {"portal": lambda v: net.index.get(v, -1), "received_date": _date_days,
                "outcome": _code_of(OUTCOMES), "media_type": _code_of(MEDIA), "severity": _code_of(SEVERITY),
                "youngest_age": _code_of(AGES), "self_generated": _code_of(SELF_GENERATED),
                "hosting_country": lambda v: net.host_codes.get(v, -1) if v else -2}
        self.careful_columns = CODED if careful else ["received_date"]
        self.categories = CategoryCodes(path, {"_month": ("received_date", _month_of),
                                               **{c: (c, maps[c]) for c in self.careful_columns}})
        hosts = sorted(net.host_codes)
        self.enums = {"portal": net.codes, "outcome": OUTCOMES, "media_type": MEDIA, "severity": SEVERITY,
                      "youngest_age": AGES, "self_generated": SELF_GENERATED, "hosting_country": hosts,
                      "demo": ["yes", "no"]}
        self.host_group = np.array([net.host_codes[h] for h in hosts] + [-2])  # last: an empty field (id -1)
        self.launch = np.append(net.launch_day, 0)  # by portal; last: no portal (-1)

    def batches(self):
        """The file in chunks of CHUNK_ROWS rows from polars' streaming reader (parallel parsing); the derived
        columns are computed by the streaming engine too."""
        self._check_last_line()
        ref = pl.col("report_ref")
        length = ref.str.len_bytes().fill_null(0)
        derived = [ref.hash().alias("_h"),
                   (ref.str.contains_any(REF_FORBIDDEN).fill_null(False) | (length == 0) | (length > 64)).alias("_bad_ref")]
        if self.careful:
            schema = {c: (pl.String if c == "report_ref" else pl.Categorical) for c in self.header}
        else:
            schema = {c: pl.Enum(self.enums[c]) if c in self.enums else pl.String if c == "report_ref"
                      else pl.Categorical for c in self.header}
        # Enum ids are positions in the code lists; an empty field is -2, or -1 where a table maps the id
        empty = {c: -1 if self.careful or c in ("portal", "received_date", "hosting_country") else -2 for c in CODED}
        derived += [pl.col(c).to_physical().cast(pl.Int32).fill_null(empty[c]).alias(f"_id_{c}") for c in CODED]
        if not self.careful:  # here an empty field is the only null: every other value is a code
            derived += [pl.any_horizontal(pl.col(ACTIONED_DETAIL).is_null()).alias("_detail_missing"),
                        pl.any_horizontal(pl.col(ACTIONED_DETAIL).is_not_null()).alias("_detail_present")]

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
        except (pl.exceptions.ComputeError, pl.exceptions.SchemaError, pl.exceptions.ShapeError) as exc:
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
        if len(next(csv.reader([last]), [])) != len(self.header):
            raise InputError(self.path, f"truncated: the last line has {len(next(csv.reader([last]), []))} fields "
                                        f"where the header has {len(self.header)}")

    def coded(self, df: pl.DataFrame, offset: int) -> dict:
        """Every coded column as its position in its code list (-1 invalid, -2 empty), the day and the month,
        and whether any actioned-report detail is missing or present."""
        code = {}
        for column in self.careful_columns:
            code.update(self.categories.codes(df, column, offset))
        if self.careful:
            detail = [code[c] for c in ACTIONED_DETAIL]
            code["_detail_missing"] = np.minimum.reduce(detail) < 0
            code["_detail_present"] = np.maximum.reduce(detail) != -2
        else:
            code.update({c: df[f"_id_{c}"].to_numpy() for c in CODED if c not in code})
            code["hosting_country"] = self.host_group[code["hosting_country"]]
            code.update({c: df[c].to_numpy() for c in ("_detail_missing", "_detail_present")})
        return code

    def classify(self, df: pl.DataFrame, offset: int):
        """Per row: reference hash, portal, month, the breakdown codes, and the reason it is rejected (None
        when every row counts)."""
        n, path = df.height, self.path
        bad_ref = df["_bad_ref"].to_numpy()
        for i in np.nonzero(bad_ref)[0][:1000]:
            what = looks_identifying(df["report_ref"][int(i)] or "")
            if what:
                raise InputError(path, f"a report reference looks like {what}; the whole file is refused and "
                                       f"nothing of it was loaded", offset + int(i) + 2, "report_ref")
        codes = self.coded(df, offset)
        p, days, mi, outcome = codes["portal"], codes["received_date"], codes["_month"], codes["outcome"]
        h = df["_h"].to_numpy()
        actioned = outcome == 0
        checks = [
            (bad_ref, R["invalid report reference"]),
            (p < 0, R["unknown portal"]), (days < 0, R["invalid or missing date"]),
            (days > self.today_days, R["date in the future"]), (days < self.launch[p], R["date before the portal's launch"]),
            (outcome < 0, R["invalid outcome"]),
            (actioned & codes["_detail_missing"], R["actioned report with a missing or invalid detail code"]),
            (~actioned & codes["_detail_present"], R["detail codes on a report that was not actioned"]),
        ]
        if len(self.prior):
            pos = np.minimum(np.searchsorted(self.prior, h), len(self.prior) - 1)
            checks.append((self.prior[pos] == h, R["report reference already loaded"]))
        reason = None
        if np.logical_or.reduce([mask for mask, _ in checks]).any():
            reason = np.zeros(n, dtype=np.int64)
            for mask, code in reversed(checks):  # the first failing check wins
                reason[mask] = code
        breakdown = {"outcome": outcome, "media": codes["media_type"], "severity": codes["severity"],
                     "age": codes["youngest_age"], "self_generated": codes["self_generated"],
                     "hosting": codes["hosting_country"]}
        return h, p, mi, breakdown, reason


def reject(rejects: "RejectsWriter", df: pl.DataFrame, rows: np.ndarray, offset: int, reasons) -> None:
    if len(rows) == 0:
        return
    rejects.write(df[rows].select(rejects.columns).with_columns(pl.all().cast(pl.String)).select(
        pl.Series("line", rows + offset + 2), pl.Series("reason", list(reasons)), *rejects.columns))


def scan_reports(path: Path, header: list[str], net: Network, prior: np.ndarray, today: date,
                 rejects: "RejectsWriter", progress=None):
    """The streaming pass over a report-level export; returns counts, refs, rows in, demo flag.

    Read the quick way; a file with any value outside the codes is read again the careful way."""
    try:
        return _scan(ReportScanner(path, header, net, prior, today), rejects, progress)
    except OutsideCodes:
        rejects.discard()
        return _scan(ReportScanner(path, header, net, prior, today, careful=True), rejects, progress)


def _scan(scanner: ReportScanner, rejects: "RejectsWriter", progress=None):
    counts = Counts(len(scanner.net.codes))
    hashes, rows_in, demo_values = ReferenceHashes(scanner.path, len(scanner.header)), 0, set()
    for df in scanner.batches():
        h, p, mi, bd, reason = scanner.classify(df, rows_in)
        if reason is None:
            counts.add_rows(p, mi, bd)
            hashes.add(h)
        else:
            ok = reason == 0
            bad = np.nonzero(~ok)[0]
            reject(rejects, df, bad, rows_in, np.array(REASONS, dtype=object)[reason[bad]])
            counts.add_rows(p[ok], mi[ok], {k: v[ok] for k, v in bd.items()})
            hashes.add(h[ok])
        if "demo" in df.columns:
            demo_values |= set(df["demo"].unique().cast(pl.String).to_list())
        rows_in += df.height
        if progress:
            progress(rows_in)
    path = scanner.path
    if rows_in == 0:
        raise InputError(path, "no data rows after the header")
    if demo_values - {"yes", "no"} or len(demo_values) > 1:
        raise InputError(path, f"column demo must be 'yes' on every row or 'no' on every row, found "
                               f"{sorted(map(str, demo_values))}", column="demo")
    removed, refs = drop_repeated(scanner, counts, hashes, rejects)
    return counts, refs, rows_in, removed, demo_values == {"yes"}


def _polars_error(path, exc, line: int) -> InputError:
    text = str(exc).splitlines()[0]
    if "utf-8" in text.lower() or "utf8" in text.lower():
        return InputError(path, f"not UTF-8 text in the block from line {line}; save the file as UTF-8")
    return InputError(path, f"malformed or truncated CSV in the block from line {line} ({text})")


class ReferenceHashes:
    """The reference hashes of the counted rows in one buffer, sorted in place at the end (no second copy).

    The buffer is sized for the most rows the file could hold (a row has at least one byte per column);
    pages never written take no memory.
    """

    def __init__(self, path: Path, columns: int):
        self.buffer = np.empty(path.stat().st_size // columns + 1, dtype=np.uint64)
        self.n = 0

    def add(self, h: np.ndarray) -> None:
        self.buffer[self.n:self.n + len(h)] = h
        self.n += len(h)

    def sorted(self) -> np.ndarray:
        out = self.buffer[:self.n]
        out.sort()  # numpy's vectorised sort: 3x polars' multi-threaded one here, and in place
        return out


def drop_repeated(scanner: ReportScanner, counts: Counts, hashes: ReferenceHashes, rejects: "RejectsWriter"):
    """Take back out every counted row whose reference repeats within the file: a second pass, only then."""
    order = hashes.sorted()
    repeated = np.unique(order[1:][order[1:] == order[:-1]])
    if len(repeated) == 0:
        return 0, order
    removed, offset = 0, 0
    for df in scanner.batches():
        h, p, mi, bd, reason = scanner.classify(df, offset)
        again = np.isin(h, repeated) if reason is None else (reason == 0) & np.isin(h, repeated)
        rows = np.nonzero(again)[0]
        counts.add_rows(p[again], mi[again], {k: v[again] for k, v in bd.items()}, sign=-1)
        reject(rejects, df, rows, offset, [REASONS[R["report reference repeated in this file"]]] * len(rows))
        removed += len(rows)
        offset += df.height
    return removed, order[~np.isin(order, repeated)]


def scan_summary(path: Path, header: list[str], net: Network, loaded: set, today: date, rejects: RejectsWriter):
    """A monthly summary file: checked row by row, each row one portal and month."""
    counts = Counts(len(net.codes))
    summary_values = np.zeros((len(net.codes), N_MONTHS, len(MEASURES)), dtype=np.int64)
    rows_in, seen, demo_values = 0, {}, set()
    bad_rows = []
    current = month_index(today)
    for line, r in iter_csv(path, SUMMARY_COLUMNS, SUMMARY_COLUMNS + SUMMARY_OPTIONAL):
        rows_in += 1
        for col, value in r.items():
            what = looks_identifying(value)
            if what:
                raise InputError(path, f"a value looks like {what}; the whole file is refused and nothing of it "
                                       f"was loaded", line, col)
        demo_values.add(r.get("demo", "no"))
        reason = ""
        p = net.index.get(r["portal"], -1)
        month = re.fullmatch(r"(\d{4})-(\d{2})", r["month"])
        mi = (int(month.group(1)) - BASE_YEAR) * 12 + int(month.group(2)) - 1 if month and 1 <= int(month.group(2)) <= 12 else -1
        values = []
        for m in MEASURES:
            values.append(int(r[m]) if re.fullmatch(r"\d{1,9}", r[m]) else -1)
        v = dict(zip(MEASURES, values))
        if p < 0:
            reason = "unknown portal"
        elif mi < 0 or mi >= N_MONTHS:
            reason = "invalid or missing date"
        elif mi > current:
            reason = "date in the future"
        elif net.launch_day[p] > -10**6 and mi < month_index(date(1970, 1, 1) + timedelta(
                days=int(net.launch_day[p]))):
            reason = "date before the portal's launch"
        elif min(values) < 0:
            reason = "invalid count"
        elif any(v[total] != sum(v[x] for x in parts) for total, parts in BREAKDOWNS.values()):
            reason = "counts do not add up"
        elif (p, mi) in seen:
            reason = "portal and month repeated in this file"
        elif (r["portal"], mi) in loaded:
            reason = "portal and month already loaded"
        if reason:
            bad_rows.append({"line": line, "reason": reason, **r})
            continue
        seen[(p, mi)] = line
        summary_values[p, mi, :] += np.array(values)
    if demo_values - {"yes", "no"} or len(demo_values) > 1:
        raise InputError(path, f"column demo must be 'yes' on every row or 'no' on every row, found "
                               f"{sorted(demo_values)}", column="demo")
    counts.set_values(summary_values)
    if bad_rows:
        rejects.write(pl.DataFrame(bad_rows, schema={k: pl.String for k in bad_rows[0]}).with_columns(
            pl.col("line").cast(pl.Int64)))
    return counts, rows_in, len(bad_rows), demo_values == {"yes"}


# --- staging: what the database must not hold ------------------------------------------------------

def save_staged(folder: Path, load_id: int, net: Network, counts: Counts, refs: np.ndarray) -> None:
    p, mi = np.nonzero(counts.values.sum(axis=2))
    np.savez(folder / f"cells-{load_id}.npz", portal=np.array([net.codes[i] for i in p]), month=mi,
             values=counts.values[p, mi, :])
    np.save(folder / f"refs-{load_id}.npy", refs)  # sorted by drop_repeated


def load_staged(folder: Path, load_ids, net: Network) -> Counts:
    counts = Counts(len(net.codes))
    values = np.zeros((len(net.codes), N_MONTHS, len(MEASURES)), dtype=np.int64)
    for lid in load_ids:
        data = np.load(folder / f"cells-{lid}.npz")
        p = np.array([net.index[c] for c in data["portal"]], dtype=np.int64)
        np.add.at(values, (p, data["month"]), data["values"])
    counts.set_values(values)
    return counts


def staged_refs(folder: Path, load_ids) -> np.ndarray:
    parts = [np.load(folder / f"refs-{lid}.npy") for lid in load_ids if (folder / f"refs-{lid}.npy").exists()]
    return np.sort(np.concatenate(parts)) if parts else np.empty(0, np.uint64)


def active_loads(conn, demo: bool | None = None) -> list[int]:
    q = select(stat_load.c.load_id).where(stat_load.c.active.is_(True))
    if demo is not None:
        q = q.where(stat_load.c.is_demo.is_(demo))
    return list(conn.execute(q.order_by(stat_load.c.load_id)).scalars())


# --- the load ----------------------------------------------------------------------------------------

def load_file(conn, load_id: int, path: Path, today: date | None = None, k: int | None = None,
              progress=None) -> LoadResult:
    """Validate, aggregate and stage one file, then rebuild the published statistics."""
    today = today or date.today()
    k = k or suppression_k()
    path = Path(path)
    net = Network(conn)
    folder = staging_dir(conn.engine.url.render_as_string(hide_password=True))
    check_hash_scheme(folder)
    header = read_header(path)
    kind = "summary" if "month" in header and "report_ref" not in header else "reports"
    rejects_path = config.rejects_dir() / f"portal-stats-{load_id}.csv"
    rejects = RejectsWriter(rejects_path, header)
    try:
        previous = active_loads(conn)
        if kind == "reports":
            check_columns(path, header, REPORT_COLUMNS, OPTIONAL_COLUMNS)
            counts, refs, rows_in, repeated, demo = scan_reports(path, header, net, staged_refs(folder, previous),
                                                                today, rejects, progress)
        else:
            check_columns(path, header, SUMMARY_COLUMNS, SUMMARY_OPTIONAL)
            old = load_staged(folder, previous, net)
            loaded = {(net.codes[p], m) for p, m in zip(*np.nonzero(old.values.sum(axis=2)))}
            counts, rows_in, _, demo = scan_summary(path, header, net, loaded, today, rejects)
            refs = np.empty(0, np.uint64)
    except Exception:
        rejects.close()
        rejects_path.unlink(missing_ok=True)
        raise
    rejects.close()
    rejected = rejects.count
    span = counts.months_with_data()
    save_staged(folder, load_id, net, counts, refs)
    conn.execute(insert(stat_load).values(
        load_id=load_id, kind=kind, file_sha256=_sha(conn, load_id, path), file_name=path.name, is_demo=demo, active=True,
        first_month=month_start(span[0]) if span else None, last_month=month_start(span[1]) if span else None))
    summary = publish(conn, load_id, net, folder, k)
    return LoadResult(rows_in=rows_in, rows_loaded=rows_in - rejected, rows_rejected=rejected,
                      message=f"{kind}{' (DEMO)' if demo else ''}; {summary}",
                      rejects_file=rejects_path if rejected else None)


def _sha(conn, load_id: int, path: Path) -> str:
    """The checksum the runner already took for load_run (reading a large file twice costs)."""
    sha = conn.execute(select(load_run.c.sha256).where(load_run.c.id == load_id)).scalar()
    if sha and len(sha) == 64:
        return sha
    return sha256_of(path)


def publish(conn, load_id: int, net: Network, folder: Path, k: int) -> str:
    """Rebuild portal_stat from every active load: real loads if there are any, else demo loads."""
    real = active_loads(conn, demo=False)
    use, demo = (real, False) if real else (active_loads(conn, demo=True), True)
    conn.execute(delete(portal_stat))
    if not use:
        return "no statistics loaded"
    counts = load_staged(folder, use, net)
    cells, columns, rows = build_publication(counts, net, k)
    insert_many(conn, portal_stat, columns + ["is_demo", "load_id"], [r + (demo, load_id) for r in rows])
    conn.execute(insert(stat_publication).values(load_id=load_id, k=k, is_demo=demo,
                                                 loads=",".join(map(str, use)), cells=cells[0],
                                                 cells_suppressed=cells[1]))
    return f"published {len(rows)} rows from loads {','.join(map(str, use))}; {cells[1]} of {cells[0]} cells " \
           f"suppressed (k={k})"


def build_publication(counts: Counts, net: Network, k: int):
    """Portal, region and network rows by month and year, with disclosure control across all of them."""
    span = counts.months_with_data()
    if span is None:
        return (0, 0), [], []
    first, last = span
    months = list(range(first, last + 1))
    years = sorted({month_start(m).year for m in months})
    periods = [("month", m) for m in months] + [("year", y) for y in years]
    T, M = len(periods), len(MEASURES)
    # Portals are published from their launch month (or first data month) on.
    data_months = counts.values.sum(axis=2) > 0
    portal_units = []
    for i, code in enumerate(net.codes):
        has = np.nonzero(data_months[i])[0]
        launch = net.launch_day[i]
        start = month_index(date(1970, 1, 1) + timedelta(days=int(launch))) \
            if launch > -10**6 else (int(has[0]) if len(has) else None)
        if start is None or (not len(has) and start > last):
            continue
        portal_units.append((i, code, max(start, first)))
    regions = sorted({net.region[i] for i, _, _ in portal_units})
    units = [("portal", code) for _, code, _ in portal_units] + [("region", r) for r in regions] + [("network", "ALL")]
    U = len(units)
    V = np.zeros((U, T, M), dtype=np.int64)
    for u, (i, _, _) in enumerate(portal_units):
        V[u, :len(months)] = counts.values[i, first:last + 1]
    region_of = {r: U - 1 - len(regions) + j for j, r in enumerate(regions)}
    for u, (i, _, _) in enumerate(portal_units):
        V[region_of[net.region[i]], :len(months)] += V[u, :len(months)]
    for r in regions:
        V[U - 1, :len(months)] += V[region_of[r], :len(months)]
    year_t = {y: len(months) + j for j, y in enumerate(years)}
    month_ts = {y: [t for t, m in enumerate(months) if month_start(m).year == y] for y in years}
    for y in years:
        V[:, year_t[y]] = V[:, month_ts[y]].sum(axis=1)

    rel = Relations({})
    ut = np.arange(U * T, dtype=np.int64) * M
    for total, parts in BREAKDOWNS.values():
        rel.add(ut + MEASURES.index(total), ut[:, None] + np.array([MEASURES.index(p) for p in parts]))
    um = (np.arange(U)[:, None] * T * M + np.arange(M)[None, :]).ravel()
    for y in years:
        rel.add(um + year_t[y] * M, um[:, None] + np.array(month_ts[y])[None, :] * M)
    tm = np.arange(T * M, dtype=np.int64)
    for r in regions:
        members = [u for u, (i, _, _) in enumerate(portal_units) if net.region[i] == r]
        rel.add(region_of[r] * T * M + tm, np.array(members)[None, :] * T * M + tm[:, None])
    rel.add((U - 1) * T * M + tm, np.array([region_of[r] for r in regions])[None, :] * T * M + tm[:, None])
    starts = {u: s for u, (_, _, s) in enumerate(portal_units)}
    fixed = np.zeros((U, T, M), dtype=bool)  # months before a portal started: not published, known to be zero
    for u, start in starts.items():
        fixed[u, :max(0, start - first)] = True
    hidden = suppress(V.ravel(), rel, k, fixed.ravel())
    if len(exposed_cells(V.ravel(), hidden, rel)):
        raise RuntimeError("disclosure check failed: a suppressed cell can be worked out; nothing published")
    hidden = hidden.reshape(U, T, M)

    published = np.zeros((U, T), dtype=bool)  # a portal from its start month (and that month's year) on
    for u in range(U):
        start = starts.get(u, first)
        published[u] = [pv >= start if pk == "month" else pv >= month_start(start).year for pk, pv in periods]
    uu, tt = np.nonzero(published)
    shown, flags = V[uu, tt].astype(object), hidden[uu, tt]
    shown[flags] = None
    measures = np.stack([shown, flags.astype(np.int64).astype(object)], axis=2).reshape(len(uu), 2 * M).tolist()
    keys = [(units[u][0], units[u][1], periods[t][0],
             month_start(periods[t][1]) if periods[t][0] == "month" else date(periods[t][1], 1, 1))
            for u, t in zip(uu.tolist(), tt.tolist())]
    columns = ["unit_kind", "unit_code", "period_kind", "period_start"] + [
        c for m in MEASURES for c in (m, f"{m}_suppressed")]
    rows = [key + tuple(values) for key, values in zip(keys, measures)]
    return (int(flags.size), int(flags.sum())), columns, rows

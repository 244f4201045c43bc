"""`import-portal-stats FILE [...]`: anonymized portal statistics in, suppressed aggregates out.

Each file is one load: validated and aggregated to portal x month in a streaming pass (polars reads the
CSV in chunks; numpy counts), rows with problems go to a rejects file with their reason, and the
published tables are rebuilt from every active load with disclosure control applied, in one
transaction. Unsuppressed counts and hashed report references (needed to merge later files and to
catch a report loaded twice) are kept in a staging folder outside the database.
"""
import csv
import hashlib
import os
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import delete, insert, select

from . import config
from .disclosure import Relations, exposed_cells, suppress
from .errors import InputError
from .provenance import LoadResult
from .readers import iter_csv, open_text, sha256_of
from .schema import country, load_run, portal, portal_stat, stat_load, stat_publication
from .stats_format import (ACTIONED_DETAIL, AGES, BREAKDOWNS, CONTINENT_TO_HOST, HOST_GROUPS, MEASURES, MEDIA,
                           OPTIONAL_COLUMNS, OUTCOMES, REPORT_COLUMNS, SELF_GENERATED, SEVERITY, SUMMARY_COLUMNS,
                           SUMMARY_OPTIONAL)

BASE_YEAR = 2000
N_MONTHS = 12 * 60  # months from January 2000: room to 2059
CHUNK_ROWS = 250_000
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


def region_group(region: str | None) -> str:
    """'Sub-Saharan Africa (West)' -> 'Sub-Saharan Africa': the grouping used for regional totals."""
    return (region or "Unknown region").split(" (")[0].strip()


class Counts:
    """Dense counters per portal x month for every published measure (one array per breakdown)."""

    def __init__(self, n_portals: int):
        self.n = n_portals
        size = n_portals * N_MONTHS
        self.received = np.zeros(size, dtype=np.int64)
        self.parts = {name: np.zeros(size * len(parts), dtype=np.int64) for name, (_, parts) in BREAKDOWNS.items()}
        self._values = None

    @property
    def values(self) -> np.ndarray:
        """[portal, month, measure] in MEASURES order (built on first use after counting)."""
        if self._values is None:
            size = self.n * N_MONTHS
            cols = [self.received.reshape(size, 1)] + [self.parts[name].reshape(size, len(parts))
                                                       for name, (_, parts) in BREAKDOWNS.items()]
            self._values = np.concatenate(cols, axis=1).reshape(self.n, N_MONTHS, len(MEASURES))
        return self._values

    def add_rows(self, p, mi, codes: dict, sign: int = 1):
        """Add report rows: p, mi (arrays) and the index of each coded field."""
        self._values = None
        size = self.n * N_MONTHS
        cell = p.astype(np.int64) * N_MONTHS + mi
        self.received += sign * np.bincount(cell, minlength=size)
        outcome = codes["outcome"]
        detail = np.nonzero(outcome == OUTCOMES.index("actioned"))[0]
        detail_cell = cell[detail]
        for name, (_, parts) in BREAKDOWNS.items():
            k = len(parts)
            if name == "outcome":
                counts = np.bincount(cell * k + outcome, minlength=size * k)
            else:
                counts = np.bincount(detail_cell * k + codes[name][detail], minlength=size * k)
            self.parts[name] += sign * counts

    def set_values(self, values: np.ndarray) -> None:
        size = self.n * N_MONTHS
        flat = values.reshape(size, len(MEASURES))
        self.received = flat[:, 0].copy()
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


class CategoryCodes:
    """Turns categorical ids into codes, looking at each distinct string once.

    polars numbers the strings of all categorical columns in one growing mapping, so a batch only needs
    its distinct values read when it holds an id not seen before (new dates, mostly).
    """

    def __init__(self, path):
        self.path, self.strings, self.tables, self.mapped = path, {}, {}, {}

    def learn(self, df: pl.DataFrame, column: str, ids: np.ndarray, offset: int) -> None:
        values = df.select(pl.col(column).unique()).to_series()
        for pid, value in zip(values.to_physical().to_list(), values.cast(pl.String).to_list()):
            if pid is None or pid in self.strings:
                continue
            what = looks_identifying(value) if value else None
            if what:
                line = offset + int(np.argmax(ids == pid)) + 2
                raise InputError(self.path, f"a value looks like {what}; the whole file is refused and nothing of "
                                            f"it was loaded", line, column)
            self.strings[pid] = value

    def _table(self, key: str, mapping) -> np.ndarray:
        known = self.mapped.setdefault(key, {})
        for pid, value in self.strings.items():
            if pid not in known:
                known[pid] = mapping(value)
        table = np.full(max(self.strings, default=-1) + 2, -99, dtype=np.int64)
        table[np.fromiter(known, dtype=np.int64, count=len(known))] = np.fromiter(known.values(), dtype=np.int64,
                                                                                  count=len(known))
        table[-1] = mapping("")  # id -1: an empty field
        return table

    def codes(self, df, column: str, ids: np.ndarray, mapping, key: str, offset: int) -> np.ndarray:
        top = int(ids.max(initial=-1))
        table = self.tables.get(key)
        if table is None or top >= len(table) - 1:
            table = self._table(key, mapping)
        out = table[np.minimum(ids, len(table) - 2)] if top >= len(table) - 1 else table[ids]
        if top >= len(table) - 1 or (out == -99).any():
            self.learn(df, column, ids, offset)
            table = self._table(key, mapping)
            out = table[ids]
        self.tables[key] = table
        return out


def _code_of(values):
    index = {v: i for i, v in enumerate(values)}
    return lambda v: index.get(v, -1) if v else -2  # -2: empty, -1: invalid


def _month_of(value: str | None) -> int:
    days = _date_days(value)
    return month_index(date(1970, 1, 1) + timedelta(days=days)) if days >= 0 else -1


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


class ReportScanner:
    """Classifies chunks of a report-level export: every row gets a reason (0 = counted) and its codes."""

    def __init__(self, path: Path, header: list[str], net: Network, prior: np.ndarray, today: date):
        self.path, self.header, self.net, self.prior = path, header, net, prior
        self.today_days = (today - date(1970, 1, 1)).days
        self.categories = CategoryCodes(path)
        self.code_maps = {"outcome": _code_of(OUTCOMES), "media_type": _code_of(MEDIA),
                          "severity": _code_of(SEVERITY), "youngest_age": _code_of(AGES),
                          "self_generated": _code_of(SELF_GENERATED),
                          "hosting_country": lambda v: net.host_codes.get(v, -1) if v else -2}

    def batches(self):
        """The file in chunks from polars' streaming reader (parallel parsing, bounded buffers)."""
        self._check_last_line()
        schema = {c: (pl.String if c == "report_ref" else pl.Categorical) for c in self.header}
        ref = pl.col("report_ref")
        derived = [pl.col(c).to_physical().cast(pl.Int64).fill_null(-1).alias(f"_id_{c}") for c in CODED] + [
            ref.hash().alias("_h"), ref.str.len_bytes().fill_null(0).alias("_len"),
            ref.str.contains_any(REF_FORBIDDEN).fill_null(False).alias("_odd")]
        line = 2
        try:  # the derived columns are computed by the streaming engine, in parallel with parsing
            for df in pl.scan_csv(self.path, schema=schema, low_memory=True, raise_if_empty=True) \
                    .with_columns(derived).collect_batches(chunk_size=CHUNK_ROWS):
                line += df.height
                yield df
        except pl.exceptions.NoDataError:
            raise InputError(self.path, "no data rows after the header") from None
        except (pl.exceptions.ComputeError, pl.exceptions.SchemaError, pl.exceptions.ShapeError) as exc:
            raise _polars_error(self.path, exc, line) from None

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

    def classify(self, df: pl.DataFrame, offset: int):
        n, net, path = df.height, self.net, self.path
        cats = CODED
        odd = df["_odd"].to_numpy()
        ref_len = df["_len"].to_numpy()
        for i in np.nonzero(odd)[0][:1000]:
            what = looks_identifying(df["report_ref"][int(i)])
            if what:
                raise InputError(path, f"a report reference looks like {what}; the whole file is refused and "
                                       f"nothing of it was loaded", offset + int(i) + 2, "report_ref")
        maps = {"portal": lambda v: net.index.get(v, -1), "received_date": _date_days, **self.code_maps}
        ids = {c: df[f"_id_{c}"].to_numpy() for c in cats}
        code = {c: self.categories.codes(df, c, ids[c], maps[c], c, offset) for c in cats}
        p, days = code["portal"], code["received_date"]
        mi = self.categories.codes(df, "received_date", ids["received_date"], _month_of, "_month", offset)
        codes = code
        h = df["_h"].to_numpy()
        launch = np.where(p >= 0, net.launch_day[np.maximum(p, 0)], 0)
        actioned = codes["outcome"] == 0
        detail_bad = np.zeros(n, dtype=bool)
        detail_present = np.zeros(n, dtype=bool)
        for c in ACTIONED_DETAIL:
            detail_bad |= codes[c] < 0
            detail_present |= codes[c] != -2
        checks = [
            (odd | (ref_len == 0) | (ref_len > 64), R["invalid report reference"]),
            (p < 0, R["unknown portal"]), (days < 0, R["invalid or missing date"]),
            (days > self.today_days, R["date in the future"]), (days < launch, R["date before the portal's launch"]),
            (codes["outcome"] < 0, R["invalid outcome"]),
            (actioned & detail_bad, R["actioned report with a missing or invalid detail code"]),
            (~actioned & detail_present, R["detail codes on a report that was not actioned"]),
        ]
        if len(self.prior):
            pos = np.minimum(np.searchsorted(self.prior, h), len(self.prior) - 1)
            checks.append((self.prior[pos] == h, R["report reference already loaded"]))
        reason = np.zeros(n, dtype=np.int64)
        for mask, code in reversed(checks):  # the first failing check wins
            reason[mask] = code
        breakdown = {"outcome": codes["outcome"], "media": codes["media_type"], "severity": codes["severity"],
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
    """The streaming pass over a report-level export; returns counts, refs, rows in, demo flag."""
    scanner = ReportScanner(path, header, net, prior, today)
    counts = Counts(len(net.codes))
    hashes, rows_in, demo_values = [], 0, set()
    for df in scanner.batches():
        h, p, mi, bd, reason = scanner.classify(df, rows_in)
        ok = reason == 0
        if ok.all():
            counts.add_rows(p, mi, bd)
            hashes.append(h)
        else:
            bad = np.nonzero(~ok)[0]
            reject(rejects, df, bad, rows_in, np.array(REASONS, dtype=object)[reason[bad]])
            counts.add_rows(p[ok], mi[ok], {k: v[ok] for k, v in bd.items()})
            hashes.append(h[ok])
        if "demo" in df.columns:
            demo_values |= set(df["demo"].unique().cast(pl.String).to_list())
        rows_in += df.height
        if progress:
            progress(rows_in)
    if rows_in == 0:
        raise InputError(path, "no data rows after the header")
    if demo_values - {"yes", "no"} or len(demo_values) > 1:
        raise InputError(path, f"column demo must be 'yes' on every row or 'no' on every row, found "
                               f"{sorted(demo_values)}", column="demo")
    removed, refs = drop_repeated(scanner, counts, hashes, rejects)
    return counts, refs, rows_in, removed, demo_values == {"yes"}


def _polars_error(path, exc, line: int) -> InputError:
    text = str(exc).splitlines()[0]
    if "utf-8" in text.lower() or "utf8" in text.lower():
        return InputError(path, f"not UTF-8 text in the block from line {line}; save the file as UTF-8")
    return InputError(path, f"malformed or truncated CSV in the block from line {line} ({text})")


def sorted_refs(chunks: list) -> np.ndarray:
    """One sorted array of reference hashes, freeing the chunks as it goes (peak: twice the refs)."""
    series = pl.Series("h", [], dtype=pl.UInt64)
    while chunks:
        series.append(pl.Series("h", chunks.pop(0)))
    return series.sort().to_numpy()  # multi-threaded: 4x numpy's sort here


def drop_repeated(scanner: ReportScanner, counts: Counts, chunks: list, rejects: "RejectsWriter"):
    """Take back out every counted row whose reference repeats within the file: a second pass, only then."""
    order = sorted_refs(chunks)
    repeated = np.unique(order[1:][order[1:] == order[:-1]])
    if len(repeated) == 0:
        return 0, order
    removed, offset = 0, 0
    for df in scanner.batches():
        h, p, mi, bd, reason = scanner.classify(df, offset)
        again = (reason == 0) & np.isin(h, repeated)
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
    return pl.Series(np.concatenate(parts)).sort().to_numpy() if parts else np.empty(0, np.uint64)


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
    cells, rows = build_publication(counts, net, k)
    for r in rows:
        r.update(is_demo=demo, load_id=load_id)
    for start in range(0, len(rows), 5000):
        conn.execute(insert(portal_stat), rows[start:start + 5000])
    conn.execute(insert(stat_publication).values(load_id=load_id, k=k, is_demo=demo,
                                                 loads=",".join(map(str, use)), cells=cells[0],
                                                 cells_suppressed=cells[1]))
    return f"published {len(rows)} rows from loads {','.join(map(str, use))}; {cells[1]} of {cells[0]} cells " \
           f"suppressed (k={k})"


def build_publication(counts: Counts, net: Network, k: int):
    """Portal, region and network rows by month and year, with disclosure control across all of them."""
    span = counts.months_with_data()
    if span is None:
        return (0, 0), []
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

    rows = []
    for u, (kind, code) in enumerate(units):
        start = starts.get(u, first)
        for t, (pk, pv) in enumerate(periods):
            if pk == "month" and pv < start:
                continue
            if pk == "year" and pv < month_start(start).year:
                continue
            row = {"unit_kind": kind, "unit_code": code, "period_kind": pk,
                   "period_start": month_start(pv) if pk == "month" else date(pv, 1, 1)}
            for j, m in enumerate(MEASURES):
                row[m] = None if hidden[u, t, j] else int(V[u, t, j])
                row[f"{m}_suppressed"] = int(hidden[u, t, j])
            rows.append(row)
    shown = sum(1 for _ in rows) * M
    return (shown, int(sum(r[f"{m}_suppressed"] for r in rows for m in MEASURES))), rows

"""Streaming CSV reading that turns every file-level problem into an InputError."""
import csv
import hashlib
from pathlib import Path
from typing import Iterator

from .errors import InputError


def sha256_of(*paths: Path) -> str:
    """Checksum of one or more files, read in blocks (inputs may be large)."""
    h = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def open_text(path: Path):
    """Open as UTF-8 (a BOM is allowed); refuse missing and empty files."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.stat().st_size == 0:
        raise InputError(path, "file is empty")
    return open(path, encoding="utf-8-sig", errors="strict", newline="")


def iter_csv(path: Path, required: list[str], allowed: list[str] | None = None) -> Iterator[tuple[int, dict]]:
    """Yield (line number, row) for each data row, checking the header and every row's shape.

    `allowed` None accepts extra columns; a list refuses any column outside it.
    """
    path = Path(path)
    fh = open_text(path)
    reader = csv.reader(fh, strict=True)
    line = 1
    try:
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(path, "file is empty") from None
        header = [h.strip() for h in header]
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            raise InputError(path, f"duplicate column(s) {', '.join(dupes)}", line=1)
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(path, f"missing column(s) {', '.join(missing)}; found {', '.join(header)}", line=1)
        if allowed is not None:
            extra = [c for c in header if c not in allowed]
            if extra:
                raise InputError(path, f"column(s) outside the format: {', '.join(extra)}", line=1, column=extra[0])
        rows = 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise InputError(path, f"malformed or truncated CSV ({exc})", line=reader.line_num) from None
            line = reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise InputError(
                    path, f"{len(fields)} fields where the header has {len(header)} (truncated or misquoted row)", line=line
                )
            rows += 1
            yield line, {h: v.strip() for h, v in zip(header, fields)}
        if rows == 0:
            raise InputError(path, "no data rows after the header")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start} of a block); save the file as UTF-8",
                         line=reader.line_num + 1) from None
    finally:
        fh.close()


def read_csv_rows(path: Path, required: list[str], allowed: list[str] | None = None) -> list[tuple[int, dict]]:
    """All rows of a small curated file (reference files are a few hundred rows)."""
    return list(iter_csv(path, required, allowed))


def open_text_checked(path: Path) -> str:
    """Whole text of a small file, with the same encoding errors as iter_csv."""
    try:
        with open_text(path) as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8") from None


def write_rejects(path: Path, rows: list[dict]) -> None:
    """Keep rejected rows with their reason, so nothing is lost silently."""
    if not rows:
        return
    cols = list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)



"""Streaming CSV reading that turns every file-level problem into an InputError."""
import csv
import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Iterator

from .errors import InputError, excerpt

# Control characters have no place in a name, an alias or a reference (tab, newline and return do).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_file(path: Path) -> Path:
    """Refuse what cannot be read as a file before opening it: missing, a folder, a pipe or device
    (which would block or stream forever), no read permission."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        raise InputError(path, "is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise InputError(path, "is not a regular file (a pipe, socket or device)")
    if not os.access(path, os.R_OK):
        raise InputError(path, "cannot be read (permission denied)")
    return path


def _open(path: Path, *args, **kwargs):
    """open() with a refused file as an InputError (permission can change between check and open)."""
    try:
        return open(check_file(path), *args, **kwargs)
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None


def sha256_of(*paths: Path) -> str:
    """Checksum of one or more files, read in blocks (inputs may be large)."""
    h = hashlib.sha256()
    for path in paths:
        with _open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def open_text(path: Path):
    """Open as UTF-8 (a BOM is allowed); refuse missing, empty and unreadable files."""
    path = check_file(path)
    if path.stat().st_size == 0:
        raise InputError(path, "file is empty")
    return _open(path, encoding="utf-8-sig", errors="strict", newline="")


def encoding_error(path: Path) -> InputError:
    """The exact line and column of the first byte that is not UTF-8 (text is decoded in blocks, so the
    decoder's own position says only which block)."""
    with _open(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                column = len(raw[:exc.start].decode("utf-8")) + 1
                return InputError(path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}: {exc.reason}); save the file "
                                        "as UTF-8", line=number, column=column)
    return InputError(path, "not UTF-8 text (cut inside a character at the end); save the file as UTF-8")


def control_character(path, line, column, value: str) -> None:
    """Refuse NUL and other control characters in a value that will be stored or shown."""
    found = CONTROL.search(value)
    if found:
        raise InputError(path, f"control character U+{ord(found.group()):04X} at position {found.start() + 1} of "
                               f"{excerpt(CONTROL.sub('?', value))!r}", line, column)


def iter_csv(path: Path, required: list[str], allowed: list[str] | None = None) -> Iterator[tuple[int, dict]]:
    """Yield (line number, row) for each data row, checking the header and every row's shape.

    `allowed` None accepts extra columns; a list refuses any column outside it.
    """
    path = Path(path)
    fh = open_text(path)
    reader = csv.reader(fh, strict=True)
    try:
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(path, "file is empty") from None
        except csv.Error as exc:
            raise csv_error(path, exc, 1, reader.line_num) from None
        header = [h.strip() for h in header]
        for i, h in enumerate(header, 1):
            control_character(path, 1, i, h)
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
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise csv_error(path, exc, start, reader.line_num) from None
            line = start
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise InputError(
                    path, f"{len(fields)} fields where the header has {len(header)} (truncated or misquoted row)", line=line
                )
            for h, f in zip(header, fields):
                control_character(path, line, h, f)
            rows += 1
            yield line, {h: v.strip() for h, v in zip(header, fields)}
        if rows == 0:
            raise InputError(path, "no data rows after the header")
    except UnicodeDecodeError:
        raise encoding_error(path) from None
    finally:
        fh.close()


def csv_error(path, exc: csv.Error, start: int, now: int) -> InputError:
    """A row the csv module refuses, at the line where the row starts (a quote left open runs on)."""
    reason = str(exc)
    if "field larger than field limit" in reason:
        reason = f"a field longer than {csv.field_size_limit():,} characters (a quote left open, or not CSV)"
    else:
        reason = f"malformed or truncated CSV ({reason})"
    return InputError(path, reason + (f"; the row runs on to line {now}" if now > start else ""), line=start)


def read_csv_rows(path: Path, required: list[str], allowed: list[str] | None = None) -> list[tuple[int, dict]]:
    """All rows of a small curated file (reference files are a few hundred rows)."""
    return list(iter_csv(path, required, allowed))


def open_text_checked(path: Path) -> str:
    """Whole text of a small file, with the same encoding errors as iter_csv."""
    try:
        with open_text(path) as fh:
            return fh.read()
    except UnicodeDecodeError:
        raise encoding_error(path) from None


def write_rejects(path: Path, rows: list[dict]) -> None:
    """Keep rejected rows with their reason, so nothing is lost silently."""
    if not rows:
        return
    cols = list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

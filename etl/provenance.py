"""load_run records and the checksum that lets an unchanged job be skipped."""
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from datetime import date, datetime, timezone

from sqlalchemy import insert, select, update

from . import validate as v
from .errors import InputError
from .readers import read_csv_rows
from .schema import job_state, load_run


@dataclass
class LoadResult:
    """What a load did: rows_in == rows_loaded + rows_rejected, and rejects keep the reasons."""

    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rejects: list[dict] = field(default_factory=list)
    message: str = ""
    rejects_file: Path | None = None  # a loader that streams writes its own rejects file

    def __post_init__(self):
        self.check()

    def check(self):
        assert self.rows_in == self.rows_loaded + self.rows_rejected, \
            f"rows in ({self.rows_in}) != loaded ({self.rows_loaded}) + rejected ({self.rows_rejected})"


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def source_meta(path: Path) -> dict:
    """The row of sources.csv (beside the file) describing a curated file: producer, url, retrieved."""
    sources = Path(path).parent / "sources.csv"
    if Path(path).name == "sources.csv" or not sources.is_file():
        return {}
    for line, row in read_csv_rows(sources, ["file", "producer", "url", "retrieved"]):
        if row["file"] == Path(path).name:
            retrieved = v.iso_date(sources, line, row, "retrieved")
            if retrieved > date.today():
                raise InputError(sources, f"retrieval date {retrieved} is in the future", line, "retrieved")
            return {**row, "retrieved": retrieved}
    return {}


def retrieved_on(path: Path) -> date:
    """The day the file was retrieved (sources.csv), else today: no fact in it can be later."""
    return source_meta(path).get("retrieved") or date.today()


def describe_sources(paths) -> tuple[str, date | None]:
    """A source line for load_run and the earliest retrieval date among the inputs."""
    parts, dates = [], []
    for p in paths:
        meta = source_meta(p)
        if meta:
            parts.append(f"{p.name} ({meta['producer']}; {meta['url']})".replace("; )", ")"))
            dates.append(meta["retrieved"])
        else:
            parts.append(str(p))
    return "; ".join(parts), (min(dates) if dates else None)


def code_files(module) -> list[Path]:
    """The module's file and every project module it imports, directly or through others (read from the
    source, not from sys.modules, so the answer does not depend on what happens to be loaded)."""
    package = Path(module.__file__).parent
    seen, todo = set(), [Path(module.__file__)]
    while todo:
        file = todo.pop()
        if file not in seen:
            seen.add(file)
            todo += [package / f"{name.replace('.', '/')}.py" for name in _project_imports(file)
                     if (package / f"{name.replace('.', '/')}.py").is_file()]
    return sorted(seen)


_FROM = re.compile(r"^[ \t]*from[ \t]+(?:\.|etl\.?)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+etl\.([\w.]+)", re.M)


def _project_imports(file: Path) -> list[str]:
    """Names of etl modules a file imports (`from . import x`, `from .x import y`, `from etl import x`,
    `import etl.x`), at any indentation. Read with a pattern, not ast: parsing every module on each run
    costs a second on a busy machine; a false match only hashes one file more."""
    text = file.read_text(encoding="utf-8")
    names = [m.group(1) for m in _IMPORT.finditer(text)]
    for module, imported in _FROM.findall(text):
        if module:
            names.append(module)
        else:
            names += [n.split()[0] for n in imported.strip("()").replace("\n", " ").split(",") if n.strip()]
    return names


def code_fingerprint(module) -> bytes:
    """The code a job runs: a change to any module it imports makes it run again."""
    h = hashlib.sha256()
    for file in code_files(module):
        h.update(file.name.encode() + b"\0" + file.read_bytes())
    return h.hexdigest().encode()


def start_run(conn, job: str, source: str, retrieved_at, sha: str) -> int:
    return conn.execute(insert(load_run).values(
        job=job, source=source, retrieved_at=retrieved_at, sha256=sha, outcome="running",
        started_at=now())).inserted_primary_key[0]


def finish_run(conn, load_id: int, result: LoadResult, rejects_file: str | None) -> None:
    conn.execute(update(load_run).where(load_run.c.id == load_id).values(
        rows_in=result.rows_in, rows_loaded=result.rows_loaded, rows_rejected=result.rows_rejected,
        outcome="ok", message=result.message or None, rejects_file=rejects_file, finished_at=now()))


def record_failure(engine, job: str, source: str, retrieved_at, sha: str, message: str) -> int:
    """A failed run leaves its data untouched but is still recorded, in its own transaction."""
    with engine.begin() as conn:
        return conn.execute(insert(load_run).values(
            job=job, source=source, retrieved_at=retrieved_at, sha256=sha, outcome="failed",
            message=message, started_at=now(), finished_at=now())).inserted_primary_key[0]


def last_state(conn, job: str) -> str | None:
    return conn.execute(select(job_state.c.input_sha256).where(job_state.c.job == job)).scalar()


def save_state(conn, job: str, sha: str, load_id: int) -> None:
    if last_state(conn, job) is None:
        conn.execute(insert(job_state).values(job=job, input_sha256=sha, load_id=load_id))
    else:
        conn.execute(update(job_state).where(job_state.c.job == job).values(input_sha256=sha, load_id=load_id))

"""Job `figures`: IWF and INHOPE published headline figures by year (counts and shares: never negative)."""
from sqlalchemy import delete, insert

from . import validate as v
from .errors import InputError
from .provenance import LoadResult, retrieved_on
from .readers import read_csv_rows
from .schema import published_figure

INPUTS = ["iwf_stats.csv", "inhope_stats.csv"]
DEPENDS: list[str] = []
COLUMNS = ["year", "metric", "value", "unit", "source", "notes"]


def load(conn, load_id: int, paths: dict) -> LoadResult:
    rows = []
    for name, publisher in (("iwf_stats.csv", "IWF"), ("inhope_stats.csv", "INHOPE")):
        path = paths[name]
        seen = v.Unique(path, "year and metric")
        retrieved = retrieved_on(path)
        for line, r in read_csv_rows(path, COLUMNS):
            year = v.integer(path, line, r, "year")
            if year > retrieved.year:
                raise InputError(path, f"year {year} is after the file was retrieved ({retrieved})", line, "year")
            seen.add((year, r["metric"]), line, "metric")
            value = v.number(path, line, r, "value")
            v.not_negative(path, line, r, "value", value)
            rows.append(dict(publisher=publisher, year=year, metric=v.required(path, line, r, "metric"),
                             value=value, unit=r["unit"] or None,
                             source=v.required(path, line, r, "source"), notes=r["notes"] or None,
                             load_id=load_id))
    conn.execute(delete(published_figure))
    conn.execute(insert(published_figure), rows)
    return LoadResult(rows_in=len(rows), rows_loaded=len(rows))

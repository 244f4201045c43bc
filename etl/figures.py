"""Job `figures`: IWF and INHOPE published headline figures by year."""
from sqlalchemy import delete, insert

from . import validate as v
from .provenance import LoadResult
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
        for line, r in read_csv_rows(path, COLUMNS):
            year = v.integer(path, line, r, "year")
            seen.add((year, r["metric"]), line, "metric")
            rows.append(dict(publisher=publisher, year=year, metric=v.required(path, line, r, "metric"),
                             value=v.number(path, line, r, "value"), unit=r["unit"] or None,
                             source=v.required(path, line, r, "source"), notes=r["notes"] or None,
                             load_id=load_id))
    conn.execute(delete(published_figure))
    conn.execute(insert(published_figure), rows)
    return LoadResult(rows_in=len(rows), rows_loaded=len(rows))

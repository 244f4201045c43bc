"""Job `coe_membership`: Council of Europe member states, accession and departure dates."""
from sqlalchemy import delete, insert

from . import validate as v
from .countries import CountryResolver
from .errors import InputError
from .provenance import LoadResult, retrieved_on
from .readers import read_csv_rows
from .schema import coe_membership

INPUTS = ["coe_members.csv"]
DEPENDS = ["countries"]
COLUMNS = ["country_code", "country_name", "accession_date", "left_date", "notes", "source", "confidence"]


def load(conn, load_id: int, paths: dict) -> LoadResult:
    path = paths["coe_members.csv"]
    resolver, retrieved = CountryResolver(conn), retrieved_on(path)
    seen = v.Unique(path, "country")
    rows = []
    for line, r in read_csv_rows(path, COLUMNS):
        code = resolver.require_code(path, line, "country_code", r["country_code"])
        resolver.same_state(path, line, "country_name", code, r["country_name"])
        seen.add(code, line, "country_code")
        joined = v.iso_date(path, line, r, "accession_date")
        left = v.iso_date(path, line, r, "left_date", required=False)
        v.not_after(path, line, "accession_date", joined, retrieved)
        v.not_after(path, line, "left_date", left, retrieved)
        if left and left < joined:
            raise InputError(path, f"left {left} before joining {joined}", line, "left_date")
        rows.append(dict(country_code=code, accession_date=joined, left_date=left, notes=r["notes"] or None,
                         source=v.required(path, line, r, "source"), confidence=v.confidence(path, line, r),
                         load_id=load_id))
    conn.execute(delete(coe_membership))
    conn.execute(insert(coe_membership), rows)
    return LoadResult(rows_in=len(rows), rows_loaded=len(rows))

"""Job `portals`: the IWF Reporting Portal network."""
import re

from sqlalchemy import delete, insert, select

from . import stats_publication
from . import validate as v
from .countries import CountryResolver
from .errors import InputError
from .provenance import LoadResult, retrieved_on
from .readers import read_csv_rows
from .schema import portal

INPUTS = ["iwf_portals.csv"]
DEPENDS = ["countries"]
COLUMNS = ["portal_code", "portal_name", "country_code", "scope", "launch_date", "launch_precision", "region", "partners",
           "funders", "languages", "url", "source", "confidence", "notes"]


def load(conn, load_id: int, paths: dict) -> LoadResult:
    path = paths["iwf_portals.csv"]
    resolver, retrieved = CountryResolver(conn), retrieved_on(path)
    names, keys, rows = v.Unique(path, "portal"), v.Unique(path, "portal code"), []
    for line, r in read_csv_rows(path, COLUMNS):
        if not re.fullmatch(r"[A-Z]{3,8}", r["portal_code"]):
            raise InputError(path, f"portal code {r['portal_code']!r} must be 3 to 8 capital letters", line,
                             "portal_code")
        keys.add(r["portal_code"], line, "portal_code")
        names.add(v.required(path, line, r, "portal_name"), line, "portal_name")
        scope = v.one_of(path, line, r, "scope", ("national", "multi-country"))
        code = r["country_code"] or None
        if scope == "national":
            if not code:
                raise InputError(path, "a national portal needs a country code", line, "country_code")
            resolver.require_code(path, line, "country_code", code)
        elif code:
            raise InputError(path, "a multi-country portal has no country code", line, "country_code")
        launch = v.period(path, line, r, "launch_date", "launch_precision")
        v.not_after(path, line, "launch_date", launch.start, retrieved)
        rows.append(dict(portal_code=r["portal_code"], portal_name=r["portal_name"], country_code=code, scope=scope, launch_from=launch.start,
                         launch_to=launch.end, launch_precision=launch.precision, region=r["region"] or None,
                         partners=r["partners"] or None, funders=r["funders"] or None,
                         languages=r["languages"] or None, url=r["url"] or None,
                         source=v.required(path, line, r, "source"), confidence=v.confidence(path, line, r),
                         notes=r["notes"] or None, load_id=load_id))
    before = _as_statistics_see_it(conn)
    conn.execute(delete(portal))
    conn.execute(insert(portal), rows)
    # The statistics follow the list: a removed portal or a corrected launch is published again at once.
    republished = stats_publication.republish(conn, load_id) if _as_statistics_see_it(conn) != before else None
    return LoadResult(rows_in=len(rows), rows_loaded=len(rows),
                      message=f"statistics published again: {republished}" if republished else "")


def _as_statistics_see_it(conn) -> set:
    """What the published statistics depend on: codes, launch and region."""
    return set(conn.execute(select(portal.c.portal_code, portal.c.launch_from, portal.c.region)).all())

"""Job `countries`: ISO 3166-1 countries (pycountry, English and French names), the project's own
territory codes, name aliases and the Treaty Office code crosswalk."""
import difflib
import gettext
import re
import unicodedata

import pycountry
from sqlalchemy import bindparam, delete, insert, select, update

from . import validate as v
from .errors import InputError
from .provenance import LoadResult
from .readers import read_csv_rows
from .schema import country, country_alias, treaty_office_code

INPUTS = ["territories.csv", "country_aliases.csv", "coe_country_codes.csv", "country_regions.csv",
          "country_points.csv"]
DEPENDS: list[str] = []
PROJECT_CODE = re.compile(r"X[A-Z]{2}")  # ISO 3166-1 leaves X** to users: never mistaken for ISO


def _french():
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])


def iso_rows() -> list[dict]:
    fr = _french()
    rows = []
    for c in pycountry.countries:
        rows.append(dict(code=c.alpha_3, code_kind="iso3166-1", iso_alpha2=c.alpha_2, iso_numeric=c.numeric,
                         name_en=getattr(c, "common_name", None) or c.name, name_fr=fr.gettext(c.name),
                         official_name_en=getattr(c, "official_name", None), parent_code=None, iso3166_2=None,
                         continent=None, un_region=None, marker_lat=None, marker_lon=None, note=None))
    return rows


def _territory_rows(path) -> list[dict]:
    rows = []
    for line, r in read_csv_rows(path, ["code", "name_en", "name_fr", "parent_code", "iso3166_2", "note"]):
        if not PROJECT_CODE.fullmatch(r["code"]):
            raise InputError(path, f"project code {r['code']!r} must be X plus two letters (never an ISO code)",
                             line, "code")
        if pycountry.countries.get(alpha_3=r["code"]):
            raise InputError(path, f"{r['code']!r} is an ISO 3166-1 code", line, "code")
        rows.append(dict(code=r["code"], code_kind="project", iso_alpha2=None, iso_numeric=None,
                         name_en=r["name_en"], name_fr=r["name_fr"], official_name_en=None,
                         parent_code=r["parent_code"] or None, iso3166_2=r["iso3166_2"] or None,
                         continent=None, un_region=None, marker_lat=None, marker_lon=None,
                         note=r["note"] or None))
    return rows


def load(conn, load_id: int, paths: dict) -> LoadResult:
    rows = iso_rows() + _territory_rows(paths["territories.csv"])
    codes = {r["code"] for r in rows}
    if len(codes) != len(rows):
        raise InputError(paths["territories.csv"], "a project code repeats another code")
    regions = v.Unique(paths["country_regions.csv"], "country")
    by_code = {r["code"]: r for r in rows}
    for line, r in read_csv_rows(paths["country_regions.csv"], ["country_code", "continent", "un_region"]):
        _check_code(paths["country_regions.csv"], line, "country_code", r["country_code"], codes)
        regions.add(r["country_code"], line, "country_code")
        by_code[r["country_code"]].update(continent=r["continent"] or None, un_region=r["un_region"] or None)
    points = v.Unique(paths["country_points.csv"], "country")
    for line, r in read_csv_rows(paths["country_points.csv"], ["country_code", "lat", "lon"]):
        _check_code(paths["country_points.csv"], line, "country_code", r["country_code"], codes)
        points.add(r["country_code"], line, "country_code")
        lat, lon = v.number(paths["country_points.csv"], line, r, "lat"), v.number(paths["country_points.csv"], line, r, "lon")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InputError(paths["country_points.csv"], "latitude or longitude out of range", line, "lat")
        by_code[r["country_code"]].update(marker_lat=lat, marker_lon=lon)
    aliases, crosswalk = [], []
    for line, r in read_csv_rows(paths["country_aliases.csv"], ["alias", "country_code"]):
        _check_code(paths["country_aliases.csv"], line, "country_code", r["country_code"], codes)
        aliases.append(dict(alias=r["alias"], country_code=r["country_code"], load_id=load_id))
    if len({normalise(a["alias"]) for a in aliases}) != len(aliases):
        raise InputError(paths["country_aliases.csv"], "an alias is listed twice")
    for line, r in read_csv_rows(paths["coe_country_codes.csv"], ["coe_code", "country_code", "verified", "source"]):
        _check_code(paths["coe_country_codes.csv"], line, "country_code", r["country_code"], codes)
        if r["verified"] not in ("yes", "no"):
            raise InputError(paths["coe_country_codes.csv"], f"verified must be yes or no, not {r['verified']!r}",
                             line, "verified")
        crosswalk.append(dict(coe_code=r["coe_code"], country_code=r["country_code"],
                              verified=r["verified"] == "yes", source=r["source"], load_id=load_id))
    if len({c["coe_code"] for c in crosswalk}) != len(crosswalk):
        raise InputError(paths["coe_country_codes.csv"], "a Treaty Office code is listed twice")

    # Upsert: other tables refer to countries, so rows are updated in place, never dropped and re-added.
    existing = set(conn.execute(select(country.c.code)).scalars())
    new = [{**r, "load_id": load_id} for r in rows if r["code"] not in existing]
    changed = [{**{f"v_{k}": v for k, v in r.items()}, "v_load_id": load_id} for r in rows if r["code"] in existing]
    if new:
        conn.execute(insert(country), new)
    if changed:
        cols = [c.name for c in country.c if c.name != "code"]
        conn.execute(update(country).where(country.c.code == bindparam("v_code"))
                     .values({c: bindparam(f"v_{c}") for c in cols}), changed)
    gone = existing - codes
    if gone:
        conn.execute(delete(country).where(country.c.code.in_(gone)))
    conn.execute(delete(country_alias))
    conn.execute(insert(country_alias), aliases)
    conn.execute(delete(treaty_office_code))
    conn.execute(insert(treaty_office_code), crosswalk)
    n = len(rows) + len(aliases) + len(crosswalk) + len(regions.seen) + len(points.seen)
    return LoadResult(rows_in=n, rows_loaded=n)


def _check_code(path, line, column, value, codes):
    if value not in codes:
        raise InputError(path, f"unknown country code {value!r}", line, column)


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


class CountryResolver:
    """Turns codes and names found in inputs into country codes, with close matches for errors."""

    def __init__(self, conn):
        rows = conn.execute(select(country.c.code, country.c.name_en, country.c.name_fr,
                                   country.c.official_name_en).order_by(country.c.code)).all()
        self.codes = {r.code for r in rows}
        self.names = {r.code: r.name_en for r in rows}
        self.by_name: dict[str, str] = {}
        for r in rows:
            for n in (r.name_en, r.name_fr, r.official_name_en):
                if n:
                    self.by_name.setdefault(normalise(n), r.code)
        for c in pycountry.countries:
            self.by_name.setdefault(normalise(c.name), c.alpha_3)
        for a in conn.execute(select(country_alias.c.alias, country_alias.c.country_code)):
            self.by_name[normalise(a.alias)] = a.country_code
        self.coe_codes = dict(conn.execute(select(treaty_office_code.c.coe_code, treaty_office_code.c.country_code)).all())

    def by_code(self, code: str) -> str | None:
        return code if code in self.codes else None

    def by_any_name(self, name: str) -> str | None:
        return self.by_name.get(normalise(name or ""))

    def same_state(self, path, line, column, code: str, name: str) -> None:
        """A row's code and name must name one state (Andorra's code with Albania's name is refused); a name
        not known at all passes: the code decides."""
        by_name = self.by_any_name(name)
        if by_name and by_name != code:
            raise InputError(path, f"the name {name!r} is {self.names[by_name]} ({by_name}), but the code is "
                                   f"{self.names.get(code, code)} ({code}): which state is meant?", line, column)

    def closest(self, value: str, n: int = 3) -> str:
        if len(value or "") > 100:
            return "none (too long to be a name)"
        keys = difflib.get_close_matches(normalise(value or ""), list(self.by_name), n=n, cutoff=0.5)
        found = [f"{self.names[self.by_name[k]]} ({self.by_name[k]})" for k in keys]
        return ", ".join(dict.fromkeys(found)) or "none"

    def require_code(self, path, line, column, value) -> str:
        if value in self.codes:
            return value
        hint = self.closest(value) if len(value) > 3 else ", ".join(
            f"{self.names[c]} ({c})" for c in difflib.get_close_matches(value, sorted(self.codes), n=3)) or "none"
        raise InputError(path, f"unknown country code {value!r}; closest known: {hint}", line, column)

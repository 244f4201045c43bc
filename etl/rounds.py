"""Job `rounds`: Lanzarote Committee monitoring rounds and what is known per round and Party."""
from sqlalchemy import delete, insert

from . import validate as v
from .countries import CountryResolver
from .errors import InputError
from .provenance import LoadResult
from .readers import read_csv_rows
from .schema import monitoring_round, round_party

INPUTS = ["lanzarote_rounds.csv", "lanzarote_round_parties.csv"]
DEPENDS = ["countries"]
ROUND_COLUMNS = ["round_code", "round_title", "launched", "report_codes", "report_adopted_dates",
                 "parties_covered_count", "source", "notes"]
PARTY_COLUMNS = ["round_code", "iso3", "party_name", "covered", "reply_submitted", "reply_date_or_code",
                 "recommendations_addressed_specifically", "compliance_status", "source", "confidence"]
KNOWN = ("yes", "no", "unknown")


def load(conn, load_id: int, paths: dict) -> LoadResult:
    rpath, ppath = paths["lanzarote_rounds.csv"], paths["lanzarote_round_parties.csv"]
    resolver = CountryResolver(conn)
    rounds, seen = [], v.Unique(rpath, "round")
    for line, r in read_csv_rows(rpath, ROUND_COLUMNS):
        seen.add(v.required(rpath, line, r, "round_code"), line, "round_code")
        rounds.append(dict(round_code=r["round_code"], title=v.required(rpath, line, r, "round_title"),
                           launched=r["launched"] or None, report_codes=r["report_codes"] or None,
                           report_adopted=r["report_adopted_dates"] or None,
                           parties_covered_count=v.integer(rpath, line, r, "parties_covered_count", False),
                           source=r["source"] or None, notes=r["notes"] or None, load_id=load_id))
    codes = set(seen.seen)
    parties, pseen = [], v.Unique(ppath, "round and Party")
    for line, r in read_csv_rows(ppath, PARTY_COLUMNS):
        if r["round_code"] not in codes:
            raise InputError(ppath, f"round {r['round_code']!r} is not in {rpath.name}", line, "round_code")
        code = resolver.require_code(ppath, line, "iso3", r["iso3"])
        resolver.same_state(ppath, line, "party_name", code, r["party_name"])
        pseen.add((r["round_code"], code), line, "iso3")
        r["reply_submitted"] = r["reply_submitted"] or "unknown"  # empty means not known, never "no"
        r["covered"] = r["covered"] or "unknown"
        parties.append(dict(round_code=r["round_code"], country_code=code,
                            covered=v.one_of(ppath, line, r, "covered", KNOWN),
                            reply_submitted=v.one_of(ppath, line, r, "reply_submitted", KNOWN),
                            reply_detail=r["reply_date_or_code"] or None,
                            recommendations=r["recommendations_addressed_specifically"] or None,
                            compliance_status=r["compliance_status"] or None, source=r["source"] or None,
                            confidence=v.confidence(ppath, line, r), load_id=load_id))
    conn.execute(delete(round_party))
    conn.execute(delete(monitoring_round))
    conn.execute(insert(monitoring_round), rounds)
    conn.execute(insert(round_party), parties)
    n = len(rounds) + len(parties)
    return LoadResult(rows_in=n, rows_loaded=n)

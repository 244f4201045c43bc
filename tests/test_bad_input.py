"""Every kind of bad input: a clear one-line error naming file, line and column; the database unchanged."""
import csv
import os

import pytest
from sqlalchemy import select

from etl import readers
from etl.jobs import run_jobs
from etl.schema import load_run

from .conftest import snapshot


def rewrite(path, fn):
    rows = list(csv.reader(open(path, encoding="utf-8")))
    rows = fn(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def set_cell(path, line, column, value):
    def fn(rows):
        rows[line - 1][rows[0].index(column)] = value
        return rows
    rewrite(path, fn)


def break_unknown_country(d):
    set_cell(d / "coe_members.csv", 14, "country_code", "FRN")


def break_malformed_date(d):
    set_cell(d / "treaty_events.csv", 5, "date", "2013-13-01")


def break_impossible_order(d):
    # Austria (lines for AUT): entry into force moved before its deposit of 2011-02-25.
    rows = list(csv.reader(open(d / "treaty_events.csv", encoding="utf-8")))
    line = next(i for i, r in enumerate(rows, 1) if r[1] == "AUT" and r[2] == "entry_into_force")
    set_cell(d / "treaty_events.csv", line, "date", "2010-01-01")


def break_duplicate(d):
    rewrite(d / "iwf_portals.csv", lambda rows: rows + [rows[5]])


def break_missing_column(d):
    rewrite(d / "iwf_portals.csv", lambda rows: [r[:-2] + r[-1:] for r in rows])  # drops "confidence"


def break_empty(d):
    (d / "lanzarote_rounds.csv").write_bytes(b"")


def break_header_only(d):
    text = (d / "lanzarote_rounds.csv").read_text(encoding="utf-8")
    (d / "lanzarote_rounds.csv").write_text(text.splitlines()[0] + "\n", encoding="utf-8")


def break_truncated(d):
    raw = (d / "treaty_events.csv").read_bytes()
    cut = raw.index(b'"', len(raw) // 2)  # stop inside a quoted field
    (d / "treaty_events.csv").write_bytes(raw[:cut + 10])


def break_encoding(d):
    text = (d / "coe_members.csv").read_text(encoding="utf-8")
    (d / "coe_members.csv").write_bytes(text.encode("cp1252"))


def break_precision(d):
    rows = list(csv.reader(open(d / "iwf_portals.csv", encoding="utf-8")))
    line = next(i for i, r in enumerate(rows, 1) if r[1] == "Mauritius")
    set_cell(d / "iwf_portals.csv", line, "launch_precision", "day")


CASES = [
    # breaker, job that fails, words the message must contain
    (break_unknown_country, "coe_membership", ["coe_members.csv", "line 14", "column country_code", "'FRN'",
                                               "closest known", "(FRA)"]),
    (break_malformed_date, "treaties", ["treaty_events.csv", "line 5", "column date", "impossible date '2013-13-01'"]),
    (break_impossible_order, "treaties", ["treaty_events.csv", "AUT", "entry into force", "before deposit"]),
    (break_duplicate, "portals", ["iwf_portals.csv", "line 51", "duplicate portal", "first on line 6"]),
    (break_missing_column, "portals", ["iwf_portals.csv", "line 1", "missing column(s) confidence"]),
    (break_empty, "rounds", ["lanzarote_rounds.csv", "file is empty"]),
    (break_header_only, "rounds", ["lanzarote_rounds.csv", "no data rows"]),
    (break_truncated, "treaties", ["treaty_events.csv", "truncated"]),
    (break_encoding, "coe_membership", ["coe_members.csv", "not UTF-8"]),
    (break_precision, "portals", ["iwf_portals.csv", "column launch_date", "precision 'month', not 'day'"]),
]


def assert_refused(engine, reports, job, words, before):
    """One failed job, a one-line message with the words, a failed load_run row with it, nothing changed."""
    failed = [r for r in reports if r.outcome == "failed"]
    assert [r.job for r in failed] == [job], [(r.job, r.message) for r in failed]
    message = failed[0].message
    assert "\n" not in message and len(message) < 600, message
    for word in words:
        assert word in message, (word, message)
    with engine.connect() as conn:
        last = conn.execute(select(load_run).order_by(load_run.c.id.desc()).limit(1)).one()
    assert (last.job, last.outcome, last.message, last.id) == (job, "failed", message, failed[0].load_id)
    assert snapshot(engine) == before


@pytest.mark.parametrize("breaker,job,words", CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_input_fails_cleanly(engine, data_dir, breaker, job, words):
    assert {r.outcome for r in run_jobs(engine, data_dir=data_dir)} == {"ok"}
    before = snapshot(engine)
    breaker(data_dir)
    assert_refused(engine, run_jobs(engine, data_dir=data_dir, force=True), job, words, before)


def line_of(path, **match):
    rows = list(csv.reader(open(path, encoding="utf-8")))
    cols = [rows[0].index(k) for k in match]
    return next(i for i, r in enumerate(rows, 1) if [r[c] for c in cols] == list(match.values()))


def add_row(path, **values):
    def fn(rows):
        return rows + [[values.get(h, "") for h in rows[0]]]
    rewrite(path, fn)


def event_row(**values):
    return dict(dict(treaty_num="201", precision="day", role="primary", source="test", confidence="high"), **values)


def at(file, column, value, **match):
    """A breaker setting one cell of the row matching `match`."""
    def breaker(d):
        set_cell(d / file, line_of(d / file, **match), column, value)
    breaker.__name__ = f"{file}:{column}={value[:20]!r}"
    return breaker


def break_denunciation_before_signature(d):
    add_row(d / "treaty_events.csv", **event_row(country_code="ALB", event="denunciation", date="2001-01-01"))


def break_denunciation_effective_before_denunciation(d):
    add_row(d / "treaty_events.csv", **event_row(country_code="ALB", event="denunciation", date="2020-05-01"))
    add_row(d / "treaty_events.csv", **event_row(country_code="ALB", event="denunciation_effective",
                                                 date="2020-01-01"))


def break_future_alternative(d):
    add_row(d / "treaty_events.csv", **event_row(country_code="CHE", event="deposit", role="alternative",
                                                 date="2099-03-18"))


def break_sources_date(d):
    set_cell(d / "sources.csv", line_of(d / "sources.csv", file="iwf_portals.csv"), "retrieved", "2026-13-01")


def break_sources_future(d):
    set_cell(d / "sources.csv", line_of(d / "sources.csv", file="iwf_portals.csv"), "retrieved", "2099-01-01")


def break_folder(d):
    (d / "iwf_portals.csv").unlink()
    (d / "iwf_portals.csv").mkdir()


def break_pipe(d):
    (d / "iwf_portals.csv").unlink()
    os.mkfifo(d / "iwf_portals.csv")  # opening it would wait for a writer for ever


def break_missing(d):
    (d / "lanzarote_rounds.csv").unlink()


def break_nul_alias(d):
    add_row(d / "country_aliases.csv", alias="Alba\x00nia", country_code="ALB")


def break_nul_reference(d):
    set_cell(d / "treaty_events.csv", 3, "source", "https://www.finlex.fi/\x00")


def break_escape_in_portal_source(d):
    set_cell(d / "iwf_portals.csv", 4, "source", "IWF \x1b[31m news")


def break_encoding_line_3(d):
    raw = (d / "country_points.csv").read_bytes().split(b"\n")
    raw[2] = raw[2].replace(b"microstate", b"micro\xe9tat")
    (d / "country_points.csv").write_bytes(b"\n".join(raw))


def break_encoding_line_120(d):
    raw = (d / "treaty_events.csv").read_bytes().split(b"\n")
    raw[119] = raw[119] + b"\x96"
    (d / "treaty_events.csv").write_bytes(b"\n".join(raw))


def break_long_row(d):
    set_cell(d / "iwf_stats.csv", 16, "notes", "x" * 200_000)


def break_long_code(d):
    set_cell(d / "coe_members.csv", 14, "country_code", "Q" * 100_000)


RULE_CASES = [
    # treaty events: the rules every source keeps
    (at("treaty_events.csv", "date", "2099-04-14", country_code="ALB", event="deposit"), "treaties",
     ["treaty_events.csv", "line 3", "column date", "ALB: deposit 2099-04-14 is after the file was retrieved "
                                                    "(2026-11-29)"]),
    (at("treaty_events.csv", "date", "2008-01-01", country_code="ALB", event="deposit"), "treaties",
     ["line 3", "column date", "ALB: deposit 2008-01-01 is before signature 2008-12-17"]),
    (break_denunciation_before_signature, "treaties",
     ["line 139", "column date", "ALB: denunciation 2001-01-01 is before signature 2008-12-17"]),
    (break_denunciation_effective_before_denunciation, "treaties",
     ["line 140", "denunciation effective 2020-01-01 is before denunciation 2020-05-01"]),
    (at("treaty_events.csv", "date", "2014-03-19", country_code="CHE", event="entry_into_force"), "treaties",
     ["line 30", "column date", "CHE: entry into force 2014-03-19 cannot be", "gives 2014-07-01 at the earliest"]),
    (at("treaty_events.csv", "date", "2010-01-01", country_code="DNK", event="entry_into_force"), "treaties",
     ["line 43", "before the treaty itself entered into force (2010-07-01)"]),
    (at("treaty_events.csv", "date", "2006-05-05", country_code="GBR", event="signature"), "treaties",
     ["line 55", "signature 2006-05-05 is before the treaty was opened for signature (2007-10-25)"]),
    (break_future_alternative, "treaties", ["line 139", "CHE: deposit 2099-03-18 is after the file was retrieved"]),
    (at("treaties.csv", "entry_into_force_date", "2099-07-01", treaty_num="201"), "treaties",
     ["treaties.csv", "line 2", "column entry_into_force_date", "after the file was retrieved"]),
    # curated figures and dates: plausible
    (at("iwf_stats.csv", "value", "-5", year="2013", metric="reports processed (assessed)"), "figures",
     ["iwf_stats.csv", "line 3", "column value", "a count cannot be negative: '-5'"]),
    (at("iwf_stats.csv", "value", "nan", year="2013", metric="reports processed (assessed)"), "figures",
     ["iwf_stats.csv", "line 3", "column value", "not a finite number: 'nan'"]),
    (at("inhope_stats.csv", "year", "2099", year="2011"), "figures",
     ["inhope_stats.csv", "line 2", "column year", "year 2099 is after the file was retrieved"]),
    (at("iwf_portals.csv", "launch_date", "2099-10", portal_code="MUS"), "portals",
     ["iwf_portals.csv", "line 2", "column launch_date", "2099-10-01 is after the file was retrieved (2026-11-29)"]),
    (at("coe_members.csv", "accession_date", "2099-01-01", country_code="ARM"), "coe_membership",
     ["coe_members.csv", "line 4", "column accession_date", "after the file was retrieved"]),
    # code and name agree
    (at("coe_members.csv", "country_name", "Albania", country_code="AND"), "coe_membership",
     ["coe_members.csv", "line 3", "column country_name", "the name 'Albania' is Albania (ALB), but the code is "
                                                          "Andorra (AND)"]),
    (at("lanzarote_round_parties.csv", "party_name", "Albania", round_code="R1", iso3="AND"), "rounds",
     ["lanzarote_round_parties.csv", "line 3", "column party_name", "Albania (ALB)"]),
    # control characters
    (break_nul_alias, "countries", ["country_aliases.csv", "line 33", "column alias", "control character U+0000"]),
    (break_nul_reference, "treaties", ["treaty_events.csv", "line 3", "column source", "control character U+0000"]),
    (break_escape_in_portal_source, "portals", ["iwf_portals.csv", "line 4", "column source", "U+001B"]),
    # files that cannot be read, and sources.csv
    (break_sources_date, "portals", ["sources.csv", "line 9", "column retrieved", "not a date: '2026-13-01'"]),
    (break_sources_future, "portals", ["sources.csv", "line 9", "column retrieved", "2099-01-01 is in the future"]),
    (break_folder, "portals", ["iwf_portals.csv", "is a folder, not a file"]),
    (break_pipe, "portals", ["iwf_portals.csv", "is not a regular file"]),
    (break_missing, "rounds", ["lanzarote_rounds.csv", "file not found"]),
    # messages: the exact line, a short excerpt
    (break_encoding_line_3, "countries", ["country_points.csv", "line 3", "column 19", "not UTF-8 text (byte 0xe9"]),
    (break_encoding_line_120, "treaties", ["treaty_events.csv", "line 120", "not UTF-8 text (byte 0x96"]),
    (break_long_row, "figures", ["iwf_stats.csv", "line 16", "a field longer than 131,072 characters"]),
    (break_long_code, "coe_membership", ["coe_members.csv", "line 14", "column country_code", "(100,000 characters)",
                                         "closest known: none"]),
]


@pytest.mark.parametrize("breaker,job,words", RULE_CASES, ids=[c[0].__name__ for c in RULE_CASES])
def test_impossible_facts_and_unreadable_files_are_refused(engine, data_dir, breaker, job, words):
    """Built with only the job and its dependencies (faster); the same assertions as above."""
    assert {r.outcome for r in run_jobs(engine, [job], data_dir=data_dir)} == {"ok"}
    before = snapshot(engine)
    breaker(data_dir)
    assert_refused(engine, run_jobs(engine, [job], data_dir=data_dir, force=True), job, words, before)


def test_unreadable_file_is_one_line(engine, data_dir, monkeypatch):
    """Tests run as root, whom chmod 000 does not stop: a refused open() stands in for it."""
    assert {r.outcome for r in run_jobs(engine, ["portals"], data_dir=data_dir)} == {"ok"}
    before = snapshot(engine)
    real_open = open

    def refusing(file, *args, **kwargs):
        if str(file).endswith("iwf_portals.csv"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(readers, "open", refusing, raising=False)
    assert_refused(engine, run_jobs(engine, ["portals"], data_dir=data_dir, force=True), "portals",
                   ["iwf_portals.csv", "cannot be read (Permission denied)"], before)

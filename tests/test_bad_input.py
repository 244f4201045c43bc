"""Every kind of bad input: a clear one-line error naming file, line and column; the database unchanged."""
import csv

import pytest

from etl.jobs import run_jobs

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


@pytest.mark.parametrize("breaker,job,words", CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_input_fails_cleanly(engine, data_dir, breaker, job, words):
    assert {r.outcome for r in run_jobs(engine, data_dir=data_dir)} == {"ok"}
    before = snapshot(engine)
    breaker(data_dir)
    reports = run_jobs(engine, data_dir=data_dir, force=True)
    failed = [r for r in reports if r.outcome == "failed"]
    assert [r.job for r in failed] == [job]
    message = failed[0].message
    assert "\n" not in message
    for word in words:
        assert word in message, (word, message)
    assert snapshot(engine) == before

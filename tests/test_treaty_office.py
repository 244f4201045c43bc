"""import-treaty on Treaty Office exports (signatures JSON and printed chart CSV), over a built database."""
import json
import shutil
from datetime import date

import pytest
from sqlalchemy import select, text

from etl import __main__ as cli
from etl import treaty_office
from etl.jobs import run_jobs, run_load
from etl.readers import sha256_of
from etl.schema import treaty, treaty_event
from etl.views import status_on_query

from .conftest import FIXTURES, snapshot

JSON = FIXTURES / "treaty201_signatures.json"
CHART = FIXTURES / "treaty201_chart.csv"


@pytest.fixture
def built(engine):
    assert {r.outcome for r in run_jobs(engine)} == {"ok"}
    return engine


def import_file(engine, path, treaty_num=None):
    return run_load(engine, "import-treaty", [path],
                    lambda conn, load_id: treaty_office.load_file(conn, load_id, path, treaty_num), sha256_of(path))


def test_parse_json_all_three_lists():
    num, records = treaty_office.parse(JSON)
    assert num == 201
    assert [r.section for r in records].count("organisation") == 1
    bul = next(r for r in records if r.code == "BUL")
    assert bul.dates == {"deposit": date(2011, 12, 15), "entry_into_force": date(2012, 4, 1)}
    ger = next(r for r in records if r.code == "GER")
    assert ger.dates["signature"] == date(2007, 10, 25) and ger.flags == ["reservations", "declarations"]


def test_parse_chart_csv_sections_accession_and_flags():
    num, records = treaty_office.parse(CHART)
    assert num == 201
    by_name = {r.name: r for r in records}
    assert by_name["Tunisia"].accession and by_name["Tunisia"].section == "non-member"
    assert by_name["European Union"].section == "organisation"
    assert by_name["Armenia"].flags == ["declarations", "authorities", "objections"]
    assert by_name["Albania"].dates["deposit"] == date(2009, 4, 14)
    assert len(records) == 7  # totals and notes lines are not states


def test_json_import_takes_precedence_and_rejects_organisations(built):
    report = import_file(built, JSON)
    assert (report.outcome, report.rows_in, report.rows_loaded, report.rows_rejected) == ("ok", 9, 8, 1), report
    rejects = open(report.rejects_file, encoding="utf-8").read()
    assert "European Union" in rejects and "international organisation" in rejects
    with built.connect() as conn:
        bel = {r.country_code: r for r in conn.execute(status_on_query(), {"as_of": date(2026, 1, 1), "treaty_num": 201})}["BEL"]
        assert (str(bel.deposit_from), bel.deposit_basis, bel.deposit_precision) == ("2013-03-08", "read", "day")
        assert "Treaty Office" in bel.deposit_source and bel.deposit_confidence == "high"
        # Moldova resolved by name although its code is not in the crosswalk.
        mda = conn.execute(select(treaty_event.c.source_rank).where(treaty_event.c.country_code == "MDA",
                                                                    treaty_event.c.event_type == "deposit")).scalars().all()
        assert 1 in mda
        parties = conn.execute(text("SELECT COUNT(*) FROM v_treaty_status WHERE status = 'in_force'")).scalar()
    assert parties == 48


def test_chart_import_marks_accession(built):
    report = import_file(built, CHART)
    assert report.outcome == "ok", report.message
    with built.connect() as conn:
        kind = conn.execute(text("SELECT deposit_kind FROM v_treaty_status WHERE country_code = 'TUN'")).scalar()
        tur = conn.execute(text("SELECT deposit_source FROM v_treaty_status WHERE country_code = 'TUR'")).scalar()
    assert kind == "accession" and "Treaty Office" in tur


def test_reimport_is_idempotent(built):
    import_file(built, JSON)
    before = snapshot(built)
    import_file(built, JSON)
    assert snapshot(built) == before


def test_any_treaty_number(built, tmp_path):
    other = tmp_path / "chart210.csv"
    lines = CHART.read_text(encoding="utf-8").splitlines()
    other.write_text("\n".join(lines[7:]), encoding="utf-8")  # no title: the number must be given
    assert import_file(built, other).outcome == "failed"
    report = import_file(built, other, treaty_num=210)
    assert report.outcome == "ok", report.message
    with built.connect() as conn:
        t = conn.execute(select(treaty).where(treaty.c.treaty_num == 210)).one()
        n = conn.execute(text("SELECT COUNT(*) FROM v_treaty_status WHERE treaty_num = 210")).scalar()
    assert (t.short_title, t.eif_months_after_deposit, n) == ("CETS No. 210", None, 6)


def _json_with(tmp_path, change):
    data = json.loads(JSON.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


BAD = [
    ("unknown country", lambda d: d[0][2].update(CodePays="ZZZ", LibPaysOrga="Bulgarai"),
     ["bad.json", "line 3", "column CodePays", "unknown country ZZZ 'Bulgarai'", "closest known: Bulgaria (BGR)"]),
    ("bad date", lambda d: d[0][3].update(DateConsentement="Nov 18 2009"),
     ["line 4", "column DateConsentement", "not a date: 'Nov 18 2009'"]),
    ("entry into force before deposit", lambda d: d[0][4].update(DateEntreeVigueur="01/03/2014"),
     ["line 5", "entry into force 2014-03-01 is before deposit 2015-11-18"]),
    ("duplicate", lambda d: d[0].append(dict(d[0][0])), ["line 7", "duplicate row for Albania"]),
    ("missing field", lambda d: d[1][0].pop("DateConsentement"), ["column DateConsentement", "has no field"]),
]


@pytest.mark.parametrize("name,change,words", BAD, ids=[b[0] for b in BAD])
def test_bad_treaty_files_change_nothing(built, tmp_path, name, change, words):
    before = snapshot(built)
    report = import_file(built, _json_with(tmp_path, change))
    assert report.outcome == "failed"
    for word in words:
        assert word in report.message, (word, report.message)
    assert snapshot(built) == before


@pytest.mark.parametrize("content,words", [
    (b"", ["file is empty"]),
    (JSON.read_bytes()[:700], ["not valid JSON, or truncated"]),
    (CHART.read_text(encoding="utf-8").encode("cp1252"), ["not UTF-8"]),
    (b"Country,Date\nBulgaria,2011\n", ["no header row starting with 'States'"]),
])
def test_bad_treaty_file_shapes(built, tmp_path, content, words):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = snapshot(built)
    report = import_file(built, path, 201)
    assert report.outcome == "failed"
    for word in words:
        assert word in report.message, (word, report.message)
    assert snapshot(built) == before


def test_wrong_treaty_number_is_refused(built):
    report = import_file(built, JSON, treaty_num=210)
    assert report.outcome == "failed" and "for treaty 201, not 210" in report.message


def test_cli_import_and_status(db_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli.main(["run"]) == 0
    copy = tmp_path / "export.json"
    shutil.copy(JSON, copy)
    assert cli.main(["import-treaty", str(copy)]) == 0
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "import-treaty" in out and "export.json" in out and "treaties" in out
    bad = tmp_path / "bad.json"
    bad.write_text("[[{]", encoding="utf-8")
    assert cli.main(["import-treaty", str(bad)]) == 1
    assert "bad.json" in capsys.readouterr().err

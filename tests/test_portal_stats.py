"""Portal statistics: parsing and validation, rejects, the privacy guard, disclosure control (with an
attack that tries to recover every suppressed cell), demo data, idempotence; SQLite and PostgreSQL."""
import csv
import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from etl import __main__ as cli
from etl import portal_stats, stats_reading
from etl.stats_counts import Network
from etl.stats_format import region_group
from etl.stats_contract import read_header
from etl.disclosure import Relations, exposed_cells, protect
from etl.jobs import run_jobs, run_load
from etl.readers import sha256_of
from etl.stats_format import BREAKDOWNS, MEASURES

from .conftest import FIXTURES, snapshot

REPORTS = FIXTURES / "portal_reports.csv"
MORE = FIXTURES / "portal_reports_more.csv"
SUMMARY = FIXTURES / "portal_summary.csv"
TODAY = date(2026, 11, 29)


def load(engine, path, k=10):
    path = Path(path)
    return run_load(engine, "portal-stats", [path],
                    lambda conn, load_id: portal_stats.load_file(conn, load_id, path, today=TODAY, k=k),
                    sha256_of(path) if path.is_file() else "-")


def yearly(engine):
    """Portal rows by year: the finest grain a portal's statistics are published at."""
    with engine.connect() as conn:
        return {(r.unit_code, str(r.period_start)[:4]): r for r in conn.execute(text(
            "SELECT * FROM v_portal_stats WHERE unit_kind = 'portal' AND period_kind = 'year'"))}


def test_nothing_is_published_per_portal_and_month_and_only_received_by_month(built):
    load(built, REPORTS)
    with built.connect() as conn:
        grains = set(conn.execute(text("SELECT DISTINCT unit_kind, period_kind FROM portal_stat")).all())
        monthly = conn.execute(text("SELECT * FROM portal_stat WHERE period_kind = 'month'")).mappings().all()
    assert grains == {("portal", "year"), ("region", "year"), ("network", "year"), ("region", "month"),
                      ("network", "month")}
    assert monthly and all(r[m] is None and not r[f"{m}_suppressed"] for r in monthly for m in MEASURES[1:])
    assert any(r["received"] is not None for r in monthly)


def test_report_file_rows_in_equal_loaded_plus_rejected(built):
    report = load(built, REPORTS)
    assert report.outcome == "ok", report.message
    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (74, 65, 9)
    with open(report.rejects_file, encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    reasons = {r["reason"] for r in rejects}
    assert reasons == {"unknown portal", "invalid or missing date", "date in the future",
                       "date before the portal's launch", "invalid outcome",
                       "actioned report with a missing or invalid detail code",
                       "detail codes on a report that was not actioned", "report reference repeated in this file"}
    assert {r["line"] for r in rejects if r["reason"] == "report reference repeated in this file"} == {"74", "75"}
    assert list(rejects[0]) == ["line", "reason"]  # no value of a rejected row is kept
    with built.connect() as conn:
        run = conn.execute(text("SELECT rows_in, rows_loaded, rows_rejected, rejects_file FROM load_run "
                                "WHERE job = 'portal-stats'")).one()
    assert tuple(run[:3]) == (74, 65, 9) and run.rejects_file == str(report.rejects_file)


def test_published_counts_and_suppression(built):
    load(built, REPORTS)
    rows = yearly(built)
    uga = rows[("UGA", "2024")]
    assert (uga.received, uga.not_actioned, uga.actioned, uga.is_demo) == (30, 20, 10, 0)
    mus = rows[("MUS", "2024")]
    assert mus.received == 35
    assert mus.actioned is None and mus.actioned_suppressed == 1      # below k
    assert mus.duplicate is None and mus.duplicate_suppressed == 1    # below k
    for r in rows.values():                                           # nothing 1..9 is ever shown
        for m in MEASURES:
            value = getattr(r, m)
            assert value is None or value == 0 or value >= 10, (r.unit_code, r.period_start, m, value)
            assert (value is None) == bool(getattr(r, f"{m}_suppressed"))


def test_k_is_a_setting(built):
    load(built, REPORTS, k=5)
    shown = [getattr(r, m) for r in yearly(built).values() for m in MEASURES]
    assert not any(v is not None and 1 <= v < 5 for v in shown)
    load(built, MORE, k=20)  # any load republishes everything with its k
    with built.connect() as conn:
        pubs = conn.execute(text("SELECT k, cells_suppressed FROM stat_publication ORDER BY load_id")).all()
        assert conn.execute(text("SELECT DISTINCT suppression_k FROM v_portal_stats")).scalar() == 20
    assert [p.k for p in pubs] == [5, 20] and pubs[0].cells_suppressed < pubs[1].cells_suppressed


def _relations_from_published(engine):
    """Independently of the ETL: every sum between published cells a reader can rely on (a cell is published
    when it has a value or is marked suppressed; by month only `received` is)."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM v_portal_stats")).mappings().all()
        regions = dict(conn.execute(text("SELECT portal_code, region FROM portal")).all())
    cells, values, hidden = {}, [], []
    for r in rows:
        for m in MEASURES:
            if r[m] is None and not r[f"{m}_suppressed"]:
                continue   # not published at this grain
            cells[(r["unit_kind"], r["unit_code"], r["period_kind"], str(r["period_start"]), m)] = len(values)
            values.append(r[m] if r[m] is not None else -1)
            hidden.append(bool(r[f"{m}_suppressed"]))
    pairs = []

    def add(total, parts):
        if total in cells and parts and all(p in cells for p in parts):
            pairs.append((cells[total], [cells[p] for p in parts]))
    keys = {(k[0], k[1], k[2], k[3]) for k in cells}
    for base in keys:
        for total, parts in BREAKDOWNS.values():
            add(base + (total,), [base + (p,) for p in parts])
        if base[2] == "year":
            months = [k for k in keys if k[:3] == (base[0], base[1], "month") and k[3][:4] == base[3][:4]]
            for m in MEASURES:
                add(base + (m,), [k + (m,) for k in months])
    units = {(k[0], k[1]) for k in keys}
    groups = {}
    for kind, code in units:
        if kind == "portal":
            groups.setdefault(("region", region_group(regions[code])), []).append(code)
    groups[("network", "ALL")] = [code for kind, code in units if kind == "region"]
    for (kind, code), members in groups.items():
        member_kind = "portal" if kind == "region" else "region"
        for (_, _, p_kind, p_start) in [k for k in keys if k[:2] == (kind, code)]:
            for m in MEASURES:
                add((kind, code, p_kind, p_start, m),
                    [(member_kind, c, p_kind, p_start, m) for c in members
                     if (member_kind, c, p_kind, p_start, m) in cells])
    return np.array(values), np.array(hidden), pairs


def determined_by_linear_algebra(hidden, pairs):
    """The stronger attacker: every published sum at once as one linear system. A hidden cell is
    recovered when the system's null space does not move it."""
    unknown = np.nonzero(hidden)[0]
    col = {c: i for i, c in enumerate(unknown)}
    rows = []
    for total, parts in pairs:
        if not hidden[total] and not any(hidden[c] for c in parts):
            continue
        row = np.zeros(len(unknown))
        if hidden[total]:
            row[col[total]] = 1.0
        for c in parts:
            if hidden[c]:
                row[col[c]] -= 1.0
        rows.append(row)
    _, s, vt = np.linalg.svd(np.array(rows))
    null = vt[int((s > 1e-9).sum()):].T
    return [int(unknown[i]) for i in range(len(unknown)) if np.allclose(null[i], 0, atol=1e-9)]


def recover_by_elimination(values, hidden, pairs):
    """The attacker: solve every published sum with one unknown, again and again, until nothing moves."""
    known = ~hidden.copy()
    recovered = []
    while True:
        progress = False
        for total, parts in pairs:
            cells = [total] + list(parts)
            unknown = [c for c in cells if not known[c]]
            if len(unknown) == 1:
                known[unknown[0]] = True
                recovered.append(unknown[0])
                progress = True
        if not progress:
            return recovered


def test_no_suppressed_cell_can_be_recovered(built):
    load(built, REPORTS)
    load(built, SUMMARY)
    values, hidden, pairs = _relations_from_published(built)
    assert hidden.sum() > 0
    assert recover_by_elimination(values, hidden, pairs) == []
    assert determined_by_linear_algebra(hidden, pairs) == []


def test_no_suppressed_cell_can_be_recovered_on_demo_scale(built, tmp_path):
    from etl import demo_stats
    out = tmp_path / "demo.csv"
    with built.connect() as conn:
        demo_stats.generate(conn, 3, 4000, out, end=date(2016, 12, 31))
    assert load(built, out).outcome == "ok"
    values, hidden, pairs = _relations_from_published(built)
    assert hidden.sum() > 100
    assert recover_by_elimination(values, hidden, pairs) == []
    assert determined_by_linear_algebra(hidden, pairs) == []  # before the audit: 6 of 3,829 came out


def test_the_attack_finds_a_lone_suppressed_cell():
    """The recovery check is real: primary suppression alone leaves cells recoverable."""
    values = np.array([30, 7, 23])  # total, part (hidden), part
    rel = Relations.build([(0, [1, 2])])
    primary = (values >= 1) & (values < 10)
    assert recover_by_elimination(values, primary, [(0, [1, 2])]) == [1]
    assert list(exposed_cells(values, primary, rel)) == [1]
    full = protect(values, rel, 10).hidden
    assert full.sum() == 2 and recover_by_elimination(values, full, [(0, [1, 2])]) == []


def test_summary_file(built, tmp_path):
    load(built, REPORTS)
    report = load(built, SUMMARY)
    assert report.outcome == "failed"  # MUS 2024-01 came from a report-level file: one kind per portal-month
    assert "portal MUS, month 2024-01 was loaded from a report-level file" in report.message
    only_summaries = tmp_path / "summary.csv"
    only_summaries.write_text("".join(l for l in SUMMARY.read_text(encoding="utf-8").splitlines(True)
                                      if not l.startswith("MUS,")), encoding="utf-8")
    report = load(built, only_summaries)
    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (4, 1, 3)
    with open(report.rejects_file, encoding="utf-8") as fh:
        reasons = sorted(r["reason"] for r in csv.DictReader(fh))
    assert reasons == ["counts do not add up", "invalid count", "portal and month repeated in this file"]
    assert yearly(built)[("ZMB", "2024")].received == 40
    again = tmp_path / "again.csv"
    again.write_text(only_summaries.read_text(encoding="utf-8").replace("ZMB,2024-01", "ZMB,2024-04", 1),
                     encoding="utf-8")
    report = load(built, again)  # ZMB 2024-01 again: rejected; the file still loads its new month
    assert report.outcome == "ok", report.message
    assert (report.rows_in, report.rows_loaded) == (4, 1)
    with open(report.rejects_file, encoding="utf-8") as fh:
        assert "portal and month already loaded" in {r["reason"] for r in csv.DictReader(fh)}
    assert yearly(built)[("ZMB", "2024")].received == 80  # January once, and April


def test_loading_twice_never_double_counts(built):
    load(built, REPORTS)
    before = snapshot(built)
    again = load(built, REPORTS)
    assert again.outcome == "failed" and "this file was loaded already" in again.message
    assert snapshot(built) == before


def test_a_reference_from_an_earlier_file_is_rejected(built):
    load(built, REPORTS)
    report = load(built, MORE)
    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    with open(report.rejects_file, encoding="utf-8") as fh:
        assert [r["reason"] for r in csv.DictReader(fh)] == ["report reference already loaded"]


def test_references_hashed_by_another_polars_version_are_refused(built):
    load(built, REPORTS)
    with built.begin() as conn:
        conn.execute(text("UPDATE stat_load_counts SET hash_scheme = 'polars-hash:0.1:1,2,3'"))
    before = snapshot(built)
    report = load(built, MORE)
    assert report.outcome == "failed" and "hashed by another polars version" in report.message
    assert snapshot(built) == before


def _variant(tmp_path, name, transform):
    text_ = REPORTS.read_text(encoding="utf-8")
    path = tmp_path / name
    out = transform(text_)
    if isinstance(out, bytes):
        path.write_bytes(out)
    else:
        path.write_text(out, encoding="utf-8")
    return path


BAD_FILES = [
    ("extra column", lambda t: t.replace("hosting_country\n", "hosting_country,url\n", 1).replace("\n", ",\n")
     .replace("hosting_country,url,\n", "hosting_country,url\n", 1),
     ["header field 10 is not a column", "whole file is refused"]),
    ("web address", lambda t: t.replace("R00003,MUS,2024-01-03,not_actioned,", "R00003,MUS,2024-01-03,http://bad.example.com/x,"),
     ["outside the column's domain (not a code", "line 4", "column outcome"]),
    ("e-mail as reference", lambda t: t.replace("R00005,", "someone@example.org,"),
     ["outside the column's domain (not an opaque reference", "line 6", "column report_ref"]),
    ("IP address", lambda t: t.replace("R00016,MUS,2024-01-10,actioned,image,C,11-13,yes,NLD",
                                       "R00016,MUS,2024-01-10,actioned,image,C,11-13,yes,192.168.10.4"),
     ["outside the column's domain", "line 17", "column hosting_country"]),
    ("missing column", lambda t: "\n".join(",".join(l.split(",")[:-1]) for l in t.splitlines()) + "\n",
     ["missing column(s) hosting_country"]),
    ("empty", lambda t: b"", ["file is empty"]),
    ("header only", lambda t: t.splitlines()[0] + "\n", ["no data rows"]),
    ("truncated", lambda t: t[: t.index("R00040") + 12], ["truncated"]),
    ("wrong encoding", lambda t: t.replace("NLD", "NLD").replace("R00001", "Ré0001").encode("cp1252"), ["not UTF-8"]),
    ("same file again", lambda t: MORE.read_text(encoding="utf-8"), ["this file was loaded already"]),
]


@pytest.mark.parametrize("name,transform,words", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_are_refused_whole(built, tmp_path, name, transform, words):
    load(built, MORE)
    before = snapshot(built)
    report = load(built, _variant(tmp_path, "bad.csv", transform))
    assert report.outcome == "failed", report
    for word in words:
        assert word in report.message, (word, report.message)
    assert snapshot(built) == before


def test_demo_is_loaded_by_default_and_real_files_replace_it(engine, monkeypatch):
    monkeypatch.setattr("etl.portal_stats_demo.REPORTS", 5000)
    assert {r.outcome for r in run_jobs(engine)} == {"ok"}
    with engine.connect() as conn:
        demo = conn.execute(text("SELECT DISTINCT is_demo FROM v_portal_stats")).scalars().all()
        loaded = conn.execute(text("SELECT rows_loaded FROM load_run WHERE job = 'portal_stats_demo'")).scalar()
        years = conn.execute(text("SELECT received FROM v_portal_stats WHERE unit_kind = 'network' "
                                  "AND period_kind = 'year' ORDER BY period_start")).scalars().all()
    assert demo in ([1], [True]) and loaded == 5000
    shown = [v for v in years if v is not None]
    assert sum(shown) <= 5000 and sum(shown) > 4000 and years[-1] is not None, years
    load(engine, REPORTS)
    with engine.connect() as conn:
        demo = conn.execute(text("SELECT DISTINCT is_demo FROM v_portal_stats")).scalars().all()
    assert demo in ([0], [False])
    assert run_jobs(engine, ["portal_stats_demo"], force=True)[-1].message.startswith("real statistics")


def test_demo_generator_is_seeded_and_labelled(built, tmp_path):
    from etl import demo_stats
    paths = [tmp_path / f"d{i}.csv" for i in range(3)]
    with built.connect() as conn:
        for path, seed in zip(paths, (11, 11, 12)):
            demo_stats.generate(conn, seed, 2000, path, end=date(2024, 12, 31))
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    assert digests[0] == digests[1] != digests[2]
    rows = list(csv.DictReader(open(paths[0], encoding="utf-8")))
    assert len(rows) == 2000 and {r["demo"] for r in rows} == {"yes"}
    assert all(r["report_ref"].startswith("DEMO-") for r in rows)
    launch = {"MUS": "2013-10-31", "MAR": "2021-02-09"}
    assert all(r["received_date"] >= launch.get(r["portal"], "2000") for r in rows)


def test_cli_import_and_inbox(db_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli.main(["import-portal-stats", str(REPORTS)]) == 0
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "more.csv").write_bytes(MORE.read_bytes())
    (inbox / "bad.csv").write_text("report_ref,url\nR1,http://x.example.com\n", encoding="utf-8")
    assert cli.main(["inbox", "--folder", str(inbox)]) == 1
    assert (inbox / "done" / "more.csv").exists() and (inbox / "failed" / "bad.csv").exists()
    out = capsys.readouterr()
    assert "portal-stats" in out.out and "header field 2 is not a column" in out.err


def test_demo_data_is_the_same_on_every_backend(built, tmp_path):
    """The generator reads the portal network and published figures from the database: the file must not
    depend on which database that is (row order, LIKE's case rules). Compared with an SQLite build."""
    from etl import demo_stats
    from etl.db import make_engine
    reference = make_engine(f"sqlite:///{tmp_path / 'reference.sqlite'}")
    run_jobs(reference, ["portals", "figures"])
    digests = []
    for engine in (built, reference):
        out = tmp_path / "demo.csv"
        with engine.connect() as conn:
            demo_stats.generate(conn, 5, 3000, out, end=date(2024, 12, 31))
        digests.append(hashlib.sha256(out.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def _demo_with_problems(engine, tmp_path, extra: list[str] = ()) -> Path:
    """A generated export with rows the quick reading itself rejects, spread over several batches."""
    from etl import demo_stats
    path = tmp_path / "demo.csv"
    with engine.connect() as conn:
        demo_stats.generate(conn, 9, 3000, path, end=date(2024, 12, 31))
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = ["X1,MAR,2015-01-01,not_actioned,,,,,,yes",              # before the portal's launch
                "X2,MUS,2030-01-01,not_actioned,,,,,,yes",              # in the future
                "X3,MUS,2024-01-01,not_actioned,image,,,,,yes",         # detail on a report not actioned
                "X4,MUS,2024-01-01,actioned,image,A,3-6,no,,yes",       # actioned without hosting
                lines[5]]                                               # a repeated reference
    lines[1000:1000] = problems[:2]
    lines[2000:2000] = problems[2:]
    path.write_text("\n".join(lines + list(extra)) + "\n", encoding="utf-8")
    return path


def _spy_on_readings(monkeypatch) -> list:
    readings = []
    original = stats_reading.ReportScanner.__init__

    def spy(self, *args, careful=False, **kwargs):
        readings.append(careful)
        original(self, *args, careful=careful, **kwargs)
    monkeypatch.setattr(stats_reading.ReportScanner, "__init__", spy)
    return readings


def _scan_both_ways(engine, path, tmp_path):
    with engine.connect() as conn:
        net = Network(conn)
    _, header = read_header(path)
    out = {}
    for careful in (False, True):
        rejects = stats_reading.RejectsWriter(tmp_path / f"rejects-{careful}.csv")
        scanner = stats_reading.ReportScanner(path, header, net, np.empty(0, np.uint64), TODAY, careful=careful)
        counts, refs, rows_in, repeated, demo = stats_reading.scan(scanner, rejects)
        rejects.close()
        out[careful] = (counts.values, refs, rows_in, repeated, demo, rejects.path.read_text(encoding="utf-8"))
    return out


def test_a_date_before_2000_is_a_rejected_row_even_for_a_portal_with_no_known_launch(built, tmp_path):
    """The counters start in January 2000; AGO's launch is unknown, so no launch check stops such a row
    (it used to end in a numpy traceback)."""
    path = tmp_path / "old.csv"
    path.write_text("report_ref,portal,received_date,outcome,media_type,severity,youngest_age,self_generated,"
                    "hosting_country\nR1,AGO,1999-12-15,not_actioned,,,,,\nR2,AGO,2020-01-15,not_actioned,,,,,\n",
                    encoding="utf-8")
    report = load(built, path)
    assert report.outcome == "ok", report.message
    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (2, 1, 1)
    assert Path(report.rejects_file).read_text(encoding="utf-8").splitlines()[1:] == ["2,invalid or missing date"]


def test_quick_and_careful_reading_agree(built, tmp_path, monkeypatch):
    monkeypatch.setattr(stats_reading, "CHUNK_ROWS", 500)
    monkeypatch.setattr(stats_reading, "PIECE_BYTES", 20_000)  # about 400 lines: pieces cut mid-batch
    path = _demo_with_problems(built, tmp_path)
    quick, careful = _scan_both_ways(built, path, tmp_path).values()
    assert np.array_equal(quick[0], careful[0]) and np.array_equal(quick[1], careful[1])
    assert quick[2:5] == careful[2:5] == (3005, 2, True)
    assert quick[5] == careful[5]
    reasons = [r["reason"] for r in csv.DictReader(quick[5].splitlines())]
    assert sorted(reasons) == sorted(["date before the portal's launch", "date in the future",
                                      "detail codes on a report that was not actioned",
                                      "actioned report with a missing or invalid detail code"]
                                     + ["report reference repeated in this file"] * 2)


def test_the_careful_reading_reads_the_same_codes_in_its_second_pass(built, tmp_path, monkeypatch):
    """A hostile review (2026-12-05): the second pass, which takes repeated references back out, runs after
    the first pass's batches are gone. polars had dropped the categorical mapping by then and numbered the
    strings again, so the careful reading took back the wrong rows. Here three strings take the first
    numbers between the passes: MUS would get UGA's number of the first pass and be taken back as UGA."""
    import gc

    import polars as pl
    real, calls = stats_reading.Scanned.drop_repeated, []

    def renumbered(scanned, rejects):
        gc.collect()
        others = pl.Series(["UGA", "first", "second"], dtype=pl.Categorical)
        calls.append(others.to_physical().to_list())
        return real(scanned, rejects)
    monkeypatch.setattr(stats_reading.Scanned, "drop_repeated", renumbered)
    head = "report_ref,portal,received_date,outcome,media_type,severity,youngest_age,self_generated,hosting_country\n"
    rows = ["R1,MUS,2024-01-01,not_actioned,,,,,", "R2,UGA,2024-01-02,not_actioned,,,,,",
            "R3,MUS,2024-01-03,not_actioned,,,,,"]
    with_repeat, without = tmp_path / "with.csv", tmp_path / "without.csv"
    with_repeat.write_text(head + "\n".join(rows + [rows[0]]) + "\n", encoding="utf-8")
    without.write_text(head + "\n".join(rows[1:]) + "\n", encoding="utf-8")
    with built.connect() as conn:
        net = Network(conn)
    counted = []
    for path in (with_repeat, without):
        scanner = stats_reading.ReportScanner(path, read_header(path)[1], net, np.empty(0, np.uint64), TODAY,
                                              careful=True)
        counted.append(stats_reading.scan(scanner, stats_reading.RejectsWriter(tmp_path / "rejects.csv")))
    assert calls == [[0, 1, 2]]  # the global mapping started again with other strings
    assert counted[0][3] == 2 and np.array_equal(counted[0][0].values, counted[1][0].values)
    assert sorted(counted[0][1].tolist()) == sorted(counted[1][1].tolist())


def test_a_value_outside_the_codes_reads_the_file_again_carefully(built, tmp_path, monkeypatch):
    """The quick reading stops at a value outside the codes (here in the last batch, after it has written
    rejects); the careful reading starts again: every rejected row is in the rejects file once."""
    monkeypatch.setattr(stats_reading, "CHUNK_ROWS", 500)
    monkeypatch.setattr(stats_reading, "PIECE_BYTES", 20_000)
    readings = _spy_on_readings(monkeypatch)
    path = _demo_with_problems(built, tmp_path, ["X5,MUS,2024-02-01,maybe,,,,,,yes"])
    report = load(built, path)
    assert readings == [False, True]
    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (3006, 2999, 7)
    with open(report.rejects_file, encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    assert len(rejects) == len({r["line"] for r in rejects}) == 7
    assert [r["line"] for r in rejects if r["reason"] == "invalid outcome"] == ["3007"]


def test_a_quoted_field_is_read_the_careful_way(built, tmp_path, monkeypatch):
    readings = _spy_on_readings(monkeypatch)
    path = tmp_path / "quoted.csv"
    path.write_text(MORE.read_text(encoding="utf-8").replace("R80002,", '"R80002",'), encoding="utf-8")
    report = load(built, path)
    assert readings == [False, True] and (report.rows_in, report.rows_loaded) == (3, 3)

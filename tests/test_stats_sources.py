"""Statistics as sources: real data retires the demo, a file that loads nothing changes nothing, a portal-month
comes from one kind of source, the same warehouse under another URL spelling, settings within the policy,
load records that show no per-file counts, and changes to the portal list."""
import csv
import os

import pytest
from sqlalchemy import text

from etl import __main__ as cli
from etl import config, stats_policy
from etl.db import make_engine
from etl.jobs import run_jobs
from etl.stats_counts import Network
from etl.stats_store import active_loads, load_counts

from .conftest import snapshot
from .test_portal_stats import MORE, REPORTS, load, yearly

SAMPLE_SUMMARY = config.DATA_DIR / "samples" / "portal_summary_sample.csv"


def published(engine, sql="SELECT COUNT(*), SUM(CASE WHEN is_demo THEN 1 ELSE 0 END) FROM v_portal_stats"):
    with engine.connect() as conn:
        return tuple(conn.execute(text(sql)).one())


def test_real_statistics_retire_the_demo(engine, db_url, monkeypatch, capsys):
    assert {r.outcome for r in run_jobs(engine)} == {"ok"}
    assert published(engine)[0] > 0 and published(engine)[1] == published(engine)[0]  # all DEMO
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli.main(["import-portal-stats", str(SAMPLE_SUMMARY)]) == 0
    assert "DEMO statistics retired" in capsys.readouterr().out
    rows, demo = published(engine)
    assert rows > 0 and not demo
    zmb = yearly(engine)[("ZMB", "2024")]
    assert zmb.received == 40 and not zmb.is_demo   # the sample's only ZMB month
    with engine.connect() as conn:
        last = conn.execute(text("SELECT is_demo, k, width, rule FROM v_stat_publication ORDER BY load_id DESC")).first()
    assert not last.is_demo and (last.k, last.width) == (10, 10) and last.rule == stats_policy.RULE
    assert run_jobs(engine, ["portal_stats_demo"], force=True)[-1].message.startswith("real statistics")
    assert not published(engine)[1]


@pytest.mark.parametrize("content", ["header and blank lines", "every row rejected", "already loaded"])
def test_a_file_that_loads_nothing_leaves_the_publication(engine, tmp_path, content):
    run_jobs(engine)
    if content == "already loaded":  # the demo's own references, as a real file
        with open(next((config.VAR_DIR / "demo").glob("*.csv")), encoding="utf-8") as fh:
            rows = [r for _, r in zip(range(50), csv.DictReader(fh))]
        lines = [",".join(list(r.values())[:-1]) + ",yes" for r in rows]
        body = "report_ref,portal,received_date,outcome,media_type,severity,youngest_age,self_generated,hosting_country,demo\n"
        body += "\n".join(lines) + "\n"
    elif content == "every row rejected":
        body = REPORTS.read_text(encoding="utf-8").replace(",MUS,", ",ZZZ,").replace(",UGA,", ",ZZZ,")
    else:
        body = REPORTS.read_text(encoding="utf-8").splitlines()[0] + "\n\n\n\n"
    path = tmp_path / "nothing.csv"
    path.write_text(body, encoding="utf-8")
    before = snapshot(engine)
    report = load(engine, path)
    assert report.outcome == "failed" and "nothing to load" in report.message, report.message
    assert snapshot(engine) == before and published(engine)[0] > 0


def test_a_report_level_file_after_a_summary_for_the_same_month_is_refused(built, tmp_path):
    assert load(built, SAMPLE_SUMMARY).outcome == "ok"
    path = tmp_path / "zmb.csv"
    path.write_text("report_ref,portal,received_date,outcome,media_type,severity,youngest_age,self_generated,"
                    "hosting_country\n" + "\n".join(f"Z{i},ZMB,2024-01-{i + 1:02d},not_actioned,,,,," for i in range(20))
                    + "\n", encoding="utf-8")
    before = snapshot(built)
    report = load(built, path)
    assert report.outcome == "failed"
    assert "portal ZMB, month 2024-01 was loaded from a monthly summary" in report.message
    assert snapshot(built) == before and yearly(built)[("ZMB", "2024")].received == 40


def test_the_same_warehouse_under_another_url_spelling(db_url, tmp_path):
    if "127.0.0.1" not in db_url:
        pytest.skip("the PostgreSQL URL names the host by address")
    first, second = make_engine(db_url), make_engine(db_url.replace("127.0.0.1", "localhost"))
    run_jobs(first, ["portals", "figures"])
    assert load(first, REPORTS).outcome == "ok"
    again = load(second, REPORTS)
    assert again.outcome == "failed" and "this file was loaded already" in again.message
    more = load(second, MORE)  # R00001 was loaded under the other spelling
    assert (more.rows_loaded, more.rows_rejected) == (2, 1)
    with second.connect() as conn:
        counted, _ = load_counts(conn, active_loads(conn), Network(conn))
    assert counted.values[:, :, 0].sum() == 65 + 2  # each report once, whichever spelling loaded it
    first.dispose()
    second.dispose()


SETTINGS = [(["--k", "1"], {}), (["--k", "-3"], {}), ([], {"PORTAL_STATS_K": "0"}), ([], {"PORTAL_STATS_K": "abc"}),
            (["--k", "10", "--width", "2"], {}), ([], {"PORTAL_STATS_WIDTH": "x"}), (["--k", "99999999"], {})]


@pytest.mark.parametrize("args,env", SETTINGS, ids=[" ".join(a) or str(e) for a, e in SETTINGS])
def test_settings_outside_the_policy_are_refused(tmp_path, monkeypatch, capsys, args, env):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'w.sqlite'}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["import-portal-stats", str(REPORTS), *args]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    assert f"from {stats_policy.K_MIN}" in err or f"from {stats_policy.WIDTH_MIN}" in err
    assert not (tmp_path / "w.sqlite").exists()  # refused before anything was opened


def test_the_import_records_the_rule_and_the_narrowest_interval_proved(engine):
    assert run_jobs(engine, ["portals", "figures"])[-1].outcome == "ok"
    assert load(engine, REPORTS).outcome == "ok"
    with engine.connect() as conn:
        last = conn.execute(text("SELECT rule, k, width, narrowest FROM v_stat_publication")).one()
    assert last.rule == stats_policy.RULE and last.narrowest is not None
    assert last.narrowest >= last.width == 10


def test_a_bad_k_stops_the_demo_job_with_one_line(engine, monkeypatch):
    monkeypatch.setenv("PORTAL_STATS_K", "3")
    report = run_jobs(engine)[-1]
    assert report.job == "portal_stats_demo" and report.outcome == "failed"
    assert report.message == f"PORTAL_STATS_K: must be a whole number from {stats_policy.K_MIN} to " \
                             f"{stats_policy.K_MAX} (policy minimum {stats_policy.K_MIN}); nothing was loaded"


def test_the_policy_defaults():
    os.environ.pop("PORTAL_STATS_K", None)
    os.environ.pop("PORTAL_STATS_WIDTH", None)
    assert stats_policy.settings() == (stats_policy.K_DEFAULT, stats_policy.K_DEFAULT)  # width defaults to k
    assert stats_policy.settings(20) == (20, 20) and stats_policy.settings(20, 8) == (20, 8)


def test_load_records_show_no_per_file_counts(built, tmp_path):
    path = tmp_path / "MUS-2024-05-late-reports.csv"
    path.write_bytes(MORE.read_bytes())
    assert load(built, REPORTS).outcome == "ok" and load(built, path).outcome == "ok"
    with built.connect() as conn:
        rows = conn.execute(text("SELECT * FROM v_load WHERE is_statistics = 1")).mappings().all()
        other = conn.execute(text("SELECT * FROM v_load WHERE job = 'portals'")).mappings().one()
    assert len(rows) == 2 and other["rows_loaded"] > 0 and other["source"]
    for r in rows:
        assert r["source"] is r["rows_in"] is r["rows_loaded"] is r["rows_rejected"] is r["message"] is None
        assert "late-reports" not in " ".join(map(str, r.values()))
        assert r["outcome"] == "ok" and r["finished_at"] is not None


def _portal_list(data_dir, change):
    path = data_dir / "iwf_portals.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows = change(rows)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _units(engine):
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT DISTINCT unit_code FROM v_portal_stats WHERE unit_kind = 'portal'"))
                   .scalars())


def test_a_portal_removed_from_the_list_and_back(engine, data_dir):
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir)
    assert load(engine, REPORTS).outcome == "ok"
    assert {"MUS", "UGA"} <= _units(engine)
    totals = _totals(engine)
    _portal_list(data_dir, lambda rows: [r for r in rows if r["portal_code"] != "MUS"])
    [report] = run_jobs(engine, ["portals"], data_dir=data_dir)[-1:]
    assert report.outcome == "ok"
    assert "no longer in the portal list kept in their region's totals, not published on their own: MUS" \
        in report.message
    assert "MUS" not in _units(engine)
    assert _totals(engine) == totals   # its counts stay in its region and the network: nothing to subtract
    uga = REPORTS.read_text(encoding="utf-8").splitlines()  # the next import works: new UGA reports
    path = data_dir / "uga.csv"
    path.write_text("\n".join([uga[0]] + [l.replace("R000", "U000") for l in uga[1:] if ",UGA,2024-01" in l]) + "\n",
                    encoding="utf-8")
    report = load(engine, path)
    assert report.outcome == "ok", report.message
    assert yearly(engine)[("UGA", "2024")].received == 60
    _portal_list(data_dir, lambda rows: rows)  # unchanged file: nothing to do
    with open(config.DATA_DIR / "iwf_portals.csv", encoding="utf-8") as fh:
        (data_dir / "iwf_portals.csv").write_text(fh.read(), encoding="utf-8")
    assert run_jobs(engine, ["portals"], data_dir=data_dir)[-1].outcome == "ok"
    assert "MUS" in _units(engine) and yearly(engine)[("MUS", "2024")].received == 35


def test_a_renamed_portal_keeps_its_statistics(engine, data_dir):
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir)
    load(engine, REPORTS)
    before = yearly(engine)[("UGA", "2024")].received
    _portal_list(data_dir, lambda rows: [dict(r, portal_name="Uganda portal") if r["portal_code"] == "UGA" else r
                                         for r in rows])
    assert run_jobs(engine, ["portals"], data_dir=data_dir)[-1].outcome == "ok"
    row = yearly(engine)[("UGA", "2024")]
    assert row.received == before and row.unit_name == "Uganda portal"


def test_a_corrected_launch_keeps_the_totals_consistent(engine, data_dir):
    """Counts before a launch corrected to a later month stay in the portal's figures and every total: taken
    out, two publications would differ by exactly those counts (the hostile review subtracted them)."""
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir)
    load(engine, REPORTS)
    totals = _totals(engine)
    _portal_list(data_dir, lambda rows: [dict(r, launch_date="2024-02", launch_precision="month")
                                         if r["portal_code"] == "MUS" else r for r in rows])
    report = run_jobs(engine, ["portals"], data_dir=data_dir)[-1]
    assert report.outcome == "ok"
    assert "counts before the launch month the portal list gives, kept in their figures (check the launch " \
           "date): MUS" in report.message
    assert yearly(engine)[("MUS", "2024")].received == 35 and _totals(engine) == totals
    more = load(engine, MORE)  # the next import works; MUS March is after the corrected launch
    assert more.outcome == "ok" and more.rows_loaded == 2


def _totals(engine) -> dict:
    """Every regional and network row: (unit, period) -> received."""
    with engine.connect() as conn:
        return {(r.unit_code, r.period_kind, str(r.period_start)): r.received for r in conn.execute(text(
            "SELECT unit_code, period_kind, period_start, received FROM v_portal_stats "
            "WHERE unit_kind IN ('region', 'network')"))}


def test_pages_show_no_statistics_file_name_or_its_row_count(tmp_path, monkeypatch):
    """The issue's side door: a 3-report file named for a portal and month showed `rows_loaded = 3` beside its
    name on the Methodology and Committee pages."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    url = f"sqlite:///{tmp_path / 'pages.sqlite'}"
    engine = make_engine(url)
    assert {r.outcome for r in run_jobs(engine)} == {"ok"}
    path = tmp_path / "MUS-2024-05-late-reports.csv"
    path.write_bytes(MORE.read_bytes())
    assert load(engine, path).outcome == "ok"
    monkeypatch.setenv("DATABASE_URL", url)
    for page, query in [("methodology", {}), ("committee", {"since": "2020-01-01"})]:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=120)
        for key, value in query.items():
            at.query_params[key] = value
        at.switch_page(f"dashboard/pages/{page}.py").run()
        assert not at.exception
        shown = " ".join(str(e.value) for e in at.markdown) + " ".join(
            df.value.to_csv() for df in at.dataframe)
        assert "late-reports" not in shown and "MUS-2024-05" not in shown, page
        frames = [df.value for df in at.dataframe if "Rows loaded" in df.value.columns]
        assert frames, page
        for frame in frames:
            stats = frame[frame["Source"].astype(str).str.startswith("portal statistics")]
            assert len(stats) and stats["Rows loaded"].isna().all(), page


def test_a_portal_month_only_in_repeated_rows_does_not_refuse_the_file(built, tmp_path):
    """The publication is built while the repeats are still being counted. Here that first attempt fails:
    ZMB 2024-01 came from a summary, and only a repeated reference names it. Those rows are taken out,
    so the file loads, as it did when the repeats were taken out first."""
    assert load(built, SAMPLE_SUMMARY).outcome == "ok"
    path = tmp_path / "repeats.csv"
    path.write_text("report_ref,portal,received_date,outcome,media_type,severity,youngest_age,self_generated,"
                    "hosting_country\nZ1,ZMB,2024-01-05,not_actioned,,,,,\n"
                    + "".join(f"U{i},UGA,2024-03-{i + 1:02d},not_actioned,,,,,\n" for i in range(20))
                    + "Z1,ZMB,2024-01-06,not_actioned,,,,,\n", encoding="utf-8")
    report = load(built, path)
    assert report.outcome == "ok", report.message
    assert (report.rows_in, report.rows_loaded, report.rows_rejected) == (22, 20, 2)
    with open(report.rejects_file, encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [["line", "reason"], ["2", "report reference repeated in this file"],
                                        ["23", "report reference repeated in this file"]]
    assert yearly(built)[("ZMB", "2024")].received == 40 and yearly(built)[("UGA", "2024")].received == 20


def test_a_file_with_repeats_publishes_what_the_file_without_them_publishes(db_url, tmp_path):
    """The first publication, made before the repeats were counted, is taken back whole (a savepoint):
    the warehouse is the one the file without its repeated rows leaves, on SQLite and PostgreSQL."""
    lines = REPORTS.read_text(encoding="utf-8").splitlines()
    repeated = [line for line in lines[1:] if sum(l.split(",")[0] == line.split(",")[0] for l in lines) > 1]
    assert repeated  # the fixture repeats a reference
    without = tmp_path / "without.csv"
    without.write_text("\n".join(l for l in lines if l not in repeated) + "\n", encoding="utf-8")
    warehouses = []
    for name, path in (("with", REPORTS), ("without", without)):
        engine = make_engine(db_url if name == "with" else f"sqlite:///{tmp_path / 'without.sqlite'}")
        run_jobs(engine, ["portals", "figures"])
        assert load(engine, path).outcome == "ok"
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT * FROM v_portal_stats ORDER BY unit_kind, unit_code, period_kind, "
                                     "period_start")).mappings().all()
            publications = conn.execute(text("SELECT COUNT(*) FROM stat_publication")).scalar()
            counted, _ = load_counts(conn, active_loads(conn), Network(conn))
        warehouses.append(([{k: v for k, v in r.items() if k not in ("load_id", "published_at")} for r in rows],
                           publications, counted.values))
        engine.dispose()
    (with_rows, with_pubs, with_counts), (rows, pubs, counts) = warehouses
    assert with_pubs == pubs == 1
    assert (with_counts == counts).all()
    assert [_plain(r) for r in with_rows] == [_plain(r) for r in rows]


def _plain(row: dict) -> dict:
    """A view row as SQLite and PostgreSQL both give it (booleans as 0/1, dates as ISO text)."""
    return {k: int(v) if isinstance(v, bool) else str(v)[:10] if hasattr(v, "isoformat") else v
            for k, v in row.items()}

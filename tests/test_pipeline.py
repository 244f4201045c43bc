"""The full build from data/ on SQLite and PostgreSQL: the figures users rely on, idempotence, --force."""
from datetime import date

import pytest
from sqlalchemy import select, text

from etl.jobs import run_jobs
from etl.schema import load_run, treaty_event
from etl.views import status_on_query

from .conftest import snapshot


@pytest.fixture
def built(engine):
    reports = run_jobs(engine)
    assert [r.outcome for r in reports] == ["ok"] * 7, [r.message for r in reports]
    return engine


def status_on(engine, day):
    with engine.connect() as conn:
        return {r.country_code: r for r in conn.execute(status_on_query(), {"as_of": day, "treaty_num": 201})}


def test_today_48_parties_46_members_49_portals(built):
    with built.connect() as conn:
        parties = conn.execute(text(
            "SELECT COUNT(*) FROM v_treaty_status WHERE treaty_num = 201 AND status = 'in_force'")).scalar()
        members = conn.execute(text("SELECT COUNT(*) FROM v_country WHERE coe_member = 1")).scalar()
        portals = conn.execute(text("SELECT COUNT(*) FROM v_portal")).scalar()
        non_member_parties = set(conn.execute(text(
            "SELECT country_code FROM v_treaty_status WHERE status = 'in_force' AND coe_member = 0")).scalars())
    assert (parties, members, portals) == (48, 46, 49)
    assert non_member_parties == {"RUS", "TUN"}


def test_first_parties_in_force_on_1_july_2010(built):
    on = status_on(built, date(2010, 7, 1))
    assert {c for c, r in on.items() if r.status == "in_force"} == {"ALB", "DNK", "GRC", "NLD", "SMR"}
    day_before = status_on(built, date(2010, 6, 30))
    assert not [c for c, r in day_before.items() if r.status == "in_force"]


def test_status_over_dates(built):
    # Belgium: entry into force read (1 Jul 2013); deposit derived to March 2013 by Art. 45(4).
    assert status_on(built, date(2013, 2, 28))["BEL"].status == "signed"
    assert status_on(built, date(2013, 4, 1))["BEL"].status == "ratified"
    bel = status_on(built, date(2013, 7, 1))["BEL"]
    assert (bel.status, bel.deposit_basis, bel.deposit_precision) == ("in_force", "derived", "month")
    # Tunisia acceded without signing.
    assert status_on(built, date(2019, 10, 14))["TUN"].status == "not_signed"
    tun = status_on(built, date(2019, 10, 15))
    assert (tun["TUN"].status, tun["TUN"].deposit_kind) == ("ratified", "accession")
    assert status_on(built, date(2020, 2, 1))["TUN"].status == "in_force"
    # Italy: entry into force derived from the deposit date.
    ita = status_on(built, date(2013, 5, 1))["ITA"]
    assert (ita.status, ita.eif_basis, str(ita.eif_from)) == ("in_force", "derived", "2013-05-01")
    # Russia: a Party after leaving the Council of Europe.
    assert status_on(built, date(2022, 3, 15))["RUS"].coe_member == 1
    rus = status_on(built, date(2022, 3, 16))["RUS"]
    assert (rus.status, rus.coe_member) == ("in_force", 0)


def test_bounded_dates_are_uncertain_not_invented(built):
    swe = status_on(built, date(2012, 1, 1))["SWE"]
    assert (swe.status, swe.status_certain) == ("signed", 0)
    assert status_on(built, date(2014, 4, 1))["SWE"].status == "in_force"


def test_conflicts_are_kept_and_flagged(built):
    with built.connect() as conn:
        gbr = conn.execute(select(treaty_event.c.date_from, treaty_event.c.source_rank).where(
            treaty_event.c.country_code == "GBR", treaty_event.c.event_type == "deposit")).all()
        flagged = set(conn.execute(text("SELECT country_code FROM v_treaty_status WHERE has_conflict = 1")).scalars())
    assert sorted((str(d), r) for d, r in gbr) == [("2018-06-20", 2), ("2018-06-21", 3)]
    assert {"GBR", "POL", "MCO"} <= flagged


def test_every_fact_points_to_its_load(built):
    with built.connect() as conn:
        orphans = conn.execute(text(
            "SELECT COUNT(*) FROM treaty_event e LEFT JOIN load_run l ON l.id = e.load_id WHERE l.id IS NULL")).scalar()
        runs = conn.execute(select(load_run.c.job, load_run.c.sha256, load_run.c.rows_in, load_run.c.rows_loaded,
                                   load_run.c.rows_rejected, load_run.c.outcome)).all()
    assert orphans == 0
    assert all(len(r.sha256) == 64 and r.outcome == "ok" and r.rows_in == r.rows_loaded + r.rows_rejected
               for r in runs)


def test_rerun_skips_and_force_rebuilds_identical_tables(built):
    before = snapshot(built)
    with built.connect() as conn:
        runs_before = conn.execute(text("SELECT COUNT(*) FROM load_run")).scalar()
    again = run_jobs(built)
    assert {r.outcome for r in again} == {"skipped"}
    with built.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM load_run")).scalar() == runs_before
    assert snapshot(built) == before
    forced = run_jobs(built, force=True)
    assert {r.outcome for r in forced} == {"ok"}
    assert snapshot(built) == before


def test_named_job_runs_with_its_dependencies(engine):
    reports = run_jobs(engine, ["portals"])
    assert [r.job for r in reports] == ["countries", "portals"]

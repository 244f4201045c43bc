"""PostgreSQL enforcement of the audiences (etl/access.py), on the real server: roles, allow-list
grants, row-level security, the public aggregate view, and the insert-only audit writer."""
import uuid

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from dashboard import reading
from dashboard.audience import PUBLIC, STAFF, Audience, scope_filter
from etl import access, audit, config
from etl.db import make_engine
from etl.jobs import run_jobs
from tests.backends import backend
from .conftest import protect_once


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    """A warehouse in a fresh schema, group roles under a throw-away prefix, and login roles:
    one per audience (INHERIT), one NOINHERIT web login for all four, one audit writer."""
    tmp = tmp_path_factory.mktemp("access")
    prefix = f"t{uuid.uuid4().hex[:8]}"
    logins = {"public": [f"{prefix}_web_public", ["public"]], "partner": [f"{prefix}_web_partner", ["partner"]],
              "web": [f"{prefix}_web", list(access.KINDS)], "audit": [f"{prefix}_audit", ["audit_writer"]]}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("etl.stats_publication.protect", protect_once)
        mp.setattr(config, "VAR_DIR", tmp / "var")
        mp.setattr("etl.portal_stats_demo.REPORTS", 3000)
        mp.setenv("LANZAROTE_ROLE_PREFIX", prefix)
        with backend("postgresql", tmp) as url:
            owner = make_engine(url)
            with owner.begin() as conn:
                access.create_roles(conn)
            run_jobs(owner)  # ensure_schema applies the grants now that the roles exist
            with owner.begin() as conn:
                for name, kinds in logins.values():
                    access.create_login(conn, name, kinds)

            def login(key):
                return create_engine(make_url(url).set(username=logins[key][0]))
            engines = {key: login(key) for key in logins}
            yield {"owner": owner, "url": url, "prefix": prefix, **engines}
            for e in [owner, *engines.values()]:
                e.dispose()
        with create_engine(make_url(url).set(query={})).begin() as conn:
            for name, _ in logins.values():
                conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
            for kind in access.KINDS + ("audit_writer",):
                conn.execute(text(f'DROP OWNED BY "{prefix}_{kind}"'))
                conn.execute(text(f'DROP ROLE IF EXISTS "{prefix}_{kind}"'))


def _select(engine, sql, setup=None):
    with engine.begin() as conn:
        if setup:
            setup(conn)
        return conn.execute(text(sql)).all()


def _denied(engine, sql, setup=None, also=None):
    with pytest.raises(ProgrammingError) as info:
        _select(engine, sql, setup)
    assert "permission denied" in str(info.value) or (also and also in str(info.value)), info.value


@pytest.mark.parametrize("relation", ["portal_stat", "v_portal_stats", "stat_load",
                                      "job_state", "audit_event", "load_run"])
def test_public_role_cannot_read_per_portal_rows(pg, relation):
    _denied(pg["public"], f"SELECT * FROM {relation} LIMIT 1")


def test_public_role_reads_reference_views_and_aggregates(pg):
    assert len(_select(pg["public"], "SELECT * FROM v_treaty_status")) > 40
    assert len(_select(pg["public"], "SELECT * FROM v_portal")) == 49
    rows = _select(pg["public"], "SELECT unit_kind, period_kind, unit_code, received, hidden FROM v_public_stats")
    assert rows and {r.unit_kind for r in rows} == {"network", "region"} and {r.period_kind for r in rows} == {"year"}
    europe = [r for r in rows if r.unit_code == "Europe"]
    assert europe and all(r.received is None and r.hidden for r in europe)


def test_statistics_loads_are_read_through_v_load_only(pg):
    """load_run keeps a statistics load's file name, hash, row counts and message (a small file's size is
    itself a small count): the public and partner roles read loads through v_load, which blanks them."""
    for key in ("public", "partner"):
        _denied(pg[key], "SELECT rows_in FROM load_run LIMIT 1")
        rows = _select(pg[key], "SELECT job, source, rows_in, message FROM v_load WHERE is_statistics = 1")
        assert rows and all(r.source is None and r.rows_in is None and r.message is None for r in rows)
    _denied(pg["web"], "SELECT rows_in FROM load_run LIMIT 1", lambda conn: access.scoped(conn, "funder", ["MAR"]))
    assert _select(pg["web"], "SELECT source FROM load_run LIMIT 1", lambda conn: access.scoped(conn, "staff"))
    from dashboard import warehouse
    web = warehouse.read_only_engine(str(pg["web"].url))   # every transaction starts as the public role
    assert warehouse.is_built(web)
    web.dispose()


def test_public_view_matches_the_reading_model_rule(pg):
    """The SQL view and dashboard.audience.scope_filter hide the same rows for the public."""
    owner = pg["owner"]
    stats = pd.concat([reading.portal_stats(owner, k, "year") for k in ("region", "network")], ignore_index=True)
    python = scope_filter(PUBLIC, stats, reading.portals(owner))
    py = {(r.unit_kind, r.unit_code, pd.Timestamp(r.period_start).year, r.hidden) for r in python.itertuples()}
    sql = {(r.unit_kind, r.unit_code, pd.Timestamp(r.period_start).year, r.hidden) for r in
           _select(pg["public"], "SELECT unit_kind, unit_code, period_start, hidden FROM v_public_stats")}
    assert py == sql


def test_partner_sees_only_its_portals_rows(pg):
    def mar(conn):
        conn.execute(text("SELECT set_config('lanzarote.portals', 'MAR', true)"))
    assert _select(pg["partner"], "SELECT * FROM portal_stat") == []  # no setting: no row
    for relation, column in (("portal_stat", "unit_code"), ("v_portal_stats", "unit_code")):
        codes = {r[0] for r in _select(pg["partner"], f"SELECT {column} FROM {relation}", mar)}
        assert codes == {"MAR"}, (relation, codes)
    # asking for another portal, or for a region that contains MAR, gives nothing
    assert _select(pg["partner"], "SELECT * FROM portal_stat WHERE unit_code = 'GBR'", mar) == []
    assert _select(pg["partner"], "SELECT * FROM v_portal_stats WHERE unit_kind <> 'portal'", mar) == []
    # the aggregates come from the public view
    assert _select(pg["partner"], "SELECT * FROM v_public_stats LIMIT 1", mar)
    _denied(pg["partner"], "SELECT * FROM audit_event")
    _denied(pg["partner"], "UPDATE portal_stat SET received = 0")


def test_the_per_portal_monthly_view_is_gone(pg):
    """Nothing is published per portal and month any more: v_portal_stats_monthly is not in the read contract
    nor on any allow-list, and a warehouse built before keeps no copy of it (every schema set-up drops it),
    so no role reads it; the monthly rows left (region and network) are staff's only."""
    from etl.db import ensure_schema
    from etl.views import RETIRED_VIEWS, VIEWS
    assert "v_portal_stats_monthly" in RETIRED_VIEWS and "v_portal_stats_monthly" not in VIEWS
    assert "v_portal_stats_monthly" not in access.STAFF_READ
    owner = pg["owner"]
    exists = ("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
              "WHERE n.nspname = current_schema() AND c.relname = 'v_portal_stats_monthly'")
    assert not _select(owner, exists)
    with owner.begin() as conn:   # a warehouse built with the old views
        conn.execute(text("CREATE VIEW v_portal_stats_monthly AS SELECT * FROM portal_stat "
                          "WHERE unit_kind = 'portal' AND period_kind = 'month'"))
    ensure_schema(owner)
    assert not _select(owner, exists)
    for key in ("public", "partner"):
        _denied(pg[key], "SELECT * FROM v_portal_stats_monthly", also="does not exist")
    month = "SELECT DISTINCT unit_kind FROM portal_stat WHERE period_kind = 'month'"
    assert {r[0] for r in _select(pg["web"], month, lambda c: access.scoped(c, "partner", ["MAR"]))} <= {"portal"}  # RLS
    assert {r[0] for r in _select(pg["web"], month, lambda c: access.scoped(c, "staff"))} >= {"region", "network"}


def test_web_login_has_no_rights_until_it_takes_an_audience(pg):
    web = pg["web"]
    # without a role it has not even USAGE on the schema: the relation is not there for it
    _denied(web, "SELECT * FROM v_treaty_status LIMIT 1", also="does not exist")
    assert _select(web, "SELECT * FROM v_treaty_status LIMIT 1", lambda c: access.scoped(c, "public"))
    _denied(web, "SELECT * FROM portal_stat LIMIT 1", lambda c: access.scoped(c, "public"))
    codes = {r[0] for r in _select(web, "SELECT DISTINCT unit_code FROM portal_stat",
                                   lambda c: access.scoped(c, "funder", ["MAR", "ZMB"]))}
    assert codes <= {"MAR", "ZMB"} and codes
    staff = _select(web, "SELECT DISTINCT unit_kind FROM portal_stat", lambda c: access.scoped(c, "staff"))
    assert {r[0] for r in staff} == {"portal", "region", "network"}
    # the role and the portals last only for their transaction
    _denied(web, "SELECT * FROM v_treaty_status LIMIT 1", also="does not exist")


def test_a_public_login_cannot_take_another_role(pg):
    with pytest.raises(ProgrammingError) as info:
        _select(pg["public"], "SELECT 1", lambda c: access.scoped(c, "staff"))
    assert "permission denied" in str(info.value)


def test_anything_unlisted_stays_unreadable(pg):
    with pg["owner"].begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS later_table (x int)"))
        access.apply(conn)
    _denied(pg["public"], "SELECT * FROM later_table")
    _denied(pg["web"], "SELECT * FROM later_table", lambda c: access.scoped(c, "staff"))
    with pg["owner"].begin() as conn:
        conn.execute(text("DROP TABLE later_table"))


def test_grants_survive_a_reload(pg):
    run_jobs(pg["owner"], ["portals"], force=True)  # recreates every view
    _denied(pg["public"], "SELECT * FROM v_portal_stats LIMIT 1")
    assert _select(pg["public"], "SELECT * FROM v_public_stats LIMIT 1")


def test_audit_writer_can_only_insert(pg):
    writer = audit.audit_writer_engine(str(pg["audit"].url))
    who = Audience("partner", portals=frozenset({"MAR"}), subject="partner@example.org")
    audit.record_event(writer, "download", audience=who, what="portal-stats-MAR.csv")
    _denied(pg["audit"], "SELECT * FROM audit_event")
    _denied(pg["audit"], "DELETE FROM audit_event")
    _denied(pg["audit"], "UPDATE audit_event SET what = 'x'")
    _denied(pg["audit"], "SELECT * FROM v_treaty_status")
    events = audit.recent_events(pg["owner"], STAFF)
    assert events.iloc[0]["what"] == "portal-stats-MAR.csv" and events.iloc[0]["scope"] == "MAR"
    with access.scoped_connection(pg["web"], "staff") as conn:  # the web login, as staff
        assert "portal-stats-MAR.csv" in set(audit.recent_events(conn, STAFF)["what"])
    with pytest.raises(ProgrammingError):
        with access.scoped_connection(pg["web"], "partner", ["MAR"]) as conn:
            audit.recent_events(conn, STAFF)  # the database refuses even if Python passed STAFF
    writer.dispose()


def test_database_and_reading_model_agree_for_a_partner(pg):
    """The partner's frame read through its role (own portal rows by row-level security, aggregates
    from v_public_stats), filtered by scope_filter, equals scope_filter over everything."""
    mar = Audience("partner", portals=frozenset({"MAR"}))
    owner = pg["owner"]
    portals = reading.portals(owner)
    with access.scoped_connection(pg["web"], "partner", ["MAR"]) as conn:
        own = pd.read_sql(text("SELECT * FROM v_portal_stats WHERE period_kind = 'year'"), conn)
        agg = pd.read_sql(text("SELECT * FROM v_public_stats"), conn)
    assert set(own["unit_code"]) == {"MAR"}
    from_db = scope_filter(mar, pd.concat([own, agg], ignore_index=True), portals)
    everything = pd.concat([reading.portal_stats(owner, k, "year") for k in ("portal", "region", "network")],
                           ignore_index=True)
    from_model = scope_filter(mar, everything, portals)

    def key(frame):
        return sorted((r.unit_kind, r.unit_code, pd.Timestamp(r.period_start).year,
                       None if pd.isna(r.received) else int(r.received), r.hidden) for r in frame.itertuples())
    assert key(from_db) == key(from_model)

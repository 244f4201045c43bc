"""Who may read what on PostgreSQL: one group role per audience, grants by allow-list, row-level
security on the per-portal statistics, and an insert-only role for the audit trail.

    python -m etl.access grant                                   # roles, grants, policies (idempotent)
    python -m etl.access login NAME --audience public [--password-env VAR]
    python -m etl.access show                                    # what each role may read

Design (README, "Audiences and sign-in"):

- NOLOGIN group roles `lanzarote_public`, `lanzarote_partner`, `lanzarote_funder`,
  `lanzarote_staff`, and `lanzarote_audit_writer`. Login roles are members of them: a web process
  that serves only the public (an embed) logs in as a role that is a member of `lanzarote_public`
  and nothing else, so no bug in Python can read more; a web process with sign-in logs in as a
  NOINHERIT role that is a member of the four, holds no privilege of its own, and takes the
  audience's role for each transaction (`scoped(conn, kind, portals)`: SET LOCAL ROLE + the
  portals setting).
- Grants are an allow-list (PUBLIC_READ, PORTAL_READ, STAFF_READ below): anything added to the
  schema later stays unreadable by every web role until it is listed here.
- public: the reference tables and views, and `v_public_stats` (network and region rows, yearly,
  every row covering at least 3 portals, hidden rows said hidden: the rules of
  dashboard/audience.py in SQL). It is a view with the owner's rights, so the public role never
  gets the per-portal table: selecting from `portal_stat` or `v_portal_stats` is "permission
  denied".
- partner and funder: what the public has, plus `portal_stat` under row-level security and the
  per-portal view `v_portal_stats` turned security-invoker (so the policy applies to the reader, not the view's
  owner). The policy lets through only `unit_kind = 'portal'` rows whose code is in the
  transaction's `lanzarote.portals` setting (comma-separated; unset = no row). Aggregates come
  from `v_public_stats`. A funder's portals are resolved by the web process from the portal list.
- staff: everything listed, every row, `load_run` (statistics files' names and row counts: everyone
  else reads loads through `v_load`, which leaves them out), and the audit trail.
- The web process (dashboard/warehouse.py) calls `public_by_default` on its engine: where
  `enforced`, every transaction starts as the public role, and the reading model takes the
  audience's role for statistics (`scoped_connection`), so a read that names no audience gets the
  public's rights only.
- audit writer: INSERT on `audit_event` and USAGE on its sequence; no SELECT.

The views are dropped and recreated by every schema set-up (etl/views.py), which drops their
grants: `ensure_schema` calls `apply_if_enabled`, which re-applies all of this in the same
transaction once `grant` has created the roles.

Why a setting and not one database role per partner: partners and funders change with each portal
launch and each grant, and a web process would need one connection pool and secret per
organisation. The setting is set by the same code that resolves the signed-in audience; the
database still guarantees that the public role never reads per-portal rows, that a partner
transaction sees only the portals it was opened for (a query that forgets its WHERE, or asks for
another portal, gets nothing), and that nothing unlisted is readable.
"""
from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager

from sqlalchemy import text

# --- the names this module knows: adapt here when the statistics tables change -----------------
STATS_TABLE = "portal_stat"                                     # per-portal rows, under row-level security
PORTAL_VIEWS = ["v_portal_stats"]                               # made security-invoker
PUBLIC_STATS_VIEW = "v_public_stats"                            # created here: aggregates only
REFERENCE_TABLES = ["country", "country_alias", "treaty_office_code", "coe_membership", "treaty", "treaty_event",
                    "treaty_note", "portal", "monitoring_round", "round_party", "published_figure", "stat_publication",
                    "stat_portal_region"]
REFERENCE_VIEWS = ["v_treaty_event", "v_treaty_dates", "v_treaty_status", "v_country", "v_portal", "v_load",
                   "v_stat_publication"]   # v_load: statistics loads without file, hash or row counts
STAFF_ONLY = ["load_run", "stat_load", "job_state"]   # load_run: a statistics load's file, hash, counts
AUDIT_TABLE = "audit_event"

PUBLIC_READ = REFERENCE_TABLES + REFERENCE_VIEWS + [PUBLIC_STATS_VIEW]
PORTAL_READ = PUBLIC_READ + [STATS_TABLE] + PORTAL_VIEWS
STAFF_READ = PORTAL_READ + STAFF_ONLY + [AUDIT_TABLE]

KINDS = ("public", "partner", "funder", "staff")
PORTALS_SETTING = "lanzarote.portals"
MIN_PORTALS = 3


def default_prefix() -> str:
    return os.environ.get("LANZAROTE_ROLE_PREFIX", "lanzarote")


def role(kind: str, prefix: str | None = None) -> str:
    """The group role of an audience kind, or 'audit_writer'."""
    prefix = prefix or default_prefix()
    if kind not in KINDS + ("audit_writer",):
        raise ValueError(f"unknown role kind {kind!r}")
    return f"{prefix}_{kind}"


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain SQL name: {name!r}")
    return f'"{name}"'


def _measures() -> list[str]:
    from .stats_format import MEASURES
    return list(MEASURES)


def public_stats_sql() -> str:
    """network and region rows, yearly; a region of fewer than MIN_PORTALS portals (surely launched by
    the year's end) is hidden, and so is the smallest other region when the hidden ones would
    otherwise be worked out from the network total (dashboard.audience.scope_filter for the public)."""
    measures = _measures()
    shown = ",\n       ".join(
        f"CASE WHEN h.hidden IS NULL THEN s.{m} END AS {m}, "
        f"CASE WHEN h.hidden IS NULL THEN s.{m}_suppressed ELSE 1 END AS {m}_suppressed" for m in measures)
    return f"""
CREATE VIEW {PUBLIC_STATS_VIEW} AS
WITH stat AS (
  SELECT s.unit_kind, s.unit_code, s.period_start, CAST(EXTRACT(YEAR FROM s.period_start) AS integer) AS year,
         s.received
  FROM {STATS_TABLE} s WHERE s.unit_kind IN ('network', 'region') AND s.period_kind = 'year'),
running AS (
  SELECT COALESCE(r.region_group, split_part(COALESCE(NULLIF(p.region, ''), 'Unknown region'), ' (', 1))
           AS region_group,
         CAST(EXTRACT(YEAR FROM p.launch_to) AS integer) AS first_year
  FROM portal p LEFT JOIN stat_portal_region r ON r.portal_code = p.portal_code
  WHERE p.launch_to IS NOT NULL),
sized AS (
  SELECT st.*, (SELECT COUNT(*) FROM running r WHERE r.first_year <= st.year
                AND (st.unit_kind = 'network' OR r.region_group = st.unit_code)) AS n
  FROM stat st),
flagged AS (SELECT z.*, (z.n < {MIN_PORTALS}) AS few FROM sized z),
per_year AS (
  SELECT year, COUNT(*) FILTER (WHERE few) AS h, COALESCE(SUM(n) FILTER (WHERE few), 0) AS ph,
         COUNT(*) FILTER (WHERE NOT few) AS visible
  FROM flagged WHERE unit_kind = 'region' GROUP BY year),
ranked AS (
  SELECT f.*, COALESCE(y.h, 0) AS h, COALESCE(y.ph, 0) AS ph, COALESCE(y.visible, 0) AS visible,
         ROW_NUMBER() OVER (PARTITION BY f.year, f.unit_kind, f.few
                            ORDER BY f.n, COALESCE(f.received, 0), f.unit_code) AS rk
  FROM flagged f LEFT JOIN per_year y ON y.year = f.year),
hidden AS (
  SELECT r.unit_kind, r.unit_code, r.period_start,
    CASE WHEN r.unit_kind = 'region' AND r.few THEN 'fewer than 3 portals'
         WHEN r.unit_kind = 'region' AND r.h >= 1 AND NOT (r.h >= 2 AND r.ph >= {MIN_PORTALS}) AND r.rk = 1
           THEN 'hidden so that another hidden total cannot be worked out'
         WHEN r.unit_kind = 'network' AND r.n < {MIN_PORTALS} THEN 'fewer than 3 portals'
         WHEN r.unit_kind = 'network' AND r.h >= 1 AND NOT (r.h >= 2 AND r.ph >= {MIN_PORTALS}) AND r.visible = 0
           THEN 'hidden so that another hidden total cannot be worked out'
    END AS hidden
  FROM ranked r)
SELECT s.unit_kind, s.unit_code,
       CASE WHEN s.unit_kind = 'network' THEN 'All portals' ELSE s.unit_code END AS unit_name,
       s.period_kind, s.period_start, s.is_demo,
       {shown},
       s.load_id, pub.k AS suppression_k, h.hidden
FROM {STATS_TABLE} s
JOIN hidden h ON h.unit_kind = s.unit_kind AND h.unit_code = s.unit_code AND h.period_start = s.period_start
LEFT JOIN stat_publication pub ON pub.load_id = s.load_id
WHERE s.period_kind = 'year'
"""


def _existing(conn, names: list[str]) -> list[str]:
    rows = conn.execute(text("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE n.nspname = current_schema() AND c.relname = ANY(:names)"),
                        {"names": names}).scalars().all()
    return [n for n in names if n in set(rows)]


def roles_exist(conn, prefix: str | None = None) -> bool:
    prefix = prefix or default_prefix()
    return bool(conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                             {"r": role("public", prefix)}).first())


def enforced(conn, prefix: str | None = None) -> bool:
    """Whether this transaction can read as an audience: PostgreSQL, the roles created, the login a
    member of them (a superuser counts), and this schema's grants applied (its public view exists).
    Anywhere else (SQLite, no roles) the reading model's scope_filter is the only guard."""
    if conn.dialect.name != "postgresql":
        return False
    # the catalogue, not to_regclass: a login with no right of its own does not see the schema yet
    return bool(conn.execute(text(
        "SELECT pg_has_role(session_user, r.oid, 'MEMBER') AND EXISTS (SELECT 1 FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = :view AND n.nspname = ANY("
        "string_to_array(replace(replace(current_setting('search_path'), '\"', ''), ' ', ''), ','))) "
        "FROM pg_roles r WHERE r.rolname = :role"),
        {"role": role("public", prefix), "view": PUBLIC_STATS_VIEW}).scalar())


def create_roles(conn, prefix: str | None = None) -> None:
    """The NOLOGIN group roles (cluster-wide; created once)."""
    for kind in KINDS + ("audit_writer",):
        name = role(kind, prefix)
        conn.execute(text(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN "
                          f"CREATE ROLE {_ident(name)} NOLOGIN; END IF; END $$"))


def apply(conn, prefix: str | None = None) -> None:
    """Grants, row-level security and the public statistics view, in the current schema. Idempotent."""
    from .audit import audit_event
    audit_event.create(conn, checkfirst=True)
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    conn.execute(text(f"DROP VIEW IF EXISTS {PUBLIC_STATS_VIEW}"))
    conn.execute(text(public_stats_sql()))
    groups = {k: _ident(role(k, prefix)) for k in KINDS + ("audit_writer",)}
    everything = _existing(conn, sorted(set(STAFF_READ)))
    names = ", ".join(_ident(n) for n in everything)
    conn.execute(text(f"REVOKE ALL ON {names} FROM {', '.join(groups.values())}"))
    for kind, allowed in (("public", PUBLIC_READ), ("partner", PORTAL_READ), ("funder", PORTAL_READ),
                          ("staff", STAFF_READ)):
        conn.execute(text(f"GRANT USAGE ON SCHEMA {_ident(schema)} TO {groups[kind]}"))
        present = _existing(conn, allowed)
        if present:
            conn.execute(text(f"GRANT SELECT ON {', '.join(_ident(n) for n in present)} TO {groups[kind]}"))
    # the per-portal views apply the reader's row-level security, not their owner's
    for view in _existing(conn, PORTAL_VIEWS):
        conn.execute(text(f"ALTER VIEW {_ident(view)} SET (security_invoker = true)"))
    stats = _ident(STATS_TABLE)
    conn.execute(text(f"ALTER TABLE {stats} ENABLE ROW LEVEL SECURITY"))
    for policy in ("audience_portals", "audience_staff"):
        conn.execute(text(f"DROP POLICY IF EXISTS {policy} ON {stats}"))
    conn.execute(text(
        f"CREATE POLICY audience_portals ON {stats} FOR SELECT TO {groups['partner']}, {groups['funder']} "
        f"USING (unit_kind = 'portal' AND unit_code = ANY (string_to_array("
        f"NULLIF(current_setting('{PORTALS_SETTING}', true), ''), ',')))"))
    conn.execute(text(f"CREATE POLICY audience_staff ON {stats} FOR SELECT TO {groups['staff']} USING (true)"))
    # the audit trail: the writer adds rows and cannot read them; staff read them
    audit = _ident(AUDIT_TABLE)
    conn.execute(text(f"REVOKE ALL ON {audit} FROM {groups['audit_writer']}"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA {_ident(schema)} TO {groups['audit_writer']}"))
    conn.execute(text(f"GRANT INSERT ON {audit} TO {groups['audit_writer']}"))
    seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": AUDIT_TABLE}).scalar()
    if seq:
        conn.execute(text(f"GRANT USAGE ON SEQUENCE {seq} TO {groups['audit_writer']}"))


def apply_if_enabled(conn, prefix: str | None = None) -> None:
    """Called by every schema set-up: on PostgreSQL, once `grant` has created the roles, re-apply."""
    if conn.dialect.name == "postgresql" and roles_exist(conn, prefix):
        apply(conn, prefix)


def create_login(conn, name: str, kinds: list[str], password: str | None = None, prefix: str | None = None) -> None:
    """A login role for a web process. One kind: it inherits that audience's rights (an embed that
    serves only the public). Several: NOINHERIT, it has no rights until `scoped` sets a role."""
    for kind in kinds:
        role(kind, prefix)
    inherit = "INHERIT" if len(kinds) == 1 else "NOINHERIT"
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": name}).first()
    verb = "ALTER" if exists else "CREATE"
    conn.execute(text(f"{verb} ROLE {_ident(name)} LOGIN {inherit}"))
    if password is not None:
        conn.execute(text(f"ALTER ROLE {_ident(name)} PASSWORD :p".replace(":p", _literal(conn, password))))
    for kind in kinds:
        conn.execute(text(f"GRANT {_ident(role(kind, prefix))} TO {_ident(name)}"))


def _literal(conn, value: str) -> str:
    return conn.execute(text("SELECT quote_literal(:v)"), {"v": value}).scalar_one()


def scoped(conn, kind: str, portals=(), prefix: str | None = None) -> None:
    """Start of a web transaction on PostgreSQL: take the audience's role and its portals, for this
    transaction only (SET LOCAL / set_config(..., true)); both end with the transaction."""
    conn.execute(text(f"SET LOCAL ROLE {_ident(role(kind, prefix))}"))
    codes = ",".join(sorted(str(p).upper() for p in portals))
    conn.execute(text("SELECT set_config(:k, :v, true)"), {"k": PORTALS_SETTING, "v": codes})


@contextmanager
def scoped_connection(engine, kind: str, portals=(), prefix: str | None = None):
    """A transaction for one audience's reading: where `enforced`, it runs as the audience's role with
    its portals (`scoped`); elsewhere (SQLite, or roles not set up) it is a plain transaction and the
    reading model's scope_filter is the only guard."""
    with engine.begin() as conn:
        if enforced(conn, prefix):
            scoped(conn, kind, portals, prefix)
        yield conn


def public_by_default(engine, prefix: str | None = None) -> None:
    """Make every transaction of `engine` start as the public role where `enforced`: a read that does
    not name its audience (scoped_connection) gets the public's rights, never more. The web process's
    engine (dashboard/warehouse.py) has this; checked once per connection."""
    from sqlalchemy import event

    @event.listens_for(engine, "begin")
    def _public(conn):
        info = conn.connection.info
        if "lanzarote_enforced" not in info:
            info["lanzarote_enforced"] = enforced(conn, prefix)
        if info["lanzarote_enforced"]:
            scoped(conn, "public", (), prefix)


def main(argv=None) -> int:
    from .db import ensure_schema, make_engine
    parser = argparse.ArgumentParser(prog="python -m etl.access", description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", default=None, help="role name prefix (default LANZAROTE_ROLE_PREFIX or lanzarote)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("grant", help="create the group roles and apply grants and policies (run once; loads keep them)")
    p = sub.add_parser("login", help="create or update a login role for a web process")
    p.add_argument("name")
    p.add_argument("--audience", action="append", choices=KINDS + ("audit_writer",), required=True)
    p.add_argument("--password-env", help="environment variable holding its password")
    sub.add_parser("show", help="what each group role may read")
    args = parser.parse_args(argv)
    engine = make_engine()
    if engine.dialect.name != "postgresql":
        print("database roles are for PostgreSQL; on SQLite the reading model applies the audience "
              "(dashboard/audience.py)", file=sys.stderr)
        return 1
    with engine.begin() as conn:
        if args.command == "grant":
            create_roles(conn, args.prefix)
        elif args.command == "login":
            password = os.environ[args.password_env] if args.password_env else None
            create_login(conn, args.name, args.audience, password, args.prefix)
        elif args.command == "show":
            rows = conn.execute(text(
                "SELECT grantee, string_agg(table_name, ', ' ORDER BY table_name) FROM information_schema.role_table_grants "
                "WHERE table_schema = current_schema() AND grantee LIKE :p GROUP BY grantee ORDER BY grantee"),
                {"p": (args.prefix or default_prefix()) + "_%"}).all()
            for grantee, tables in rows:
                print(f"{grantee}: {tables}")
            return 0
    if args.command == "grant":
        ensure_schema(engine)  # applies the grants in the same transaction as the views they protect
        print(f"roles {', '.join(role(k, args.prefix) for k in KINDS + ('audit_writer',))}: grants and policies applied")
    return 0


if __name__ == "__main__":
    sys.exit(main())

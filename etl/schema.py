"""The warehouse tables (SQLAlchemy Core); the same DDL on SQLite and PostgreSQL."""
from sqlalchemy import (Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String,
                        Table, Text, UniqueConstraint)

metadata = MetaData(naming_convention={
    "pk": "pk_%(table_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s", "ix": "ix_%(table_name)s_%(column_0_name)s",
})


def _load_fk():
    return Column("load_id", Integer, ForeignKey("load_run.id"), nullable=False)


load_run = Table(
    "load_run", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job", String(64), nullable=False, index=True),
    Column("source", Text, nullable=False),
    Column("retrieved_at", Date),
    Column("sha256", String(64), nullable=False),
    Column("rows_in", Integer, nullable=False, default=0),
    Column("rows_loaded", Integer, nullable=False, default=0),
    Column("rows_rejected", Integer, nullable=False, default=0),
    Column("outcome", String(16), nullable=False),  # ok | failed
    Column("message", Text),
    Column("rejects_file", Text),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
)

country = Table(
    "country", metadata,
    Column("code", String(3), primary_key=True),  # ISO 3166-1 alpha-3, or a documented project code
    Column("code_kind", String(16), nullable=False),  # iso3166-1 | project
    Column("iso_alpha2", String(2)),
    Column("iso_numeric", String(3)),
    Column("name_en", Text, nullable=False),
    Column("name_fr", Text, nullable=False),
    Column("official_name_en", Text),
    Column("parent_code", String(3)),
    Column("iso3166_2", String(6)),
    Column("continent", String(16)),  # UN M49 (data/country_regions.csv)
    Column("un_region", String(32)),
    Column("marker_lat", Float),  # where a map marker goes (small states, territories, portals)
    Column("marker_lon", Float),
    Column("note", Text),
    _load_fk(),
)

treaty_office_code = Table(
    "treaty_office_code", metadata,
    Column("coe_code", String(8), primary_key=True),
    Column("country_code", String(3), ForeignKey("country.code"), nullable=False),
    Column("verified", Boolean, nullable=False),
    Column("source", Text),
    _load_fk(),
)

coe_membership = Table(
    "coe_membership", metadata,
    Column("country_code", String(3), ForeignKey("country.code"), primary_key=True),
    Column("accession_date", Date, nullable=False),
    Column("left_date", Date),
    Column("notes", Text),
    Column("source", Text, nullable=False),
    Column("confidence", String(8), nullable=False),
    _load_fk(),
)

treaty = Table(
    "treaty", metadata,
    Column("treaty_num", Integer, primary_key=True),
    Column("short_title", Text),
    Column("title_en", Text),
    Column("title_fr", Text),
    Column("opened_date", Date),
    Column("entry_into_force_date", Date),
    Column("eif_months_after_deposit", Integer),  # None: no derivation rule known for this treaty
    Column("source", Text),
    _load_fk(),
)

# source_rank orders competing values for one fact: 1 Treaty Office export, 2 curated primary,
# 3 curated alternative (a conflicting report), 4 derived by rule. The lowest rank is shown.
treaty_event = Table(
    "treaty_event", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("treaty_num", Integer, ForeignKey("treaty.treaty_num"), nullable=False, index=True),
    Column("country_code", String(3), ForeignKey("country.code"), nullable=False, index=True),
    Column("event_type", String(32), nullable=False),
    Column("date_from", Date),
    Column("date_to", Date),
    Column("date_precision", String(8), nullable=False),
    Column("basis", String(8), nullable=False),  # read | derived
    Column("source_rank", Integer, nullable=False),
    Column("detail", Text),
    Column("source", Text, nullable=False),
    Column("confidence", String(8), nullable=False),
    Column("note", Text),
    _load_fk(),
)

treaty_note = Table(
    "treaty_note", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("treaty_num", Integer, ForeignKey("treaty.treaty_num"), nullable=False),
    Column("country_code", String(3), ForeignKey("country.code")),  # None: about the treaty as a whole
    Column("field", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("source", Text),
    _load_fk(),
)

portal = Table(
    "portal", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("portal_code", String(8), nullable=False, unique=True),  # the portal's key in statistics files
    Column("portal_name", Text, nullable=False, unique=True),
    Column("country_code", String(3), ForeignKey("country.code")),  # None for a multi-country portal
    Column("scope", String(16), nullable=False),
    Column("launch_from", Date),
    Column("launch_to", Date),
    Column("launch_precision", String(8), nullable=False),
    Column("region", Text),
    Column("partners", Text),
    Column("funders", Text),
    Column("languages", Text),
    Column("url", Text),
    Column("source", Text, nullable=False),
    Column("confidence", String(8), nullable=False),
    Column("notes", Text),
    _load_fk(),
)

monitoring_round = Table(
    "monitoring_round", metadata,
    Column("round_code", String(16), primary_key=True),
    Column("title", Text, nullable=False),
    Column("launched", Text),
    Column("report_codes", Text),
    Column("report_adopted", Text),
    Column("parties_covered_count", Integer),
    Column("source", Text),
    Column("notes", Text),
    _load_fk(),
)

round_party = Table(
    "round_party", metadata,
    Column("round_code", String(16), ForeignKey("monitoring_round.round_code"), primary_key=True),
    Column("country_code", String(3), ForeignKey("country.code"), primary_key=True),
    Column("covered", String(8), nullable=False),  # yes | no | unknown
    Column("reply_submitted", String(8), nullable=False),  # yes | no | unknown
    Column("reply_detail", Text),
    Column("recommendations", Text),
    Column("compliance_status", Text),  # None: unknown
    Column("source", Text),
    Column("confidence", String(8)),
    _load_fk(),
)

published_figure = Table(
    "published_figure", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("publisher", String(16), nullable=False),
    Column("year", Integer, nullable=False),
    Column("metric", Text, nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", Text),
    Column("source", Text, nullable=False),
    Column("notes", Text),
    _load_fk(),
    UniqueConstraint("publisher", "year", "metric"),
)

job_state = Table(
    "job_state", metadata,
    Column("job", String(64), primary_key=True),
    Column("input_sha256", String(64), nullable=False),  # inputs and the job's code
    Column("load_id", Integer, ForeignKey("load_run.id"), nullable=False),
)

country_alias = Table(
    "country_alias", metadata,
    Column("alias", Text, primary_key=True),
    Column("country_code", String(3), ForeignKey("country.code"), nullable=False),
    _load_fk(),
)

# Which statistics loads count. Published figures are in portal_stat (read through the views); what the
# ETL needs to merge later files and to never count twice is in the private stat_load_* and
# stat_publication_cells tables, written in the same transaction as the figures and never in a view.
stat_load = Table(
    "stat_load", metadata,
    Column("load_id", Integer, ForeignKey("load_run.id"), primary_key=True),
    Column("kind", String(16), nullable=False),  # reports | summary
    Column("file_sha256", String(64), nullable=False, index=True),
    Column("file_name", Text, nullable=False),
    Column("is_demo", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("first_month", Date),
    Column("last_month", Date),
)

stat_load_counts = Table(  # private: the load's unsuppressed counts per portal-month (compressed numpy arrays)
    "stat_load_counts", metadata,
    Column("load_id", Integer, ForeignKey("stat_load.load_id"), primary_key=True),
    Column("hash_scheme", String(200), nullable=False),  # how stat_load_refs were hashed (see stats_store)
    Column("counts", LargeBinary, nullable=False),
)

stat_load_refs = Table(  # private: 8-byte hashes of the counted report references (file order), in parts
    "stat_load_refs", metadata,
    Column("load_id", Integer, ForeignKey("stat_load.load_id"), primary_key=True),
    Column("part", Integer, primary_key=True),
    Column("hashes", LargeBinary, nullable=False),
)

stat_load_month = Table(  # private: the portal-months each load counted, and from which kind of source
    "stat_load_month", metadata,
    Column("load_id", Integer, ForeignKey("stat_load.load_id"), primary_key=True),
    Column("portal_code", String(8), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("kind", String(16), nullable=False),  # reports | summary
    Index("ix_stat_load_month_portal_month", "portal_code", "month"),
)

stat_publication = Table(
    "stat_publication", metadata,
    Column("load_id", Integer, ForeignKey("load_run.id"), primary_key=True),
    Column("rule", Text, nullable=False),  # the disclosure rule in words (etl.stats_policy.RULE)
    Column("k", Integer, nullable=False),  # counts 1..k-1 suppressed
    Column("width", Integer, nullable=False),  # protection width required of every hidden small count
    Column("narrowest", Float),  # narrowest interval an attacker can prove for a hidden small count; None: none
    Column("is_demo", Boolean, nullable=False),
    Column("loads", Text, nullable=False),  # the stat_load ids the figures come from
    Column("cells", Integer, nullable=False),
    Column("cells_suppressed", Integer, nullable=False),
)

stat_portal_region = Table(  # the region each portal's counts are added to in the published totals
    "stat_portal_region", metadata,
    Column("portal_code", String(8), primary_key=True),
    Column("region_group", Text, nullable=False),
    Column("listed", Boolean, nullable=False),  # False: removed from the portal list, counted, not published
)

stat_publication_cells = Table(  # private: what each publication showed and hid, with the true values
    "stat_publication_cells", metadata,
    Column("load_id", Integer, ForeignKey("stat_publication.load_id"), primary_key=True),
    Column("cells", LargeBinary, nullable=False),
)


def _portal_stat_table():
    from .stats_format import MEASURES
    cols = [Column("unit_kind", String(8), primary_key=True),  # portal | region | network
            Column("unit_code", String(64), primary_key=True),
            Column("period_kind", String(8), primary_key=True),  # month | year
            Column("period_start", Date, primary_key=True),
            Column("is_demo", Boolean, nullable=False)]
    for m in MEASURES:
        cols += [Column(m, Integer), Column(f"{m}_suppressed", Integer, nullable=False)]
    return Table("portal_stat", metadata, *cols, _load_fk())


portal_stat = _portal_stat_table()

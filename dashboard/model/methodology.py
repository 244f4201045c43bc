"""Data and methodology: each job's last load, the publication (k, cells hidden, demo or real), the known
gaps and conflicts, and what each statistic means; for staff, the audit trail."""
from dataclasses import dataclass

import pandas as pd

from etl.stats_format import IWF_TERMS

from .. import reading
from ..audience import Audience


@dataclass
class Methodology:
    loads: pd.DataFrame       # job, load_id, source, retrieved_at, sha256, finished_at, rows_in, rows_loaded, ...
    publication: dict         # k, is_demo, cells, cells_suppressed (empty when no statistics are loaded)
    caveats: pd.DataFrame     # country_code (None: all Parties), name_en, field, note, kind, source
    terms: dict               # measure code -> the IWF's published term


def methodology(engine) -> Methodology:
    return Methodology(reading.last_loads(engine), reading.publication(engine), reading.data_caveats(engine),
                       dict(IWF_TERMS))


def audit_trail(engine, audience: Audience, limit: int = 200) -> pd.DataFrame | None:
    """The latest sign-ins, downloads and briefings, newest first: for staff; None for anyone else."""
    if not audience.is_staff:
        return None
    from etl.access import scoped_connection
    from etl.audit import recent_events   # it defines the table (etl.schema): loaded for staff only
    with scoped_connection(engine, "staff") as conn:   # on PostgreSQL with roles: as the staff role
        return recent_events(conn, audience, limit)

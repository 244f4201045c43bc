"""`python -m etl demo`: a seeded, report-level DEMO export for the real portal network.

Every row says demo=yes and every reference starts with DEMO-. Volumes follow the IWF's published yearly
totals of reports assessed (shape only: each portal gets a random share); outcome and detail rates follow
published network shares where the IWF gives one (see README). Nothing here is a real figure.
"""
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import select

from .schema import country, portal, published_figure
from .stats_format import AGES, MEDIA, OUTCOMES, REPORT_COLUMNS, SELF_GENERATED, SEVERITY

# Shares of the published record: actioned ~27% of public reports (IWF 2021: 29%, 2022: 26%); category A
# ~20% of actioned (2022: 51,369 of 255,588); self-generated 92% of actioned webpages (2023); ~66% hosted in
# Europe (2022). The rest are round illustrative values, not published figures.
OUTCOME_P = [0.27, 0.50, 0.15, 0.06, 0.02]
MEDIA_P = [0.70, 0.20, 0.10]
SEVERITY_P = [0.20, 0.22, 0.58]
AGE_P = [0.02, 0.06, 0.22, 0.50, 0.14, 0.04, 0.02]
SELF_GENERATED_P = [0.92, 0.08]
HOSTING = ["NLD", "USA", "DEU", "FRA", "BGR", "RUS", "ROU", "SVK", "LVA", "CAN", "JPN", "HKG", "ZAF", "AUS", "unknown"]
HOSTING_P = [0.30, 0.12, 0.08, 0.06, 0.05, 0.05, 0.04, 0.04, 0.04, 0.05, 0.04, 0.03, 0.02, 0.02, 0.06]
CHUNK = 1_000_000
YEARLY_VOLUME_METRICS = ["reports processed (assessed)", "reports assessed"]  # yearly totals, not cumulative


def _year_weights(conn, years):
    """Relative yearly volume from the IWF's published 'reports assessed' series; flat where unknown."""
    rows = conn.execute(select(published_figure.c.year, published_figure.c.value).where(
        published_figure.c.publisher == "IWF",
        published_figure.c.metric.in_(YEARLY_VOLUME_METRICS)).order_by(published_figure.c.year,
                                                                        published_figure.c.id)).all()
    series = {}
    for y, v in rows:
        series.setdefault(y, v)  # one figure a year, the same on every backend
    known = sorted(series)
    out = []
    for y in years:
        nearest = min(known, key=lambda k: abs(k - y)) if known else None
        out.append(series.get(y, series.get(nearest, 1.0)) if nearest else 1.0)
    return np.array(out, dtype=float)


def _months(start: date, end: date):
    m = date(start.year, start.month, 1)
    while m <= end:
        yield m
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def generate(conn, seed: int, reports: int, out: Path, end: date | None = None) -> dict:
    """Write `reports` demo rows to `out` (CSV), month by month; return a small description."""
    rng = np.random.default_rng(seed)
    end = end or (date.today().replace(day=1) - timedelta(days=1))  # last complete month
    portals = conn.execute(select(portal.c.portal_code, portal.c.launch_to).where(
        portal.c.launch_to.is_not(None)).order_by(portal.c.portal_code)).all()
    hosting_known = set(conn.execute(select(country.c.code)).scalars())
    months = list(_months(min(p.launch_to for p in portals), end))
    year_w = dict(zip(sorted({m.year for m in months}), _year_weights(conn, sorted({m.year for m in months}))))
    assert set(HOSTING) - {"unknown"} <= hosting_known
    weights = rng.lognormal(0.0, 1.0, len(portals))
    cells, probs, portal_of_cell = [], [], []  # one cell per portal and month it was live
    for m in months:
        last = min(date(m.year + (m.month == 12), m.month % 12 + 1, 1) - timedelta(days=1), end)
        for pi, p in enumerate(portals):
            first = max(m, p.launch_to)  # the latest the launch can have been: never before it
            if first > last:
                continue
            cells.append((first, last))
            portal_of_cell.append(pi)
            probs.append(weights[pi] * year_w[m.year] * ((last - first).days + 1) / 30.0)
    probs = np.array(probs) / np.sum(probs)
    counts = rng.multinomial(reports, probs)
    codes = np.array([p.portal_code for p in portals])
    portal_of_cell = np.array(portal_of_cell)
    first_day = np.array([np.datetime64(c[0]) for c in cells])
    span = np.array([(c[1] - c[0]).days + 1 for c in cells])

    schema = pa.schema([(c, pa.string()) for c in REPORT_COLUMNS] + [("demo", pa.string())])
    written, serial = 0, 0
    with pacsv.CSVWriter(str(out), schema, write_options=pacsv.WriteOptions(quoting_style="none")) as writer:
        cell_ids = np.repeat(np.arange(len(cells)), counts)
        for start in range(0, len(cell_ids), CHUNK):
            ids = cell_ids[start:start + CHUNK]
            n = len(ids)
            days = first_day[ids] + (rng.random(n) * span[ids]).astype("timedelta64[D]")
            outcome = rng.choice(len(OUTCOMES), n, p=OUTCOME_P)
            act = outcome == 0
            refs = pc.binary_join_element_wise(
                "DEMO-", pa.array(np.arange(serial, serial + n)).cast(pa.string()), "")
            serial += n

            def cat(values, p):
                idx = rng.choice(len(values), n, p=p)
                arr = pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pa.array(values)).cast(pa.string())
                return pc.if_else(pa.array(act), arr, pa.scalar("", pa.string()))
            batch = pa.record_batch([
                refs, pa.DictionaryArray.from_arrays(pa.array(portal_of_cell[ids].astype(np.int32)),
                                                     pa.array(codes)).cast(pa.string()),
                pa.array(days.astype("datetime64[D]")).cast(pa.string()),
                pa.DictionaryArray.from_arrays(pa.array(outcome.astype(np.int32)), pa.array(OUTCOMES)).cast(pa.string()),
                cat(MEDIA, MEDIA_P), cat(SEVERITY, SEVERITY_P), cat(AGES, AGE_P),
                cat(SELF_GENERATED, SELF_GENERATED_P), cat(HOSTING, HOSTING_P),
                pa.array(np.full(n, "yes")),
            ], schema=schema)
            writer.write_batch(batch)
            written += n
    return {"rows": written, "portals": len(set(portal_of_cell[counts > 0].tolist())), "first_month": months[0],
            "last_day": end, "seed": seed}

"""Turning model values into what a reader sees: dates with their precision and basis, value states, and
tables and CSV that a spreadsheet will not run as formulas."""
from datetime import date

import pandas as pd

from etl.dates import Period, format_period

from .model.cells import STATES
from .text import t

# A spreadsheet runs a cell starting with these as a formula: ASCII and full-width forms, tab and CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r")


def period(start, end, precision: str, basis: str | None = None) -> str:
    """'2013-03 (derived)', '2015', 'unknown': precision and basis stay visible."""
    if end is None or pd.isna(end):
        return t("unknown")
    shown = format_period(Period(pd.Timestamp(start).date(), pd.Timestamp(end).date(), precision))
    return f"{shown} ({t('derived')})" if basis == "derived" else shown


def event_date(row, prefix: str) -> str:
    """A status row's event (signature, deposit, eif) as shown: empty when not known by the as-of date."""
    if row is None or row.get(f"{prefix}_to") is None or pd.isna(row.get(f"{prefix}_to")):
        return ""
    return period(row.get(f"{prefix}_from"), row.get(f"{prefix}_to"), row.get(f"{prefix}_precision"),
                  row.get(f"{prefix}_basis"))


def portal_launch(row) -> str:
    """A portal's launch date at its own precision: 2021-02-09, 2013-10, 2022 or unknown."""
    return period(row.get("launch_from"), row.get("launch_to"), row.get("launch_precision"))


def state_label(state: str, k: int | None = None) -> str:
    return t(f"state.{state}", k=k if k is not None else "k")


def state_labels(k: int | None = None) -> dict:
    """Every value state's label, for charts that say what a missing value is."""
    return {s: state_label(s, k) for s in STATES}


def safe_cell(value):
    """A text cell that starts like a formula gets a leading apostrophe (spreadsheets then show it as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The same frame with every text cell (and column name) safe to open in a spreadsheet."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [safe_cell(v) for v in out[col]]
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def safe_csv(df: pd.DataFrame) -> bytes:
    return safe_frame(df).to_csv(index=False).encode("utf-8")


def file_name(key: str, as_of: date, data_date=None) -> str:
    """'cumulative_as-of-2015-01-01.csv', with the data's date where it differs from the as-of date."""
    name = f"{key}_as-of-{as_of.isoformat()}"
    if data_date is not None and str(data_date)[:10] != as_of.isoformat():
        name += f"_data-{str(data_date)[:10]}"
    return name + ".csv"

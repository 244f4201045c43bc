"""Turning model values into what a reader sees, in the reader's language: dates at their precision with
their basis, value states, and tables and CSV that a spreadsheet will not run as formulas.

Dates in sentences go through Babel (i18n.format_period: '25 octobre 2007'); dates in tables and CSV stay
ISO ('2013-03', '2015') so that the data downloads read the same in every language and sort as text."""
from datetime import date

import pandas as pd

from etl.dates import Period, format_period as iso_period

from .i18n import format_period
from .model.cells import STATES
from .text import t

# A spreadsheet runs a cell starting with these as a formula: ASCII and full-width forms, tab and CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r")


def _day(value) -> date:
    return pd.Timestamp(value).date()


def period(start, end, precision: str, lang: str, basis: str | None = None, data: bool = False) -> str:
    """A dated fact as read in a sentence ('mars 2013 (déduite)', '2015', 'inconnue'), or with data=True as a
    table or CSV cell ('2013-03 (derived)' with the label translated, the date ISO). Precision and basis
    stay visible."""
    if end is None or pd.isna(end):
        return t("unknown", lang)
    if data:
        shown = iso_period(Period(_day(start), _day(end), precision))
    else:
        shown = format_period(_day(start), _day(end), precision, lang)
    return f"{shown} ({t('derived', lang)})" if basis == "derived" else shown


def event_date(row, prefix: str, lang: str, data: bool = False) -> str:
    """A status row's event (signature, deposit, eif) as shown: empty when not known by the as-of date."""
    if row is None or row.get(f"{prefix}_to") is None or pd.isna(row.get(f"{prefix}_to")):
        return ""
    return period(row.get(f"{prefix}_from"), row.get(f"{prefix}_to"), row.get(f"{prefix}_precision"), lang,
                  row.get(f"{prefix}_basis"), data)


def portal_launch(row, lang: str, data: bool = False) -> str:
    """A portal's launch date at its own precision: 9 February 2021, October 2013, 2022 or unknown."""
    return period(row.get("launch_from"), row.get("launch_to"), row.get("launch_precision"), lang, data=data)


def answer(value, lang: str) -> str:
    """A published yes / no as the reader says it; a missing one is unknown, never no; other text as written."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return t("unknown", lang)
    return t(value, lang) if value in ("yes", "no") else value


def state_label(state: str, lang: str, k: int | None = None) -> str:
    return t(f"state.{state}", lang, k=k if k is not None else "k")


def state_labels(lang: str, k: int | None = None) -> dict:
    """Every value state's label, for charts that say what a missing value is."""
    return {s: state_label(s, lang, k) for s in STATES}


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

"""Turning warehouse rows into what a reader sees: dates with their precision and basis, safe CSV."""
import pandas as pd

from etl.dates import Period, format_period

from .text import t


def event_date(row, prefix: str) -> str:
    """'2013-03 (derived)', '2015', 'unknown': precision and basis stay visible."""
    if row is None:
        return ""
    start, end = row.get(f"{prefix}_from"), row.get(f"{prefix}_to")
    if end is None or pd.isna(end):
        return t("unknown")
    shown = format_period(Period(pd.Timestamp(start).date(), pd.Timestamp(end).date(), row[f"{prefix}_precision"]))
    return f"{shown} ({t('derived')})" if row.get(f"{prefix}_basis") == "derived" else shown


def safe_csv(df: pd.DataFrame) -> bytes:
    """CSV that a spreadsheet will not run: cells starting with = + - @ or a tab get a leading quote."""
    def guard(value):
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
        return value
    return df.map(guard).to_csv(index=False).encode("utf-8")


def portal_launch(row) -> str:
    """A portal's launch date at its own precision: 2021-02-09, 2013-10, 2022 or unknown."""
    start, end = row.get("launch_from"), row.get("launch_to")
    if end is None or pd.isna(end):
        return t("unknown")
    return format_period(Period(pd.Timestamp(start).date(), pd.Timestamp(end).date(), row["launch_precision"]))

"""Dated events known on a date: an event counts once it surely happened (its period ends by then)."""
from datetime import date

import pandas as pd

EVENT_PREFIXES = ("signature", "deposit", "eif", "denunciation")
EVENT_FIELDS = ("from", "to", "precision", "basis", "source", "confidence")


def known_by(row: dict, as_of: date) -> dict:
    """The status row with every event not surely past on `as_of` blanked: replay shows no future."""
    out = dict(row)
    for prefix in EVENT_PREFIXES:
        end = out.get(f"{prefix}_to")
        if end is None or pd.isna(end) or pd.Timestamp(end).date() > as_of:
            for f in EVENT_FIELDS:
                out[f"{prefix}_{f}"] = None
        else:
            out[f"{prefix}_from"] = pd.Timestamp(out[f"{prefix}_from"]).date()
            out[f"{prefix}_to"] = pd.Timestamp(end).date()
    return out


def steps(dates, as_of: date) -> pd.DataFrame:
    """A cumulative count as drawn: one row per date on which it rises (date, count), closed at as_of."""
    days = sorted(d for d in (pd.Timestamp(x).date() for x in dates if x is not None and not pd.isna(x))
                  if d <= as_of)
    counted = pd.Series(range(1, len(days) + 1), index=days, dtype="int64")
    counted = counted.groupby(level=0).max()
    frame = pd.DataFrame({"date": list(counted.index), "count": counted.to_numpy()})
    last = int(frame["count"].iloc[-1]) if len(frame) else 0
    if not len(frame) or frame["date"].iloc[-1] < as_of:
        frame = pd.concat([frame, pd.DataFrame({"date": [as_of], "count": [last]})], ignore_index=True)
    frame["count"] = frame["count"].astype("int64")
    return frame

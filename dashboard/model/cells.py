"""Values with their state: a published number, or why there is none.

The warehouse publishes a hidden count as NULL with `<measure>_suppressed` set. Today's ETL writes 1
for every hidden cell and does not record why; `suppression_state` is the one place that reads the
flag, so when the ETL writes 2 (below the threshold k) and 3 (hidden to protect another cell) the
reasons reach every page, download and briefing without another change.

A value the reader's audience may not see (dashboard/audience.py: a row with a `hidden` reason) is
WITHHELD, with its reason in the state ("withheld_few"): said to be hidden, never zero."""
import pandas as pd

from ..audience import REASON_CODES, reason_code

VALUE = "value"
SUPPRESSED = "suppressed"                       # hidden; the warehouse does not say why
SUPPRESSED_THRESHOLD = "suppressed_threshold"   # a small count (1 to k-1)
SUPPRESSED_SECONDARY = "suppressed_secondary"   # hidden to protect another cell
UNKNOWN = "unknown"
NOT_APPLICABLE = "not_applicable"
WITHHELD = tuple(f"withheld_{code}" for code in dict.fromkeys(REASON_CODES.values()))
STATES = (VALUE, SUPPRESSED, SUPPRESSED_THRESHOLD, SUPPRESSED_SECONDARY, UNKNOWN, NOT_APPLICABLE) + WITHHELD
HIDDEN = (SUPPRESSED, SUPPRESSED_THRESHOLD, SUPPRESSED_SECONDARY) + WITHHELD

_FLAGS = {0: VALUE, 1: SUPPRESSED, 2: SUPPRESSED_THRESHOLD, 3: SUPPRESSED_SECONDARY}


def suppression_state(flag, value=None) -> str:
    """The state of one published cell from its `<measure>_suppressed` flag (and its value)."""
    if flag is None or pd.isna(flag):
        return UNKNOWN
    state = _FLAGS.get(int(flag), SUPPRESSED)
    if state == VALUE and (value is None or pd.isna(value)):
        return UNKNOWN
    return state


def with_states(stats: pd.DataFrame, measures) -> pd.DataFrame:
    """period_start plus, per measure, its integer value (missing when not a value) and `<m>_state`."""
    out = pd.DataFrame({"period_start": pd.to_datetime(stats["period_start"]).to_numpy()})
    hidden = stats["hidden"] if "hidden" in stats.columns else [None] * len(stats)
    for m in measures:
        states = [f"withheld_{reason_code(h)}" if isinstance(h, str) else suppression_state(f, v)
                  for f, v, h in zip(stats[f"{m}_suppressed"], stats[m], hidden)]
        values = [int(v) if s == VALUE else None for v, s in zip(stats[m], states)]
        out[m] = pd.array(values, dtype="Int64")
        out[f"{m}_state"] = states
    return out


def share(frame: pd.DataFrame, part: str, whole: str, name: str) -> pd.DataFrame:
    """A derived percentage (one decimal) of two measures; hidden when either is, n/a on a zero whole."""
    values, states = [], []
    for p, ps, w, ws in zip(frame[part], frame[f"{part}_state"], frame[whole], frame[f"{whole}_state"]):
        if ps in HIDDEN or ws in HIDDEN:
            values.append(None)
            states.append(ps if ps in HIDDEN else ws)
        elif ps != VALUE or ws != VALUE:
            values.append(None)
            states.append(UNKNOWN)
        elif w == 0:
            values.append(None)
            states.append(NOT_APPLICABLE)
        else:
            values.append(round(100 * p / w, 1))
            states.append(VALUE)
    frame[name] = pd.array(values, dtype="Float64")
    frame[f"{name}_state"] = states
    return frame


def all_hidden(frame: pd.DataFrame, measure: str) -> bool:
    """True when no period has a value for the measure (a chart of it would be empty)."""
    return not (frame[f"{measure}_state"] == VALUE).any()


def stack_parts(frame: pd.DataFrame, total: str, parts: list) -> pd.DataFrame:
    """A breakdown as stacked bars are drawn: period_start, part, value, state. Hidden parts become one
    'hidden' part whose height is the published total minus the visible parts (derived: the sum of the
    hidden cells, never any one of them); when the total is hidden too, its height is unknown (None)."""
    rows = []
    for r in frame.to_dict("records"):
        hidden = [p for p in parts if r[f"{p}_state"] != VALUE]
        for p in parts:
            if p not in hidden:
                rows.append((r["period_start"], p, int(r[p]), VALUE))
        if hidden:
            rest = int(r[total]) - sum(int(r[p]) for p in parts if p not in hidden) \
                if r[f"{total}_state"] == VALUE else None
            state = r[f"{hidden[0]}_state"]
            rows.append((r["period_start"], "hidden:" + ",".join(hidden), rest, state))
    out = pd.DataFrame(rows, columns=["period_start", "part", "value", "state"])
    out["value"] = out["value"].astype("Int64")
    return out

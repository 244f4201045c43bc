"""Model frames -> the labelled tables a reader sees: on a page, in its CSV and in a briefing, so all three
hold the same values. Counts stay integers; every value column has a state column beside it."""
import pandas as pd

from .formatting import event_date, period, portal_launch, state_label
from .text import t


def states_table(states: pd.DataFrame) -> pd.DataFrame:
    """The overview's table: one row per state or territory with a status, a CoE seat or a portal."""
    rows = states[states["in_table"]]
    return pd.DataFrame({
        t("col.code"): rows["code"], t("col.country"): rows["name_en"],
        t("col.status"): [t(f"cat.{c}") for c in rows["category"]],
        t("col.coe"): [t("yes") if m else t("no") for m in rows["coe_member"]],
        t("col.signature"): [event_date(r, "signature") for r in rows.to_dict("records")],
        t("col.deposit"): [event_date(r, "deposit") for r in rows.to_dict("records")],
        t("col.eif"): [event_date(r, "eif") for r in rows.to_dict("records")],
        t("col.certain"): [t("yes") if c else t("no") for c in rows["status_certain"]],
        t("col.confidence"): rows["confidence"].fillna(""),
        t("col.conflict"): [t("yes") if c else t("no") for c in rows["has_conflict"]],
        t("col.portal"): [t("no") if p is None else t("yes") for p in rows["portal_code"]],
        t("col.launch"): ["" if p is None else portal_launch(r) for p, r in zip(rows["portal_code"],
                                                                               rows.to_dict("records"))],
        t("col.sources"): rows["deposit_source"].fillna(""),
    })


def steps_table(steps: pd.DataFrame, series_labels: dict) -> pd.DataFrame:
    """The cumulative steps exactly as drawn."""
    return pd.DataFrame({t("col.series"): [series_labels[s] for s in steps["series"]] if "series" in steps
                         else "", t("col.date"): [d.isoformat() for d in steps["date"]],
                         t("col.count"): steps["count"].astype("int64")})


def stats_table(stats: pd.DataFrame, measures: dict, k: int | None, period_col: str = "col.year") -> pd.DataFrame:
    """Per period, each measure's value (integer, or share with one decimal) and its state."""
    out = pd.DataFrame({t(period_col): [p.year if period_col == "col.year" else p.strftime("%Y-%m")
                                        for p in stats["period_start"]]})
    for m, label in measures.items():
        out[label] = stats[m]
        out[f"{label}: {t('col.state')}"] = [state_label(s, k) for s in stats[f"{m}_state"]]
    return out


def stats_text(stats: pd.DataFrame, measures: dict, k: int | None) -> pd.DataFrame:
    """The same as stats_table with each value written out (for briefings): '1,234' or its state."""
    out = pd.DataFrame({t("col.year"): [p.year for p in stats["period_start"]]})
    for m, label in measures.items():
        fmt = "{:,.1f}" if stats[m].dtype.kind == "f" else "{:,}"
        out[label] = [fmt.format(v) if s == "value" else state_label(s, k) for v, s in zip(stats[m],
                                                                                            stats[f"{m}_state"])]
    return out


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.event"): [t(f"event.{e}") for e in events["event_type"]],
        t("col.date"): [period(a, b, p) for a, b, p in zip(events["date_from"], events["date_to"],
                                                            events["date_precision"])],
        t("col.detail"): events["detail"].fillna(""),
        t("col.basis"): [t(f"basis.{b}") for b in events["basis"]],
        t("col.shown"): [t("yes") if s else t("no") for s in events["is_selected"]],
        t("col.confidence"): events["confidence"], t("col.source"): events["source"],
        t("col.note"): events["note"].fillna(""),
    })


def notes_table(notes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("col.note"): notes["note"], t("col.kind"): notes["kind"],
                         t("col.source"): notes["source"]})


def rounds_table(rounds: pd.DataFrame) -> pd.DataFrame:
    """A country's rounds: unknown written as unknown, never as no."""
    return pd.DataFrame({
        t("round.title"): rounds["round_code"], t("round.covered"): rounds["covered"].fillna(t("unknown")),
        t("round.reply"): rounds["reply_submitted"].fillna(t("unknown")),
        t("round.recs"): rounds["recommendations"].fillna(t("unknown")),
        t("round.compliance"): rounds["compliance_status"].fillna(t("unknown")),
        t("col.source"): rounds["source"].fillna(""), t("col.confidence"): rounds["confidence"].fillna("")})


def round_parties_table(parties: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.code"): parties["country_code"], t("col.country"): parties["name_en"],
        t("round.covered"): parties["covered"].fillna(t("unknown")),
        t("round.reply"): parties["reply_submitted"].fillna(t("unknown")),
        t("col.reply_detail"): parties["reply_detail"].fillna(""),
        t("round.recs"): parties["recommendations"].fillna(t("unknown")),
        t("round.compliance"): parties["compliance_status"].fillna(t("unknown")),
        t("col.status"): [t(f"status.{s}") for s in parties["status"]],
        t("col.source"): parties["source"].fillna(""), t("col.confidence"): parties["confidence"].fillna("")})


def funded_table(portals: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("col.country"): portals["country_name_en"].fillna(portals["portal_name"]),
                         t("col.launch"): [portal_launch(p) for p in portals.to_dict("records")],
                         t("country.languages"): portals["languages"].fillna(t("unknown")),
                         t("country.partners"): portals["partners"].fillna(t("unknown")),
                         t("col.source"): portals["source"]})


def funder_totals_table(totals: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("col.year"): totals["year"], t("col.received"): totals["received"],
                         f"{t('col.received')}: {t('col.hidden_cells')}": totals["received_hidden"],
                         t("col.actioned"): totals["actioned"],
                         f"{t('col.actioned')}: {t('col.hidden_cells')}": totals["actioned_hidden"]})


def loads_table(loads: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("col.job"): loads["job"], t("col.load"): loads["load_id"],
                         t("col.source"): loads["source"].where(loads["is_statistics"] == 0, t("method.stats_source")),
                         t("col.retrieved"): loads["retrieved_at"].astype(str),
                         t("col.sha256"): loads["sha256"], t("col.finished"): loads["finished_at"].astype(str),
                         t("col.rows_in"): loads["rows_in"], t("col.rows_loaded"): loads["rows_loaded"],
                         t("col.rows_rejected"): loads["rows_rejected"]})

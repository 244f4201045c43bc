"""Model frames -> the labelled tables a reader sees: on a page, in its CSV and in a briefing, so all three
hold the same values. Counts stay integers; every value column has a state column beside it."""
import pandas as pd

from .formatting import answer, event_date, period, portal_launch, state_label
from .i18n import country_name, format_number, sort_key
from .text import label, t


def places(frame: pd.DataFrame, lang: str) -> list:
    """A portal frame's country or territory names in the reader's language (a multi-country portal by its name)."""
    return [country_name(c, lang) if isinstance(c, str) else n
            for c, n in zip(frame["country_code"], frame["portal_name"])]


def states_table(states: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The overview's table: one row per state or territory with a status, a CoE seat or a portal, in the
    alphabetical order of the reader's language."""
    rows = states[states["in_table"]]
    rows = rows.iloc[sorted(range(len(rows)), key=lambda i: sort_key(country_name(rows["code"].iloc[i], lang), lang))]
    return pd.DataFrame({
        t("col.code", lang): rows["code"], t("col.country", lang): [country_name(c, lang) for c in rows["code"]],
        t("col.status", lang): [t(f"cat.{c}", lang) for c in rows["category"]],
        t("col.coe", lang): [t("yes", lang) if m else t("no", lang) for m in rows["coe_member"]],
        t("col.signature", lang): [event_date(r, "signature", lang, data=True) for r in rows.to_dict("records")],
        t("col.deposit", lang): [event_date(r, "deposit", lang, data=True) for r in rows.to_dict("records")],
        t("col.eif", lang): [event_date(r, "eif", lang, data=True) for r in rows.to_dict("records")],
        t("col.certain", lang): [t("yes", lang) if c else t("no", lang) for c in rows["status_certain"]],
        t("col.confidence", lang): [label("confidence", c, lang) if c else "" for c in rows["confidence"]],
        t("col.conflict", lang): [t("yes", lang) if c else t("no", lang) for c in rows["has_conflict"]],
        t("col.portal", lang): [t("no", lang) if p is None else t("yes", lang) for p in rows["portal_code"]],
        t("col.launch", lang): ["" if p is None else portal_launch(r, lang, data=True) for p, r in zip(rows["portal_code"],
                                                                               rows.to_dict("records"))],
        t("col.sources", lang): rows["deposit_source"].fillna(""),
    })


def steps_table(steps: pd.DataFrame, series_labels: dict, lang: str) -> pd.DataFrame:
    """The cumulative steps exactly as drawn."""
    return pd.DataFrame({t("col.series", lang): [series_labels[s] for s in steps["series"]] if "series" in steps
                         else "", t("col.date", lang): [d.isoformat() for d in steps["date"]],
                         t("col.count", lang): steps["count"].astype("int64")})


def stats_table(stats: pd.DataFrame, measures: dict, k: int | None, lang: str, period_col: str = "col.year") -> pd.DataFrame:
    """Per period, each measure's value (integer, or share with one decimal) and its state."""
    out = pd.DataFrame({t(period_col, lang): [p.year if period_col == "col.year" else p.strftime("%Y-%m")
                                        for p in stats["period_start"]]})
    for m, label in measures.items():
        out[label] = stats[m]
        out[f"{label}: {t('col.state', lang)}"] = [state_label(s, lang, k) for s in stats[f"{m}_state"]]
    return out


def stats_text(stats: pd.DataFrame, measures: dict, k: int | None, lang: str) -> pd.DataFrame:
    """The same as stats_table with each value written out in the reader's convention (for briefings): '1 234' or its state."""
    out = pd.DataFrame({t("col.year", lang): [p.year for p in stats["period_start"]]})
    for m, label in measures.items():
        decimals = 1 if stats[m].dtype.kind == "f" else 0
        out[label] = [format_number(v, lang, decimals) if s == "value" else state_label(s, lang, k) for v, s in zip(stats[m],
                                                                                            stats[f"{m}_state"])]
    return out


def events_table(events: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.event", lang): [t(f"event.{e}", lang) for e in events["event_type"]],
        t("col.date", lang): [period(a, b, p, lang, data=True) for a, b, p in zip(events["date_from"], events["date_to"],
                                                                             events["date_precision"])],
        t("col.detail", lang): events["detail"].fillna(""),
        t("col.basis", lang): [t(f"basis.{b}", lang) for b in events["basis"]],
        t("col.shown", lang): [t("yes", lang) if s else t("no", lang) for s in events["is_selected"]],
        t("col.confidence", lang): [label("confidence", c, lang) for c in events["confidence"]], t("col.source", lang): events["source"],
        t("col.note", lang): events["note"].fillna(""),
    })


def notes_table(notes: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col.note", lang): notes["note"], t("col.kind", lang): [label("note", k, lang) for k in notes["kind"]],
                         t("col.source", lang): notes["source"]})


def rounds_table(rounds: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A country's rounds: unknown written as unknown, never as no."""
    return pd.DataFrame({
        t("round.title", lang): rounds["round_code"], t("round.covered", lang): [answer(v, lang) for v in rounds["covered"]],
        t("round.reply", lang): rounds["reply_submitted"].fillna(t("unknown", lang)),
        t("round.recs", lang): rounds["recommendations"].fillna(t("unknown", lang)),
        t("round.compliance", lang): rounds["compliance_status"].fillna(t("unknown", lang)),
        t("col.source", lang): rounds["source"].fillna(""), t("col.confidence", lang): [label("confidence", c, lang) if c else "" for c in rounds["confidence"]]})


def round_parties_table(parties: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.code", lang): parties["country_code"], t("col.country", lang): [country_name(c, lang) for c in parties["country_code"]],
        t("round.covered", lang): [answer(v, lang) for v in parties["covered"]],
        t("round.reply", lang): parties["reply_submitted"].fillna(t("unknown", lang)),
        t("col.reply_detail", lang): parties["reply_detail"].fillna(""),
        t("round.recs", lang): parties["recommendations"].fillna(t("unknown", lang)),
        t("round.compliance", lang): parties["compliance_status"].fillna(t("unknown", lang)),
        t("col.status", lang): [t(f"status.{s}", lang) for s in parties["status"]],
        t("col.source", lang): parties["source"].fillna(""), t("col.confidence", lang): [label("confidence", c, lang) if c else "" for c in parties["confidence"]]})


def funded_table(portals: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col.country", lang): places(portals, lang),
                         t("col.launch", lang): [portal_launch(p, lang, data=True) for p in portals.to_dict("records")],
                         t("country.languages", lang): portals["languages"].fillna(t("unknown", lang)),
                         t("country.partners", lang): portals["partners"].fillna(t("unknown", lang)),
                         t("col.source", lang): portals["source"]})


def funder_totals_table(totals: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col.year", lang): totals["year"], t("col.received", lang): totals["received"],
                         f"{t('col.received', lang)}: {t('col.hidden_cells', lang)}": totals["received_hidden"],
                         t("col.actioned", lang): totals["actioned"],
                         f"{t('col.actioned', lang)}: {t('col.hidden_cells', lang)}": totals["actioned_hidden"]})


def loads_table(loads: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col.job", lang): loads["job"], t("col.load", lang): loads["load_id"],
                         t("col.source", lang): loads["source"].where(loads["is_statistics"] == 0, t("method.stats_source", lang)),
                         t("col.retrieved", lang): loads["retrieved_at"].astype(str),
                         t("col.sha256", lang): loads["sha256"], t("col.finished", lang): loads["finished_at"].astype(str),
                         t("col.rows_in", lang): loads["rows_in"], t("col.rows_loaded", lang): loads["rows_loaded"],
                         t("col.rows_rejected", lang): loads["rows_rejected"]})

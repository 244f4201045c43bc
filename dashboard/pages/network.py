"""Portal network (renders model.network): launches by region and funder, network trends with the state
of every value, and the published IWF and INHOPE figures for context. No league tables of portals."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.auth import current_audience
from dashboard.components import chart, demo_banner, table, url_value
from dashboard.formatting import file_name, state_labels
from dashboard.i18n import page_language
from dashboard.model.funder import NOT_STATED
from dashboard.tables import stats_table
from dashboard.text import label, t
from dashboard.urlstate import parse_choice

lang = page_language()
st.header(t("network.heading", lang))
st.caption(t("network.no_league", lang))
today = date.today()
audience = current_audience()
grains = ["year", "month"] if audience.is_staff else ["year"]   # monthly figures are for staff only
grain = url_value(parse_choice("grain", st.query_params.get("grain"), grains, "year"), lang)
view = queries.network(today, grain, audience)

def regional(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its region groups named in the reader's language."""
    return frame.assign(region=[label("region", r, lang) for r in frame["region"]])


region_order = [label("region", r, lang) for r in view.region_names]
no_region = {label("region", "Unknown region", lang)}
launches_region = regional(view.launches_region)
by_region = launches_region.rename(columns={"year": t("col.year", lang), "region": t("col.region", lang),
                                                 "portals": t("col.portals", lang)})
chart(charts.stacked_bars(launches_region, "year", "region", "portals", t("network.launches", lang),
                          no_region, order=region_order), by_region, "launches-region", t("network.launches", lang),
      file_name("launches-region", today), lang)
funders = view.launches_funder.assign(funder=lambda d: [t("network.funder_none", lang) if f == NOT_STATED else f
                                                        for f in d["funder"]])
chart(charts.stacked_bars(funders, "year", "funder", "portals", t("network.funders", lang), {t("network.funder_none", lang)}),
      funders.rename(columns={"year": t("col.year", lang), "funder": t("col.funders", lang), "portals": t("col.portals", lang)}),
      "launches-funder", t("network.funders", lang), file_name("launches-funder", today), lang)

st.subheader(t("network.trends", lang))
grain = st.radio(t("network.grain", lang), grains, index=grains.index(grain), format_func=lambda g: t(f"grain.{g}", lang),
                 horizontal=True)
st.query_params["grain"] = grain
if not audience.is_staff:
    st.caption(t("withheld.monthly", lang))
if grain != view.grain:
    view = queries.network(today, grain, audience)
period_col = "col.year" if grain == "year" else "col.period"
if view.totals is None:
    st.info(t("method.no_stats", lang))
else:
    demo_banner(view.is_demo, lang)
    if not audience.is_staff:
        st.caption(t("withheld.note", lang))
    labels = state_labels(lang, view.k)
    # only what is published at this grain: by month, reports received (no actioned series, no breakdown)
    counts = {m: t(f"measure.{m}", lang) for m in ("received", "actioned") if m in view.measures}
    trend_title = t("network.received" if "actioned" in counts else "network.received_only", lang)
    chart(charts.trend(view.totals, counts, trend_title, labels),
          stats_table(view.totals, counts, view.k, lang, period_col), f"network-{grain}", trend_title,
          file_name(f"network-{grain}", today), lang)
    regions = regional(view.regions)
    chart(charts.lines(regions, "period_start", "region", "received", t("network.by_region", lang), no_region,
                       order=region_order, states="received_state", state_labels=labels),
          pd.DataFrame({t(period_col, lang): regions["period_start"].dt.strftime("%Y-%m" if grain == "month" else "%Y"),
                        t("col.region", lang): regions["region"], t("col.received", lang): regions["received"],
                        t("col.state", lang): [labels[s] for s in regions["received_state"]]}),
          f"regions-{grain}", t("network.by_region", lang), file_name(f"regions-{grain}", today), lang)
    if view.outcomes is None or view.hosting is None:
        st.caption(t("network.monthly_received_only", lang))
    breakdowns = [] if view.outcomes is None or view.hosting is None else \
        [(view.outcomes, "outcomes", t("network.by_outcome", lang)), (view.hosting, "hosting", t("network.by_host", lang))]
    for stacked, key, title in breakdowns:
        stacked = stacked.copy()
        hidden_rows = stacked["part"].str.startswith("hidden:")
        stacked["label"] = [t("state.hidden_part", lang) if h else label("part", p, lang)
                            for p, h in zip(stacked["part"], hidden_rows)]
        stacked["hover"] = [t("state.hidden_which", lang, parts=", ".join(label("part", x, lang) for x in p[7:].split(",")))
                            if h else label("part", p, lang)
                            for p, h in zip(stacked["part"], hidden_rows)]
        hidden = {t("state.hidden_part", lang), label("part", "host_unknown", lang)}
        chart(charts.stacked_bars(stacked, "period_start", "label", "value", title, hidden),
              pd.DataFrame({t(period_col, lang): stacked["period_start"].dt.strftime("%Y-%m" if grain == "month" else "%Y"),
                            t("col.part", lang): stacked["hover"], t("col.value", lang): stacked["value"],
                            t("col.state", lang): [labels[s] for s in stacked["state"]]}),
              f"{key}-{grain}", title, file_name(f"{key}-{grain}", today), lang)

st.subheader(t("network.context", lang))
st.caption(t("network.context_note", lang))
figures = view.figures
shown = figures.rename(columns={"publisher": t("col.publisher", lang), "year": t("col.year", lang), "metric": t("col.metric", lang),
                                "value": t("col.value", lang), "unit": t("col.unit", lang), "source": t("col.source", lang),
                                "notes": t("col.notes", lang)})
table(shown)
series = figures[figures["metric"].str.contains("assessed|processed", case=False) & (figures["unit"] == "reports")]
series = series.assign(series=series["publisher"] + ": " + series["metric"])
chart(charts.lines(series, "year", "series", "value", t("network.context", lang)),
      series[["series", "year", "value", "source"]].rename(columns={"series": t("col.series", lang), "year": t("col.year", lang),
                                                                    "value": t("col.value", lang),
                                                                    "source": t("col.source", lang)}),
      "published-figures", t("network.context_note", lang), file_name("published-figures", today), lang)

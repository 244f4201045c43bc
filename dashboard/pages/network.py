"""Portal network (renders model.network): launches by region and funder, network trends with the state
of every value, and the published IWF and INHOPE figures for context. No league tables of portals."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.components import chart, demo_banner, table, url_value
from dashboard.formatting import file_name, state_labels
from dashboard.model.funder import NOT_STATED
from dashboard.tables import stats_table
from dashboard.text import t
from dashboard.urlstate import parse_choice

st.header(t("network.heading"))
st.caption(t("network.no_league"))
today = date.today()
grains = ["year", "month"]
grain = url_value(parse_choice("grain", st.query_params.get("grain"), grains, "year"))
view = queries.network(today, grain)

by_region = view.launches_region.rename(columns={"year": t("col.year"), "region": t("col.region"),
                                                 "portals": t("col.portals")})
chart(charts.stacked_bars(view.launches_region, "year", "region", "portals", t("network.launches"),
                          {"Unknown region"}, order=view.region_names), by_region, "launches-region", t("network.launches"),
      file_name("launches-region", today))
funders = view.launches_funder.assign(funder=lambda d: [t("network.funder_none") if f == NOT_STATED else f
                                                        for f in d["funder"]])
chart(charts.stacked_bars(funders, "year", "funder", "portals", t("network.funders"), {t("network.funder_none")}),
      funders.rename(columns={"year": t("col.year"), "funder": t("col.funders"), "portals": t("col.portals")}),
      "launches-funder", t("network.funders"), file_name("launches-funder", today))

st.subheader(t("network.trends"))
grain = st.radio(t("network.grain"), grains, index=grains.index(grain), format_func=lambda g: t(f"grain.{g}"),
                 horizontal=True)
st.query_params["grain"] = grain
if grain != view.grain:
    view = queries.network(today, grain)
period_col = "col.year" if grain == "year" else "col.period"
if view.totals is None:
    st.info(t("method.no_stats"))
else:
    demo_banner(view.is_demo)
    labels = state_labels(view.k)
    counts = {"received": t("measure.received"), "actioned": t("measure.actioned")}
    chart(charts.trend(view.totals, counts, t("network.received"), labels),
          stats_table(view.totals, counts, view.k, period_col), f"network-{grain}", t("network.received"),
          file_name(f"network-{grain}", today))
    regions = view.regions
    chart(charts.lines(regions, "period_start", "region", "received", t("network.by_region"), {"Unknown region"},
                       order=view.region_names),
          pd.DataFrame({t(period_col): regions["period_start"].dt.strftime("%Y-%m" if grain == "month" else "%Y"),
                        t("col.region"): regions["region"], t("col.received"): regions["received"],
                        t("col.state"): [labels[s] for s in regions["received_state"]]}),
          f"regions-{grain}", t("network.by_region"), file_name(f"regions-{grain}", today))
    for stacked, key, title in ((view.outcomes, "outcomes", t("network.by_outcome")),
                                (view.hosting, "hosting", t("network.by_host"))):
        stacked = stacked.copy()
        hidden_rows = stacked["part"].str.startswith("hidden:")
        stacked["label"] = [t("state.hidden_part") if h else p for p, h in zip(stacked["part"], hidden_rows)]
        stacked["hover"] = [t("state.hidden_which", parts=", ".join(p[7:].split(","))) if h else p
                            for p, h in zip(stacked["part"], hidden_rows)]
        hidden = {t("state.hidden_part"), "host_unknown"}
        chart(charts.stacked_bars(stacked, "period_start", "label", "value", title, hidden),
              pd.DataFrame({t(period_col): stacked["period_start"].dt.strftime("%Y-%m" if grain == "month" else "%Y"),
                            t("col.part"): stacked["hover"], t("col.value"): stacked["value"],
                            t("col.state"): [labels[s] for s in stacked["state"]]}),
              f"{key}-{grain}", title, file_name(f"{key}-{grain}", today))

st.subheader(t("network.context"))
st.caption(t("network.context_note"))
figures = view.figures
shown = figures.rename(columns={"publisher": t("col.publisher"), "year": t("col.year"), "metric": t("col.metric"),
                                "value": t("col.value"), "unit": t("col.unit"), "source": t("col.source"),
                                "notes": t("col.notes")})
table(shown)
series = figures[figures["metric"].str.contains("assessed|processed", case=False) & (figures["unit"] == "reports")]
series = series.assign(series=series["publisher"] + ": " + series["metric"])
chart(charts.lines(series, "year", "series", "value", t("network.context")),
      series[["series", "year", "value", "source"]].rename(columns={"series": t("col.series"), "year": t("col.year"),
                                                                    "value": t("col.value"),
                                                                    "source": t("col.source")}),
      "published-figures", t("network.context_note"), file_name("published-figures", today))

"""Portal network: launches by region and funder, network trends from the portal statistics, and the
published IWF and INHOPE figures for context. No league tables of portals."""
import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.reading import funder_group
from dashboard.components import chart, choice_param, demo_banner
from dashboard.text import t
from etl.portal_stats import region_group
from etl.stats_format import BREAKDOWNS

st.header(t("network.heading"))
st.caption(t("network.no_league"))
portals = queries.portals()
launched = portals.dropna(subset=["launch_to"]).assign(
    year=lambda d: pd.to_datetime(d["launch_to"]).dt.year,
    region=lambda d: [region_group(r) for r in d["region"]],
    funder=lambda d: [funder_group(f, t("network.funder_none")) for f in d["funders"]])
by_region = launched.groupby(["year", "region"]).size().rename("portals").reset_index()
chart(charts.stacked_bars(by_region, "year", "region", "portals", t("network.launches")), by_region,
      "launches-region", t("network.launches"))
by_funder = launched.groupby(["year", "funder"]).size().rename("portals").reset_index()
chart(charts.stacked_bars(by_funder, "year", "funder", "portals", t("network.funders")), by_funder,
      "launches-funder", t("network.funders"))

st.subheader(t("network.trends"))
demo_banner()
grains = ["year", "month"]
grain = st.radio(t("network.grain"), grains, index=grains.index(choice_param("grain", grains, "year")),
                 format_func=lambda g: t(f"grain.{g}"), horizontal=True)
st.query_params["grain"] = grain
network = queries.portal_stats("network", grain)
if network.empty:
    st.info(t("method.no_stats"))
else:
    k = int(queries.publication().get("k", 10))
    chart(charts.trend(network, {"received": t("measure.received"), "actioned": t("measure.actioned")},
                       t("network.received"), t("suppressed", k=k)),
          network[["period_start", "received", "received_suppressed", "actioned", "actioned_suppressed"]],
          f"network-{grain}", t("network.received"))
    regions = queries.portal_stats("region", grain)
    chart(charts.lines(regions, "period_start", "unit_code", "received", t("network.by_region")),
          regions[["period_start", "unit_code", "received", "received_suppressed"]], f"regions-{grain}",
          t("network.by_region"))
    outcome_cols = BREAKDOWNS["outcome"][1]
    outcomes = network.melt(id_vars="period_start", value_vars=outcome_cols, var_name="outcome", value_name="reports")
    chart(charts.stacked_bars(outcomes, "period_start", "outcome", "reports", t("network.by_outcome")), outcomes,
          f"outcomes-{grain}", t("network.by_outcome"))
    host_cols = BREAKDOWNS["hosting"][1]
    hosts = network.melt(id_vars="period_start", value_vars=host_cols, var_name="hosting", value_name="reports")
    chart(charts.stacked_bars(hosts, "period_start", "hosting", "reports", t("network.by_host")), hosts,
          f"hosting-{grain}", t("network.by_host"))

st.subheader(t("network.context"))
st.caption(t("network.context_note"))
figures = queries.published_figures()
st.dataframe(figures, hide_index=True, width="stretch")
series = figures[figures["metric"].str.contains("assessed|processed", case=False)
                 & (figures["unit"] == "reports")]
chart(charts.lines(series, "year", "publisher", "value", t("network.context")), series, "published-figures",
      t("network.context_note"))

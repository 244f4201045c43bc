"""Funder impact (renders model.funder): the portals a funder paid for, their launches, and the reports
received and actioned through them, with change against the previous year; a funder report to download."""
from datetime import date

import streamlit as st

from dashboard import charts, queries
from dashboard.components import briefing_download, chart, demo_banner, table, url_value
from dashboard.formatting import file_name
from dashboard.tables import funded_table, funder_totals_table, steps_table
from dashboard.text import t
from dashboard.urlstate import parse_choice, parse_year

FIRST_YEAR = 2013   # the first portal

st.header(t("funder.heading"))
today = date.today()
funders = queries.funders()
default = "Fund to End Violence Against Children"
funder = url_value(parse_choice("funder", st.query_params.get("funder"), funders,
                                default if default in funders else funders[0]))
first = url_value(parse_year("from", st.query_params.get("from"), FIRST_YEAR, FIRST_YEAR, today.year))
last = url_value(parse_year("to", st.query_params.get("to"), today.year, first, today.year))
funder = st.selectbox(t("funder.pick"), funders, index=funders.index(funder))
first, last = st.slider(t("funder.period"), FIRST_YEAR, today.year, (first, last))
st.query_params.update({"funder": funder, "from": str(first), "to": str(last)})
view = queries.funder_view(funder, first, last, today)
yearly = view.totals.set_index("year")

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("funder.metric_portals"), len(view.portals))
c2.metric(t("funder.metric_countries"), view.portals["country_code"].nunique())
complete = [y for y in yearly.index if y < today.year]
if complete:
    year = complete[-1]
    for col, measure, key in ((c3, "received", "funder.metric_received"), (c4, "actioned", "funder.metric_actioned")):
        previous = yearly[measure].get(year - 1)
        col.metric(t(key, year=year), f"{int(yearly.loc[year, measure]):,}",
                   delta=None if previous is None else f"{int(yearly.loc[year, measure] - previous):+,}")

st.subheader(t("funder.portals"))
funded = funded_table(view.portals)
table(funded)
label = {"launches": t("funder.timeline")}
steps = view.launches.assign(series=label["launches"])
chart(charts.cumulative(steps, t("funder.timeline"), t("cumulative.y")),
      steps_table(view.launches.assign(series="launches"), label), "funder-launches", t("funder.timeline"),
      file_name("funder-launches", today))
st.markdown(f"**{t('funder.coverage')}**")
st.write(", ".join(sorted(funded[t("col.country")])) + ". " + (", ".join(view.languages) or t("unknown")) + ".")

st.subheader(t("funder.reports"))
if view.totals.empty:
    st.info(t("country.no_stats"))
else:
    demo_banner(view.is_demo)
    frame = view.totals.assign(period_start=lambda d: [date(y, 1, 1) for y in d["year"]],
                               received_state="value", actioned_state="value")
    chart(charts.trend(frame, {"received": t("measure.received"), "actioned": t("measure.actioned")},
                       t("funder.reports"), {}), funder_totals_table(view.totals), "funder-reports",
          t("funder.at_least"), file_name("funder-reports", today))
briefing_download(f"funder-{funder}-{first}-{last}-{today}", view)

"""Funder impact (renders model.funder): the portals a funder paid for, their launches, and the reports
received and actioned through them, with change against the previous year; a funder report to download."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.auth import current_audience
from dashboard.components import briefing_download, chart, demo_banner, table, url_value
from dashboard.formatting import file_name, state_label, state_labels
from dashboard.i18n import format_number, page_language, sort_names
from dashboard.tables import funded_table, funder_totals_table, steps_table
from dashboard.text import t
from dashboard.urlstate import parse_choice, parse_year

FIRST_YEAR = 2013   # the first portal

lang = page_language()
st.header(t("funder.heading", lang))
today = date.today()
funders = queries.funders()
default = "Fund to End Violence Against Children"
funder = url_value(parse_choice("funder", st.query_params.get("funder"), funders,
                                default if default in funders else funders[0]), lang)
first = url_value(parse_year("from", st.query_params.get("from"), FIRST_YEAR, FIRST_YEAR, today.year), lang)
last = url_value(parse_year("to", st.query_params.get("to"), today.year, first, today.year), lang)
funder = st.selectbox(t("funder.pick", lang), funders, index=funders.index(funder))
first, last = st.slider(t("funder.period", lang), FIRST_YEAR, today.year, (first, last))
st.query_params.update({"funder": funder, "from": str(first), "to": str(last)})
view = queries.funder_view(funder, first, last, today, current_audience())
yearly = view.totals.set_index("year")

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("funder.metric_portals", lang), format_number(len(view.portals), lang))
c2.metric(t("funder.metric_countries", lang), format_number(view.portals["country_code"].nunique(), lang))
complete = [y for y in yearly.index if y < today.year]
if complete:
    year = complete[-1]
    for col, measure, key in ((c3, "received", "funder.metric_received"), (c4, "actioned", "funder.metric_actioned")):
        value, previous = yearly.loc[year, measure], yearly[measure].get(year - 1)
        if pd.isna(value):   # every funded portal's value hidden that year: no sum, never 0
            col.metric(t(key, lang, year=year), state_label("suppressed", lang, view.k))
            continue
        change = None if previous is None or pd.isna(previous) else int(value - previous)
        col.metric(t(key, lang, year=year), format_number(int(value), lang),
                   delta=None if change is None else ("+" if change > 0 else "") + format_number(change, lang))

st.subheader(t("funder.portals", lang))
funded = funded_table(view.portals, lang)
table(funded)
label = {"launches": t("funder.timeline", lang)}
steps = view.launches.assign(series=label["launches"])
chart(charts.cumulative(steps, t("funder.timeline", lang), t("cumulative.y", lang)),
      steps_table(view.launches.assign(series="launches"), label, lang), "funder-launches", t("funder.timeline", lang),
      file_name("funder-launches", today), lang)
st.markdown(f"**{t('funder.coverage', lang)}**")
st.write(", ".join(sort_names(funded[t("col.country", lang)], lang)) + ". " + (", ".join(view.languages) or t("unknown", lang)) + ".")

st.subheader(t("funder.reports", lang))
if view.withheld:
    st.info(t("withheld.funder", lang))
elif view.totals.empty:
    st.info(t("country.no_stats", lang))
else:
    demo_banner(view.is_demo, lang)
    frame = view.totals.assign(period_start=lambda d: [date(y, 1, 1) for y in d["year"]],
                               **{f"{m}_state": lambda d, m=m: ["suppressed" if pd.isna(x) else "value" for x in d[m]]
                                  for m in ("received", "actioned")})
    chart(charts.trend(frame, {"received": t("measure.received", lang), "actioned": t("measure.actioned", lang)},
                       t("funder.reports", lang), state_labels(lang, view.k)), funder_totals_table(view.totals, lang), "funder-reports",
          t("funder.at_least", lang), file_name("funder-reports", today), lang)
briefing_download(f"funder-{funder}-{first}-{last}-{today}", view, lang)

"""Funder impact: the portals a funder paid for, what they cover, and the reports received and actioned
through them, with change against the previous year; a funder report to download."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.components import briefing_download, chart, demo_banner
from dashboard.formatting import portal_launch
from dashboard.reading import funder_group
from dashboard.text import t

st.header(t("funder.heading"))
portals = queries.portals()
portals["funder"] = [funder_group(f, t("network.funder_none")) for f in portals["funders"]]
funders = sorted(f for f in portals["funder"].unique() if f != t("network.funder_none"))
wanted = st.query_params.get("funder", "Fund to End Violence Against Children")
funder = st.selectbox(t("funder.pick"), funders, index=funders.index(wanted) if wanted in funders else 0)
first, last = st.slider(t("funder.period"), 2013, date.today().year,
                        (int(st.query_params.get("from", 2013)), int(st.query_params.get("to", date.today().year))))
st.query_params.update({"funder": funder, "from": str(first), "to": str(last)})
funded = portals[portals["funder"] == funder]

totals = queries.funder_totals(sorted(funded["portal_code"]), first, last)
yearly = totals.set_index("year")

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("funder.metric_portals"), len(funded))
c2.metric(t("funder.metric_countries"), funded["country_code"].nunique())
complete = [y for y in yearly.index if y < date.today().year]
if complete:
    year = complete[-1]
    previous = yearly["received"].get(year - 1)
    c3.metric(t("funder.metric_received", year=year), f"{int(yearly.loc[year, 'received']):,}",
              delta=None if pd.isna(previous) else f"{int(yearly.loc[year, 'received'] - previous):+,}")
    previous = yearly["actioned"].get(year - 1)
    c4.metric(t("funder.metric_actioned", year=year), f"{int(yearly.loc[year, 'actioned']):,}",
              delta=None if pd.isna(previous) else f"{int(yearly.loc[year, 'actioned'] - previous):+,}")

st.subheader(t("funder.portals"))
table = pd.DataFrame({t("col.country"): funded["country_name_en"].fillna(funded["portal_name"]),
                      t("col.launch"): [portal_launch(p) for _, p in funded.iterrows()],
                      t("country.languages"): funded["languages"].fillna(t("unknown")),
                      t("country.partners"): funded["partners"].fillna(t("unknown")),
                      t("country.source"): funded["source"]})
st.dataframe(table, hide_index=True, width="stretch")
steps = pd.DataFrame({"date": pd.to_datetime(funded["launch_to"].dropna()), "series": t("funder.timeline")})
chart(charts.cumulative(steps, t("funder.timeline"), t("cumulative.y")), steps, "funder-launches",
      t("funder.timeline"))
st.markdown(f"**{t('funder.coverage')}**")
languages = sorted({lang.strip() for value in funded["languages"].dropna() for lang in value.split(";") if lang.strip()})
st.write(", ".join(sorted(table[t("col.country")])) + ". " + (", ".join(languages) or t("unknown")) + ".")

st.subheader(t("funder.reports"))
if yearly.empty:
    st.info(t("country.no_stats"))
else:
    demo_banner()
    frame = totals.assign(period_start=lambda d: pd.to_datetime(d["year"].astype(str) + "-01-01"),
                          received_suppressed=0, actioned_suppressed=0)
    chart(charts.trend(frame, {"received": t("measure.received"), "actioned": t("measure.actioned")},
                       t("funder.reports"), ""), frame[["year", "received", "actioned", "suppressed_cells"]],
          "funder-reports", t("funder.at_least", k=int(queries.publication().get("k", 10))))
briefing_download("funder", funder, first, last)

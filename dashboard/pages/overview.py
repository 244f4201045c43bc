"""Overview: Lanzarote status and the portal network on a world map, on any date (renders model.overview)."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.components import chart, on_phone, table, url_value
from dashboard.formatting import file_name, portal_launch
from dashboard.tables import states_table, steps_table
from dashboard.text import t, tn
from dashboard.urlstate import parse_choice, parse_date

FIRST = date(2007, 10, 25)   # the Convention opened for signature
PHONE_MAP_HEIGHT = 330       # a world map 390 px wide is about 190 px high, plus its legend

st.header(t("overview.heading"))
today = date.today()
as_of = url_value(parse_date("as_of", st.query_params.get("as_of"), today, FIRST, today))
zooms = list(charts.ZOOMS)
zoom = url_value(parse_choice("zoom", st.query_params.get("zoom"), zooms, "world"))
left, right = st.columns([1, 2])
as_of = left.date_input(t("overview.as_of"), value=as_of, min_value=FIRST, max_value=today,
                        help=t("overview.as_of_help"))
zoom = right.radio(t("overview.zoom"), zooms, index=zooms.index(zoom), format_func=lambda z: t(f"zoom.{z}"),
                   horizontal=True)
st.query_params.update({"as_of": as_of.isoformat(), "zoom": zoom})

view = queries.overview(as_of)
if view.states["has_events"].sum() == 0:
    st.warning(t("data.empty"))
    st.stop()

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("metric.parties"), view.parties, help=t("metric.parties_help"))
c2.metric(t("metric.members_not_bound"), view.members_not_bound, help=t("metric.members_help"))
c3.metric(t("metric.portals"), view.portals_launched, help=t("metric.portals_help"))
c4.metric(t("metric.portal_not_party"), view.portal_not_party, help=t("metric.portal_not_party_help"))

states = view.states.copy()
states["hover"] = [
    f"<b>{r['name_en']}</b><br>" + t("cat." + r["category"])
    + (f"<br>{t('col.portal')}: {portal_launch(r)}" if r["portal_code"] is not None else "")
    for r in states.to_dict("records")]
drawn = view.portals[view.portals["drawn"]]
points = pd.DataFrame({"code": drawn["country_code"], "lat": drawn["lat"], "lon": drawn["lon"],
                       "hover": [f"<b>{r['portal_name']}</b><br>{t('col.portal')}: {portal_launch(r)}"
                                 for r in drawn.to_dict("records")]})
small = states[states["marker_lat"].notna() & (states["category"] != "none")
               & ~states["code"].isin(set(drawn["country_code"]))].rename(columns={"marker_lat": "lat",
                                                                                  "marker_lon": "lon"})
labels = {k: t(f"cat.{k}") for k in list(charts.STATUS_COLOURS) + ["portal"]}
fig = charts.status_map(states, small, points, labels, zoom, t("map.title", date=as_of.isoformat()),
                        height=PHONE_MAP_HEIGHT if on_phone() else 520)
alt = t("map.alt", zoom=t(f"map.zoom.{zoom}"), date=as_of.isoformat(), in_force=view.parties,
        portals=tn("n.portals", view.portals_launched), drawn=view.portals_drawn,
        not_drawn=t("map.not_drawn") if view.portals_drawn < view.portals_launched else "")
shown = states_table(view.states)
event = chart(fig, shown, "lanzarote-map", alt, file_name("lanzarote-map", as_of), on_select=True)
st.caption(t("map.click"))
clicked = [p.get("location") or p.get("customdata") for p in (event.selection.points if event else [])]
clicked = [c[0] if isinstance(c, list) else c for c in clicked if c]
if clicked:
    st.switch_page("dashboard/pages/country.py", query_params={"countries": clicked[0]})

series = {"parties": t("cumulative.parties"), "portals": t("cumulative.portals")}
steps = view.cumulative.assign(series=lambda d: [series[s] for s in d["series"]])
chart(charts.cumulative(steps, t("cumulative.title"), t("cumulative.y")), steps_table(view.cumulative, series),
      "cumulative", t("cumulative.alt", date=as_of.isoformat()) + " " + t("cumulative.note"),
      file_name("cumulative", as_of))

st.subheader(t("table.heading", date=as_of.isoformat()))
if view.uncertain:
    st.info(t("status.uncertain", n=view.uncertain))
table(shown)
st.caption(t("status.caption"))

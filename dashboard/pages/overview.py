"""Overview: Lanzarote status and the portal network on a world map, on any date (renders model.overview)."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.components import DATE_INPUT, chart, on_phone, table, url_value
from dashboard.formatting import file_name, portal_launch
from dashboard.i18n import country_name, format_date, format_number, page_language
from dashboard.tables import states_table, steps_table
from dashboard.text import said, t, tn
from dashboard.urlstate import parse_choice, parse_date

FIRST = date(2007, 10, 25)   # the Convention opened for signature
PHONE_MAP_HEIGHT = 330       # a world map 390 px wide is about 190 px high, plus its legend

lang = page_language()
st.header(t("overview.heading", lang))
today = date.today()
as_of = url_value(parse_date("as_of", st.query_params.get("as_of"), today, FIRST, today), lang)
zooms = list(charts.ZOOMS)
zoom = url_value(parse_choice("zoom", st.query_params.get("zoom"), zooms, "world"), lang)
left, right = st.columns([1, 2])
as_of = left.date_input(t("overview.as_of", lang), value=as_of, min_value=FIRST, max_value=today,
                        help=t("overview.as_of_help", lang), format=DATE_INPUT[lang])
zoom = right.radio(t("overview.zoom", lang), zooms, index=zooms.index(zoom), format_func=lambda z: t(f"zoom.{z}", lang),
                   horizontal=True)
st.query_params.update({"as_of": as_of.isoformat(), "zoom": zoom})

view = queries.overview(as_of)
day = format_date(as_of, lang)
if view.states["has_events"].sum() == 0:
    st.warning(t("data.empty", lang))
    st.stop()

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("metric.parties", lang), format_number(view.parties, lang), help=t("metric.parties_help", lang))
c2.metric(t("metric.members_not_bound", lang), format_number(view.members_not_bound, lang), help=t("metric.members_help", lang))
c3.metric(t("metric.portals", lang), format_number(view.portals_launched, lang), help=t("metric.portals_help", lang))
c4.metric(t("metric.portal_not_party", lang), format_number(view.portal_not_party, lang), help=t("metric.portal_not_party_help", lang))

states = view.states.copy()
states["hover"] = [
    f"<b>{country_name(r['code'], lang)}</b><br>" + t("cat." + r["category"], lang)
    + ("<br>" + said(t("col.portal", lang), portal_launch(r, lang), lang) if r["portal_code"] is not None else "")
    for r in states.to_dict("records")]
drawn = view.portals[view.portals["drawn"]]
points = pd.DataFrame({"code": drawn["country_code"], "lat": drawn["lat"], "lon": drawn["lon"],
                       "hover": [f"<b>{r['portal_name']}</b><br>" + said(t("col.portal", lang), portal_launch(r, lang), lang)
                                 for r in drawn.to_dict("records")]})
small = states[states["marker_lat"].notna() & (states["category"] != "none")
               & ~states["code"].isin(set(drawn["country_code"]))].rename(columns={"marker_lat": "lat",
                                                                                  "marker_lon": "lon"})
labels = {k: t(f"cat.{k}", lang) for k in list(charts.STATUS_COLOURS) + ["portal"]}
fig = charts.status_map(states, small, points, labels, zoom, t("map.title", lang, date=day),
                        height=PHONE_MAP_HEIGHT if on_phone() else 520)
alt = t("map.alt", lang, zoom=t(f"map.zoom.{zoom}", lang), date=day, in_force=format_number(view.parties, lang),
        portals=tn("n.portals", view.portals_launched, lang), drawn=format_number(view.portals_drawn, lang),
        not_drawn=t("map.not_drawn", lang) if view.portals_drawn < view.portals_launched else "")
shown = states_table(view.states, lang)
event = chart(fig, shown, "lanzarote-map", alt, file_name("lanzarote-map", as_of), lang, on_select=True)
st.caption(t("map.click", lang))
clicked = [p.get("location") or p.get("customdata") for p in (event.selection.points if event else [])]
clicked = [c[0] if isinstance(c, list) else c for c in clicked if c]
if clicked:
    st.switch_page("dashboard/pages/country.py", query_params={"countries": clicked[0], "lang": lang})

series = {"parties": t("cumulative.parties", lang), "portals": t("cumulative.portals", lang)}
steps = view.cumulative.assign(series=lambda d: [series[s] for s in d["series"]])
chart(charts.cumulative(steps, t("cumulative.title", lang), t("cumulative.y", lang)), steps_table(view.cumulative, series, lang),
      "cumulative", t("cumulative.alt", lang, date=day) + " " + t("cumulative.note", lang),
      file_name("cumulative", as_of), lang)

st.subheader(t("table.heading", lang, date=day))
if view.uncertain:
    st.info(tn("status.uncertain", view.uncertain, lang))
table(shown)
st.caption(t("status.caption", lang))

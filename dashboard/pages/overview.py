"""Overview: Lanzarote status and the portal network on a world map, on any date."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.components import chart, choice_param, date_param
from dashboard.formatting import event_date, portal_launch
from dashboard.text import t

st.header(t("overview.heading"))
left, right = st.columns([1, 2])
as_of = left.date_input(t("overview.as_of"), value=date_param("as_of", date.today()), min_value=date(2007, 10, 25),
                        help=t("overview.as_of_help"))
zooms = list(charts.ZOOMS)
zoom = right.radio(t("overview.zoom"), zooms, index=zooms.index(choice_param("zoom", zooms, "world")),
                   format_func=lambda z: t(f"zoom.{z}"), horizontal=True)
st.query_params.update({"as_of": as_of.isoformat(), "zoom": zoom})

status = queries.treaty_status(as_of)
if status.empty:
    st.warning(t("data.empty"))
    st.stop()
members = queries.coe_members_on(as_of)
portals = queries.portals()
places = queries.countries().set_index("code")

launched = portals[portals["launch_to"].notna() & (portals["launch_to"] <= as_of)]
in_force = set(status.loc[status["status"] == "in_force", "country_code"])
member_codes = set(members["country_code"])
portal_by_code = launched.dropna(subset=["country_code"]).set_index("country_code")
by_state = status.set_index("country_code")


def category(code: str) -> str | None:
    """The map's category: status, with CoE members and non-members told apart."""
    state_status = by_state.loc[code, "status"] if code in by_state.index else None
    if state_status == "in_force":
        return "in_force_member" if code in member_codes else "in_force_non_member"
    if state_status in ("ratified", "signed", "denounced"):
        return state_status
    return "not_signed_member" if code in member_codes else None


rows = []
for code in sorted(set(by_state.index) | member_codes | set(portal_by_code.index)):
    rec = by_state.loc[code] if code in by_state.index else None
    cat = category(code)
    name = places.loc[code, "name_en"] if code in places.index else code
    launch = portal_launch(portal_by_code.loc[code]) if code in portal_by_code.index else ""
    label = t(f"cat.{cat}") if cat else t("status.none")
    rows.append({
        "code": code, "category": cat,
        "hover": f"<b>{name}</b><br>{label}" + (f"<br>{t('col.portal')}: {launch}" if launch else ""),
        t("col.country"): name, t("col.status"): label, t("col.coe"): t("yes") if code in member_codes else t("no"),
        t("col.signature"): event_date(rec, "signature") if rec is not None else "",
        t("col.deposit"): event_date(rec, "deposit") if rec is not None else "",
        t("col.eif"): event_date(rec, "eif") if rec is not None else "",
        t("col.certain"): (t("yes") if rec["status_certain"] else t("no")) if rec is not None else "",
        t("col.confidence"): rec["confidence"] if rec is not None else "",
        t("col.conflict"): (t("yes") if rec["has_conflict"] else t("no")) if rec is not None else "",
        t("col.portal"): t("yes") if launch else t("no"), t("col.launch"): launch,
        t("col.sources"): rec["deposit_source"] if rec is not None else "",
    })
table = pd.DataFrame(rows)
visible = [c for c in table.columns if c not in ("code", "category", "hover")]

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("metric.parties"), len(in_force), help=t("metric.parties_help"))
c2.metric(t("metric.members_not_bound"), len(member_codes - in_force), help=t("metric.members_help"))
c3.metric(t("metric.portals"), len(launched), help=t("metric.portals_help"))
c4.metric(t("metric.portal_not_party"), len(set(portal_by_code.index) - in_force),
          help=t("metric.portal_not_party_help"))

coords = places[["marker_lat", "marker_lon"]].dropna()
states = table[table["category"].notna()]
small = states[states["code"].isin(coords.index) & ~states["code"].isin(portal_by_code.index)].copy()
small["lat"] = coords.loc[small["code"], "marker_lat"].to_numpy()
small["lon"] = coords.loc[small["code"], "marker_lon"].to_numpy()
points = launched[launched["country_code"].isin(coords.index)].copy()
points["code"] = points["country_code"]
points["lat"] = coords.loc[points["code"], "marker_lat"].to_numpy()
points["lon"] = coords.loc[points["code"], "marker_lon"].to_numpy()
points["hover"] = [f"<b>{r['portal_name']}</b><br>{t('col.portal')}: {portal_launch(r)}" for _, r in points.iterrows()]
labels = {k: t(f"cat.{k}") for k in list(charts.STATUS_COLOURS) + ["portal"]}
fig = charts.status_map(states, small, points, labels, zoom, t("map.title", date=as_of.isoformat()))
event = chart(fig, table[visible], "lanzarote-map",
              t("map.alt", in_force=len(in_force), portals=len(launched), date=as_of.isoformat()), on_select=True)
st.caption(t("map.click"))
clicked = [p.get("location") or p.get("customdata") for p in (event.selection.points if event else [])]
clicked = [c[0] if isinstance(c, list) else c for c in clicked if c]
if clicked:
    st.switch_page("dashboard/pages/country.py", query_params={"countries": clicked[0]})

today_status = queries.treaty_status(date.today())
steps = pd.concat([
    pd.DataFrame({"date": today_status["eif_to"].dropna(), "series": t("cumulative.parties")}),
    pd.DataFrame({"date": portals["launch_to"].dropna(), "series": t("cumulative.portals")}),
])
steps["date"] = pd.to_datetime(steps["date"])
steps = steps[steps["date"] <= pd.Timestamp(as_of)].sort_values("date")
chart(charts.cumulative(steps, t("cumulative.title"), t("cumulative.y")), steps, "cumulative",
      t("cumulative.alt", date=as_of.isoformat()) + " " + t("cumulative.note"))

st.subheader(t("table.heading", date=as_of.isoformat()))
uncertain = int((status["status_certain"] == 0).sum())
if uncertain:
    st.info(t("status.uncertain", n=uncertain))
st.dataframe(table[visible], hide_index=True, width="stretch")
st.caption(t("status.caption"))

"""Lanzarote Committee: rounds, the round x Party matrix (unknown stays unknown), what changed since a
date, the advocacy view, and a round briefing to download."""
import re
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.components import briefing_download, chart, date_param
from dashboard.text import t

RECENT_YEARS = 5

st.header(t("committee.heading"))

st.subheader(t("committee.rounds"))
rounds = queries.rounds()


def first_date(text) -> date | None:
    """The first date written in a free-text field ('2017-06 (questionnaire ...)' -> 2017-06-01)."""
    found = re.search(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text if isinstance(text, str) else "")
    return date(int(found[1]), int(found[2]), int(found[3] or 1)) if found else None


spans = pd.DataFrame({
    "label": rounds["round_code"],
    "date_from": [first_date(x) for x in rounds["launched"]],
    "date_to": [first_date(a) or first_date(b) for a, b in zip(rounds["report_adopted"], rounds["launched"])],
    "hover": [f"{c}: {title[:80]}" for c, title in zip(rounds["round_code"], rounds["title"])],
})
spans = spans.dropna(subset=["date_from"])
chart(charts.timeline(spans, t("committee.timeline")), spans[["label", "date_from", "date_to"]], "rounds-timeline",
      t("committee.timeline_alt"))
st.dataframe(rounds.drop(columns=["load_id"]).map(lambda v: t("unknown") if pd.isna(v) else str(v)),
             hide_index=True, width="stretch")

st.subheader(t("committee.matrix"))
st.caption(t("committee.matrix_note"))
parties = pd.concat([queries.round_parties(code).assign(round_code=code) for code in rounds["round_code"]],
                    ignore_index=True)
matrix = parties.pivot_table(index="name_en", columns="round_code", values="covered", aggfunc="first")
st.dataframe(matrix.fillna(t("unknown")), width="stretch")

st.subheader(t("committee.detail"))
codes = list(rounds["round_code"])
wanted = st.query_params.get("round", "R2")
chosen = st.selectbox(t("committee.pick_round"), codes, index=codes.index(wanted) if wanted in codes else 0,
                      format_func=lambda c: f"{c}: {rounds.set_index('round_code').loc[c, 'title'][:90]}")
st.query_params["round"] = chosen
detail = queries.round_parties(chosen)
st.dataframe(detail.fillna(t("unknown")), hide_index=True, width="stretch")
briefing_download("round", chosen)

st.subheader(t("committee.changes"))
since = st.date_input(t("committee.since"), value=date_param("since", date(date.today().year - 1, 1, 1)),
                      min_value=date(2007, 10, 25))
st.query_params["since"] = since.isoformat()
today = date.today()
events = queries.all_treaty_events()
recent = events[events["date_to"].notna() & (events["date_to"] >= since) & (events["date_to"] <= today)]
for title, kind in ((t("committee.new_deposits"), "deposit"), (t("committee.new_eif"), "entry_into_force")):
    st.markdown(f"**{title}**")
    part = recent[recent["event_type"] == kind][["name_en", "date_from", "date_to", "date_precision", "basis",
                                                  "source", "confidence"]]
    st.dataframe(part, hide_index=True, width="stretch") if len(part) else st.write(t("committee.nothing"))
portals = queries.portals()
st.markdown(f"**{t('committee.new_portals')}**")
new_portals = portals[portals["launch_to"].notna() & (portals["launch_to"] >= since)]
if len(new_portals):
    st.dataframe(new_portals[["portal_name", "launch_from", "launch_precision", "funders", "source"]],
                 hide_index=True, width="stretch")
else:
    st.write(t("committee.nothing"))
st.markdown(f"**{t('committee.new_loads')}**")
loads = queries.loads_since(since)
st.dataframe(loads, hide_index=True, width="stretch") if len(loads) else st.write(t("committee.nothing"))

st.subheader(t("committee.advocacy"))
status = queries.treaty_status(today)
in_force = set(status.loc[status["status"] == "in_force", "country_code"])
launched = portals[portals["launch_to"].notna() & (portals["launch_to"] <= today)]
st.markdown(f"**{t('committee.portal_not_party')}**")
st.dataframe(launched[launched["country_code"].notna() & ~launched["country_code"].isin(in_force)]
             [["country_name_en", "launch_from", "launch_precision", "funders"]], hide_index=True, width="stretch")
st.markdown(f"**{t('committee.party_no_portal')}**")
st.caption(t("committee.party_no_portal_note"))
with_portal = set(portals["country_code"].dropna())
st.dataframe(status[status["status"] == "in_force"].loc[lambda d: ~d["country_code"].isin(with_portal),
                                                         ["name_en", "eif_from", "coe_member"]],
             hide_index=True, width="stretch")
st.markdown(f"**{t('committee.recent', years=RECENT_YEARS)}**")
cutoff = date(today.year - RECENT_YEARS, today.month, 1)
recent_eif = status[(status["coe_member"] == 1) & status["eif_to"].notna()]
recent_eif = recent_eif[pd.to_datetime(recent_eif["eif_to"]).dt.date >= cutoff]
st.dataframe(recent_eif[["name_en", "eif_from", "eif_basis", "eif_source"]], hide_index=True, width="stretch")

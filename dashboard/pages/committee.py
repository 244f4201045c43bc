"""Lanzarote Committee (renders model.committee): rounds (urgent rounds, compliance procedures and surveys
included), the round x Party matrix (unknown stays unknown), what changed since a date, the advocacy view,
and a round briefing to download."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.components import briefing_download, chart, table, url_value
from dashboard.formatting import file_name, period
from dashboard.model.committee import RECENT_YEARS
from dashboard.tables import round_parties_table
from dashboard.text import t
from dashboard.urlstate import parse_choice, parse_date

FIRST = date(2007, 10, 25)

st.header(t("committee.heading"))
today = date.today()
codes = list(queries.rounds()["round_code"])
chosen = url_value(parse_choice("round", st.query_params.get("round"), codes, "R2" if "R2" in codes else codes[0]))
since = url_value(parse_date("since", st.query_params.get("since"), date(today.year - 1, 1, 1), FIRST, today))
view = queries.committee(today, chosen, since)
rounds = view.rounds


def events(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("col.code"): frame["country_code"], t("col.country"): frame["name_en"],
                         t("col.date"): [period(a, b, p, s) for a, b, p, s in zip(
                             frame["date_from"], frame["date_to"], frame["date_precision"], frame["basis"])],
                         t("col.source"): frame["source"], t("col.confidence"): frame["confidence"]})


def portal_list(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("col.code"): frame["country_code"].fillna(frame["portal_code"]),
                         t("col.country"): frame["country_name_en"].fillna(frame["portal_name"]),
                         t("col.launch"): [period(a, b, p) for a, b, p in zip(
                             frame["launch_from"], frame["launch_to"], frame["launch_precision"])],
                         t("col.funders"): frame["funders"].fillna(t("unknown")),
                         t("col.source"): frame["source"]})


def listing(frame: pd.DataFrame) -> None:
    """A table, or a plain sentence when there is nothing to list."""
    if len(frame):
        table(frame)
    else:
        st.write(t("committee.nothing"))


st.subheader(t("committee.rounds"))
spans = pd.DataFrame({
    "label": rounds["round_code"], "date_from": rounds["launch_from"],
    "date_to": [a or b for a, b in zip(rounds["adopted_to"], rounds["launch_to"])],
    "hover": [f"{c} ({t(f'kind.{k}')}): {title[:80]}" for c, k, title in
              zip(rounds["round_code"], rounds["kind"], rounds["title"])]}).dropna(subset=["date_from"])
shown_rounds = pd.DataFrame({
    t("round.title"): rounds["round_code"], t("col.kind"): [t(f"kind.{k}") for k in rounds["kind"]],
    t("col.title"): rounds["title"], t("col.launched"): rounds["launched"].fillna(t("unknown")),
    t("col.reports"): rounds["report_codes"].fillna(t("unknown")),
    t("col.adopted"): rounds["report_adopted"].fillna(t("unknown")),
    t("col.parties_covered"): rounds["parties_covered_count"].astype("Int64"),
    t("col.source"): rounds["source"].fillna("")})
chart(charts.timeline(spans, t("committee.timeline")), shown_rounds, "rounds-timeline", t("committee.timeline_alt"),
      file_name("rounds", today))

st.subheader(t("committee.matrix"))
st.caption(t("committee.matrix_note"))
matrix = view.matrix.rename(columns={"country_code": t("col.code"), "name_en": t("col.country")})
table(matrix.fillna(t("unknown")))

st.subheader(t("committee.detail"))
titles = dict(zip(rounds["round_code"], rounds["title"]))
picked = st.selectbox(t("committee.pick_round"), codes, index=codes.index(chosen),
                      format_func=lambda c: f"{c}: {titles[c][:90]}")
if picked != chosen:
    chosen = picked
    view = queries.committee(today, chosen, since)
st.query_params["round"] = chosen
table(round_parties_table(view.parties))
briefing_download(f"round-{chosen}-{today}", view)

st.subheader(t("committee.changes"))
since = st.date_input(t("committee.since"), value=since, min_value=FIRST, max_value=today)
st.query_params["since"] = since.isoformat()
if since != view.since:
    view = queries.committee(today, chosen, since)
st.markdown(f"**{t('committee.new_deposits')}**")
listing(events(view.deposits))
st.markdown(f"**{t('committee.new_eif')}**")
listing(events(view.entries_into_force))
st.markdown(f"**{t('committee.new_portals')}**")
listing(portal_list(view.new_portals))
st.markdown(f"**{t('committee.new_loads')}**")
listing(pd.DataFrame({t("col.job"): view.loads["job"], t("col.load"): view.loads["load_id"],
                      t("col.source"): view.loads["source"].where(view.loads["is_statistics"] == 0, t("method.stats_source")),
                      t("col.finished"): view.loads["finished_at"].astype(str),
                      t("col.rows_loaded"): view.loads["rows_loaded"],
                      t("col.rows_rejected"): view.loads["rows_rejected"]}))

st.subheader(t("committee.advocacy"))
st.markdown(f"**{t('committee.portal_not_party')}**")
listing(portal_list(view.portal_not_party))
st.markdown(f"**{t('committee.party_no_portal')}**")
st.caption(t("committee.party_no_portal_note"))
listing(pd.DataFrame({t("col.code"): view.party_no_portal["country_code"],
                      t("col.country"): view.party_no_portal["name_en"],
                      t("col.eif"): [period(a, b, p, s) for a, b, p, s in zip(
                          view.party_no_portal["eif_from"], view.party_no_portal["eif_to"],
                          view.party_no_portal["eif_precision"], view.party_no_portal["eif_basis"])],
                      t("col.coe"): [t("yes") if m else t("no") for m in view.party_no_portal["coe_member"]]}))
st.markdown(f"**{t('committee.recent', years=RECENT_YEARS)}**")
listing(pd.DataFrame({t("col.code"): view.recent_eif["country_code"], t("col.country"): view.recent_eif["name_en"],
                      t("col.eif"): [period(a, b, p, s) for a, b, p, s in zip(
                          view.recent_eif["eif_from"], view.recent_eif["eif_to"], view.recent_eif["eif_precision"],
                          view.recent_eif["eif_basis"])],
                      t("col.source"): view.recent_eif["eif_source"]}))

"""Lanzarote Committee (renders model.committee): rounds (urgent rounds, compliance procedures and surveys
included), the round x Party matrix (unknown stays unknown), what changed since a date, the advocacy view,
and a round briefing to download."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.components import DATE_INPUT, briefing_download, chart, table, url_value
from dashboard.formatting import answer, file_name, period
from dashboard.i18n import country_name, page_language
from dashboard.model.committee import RECENT_YEARS
from dashboard.tables import places, round_parties_table
from dashboard.text import label, t
from dashboard.urlstate import parse_choice, parse_date

FIRST = date(2007, 10, 25)

lang = page_language()
st.header(t("committee.heading", lang))
today = date.today()
codes = list(queries.rounds()["round_code"])
chosen = url_value(parse_choice("round", st.query_params.get("round"), codes, "R2" if "R2" in codes else codes[0]), lang)
since = url_value(parse_date("since", st.query_params.get("since"), date(today.year - 1, 1, 1), FIRST, today), lang)
view = queries.committee(today, chosen, since)
rounds = view.rounds


def events(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("col.code", lang): frame["country_code"],
                         t("col.country", lang): [country_name(c, lang) for c in frame["country_code"]],
                         t("col.date", lang): [period(a, b, p, lang, s, data=True) for a, b, p, s in zip(
                             frame["date_from"], frame["date_to"], frame["date_precision"], frame["basis"])],
                         t("col.source", lang): frame["source"],
                         t("col.confidence", lang): [label("confidence", c, lang) for c in frame["confidence"]]})


def portal_list(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({t("col.code", lang): frame["country_code"].fillna(frame["portal_code"]),
                         t("col.country", lang): places(frame, lang),
                         t("col.launch", lang): [period(a, b, p, lang, data=True) for a, b, p in zip(
                             frame["launch_from"], frame["launch_to"], frame["launch_precision"])],
                         t("col.funders", lang): frame["funders"].fillna(t("unknown", lang)),
                         t("col.source", lang): frame["source"]})


def listing(frame: pd.DataFrame) -> None:
    """A table, or a plain sentence when there is nothing to list."""
    if len(frame):
        table(frame)
    else:
        st.write(t("committee.nothing", lang))


st.subheader(t("committee.rounds", lang))
spans = pd.DataFrame({
    "label": rounds["round_code"], "date_from": rounds["launch_from"],
    "date_to": [a or b for a, b in zip(rounds["adopted_to"], rounds["launch_to"])],
    "hover": [f"{c} ({t(f'kind.{k}', lang)}): {title[:80]}" for c, k, title in
              zip(rounds["round_code"], rounds["kind"], rounds["title"])]}).dropna(subset=["date_from"])
shown_rounds = pd.DataFrame({
    t("round.title", lang): rounds["round_code"], t("col.kind", lang): [t(f"kind.{k}", lang) for k in rounds["kind"]],
    t("col.title", lang): rounds["title"], t("col.launched", lang): rounds["launched"].fillna(t("unknown", lang)),
    t("col.reports", lang): rounds["report_codes"].fillna(t("unknown", lang)),
    t("col.adopted", lang): rounds["report_adopted"].fillna(t("unknown", lang)),
    t("col.parties_covered", lang): rounds["parties_covered_count"].astype("Int64"),
    t("col.source", lang): rounds["source"].fillna("")})
chart(charts.timeline(spans, t("committee.timeline", lang)), shown_rounds, "rounds-timeline",
      t("committee.timeline_alt", lang), file_name("rounds", today), lang)

st.subheader(t("committee.matrix", lang))
st.caption(t("committee.matrix_note", lang))
matrix = view.matrix.assign(name_en=[country_name(c, lang) for c in view.matrix["country_code"]]).rename(
    columns={"country_code": t("col.code", lang), "name_en": t("col.country", lang)})
rounds_shown = [c for c in view.matrix.columns if c not in ("country_code", "name_en")]
table(matrix.assign(**{c: [answer(v, lang) for v in matrix[c]] for c in rounds_shown}))

st.subheader(t("committee.detail", lang))
titles = dict(zip(rounds["round_code"], rounds["title"]))
picked = st.selectbox(t("committee.pick_round", lang), codes, index=codes.index(chosen),
                      format_func=lambda c: f"{c}: {titles[c][:90]}")
if picked != chosen:
    chosen = picked
    view = queries.committee(today, chosen, since)
st.query_params["round"] = chosen
table(round_parties_table(view.parties, lang))
briefing_download(f"round-{chosen}-{today}", view, lang)

st.subheader(t("committee.changes", lang))
since = st.date_input(t("committee.since", lang), value=since, min_value=FIRST, max_value=today,
                      format=DATE_INPUT[lang])
st.query_params["since"] = since.isoformat()
if since != view.since:
    view = queries.committee(today, chosen, since)
st.markdown(f"**{t('committee.new_deposits', lang)}**")
listing(events(view.deposits))
st.markdown(f"**{t('committee.new_eif', lang)}**")
listing(events(view.entries_into_force))
st.markdown(f"**{t('committee.new_portals', lang)}**")
listing(portal_list(view.new_portals))
st.markdown(f"**{t('committee.new_loads', lang)}**")
listing(pd.DataFrame({t("col.job", lang): view.loads["job"], t("col.load", lang): view.loads["load_id"],
                      t("col.source", lang): view.loads["source"].where(view.loads["is_statistics"] == 0,
                                                                        t("method.stats_source", lang)),
                      t("col.finished", lang): view.loads["finished_at"].astype(str),
                      t("col.rows_loaded", lang): view.loads["rows_loaded"],
                      t("col.rows_rejected", lang): view.loads["rows_rejected"]}))

st.subheader(t("committee.advocacy", lang))
st.markdown(f"**{t('committee.portal_not_party', lang)}**")
listing(portal_list(view.portal_not_party))
st.markdown(f"**{t('committee.party_no_portal', lang)}**")
st.caption(t("committee.party_no_portal_note", lang))
listing(pd.DataFrame({t("col.code", lang): view.party_no_portal["country_code"],
                      t("col.country", lang): [country_name(c, lang) for c in view.party_no_portal["country_code"]],
                      t("col.eif", lang): [period(a, b, p, lang, s, data=True) for a, b, p, s in zip(
                          view.party_no_portal["eif_from"], view.party_no_portal["eif_to"],
                          view.party_no_portal["eif_precision"], view.party_no_portal["eif_basis"])],
                      t("col.coe", lang): [t("yes", lang) if m else t("no", lang) for m in view.party_no_portal["coe_member"]]}))
st.markdown(f"**{t('committee.recent', lang, years=RECENT_YEARS)}**")
listing(pd.DataFrame({t("col.code", lang): view.recent_eif["country_code"],
                      t("col.country", lang): [country_name(c, lang) for c in view.recent_eif["country_code"]],
                      t("col.eif", lang): [period(a, b, p, lang, s, data=True) for a, b, p, s in zip(
                          view.recent_eif["eif_from"], view.recent_eif["eif_to"], view.recent_eif["eif_precision"],
                          view.recent_eif["eif_basis"])],
                      t("col.source", lang): view.recent_eif["eif_source"]}))

"""Country profile: up to three countries side by side, section by section (renders model.country):
CoE membership, treaty status and events known on the date, caveats, rounds, the portal and its statistics
with the state of every value; the same y-axis range for the same measure across the columns."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.auth import current_audience
from dashboard.components import briefing_download, chart, demo_banner, said_instead, table, url_value
from dashboard.formatting import event_date, file_name, period, portal_launch, state_label, state_labels
from dashboard.i18n import country_name, format_date, page_language, sort_key
from dashboard.model.cells import all_hidden
from dashboard.tables import events_table, rounds_table, stats_table
from dashboard.text import label, said, t
from dashboard.urlstate import parse_codes, parse_date

FIRST = date(2007, 10, 25)
LIMIT = 3

lang = page_language()
st.header(t("country.heading", lang))
today = date.today()
as_of = url_value(parse_date("as_of", st.query_params.get("as_of"), today, FIRST, today), lang)
# Every country (one clicked on the map opens here), named and sorted in the reader's language; the picker's
# filter finds a name as typed in that language ('Maroc', 'Royaume-Uni', 'Türkiye').
names = {code: country_name(code, lang) for code in queries.countries()["code"]}
names = dict(sorted(names.items(), key=lambda item: sort_key(item[1], lang)))
wanted = url_value(parse_codes("countries", st.query_params.get("countries"), set(names), ["MAR"], LIMIT), lang)
chosen = st.multiselect(t("country.pick", lang), list(names), default=wanted, format_func=names.get,
                        max_selections=LIMIT, help=t("country.help", lang), select_all=False, filter_mode="contains")
st.query_params["countries"] = ",".join(chosen)
if as_of != today:
    st.query_params["as_of"] = as_of.isoformat()
if not chosen:
    st.stop()
audience = current_audience()
views = [queries.profile(code, as_of, audience) for code in chosen]


def written(day) -> str:
    """A retrieval date as the reader writes dates; unknown when the source has none."""
    return format_date(day, lang) if day is not None and not pd.isna(day) else t("unknown", lang)


def section(render):
    """One row of the comparison: the same section for every country, so sections line up."""
    for col, view in zip(st.columns(len(views)), views):
        with col:
            render(view)


def heading(v):
    st.subheader(country_name(v.code, lang))
    st.caption(v.code + (f" ({t('country.project_code', lang)})" if v.code_kind == "project" else ""))
    briefing_download(f"country-{v.code}-{as_of}", v, lang)
    st.markdown(f"**{t('country.coe', lang)}**")
    if v.coe_accession is not None:
        st.write(t("country.coe_left", lang, joined=format_date(v.coe_accession, lang),
                   left=format_date(v.coe_left, lang)) if v.coe_left
                 else t("country.coe_member", lang, date=format_date(v.coe_accession, lang)))
    else:
        st.write(t("country.coe_none", lang))


def treaty(v):
    st.markdown(f"**{t('country.treaty', lang)}**")
    key = "country.status_today" if as_of == today else "country.status_on"
    st.markdown(t(key, lang, status=t(f"status.{v.status}", lang), date=format_date(as_of, lang)))
    if not v.has_events:
        st.write(t("country.not_party", lang, date=format_date(as_of, lang)))
        return
    st.write(" · ".join(said(t(key, lang), event_date(v.dates, prefix, lang) or t("none", lang), lang)
                        for key, prefix in (("col.signature", "signature"), ("col.deposit", "deposit"),
                                            ("col.eif", "eif"))))
    dated = v.events[v.events["is_selected"] == 1].assign(
        label=lambda d: [t(f"event.{e}", lang) for e in d["event_type"]],
        hover=lambda d: [said(t(f"event.{e}", lang),
                              f"{period(a, b, p, lang)} ({t(f'basis.{s}', lang)}, {label('confidence', c, lang)})", lang)
                         for e, a, b, p, s, c in zip(d["event_type"], d["date_from"], d["date_to"],
                                                     d["date_precision"], d["basis"], d["confidence"])])
    chart(charts.timeline(dated, t("country.timeline", lang)), events_table(v.events, lang), f"timeline-{v.code}",
          t("country.events", lang) + f" · {t('country.retrieved', lang)} {written(v.treaties_retrieved)}",
          file_name(f"timeline-{v.code}", as_of, v.treaties_retrieved), lang)


def caveats(v):
    if len(v.notes):
        st.markdown(f"**{t('country.caveats', lang)}**")
        for note in v.notes.to_dict("records"):
            st.caption(f"{note['note']} ({note['source']})")


def monitoring(v):
    st.markdown(f"**{t('country.rounds', lang)}**")
    if v.rounds.empty:
        st.write(t("country.no_rounds", lang))
    else:
        table(rounds_table(v.rounds, lang))


def portal(v):
    st.markdown(f"**{t('country.portal', lang)}**")
    p = v.portal
    if p is None:
        st.write(t("country.no_portal", lang))
        return
    st.markdown(said(t("country.launch", lang), f"**{portal_launch(p.__dict__, lang)}**", lang))
    for key, value in (("country.partners", p.partners), ("country.funders", "; ".join(p.funders)),
                         ("country.languages", p.languages), ("country.link", p.url)):
        st.write(said(t(key, lang), value or t("unknown", lang), lang))
    if p.notes:
        st.caption(said(t("country.launch_note", lang), p.notes, lang))
    st.caption(" · ".join([said(t("country.source", lang), p.source, lang),
                           said(t("country.confidence", lang), label("confidence", p.confidence, lang), lang),
                           f"{t('country.retrieved', lang)} {written(p.retrieved_at)}"]))


def top(measures) -> list | None:
    """One y-axis range for a measure across the compared countries."""
    highest = [v.stats[m].max() for v in views if v.stats is not None for m in measures]
    highest = [h for h in highest if h is not None and not pd.isna(h)]
    return [0, float(max(highest)) * 1.08] if highest else None


received_range, severity_range = top(["received", "actioned"]), top(["actioned"])


def statistics(v):
    st.markdown(f"**{t('country.stats', lang)}**")
    if v.withheld:
        st.info(t("withheld.portal", lang))
        return
    if v.stats is None:
        st.write(t("country.no_stats", lang) if v.portal is not None else "")
        return
    demo_banner(v.is_demo, lang)
    counts = {"received": t("measure.received", lang), "actioned": t("measure.actioned", lang)}
    chart(charts.trend(v.stats, counts, t("country.stats_title", lang), state_labels(lang, v.k), received_range),
          stats_table(v.stats, counts, v.k, lang), f"stats-{v.code}", t("country.stats_title", lang),
          file_name(f"stats-{v.code}", as_of), lang)
    parts = v.severity.copy()
    hidden_rows = parts["part"].str.startswith("hidden:")
    parts["label"] = [t("state.hidden_part", lang) if h else p[-1].upper() for p, h in zip(parts["part"], hidden_rows)]
    parts["hover"] = [t("state.hidden_which", lang, parts=", ".join(x[-1].upper() for x in p[7:].split(","))) if h
                      else p[-1].upper() for p, h in zip(parts["part"], hidden_rows)]
    hidden = {t("state.hidden_part", lang)}
    shown = pd.DataFrame({t("col.year", lang): parts["period_start"].dt.year, t("col.severity", lang): parts["hover"],
                          t("col.value", lang): parts["value"],
                          t("col.state", lang): [state_label(s, lang, v.k) for s in parts["state"]]})
    chart(charts.stacked_bars(parts, "period_start", "label", "value", t("country.severity", lang), hidden,
                              severity_range),
          shown, f"severity-{v.code}", t("country.severity", lang), file_name(f"severity-{v.code}", as_of), lang)
    shares = {"share_actioned": t("measure.share_actioned", lang), "share_self": t("measure.share_self", lang)}
    for m, name in list(shares.items()):
        if all_hidden(v.stats, m):
            said_instead(t("chart.all_hidden", lang, measure=name, state=state_label(v.stats[f"{m}_state"].iloc[0], lang, v.k)))
            del shares[m]
    if shares:
        chart(charts.trend(v.stats, shares, t("country.shares", lang), state_labels(lang, v.k), [0, 100]),
              stats_table(v.stats, shares, v.k, lang), f"shares-{v.code}", t("country.shares", lang),
              file_name(f"shares-{v.code}", as_of), lang)


for part in (heading, treaty, caveats, monitoring, portal, statistics):
    section(part)

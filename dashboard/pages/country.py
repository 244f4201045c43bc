"""Country profile: up to three countries side by side, section by section (renders model.country):
CoE membership, treaty status and events known on the date, caveats, rounds, the portal and its statistics
with the state of every value; the same y-axis range for the same measure across the columns."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.components import briefing_download, chart, demo_banner, said_instead, table, url_value
from dashboard.formatting import event_date, file_name, period, portal_launch, state_label, state_labels
from dashboard.model.cells import all_hidden
from dashboard.tables import events_table, rounds_table, stats_table
from dashboard.text import t
from dashboard.urlstate import parse_codes, parse_date

FIRST = date(2007, 10, 25)
LIMIT = 3

st.header(t("country.heading"))
today = date.today()
as_of = url_value(parse_date("as_of", st.query_params.get("as_of"), today, FIRST, today))
places = queries.countries().sort_values("name_en")
names = dict(zip(places["code"], places["name_en"]))   # every country: one clicked on the map opens here
wanted = url_value(parse_codes("countries", st.query_params.get("countries"), set(names), ["MAR"], LIMIT))
chosen = st.multiselect(t("country.pick"), list(names), default=wanted, format_func=names.get,
                        max_selections=LIMIT, help=t("country.help"), select_all=False, filter_mode="contains")
st.query_params["countries"] = ",".join(chosen)
if as_of != today:
    st.query_params["as_of"] = as_of.isoformat()
if not chosen:
    st.stop()
views = [queries.profile(code, as_of) for code in chosen]


def section(render):
    """One row of the comparison: the same section for every country, so sections line up."""
    for col, view in zip(st.columns(len(views)), views):
        with col:
            render(view)


def heading(v):
    st.subheader(v.name_en)
    st.caption(f"{v.name_fr} · {v.code}" + (f" ({t('country.project_code')})" if v.code_kind == "project" else ""))
    briefing_download(f"country-{v.code}-{as_of}", v)
    st.markdown(f"**{t('country.coe')}**")
    if v.coe_accession is not None:
        st.write(t("country.coe_left", joined=v.coe_accession, left=v.coe_left) if v.coe_left
                 else t("country.coe_member", date=v.coe_accession))
    else:
        st.write(t("country.coe_none"))


def treaty(v):
    st.markdown(f"**{t('country.treaty')}**")
    key = "country.status_today" if as_of == today else "country.status_on"
    st.markdown(t(key, status=t(f"status.{v.status}"), date=as_of.isoformat()))
    if not v.has_events:
        st.write(t("country.not_party", date=as_of.isoformat()))
        return
    st.write(f"{t('col.signature')}: {event_date(v.dates, 'signature') or t('none')} · {t('col.deposit')}: "
             f"{event_date(v.dates, 'deposit') or t('none')} · {t('col.eif')}: "
             f"{event_date(v.dates, 'eif') or t('none')}")
    dated = v.events[v.events["is_selected"] == 1].assign(
        label=lambda d: [t(f"event.{e}") for e in d["event_type"]],
        hover=lambda d: [f"{t(f'event.{e}')}: {period(a, b, p)} ({t(f'basis.{s}')}, {c})" for e, a, b, p, s, c in
                         zip(d["event_type"], d["date_from"], d["date_to"], d["date_precision"], d["basis"],
                             d["confidence"])])
    chart(charts.timeline(dated, t("country.timeline")), events_table(v.events), f"timeline-{v.code}",
          t("country.events") + f" · {t('country.retrieved')} {v.treaties_retrieved or t('unknown')}",
          file_name(f"timeline-{v.code}", as_of, v.treaties_retrieved))


def caveats(v):
    if len(v.notes):
        st.markdown(f"**{t('country.caveats')}**")
        for note in v.notes.to_dict("records"):
            st.caption(f"{note['note']} ({note['source']})")


def monitoring(v):
    st.markdown(f"**{t('country.rounds')}**")
    if v.rounds.empty:
        st.write(t("country.no_rounds"))
    else:
        table(rounds_table(v.rounds))


def portal(v):
    st.markdown(f"**{t('country.portal')}**")
    p = v.portal
    if p is None:
        st.write(t("country.no_portal"))
        return
    st.markdown(f"{t('country.launch')}: **{portal_launch(p.__dict__)}**")
    for label, value in (("country.partners", p.partners), ("country.funders", "; ".join(p.funders)),
                         ("country.languages", p.languages), ("country.link", p.url)):
        st.write(f"{t(label)}: {value or t('unknown')}")
    if p.notes:
        st.caption(f"{t('country.launch_note')}: {p.notes}")
    st.caption(f"{t('country.source')}: {p.source} · {t('country.confidence')}: {p.confidence} · "
               f"{t('country.retrieved')} {p.retrieved_at}")


def top(measures) -> list | None:
    """One y-axis range for a measure across the compared countries."""
    highest = [v.stats[m].max() for v in views if v.stats is not None for m in measures]
    highest = [h for h in highest if h is not None and not pd.isna(h)]
    return [0, float(max(highest)) * 1.08] if highest else None


received_range, severity_range = top(["received", "actioned"]), top(["actioned"])


def statistics(v):
    st.markdown(f"**{t('country.stats')}**")
    if v.stats is None:
        st.write(t("country.no_stats") if v.portal is not None else "")
        return
    demo_banner(v.is_demo)
    counts = {"received": t("measure.received"), "actioned": t("measure.actioned")}
    chart(charts.trend(v.stats, counts, t("country.stats_title"), state_labels(v.k), received_range),
          stats_table(v.stats, counts, v.k), f"stats-{v.code}", t("country.stats_title"),
          file_name(f"stats-{v.code}", as_of))
    parts = v.severity.copy()
    hidden_rows = parts["part"].str.startswith("hidden:")
    parts["label"] = [t("state.hidden_part") if h else p[-1].upper() for p, h in zip(parts["part"], hidden_rows)]
    parts["hover"] = [t("state.hidden_which", parts=", ".join(x[-1].upper() for x in p[7:].split(","))) if h
                      else p[-1].upper() for p, h in zip(parts["part"], hidden_rows)]
    hidden = {t("state.hidden_part")}
    shown = pd.DataFrame({t("col.year"): parts["period_start"].dt.year, t("col.severity"): parts["hover"],
                          t("col.value"): parts["value"],
                          t("col.state"): [state_label(s, v.k) for s in parts["state"]]})
    chart(charts.stacked_bars(parts, "period_start", "label", "value", t("country.severity"), hidden,
                              severity_range),
          shown, f"severity-{v.code}", t("country.severity"), file_name(f"severity-{v.code}", as_of))
    shares = {"share_actioned": t("measure.share_actioned"), "share_self": t("measure.share_self")}
    for m, label in list(shares.items()):
        if all_hidden(v.stats, m):
            said_instead(t("chart.all_hidden", measure=label, state=state_label(v.stats[f"{m}_state"].iloc[0], v.k)))
            del shares[m]
    if shares:
        chart(charts.trend(v.stats, shares, t("country.shares"), state_labels(v.k), [0, 100]),
              stats_table(v.stats, shares, v.k), f"shares-{v.code}", t("country.shares"),
              file_name(f"shares-{v.code}", as_of))


for part in (heading, treaty, caveats, monitoring, portal, statistics):
    section(part)

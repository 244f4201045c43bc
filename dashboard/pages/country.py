"""Country profile: treaty timeline, CoE membership, monitoring rounds, portal and its statistics, with the
source, confidence and retrieval date of every fact; up to three side by side."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.components import briefing_download, chart, demo_banner
from dashboard.formatting import event_date, portal_launch
from dashboard.text import t
from etl.dates import Period, format_period

st.header(t("country.heading"))
places = queries.countries()
status = queries.treaty_status(date.today())
portals = queries.portals()
relevant = set(status["country_code"]) | set(portals["country_code"].dropna()) | set(
    places.loc[places["coe_accession_date"].notna(), "code"])
options = places[places["code"].isin(relevant)].sort_values("name_en")
names = dict(zip(options["code"], options["name_en"]))
wanted = [c for c in st.query_params.get("countries", "MAR").split(",") if c in names][:3]
chosen = st.multiselect(t("country.pick"), list(names), default=wanted or ["MAR"], format_func=names.get,
                        max_selections=3, help=t("country.help"))
st.query_params["countries"] = ",".join(chosen)
if not chosen:
    st.stop()
pub = queries.publication()
shown_demo = False
loads = queries.last_loads().set_index("job")


def retrieved(job: str) -> str:
    return str(loads.loc[job, "retrieved_at"]) if job in loads.index else t("unknown")


def event_rows(ev: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in ev.itertuples():
        shown = format_period(Period(r.date_from, r.date_to, r.date_precision)) if r.date_to else t("unknown")
        rows.append({"event": t(f"event.{r.event_type}"), "date": shown, "detail": r.detail or "",
                     "basis": t(f"basis.{r.basis}"), "shown": t("yes") if r.is_selected else t("no"),
                     "confidence": r.confidence, "source": r.source, "note": r.note or ""})
    return pd.DataFrame(rows)


for col, code in zip(st.columns(len(chosen)), chosen):
    with col:
        place = places.set_index("code").loc[code]
        st.subheader(place["name_en"])
        st.caption(f"{place['name_fr']} · {code}" + (" (project code, not ISO)" if place["code_kind"] == "project" else ""))

        briefing_download("country", code)
        st.markdown(f"**{t('country.coe')}**")
        if pd.notna(place["coe_accession_date"]):
            joined = str(place["coe_accession_date"])[:10]
            st.write(t("country.coe_left", joined=joined, left=str(place["coe_left_date"])[:10])
                     if pd.notna(place["coe_left_date"]) else t("country.coe_member", date=joined))
        else:
            st.write(t("country.coe_none"))

        st.markdown(f"**{t('country.treaty')}**")
        state = status[status["country_code"] == code]
        if state.empty:
            st.write(t("country.no_events"))
        else:
            rec = state.iloc[0]
            st.markdown(t("country.status_today", status=t(f"status.{rec['status']}")))
            st.write(f"{t('col.signature')}: {event_date(rec, 'signature')} · {t('col.deposit')}: "
                     f"{event_date(rec, 'deposit')} · {t('col.eif')}: {event_date(rec, 'eif')}")
            all_events = queries.treaty_events(code)
            events = event_rows(all_events)
            dated = all_events[all_events["is_selected"] == 1].assign(
                label=lambda d: [t(f"event.{e}") for e in d["event_type"]],
                hover=lambda d: [f"{t(f'event.{e}')}: {format_period(Period(a, b, p)) if b else t('unknown')} "
                                 f"({t(f'basis.{s}')}, {c})" for e, a, b, p, s, c in
                                 zip(d["event_type"], d["date_from"], d["date_to"], d["date_precision"], d["basis"],
                                     d["confidence"])])
            chart(charts.timeline(dated, t("country.timeline")), events, f"timeline-{code}",
                  t("country.events") + f" · {t('country.retrieved')} {retrieved('treaties')}")
            notes = queries.treaty_notes(code)
            if len(notes):
                with st.expander(t("country.notes")):
                    st.dataframe(notes, hide_index=True, width="stretch")

        st.markdown(f"**{t('country.rounds')}**")
        rounds = queries.rounds_for(code)
        if rounds.empty:
            st.write(t("country.no_rounds"))
        else:
            st.dataframe(rounds.rename(columns={"round_code": t("round.title"), "covered": t("round.covered"),
                                                "reply_submitted": t("round.reply"),
                                                "recommendations": t("round.recs"),
                                                "compliance_status": t("round.compliance")}).fillna(t("unknown")),
                         hide_index=True, width="stretch")

        st.markdown(f"**{t('country.portal')}**")
        mine = portals[portals["country_code"] == code]
        if mine.empty:
            st.write(t("country.no_portal"))
            continue
        p = mine.iloc[0]
        st.write(f"{t('country.launch')}: **{portal_launch(p)}**")
        for label, field in (("country.partners", "partners"), ("country.funders", "funders"),
                             ("country.languages", "languages"), ("country.link", "url")):
            st.write(f"{t(label)}: {p[field] if pd.notna(p[field]) and p[field] else t('unknown')}")
        st.caption(f"{t('country.source')}: {p['source']} · {t('country.confidence')}: {p['confidence']} · "
                   f"{t('country.retrieved')} {p['retrieved_at']}")

        st.markdown(f"**{t('country.stats')}**")
        stats = queries.portal_stats("portal", "year", p["portal_code"])
        if stats.empty:
            st.write(t("country.no_stats"))
            continue
        if not shown_demo:
            shown_demo = demo_banner()
        k = int(pub.get("k", 10))
        stats = stats.assign(
            share_actioned=lambda d: (100 * d["actioned"] / d["received"]).round(1),
            share_actioned_suppressed=lambda d: (d["actioned_suppressed"] | d["received_suppressed"]).astype(int),
            share_self=lambda d: (100 * d["self_generated_yes"] / d["actioned"]).round(1),
            share_self_suppressed=lambda d: (d["self_generated_yes_suppressed"] | d["actioned_suppressed"]).astype(int))
        cols = ["period_start", "received", "received_suppressed", "actioned", "actioned_suppressed",
                "share_actioned", "share_self", "severity_a", "severity_b", "severity_c"]
        chart(charts.trend(stats, {"received": t("measure.received"), "actioned": t("measure.actioned")},
                           t("country.stats_title"), t("suppressed", k=k)),
              stats[cols], f"stats-{code}", t("country.stats_title"))
        severity = stats.melt(id_vars="period_start", value_vars=["severity_a", "severity_b", "severity_c"],
                              var_name="severity", value_name="reports")
        severity["severity"] = severity["severity"].str[-1].str.upper()
        chart(charts.stacked_bars(severity, "period_start", "severity", "reports", t("country.severity")),
              severity, f"severity-{code}", t("country.severity") + " · " + t("suppressed", k=k))
        chart(charts.trend(stats, {"share_actioned": t("measure.share_actioned"),
                                   "share_self": t("measure.share_self")}, t("country.shares"),
                           t("suppressed", k=k)), stats[["period_start", "share_actioned", "share_self"]],
              f"shares-{code}", t("country.shares"))

"""Data and methodology (renders model.methodology): sources and loads, definitions, the suppression rule,
known gaps, demo status."""
import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.auth import current_audience
from dashboard.components import table
from dashboard.i18n import country_name, format_number, page_language
from dashboard.tables import loads_table
from dashboard.text import label, t

lang = page_language()
st.header(t("method.heading", lang))
view = queries.methodology()

st.subheader(t("method.sources", lang))
st.caption(t("method.sources_note", lang))
table(loads_table(view.loads, lang))

st.subheader(t("method.status", lang))
st.markdown(t("method.status_text", lang))

st.subheader(t("method.stats", lang))
table(pd.DataFrame({t("col.term", lang): list(view.terms), t("col.meaning", lang): [label("term", code, lang) for code in view.terms]}))

st.subheader(t("method.suppression", lang))
pub = view.publication
if pub:
    k = int(pub["k"])
    st.markdown(t("method.suppression_text", lang, k=k, k_minus=k - 1, hidden=format_number(int(pub["cells_suppressed"]), lang),
                  cells=format_number(int(pub["cells"]), lang)))
    st.markdown(t("method.grain", lang))
    narrowest, width = pub.get("narrowest"), int(pub.get("width") or k)
    if narrowest is None or pd.isna(narrowest):
        st.markdown(t("method.no_interval", lang))
    else:
        key = "method.protection" if narrowest >= width else "method.protection_limited"
        st.markdown(t(key, lang, width=width, narrowest=format_number(int(narrowest), lang)))
    st.markdown(t("method.one_mark", lang, k=k))
    if pub["is_demo"]:
        st.warning(t("method.demo_yes", lang), icon="⚠️")
    else:
        st.success(t("method.demo_no", lang))
else:
    st.info(t("method.no_stats", lang))

st.subheader(t("method.gaps", lang))
caveats = view.caveats
table(pd.DataFrame({t("col.country", lang): [country_name(c, lang) if isinstance(c, str) else t("all_parties", lang)
                                           for c in caveats["country_code"]],
                    t("col.field", lang): caveats["field"],
                    t("col.note", lang): caveats["note"],
                    t("col.kind", lang): [label("note", k, lang) for k in caveats["kind"]],
                    t("col.source", lang): caveats["source"]}))

audit = queries.audit_trail(current_audience())
if audit is not None:   # staff only
    st.subheader(t("method.audit", lang))
    st.caption(t("method.audit_note", lang))
    if audit.empty:
        st.write(t("method.audit_none", lang))
    else:
        table(pd.DataFrame({t("col.at", lang): audit["at"].astype(str), t("col.audit_event", lang): [label("audit", e, lang) for e in audit["event"]],
                            t("col.subject", lang): audit["subject"].fillna("-"),
                            t("col.audience", lang): [t(f"audience.{a}", lang) for a in audit["audience"]],
                            t("col.scope", lang): audit["scope"].fillna(""), t("col.what", lang): audit["what"]}))

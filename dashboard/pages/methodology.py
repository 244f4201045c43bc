"""Data and methodology (renders model.methodology): sources and loads, definitions, the suppression rule,
known gaps, demo status."""
import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.components import table
from dashboard.tables import loads_table
from dashboard.text import t

st.header(t("method.heading"))
view = queries.methodology()

st.subheader(t("method.sources"))
st.caption(t("method.sources_note"))
table(loads_table(view.loads))

st.subheader(t("method.status"))
st.markdown(t("method.status_text"))

st.subheader(t("method.stats"))
table(pd.DataFrame({t("col.term"): list(view.terms), t("col.meaning"): list(view.terms.values())}))

st.subheader(t("method.suppression"))
pub = view.publication
if pub:
    k = int(pub["k"])
    st.markdown(t("method.suppression_text", k=k, k_minus=k - 1, hidden=int(pub["cells_suppressed"]),
                  cells=int(pub["cells"])))
    if pub["is_demo"]:
        st.warning(t("method.demo_yes"), icon="⚠️")
    else:
        st.success(t("method.demo_no"))
else:
    st.info(t("method.no_stats"))

st.subheader(t("method.gaps"))
caveats = view.caveats
table(pd.DataFrame({t("col.country"): caveats["state"].fillna(t("all_parties")), t("col.field"): caveats["field"],
                    t("col.note"): caveats["note"], t("col.kind"): caveats["kind"], t("col.source"): caveats["source"]}))

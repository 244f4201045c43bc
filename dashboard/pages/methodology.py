"""Data and methodology: sources and loads, definitions, the suppression rule, known gaps, demo status."""
import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.text import t
from etl.stats_format import IWF_TERMS

st.header(t("method.heading"))

st.subheader(t("method.sources"))
st.caption(t("method.sources_note"))
st.dataframe(queries.last_loads(), hide_index=True, width="stretch")

st.subheader(t("method.status"))
st.markdown(t("method.status_text"))

st.subheader(t("method.stats"))
st.dataframe(pd.DataFrame({"term": list(IWF_TERMS), "meaning": list(IWF_TERMS.values())}), hide_index=True,
             width="stretch")

st.subheader(t("method.suppression"))
pub = queries.publication()
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
st.dataframe(queries.data_caveats(), hide_index=True, width="stretch")

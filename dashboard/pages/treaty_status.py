"""Treaty status per state on any date, with the precision, basis and source of every date."""
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.formatting import event_date, safe_csv
from dashboard.text import t

st.header(t("status.heading"))
default = date.fromisoformat(st.query_params.get("as_of", date.today().isoformat()))
as_of = st.date_input(t("status.as_of"), value=default, min_value=date(2007, 10, 25), help=t("status.as_of_help"))
st.query_params["as_of"] = as_of.isoformat()

df = queries.treaty_status(as_of)
if df.empty:
    st.warning(t("data.empty"))
    st.stop()

counts = df["status"].value_counts()
st.markdown(t("status.summary", in_force=int(counts.get("in_force", 0)), ratified=int(counts.get("ratified", 0)),
              signed=int(counts.get("signed", 0)), date=as_of.isoformat()))
uncertain = int((df["status_certain"] == 0).sum())
if uncertain:
    st.info(t("status.uncertain", n=uncertain))

rows = [r for _, r in df.iterrows()]
table = pd.DataFrame({
    t("col.country"): df["name_en"],
    t("col.status"): [t(f"status.{s}") for s in df["status"]],
    t("col.signature"): [event_date(r, "signature") for r in rows],
    t("col.deposit"): [event_date(r, "deposit") for r in rows],
    t("col.eif"): [event_date(r, "eif") for r in rows],
    t("col.coe"): [t("yes") if m else t("no") for m in df["coe_member"]],
    t("col.certain"): [t("yes") if c else t("no") for c in df["status_certain"]],
    t("col.confidence"): df["confidence"],
    t("col.conflict"): [t("yes") if c else t("no") for c in df["has_conflict"]],
    t("col.sources"): df["deposit_source"].fillna(df["eif_source"]),
})
st.dataframe(table, hide_index=True, width="stretch")
st.caption(t("status.caption"))
st.download_button(t("status.download"), safe_csv(table), file_name=f"lanzarote-status-{as_of}.csv",
                   mime="text/csv")

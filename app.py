"""Entry point: builds the navigation only; each page lives in dashboard/pages/."""
import streamlit as st

from dashboard.text import t

st.set_page_config(page_title=t("app.title"), layout="wide")
pages = [st.Page("dashboard/pages/treaty_status.py", title=t("page.status"), url_path="status", default=True)]
st.navigation(pages).run()

"""Entry point: builds the navigation only; each page lives in dashboard/pages/."""
import streamlit as st

from dashboard.text import t

st.set_page_config(page_title=t("app.title"), layout="wide")
pages = [
    st.Page("dashboard/pages/overview.py", title=t("page.overview"), url_path="overview", default=True),
    st.Page("dashboard/pages/country.py", title=t("page.country"), url_path="country"),
    st.Page("dashboard/pages/network.py", title=t("page.network"), url_path="network"),
    st.Page("dashboard/pages/committee.py", title=t("page.committee"), url_path="committee"),
    st.Page("dashboard/pages/funders.py", title=t("page.funders"), url_path="funders"),
    st.Page("dashboard/pages/methodology.py", title=t("page.methodology"), url_path="methodology"),
]
st.navigation(pages).run()

"""Entry point: builds the navigation only; each page lives in dashboard/pages/.

The reader's language comes from the URL (?lang=fr), else the browser; the switch sits in the sidebar of
every page, with sign-in (dashboard/auth.py: who is reading decides what the pages show) and, for the
local single-user run, a banner saying that everything is visible. The app only reads: while the
warehouse is missing or empty, every page shows the command that builds it instead of running (the web
process never builds or changes the database)."""
import streamlit as st

from dashboard import queries
from dashboard.auth import local_staff_banner, sign_in_controls
from dashboard.i18n import language_switch, page_language
from dashboard.text import t

lang = page_language()
st.set_page_config(page_title=t("app.title", lang), layout="wide")
OVERVIEW = "dashboard/pages/overview.py"
pages = [
    # The default page is served at "/", and its url_path is reserved; "/overview" is the same page.
    st.Page(OVERVIEW, title=t("page.overview", lang), url_path="home", default=True),
    st.Page("dashboard/pages/country.py", title=t("page.country", lang), url_path="country"),
    st.Page("dashboard/pages/network.py", title=t("page.network", lang), url_path="network"),
    st.Page("dashboard/pages/committee.py", title=t("page.committee", lang), url_path="committee"),
    st.Page("dashboard/pages/funders.py", title=t("page.funders", lang), url_path="funders"),
    st.Page("dashboard/pages/methodology.py", title=t("page.methodology", lang), url_path="methodology"),
    st.Page(OVERVIEW, title=t("page.overview", lang), url_path="overview", visibility="hidden"),
]
page = st.navigation(pages)
language_switch(lang, st.sidebar)
sign_in_controls(st.sidebar, lang)
local_staff_banner(lang)
if not queries.built():
    st.info(t("data.empty", lang))
    st.stop()
page.run()

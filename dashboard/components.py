"""Pieces every page uses: charts with local map geometry, downloads, the demo banner, URL state."""
from datetime import date

import pandas as pd
import streamlit as st

from . import queries
from .formatting import safe_csv
from .text import t


def plot_config() -> dict:
    """Map geometry from the app's own static folder, never from a CDN; PNG export from the toolbar."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return {"topojsonURL": f"/{base + '/' if base else ''}app/static/", "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "scale": 2}}


def chart(fig, data: pd.DataFrame, key: str, alt: str, on_select: bool = False):
    """A chart with its alt text, its data as a table, and a CSV of exactly that data."""
    select = dict(on_select="rerun", selection_mode="points") if on_select else {}
    event = st.plotly_chart(fig, config=plot_config(), key=key, width="stretch", **select)
    st.caption(alt)
    with st.expander(t("table.show")):
        st.dataframe(data, hide_index=True, width="stretch")
    st.download_button(t("download.csv"), safe_csv(data), file_name=f"{key}.csv", mime="text/csv",
                       key=f"{key}-csv")
    return event


def demo_banner() -> bool:
    pub = queries.publication()
    if pub and pub.get("is_demo"):
        st.warning(t("demo.banner"), icon="⚠️")
        return True
    return False


def date_param(name: str, default: date) -> date:
    try:
        return date.fromisoformat(st.query_params.get(name, default.isoformat()))
    except ValueError:
        return default


def choice_param(name: str, options: list, default):
    value = st.query_params.get(name, default)
    return value if value in options else default


def briefing_download(kind: str, *args) -> None:
    """One click prepares the briefing (PDF and Markdown, as from the command line); a second downloads it."""
    from . import briefings
    key = f"brief-{kind}-{'-'.join(map(str, args))}"
    if st.button(t("brief.download"), key=key):
        with st.spinner():
            doc = briefings.build(queries.engine(), kind, *args)
            st.session_state[f"{key}-files"] = briefings.as_bytes(doc)
    for name, (data, mime) in st.session_state.get(f"{key}-files", {}).items():
        st.download_button(t("brief.ready", kind=name), data, file_name=name, mime=mime, key=f"{key}-{name}")

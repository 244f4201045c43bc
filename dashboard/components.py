"""Pieces every page uses: charts with local map geometry, tables and downloads safe in a spreadsheet,
the demo banner, URL values with a note when they were corrected."""
import pandas as pd
import streamlit as st

from .formatting import safe_csv, safe_frame
from .i18n import localize_figure, plotly_locale_config
from .text import t
from .urlstate import Parsed

DATE_INPUT = {"en": "YYYY-MM-DD", "fr": "DD/MM/YYYY"}   # how a date picker writes a date in each language


def plot_config(lang: str) -> dict:
    """The reader's plotly locale (toolbar, hover, axis dates and numbers; from the app's own files), map
    geometry from the app's own static folder, never from a CDN; PNG export from the toolbar."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return {**plotly_locale_config(lang), "topojsonURL": f"/{base + '/' if base else ''}app/static/", "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "scale": 2}}


def on_phone() -> bool:
    """A phone's browser says 'Mobile' in its User-Agent; the map is then drawn shorter (no blank bands)."""
    try:
        return "Mobile" in (st.context.headers.get("User-Agent") or "")
    except Exception:  # no browser (tests, benchmarks)
        return False


def table(df: pd.DataFrame, **kwargs):
    """st.dataframe of a frame whose text cells cannot run as formulas in the grid's own CSV export."""
    return st.dataframe(safe_frame(df), hide_index=True, width="stretch", **kwargs)


def chart(fig, data: pd.DataFrame, key: str, alt: str, file_name: str, lang: str, on_select: bool = False):
    """A chart with its title above it (wrapping on a phone, never under the toolbar), its alt text, its
    data as a table, and a CSV of exactly that data."""
    title = fig.layout.to_plotly_json().get("title")
    title = title.get("text") if isinstance(title, dict) else title
    if title:
        st.markdown(f"**{title}**")
        fig.update_layout(title=None, margin=dict(t=10))
    localize_figure(fig, lang)
    select = dict(on_select="rerun", selection_mode="points") if on_select else {}
    event = st.plotly_chart(fig, config=plot_config(lang), key=key, width="stretch", **select)
    st.caption(alt)
    with st.expander(t("table.show", lang)):
        table(data)
    st.download_button(t("download.csv", lang), safe_csv(data), file_name=file_name, mime="text/csv", key=f"{key}-csv",
                       on_click=audited, args=("download", file_name))
    return event


def audited(event_kind: str, what: str, detail: str | None = None) -> None:
    """Write a download or briefing to the audit trail (who, what, when, audience); never stops the page."""
    from .auth import current_audience, record
    record(event_kind, current_audience(), what, detail)


def said_instead(message: str) -> None:
    """Where a chart would be empty (every value suppressed), say so instead of drawing nothing."""
    st.info(message)


def demo_banner(is_demo: bool, lang: str) -> None:
    if is_demo:
        st.warning(t("demo.banner", lang), icon="⚠️")


def url_value(parsed: Parsed, lang: str):
    """The value read from the URL; a short note when the URL's value could not be used as given."""
    if parsed.note:
        name, raw, used = parsed.args
        st.info(t(parsed.note, lang, name=name, raw=raw, used=used))
    return parsed.value


def briefing_download(key: str, view, lang: str) -> None:
    """One click prepares the briefing of the model object the page shows, in the page's language (PDF and
    Word, as from the command line); a second downloads it. Prepared files are kept per audience, so a
    sign-in that expires (the session turns public) leaves no earlier briefing on the page."""
    import hashlib

    from . import briefings
    from .auth import current_audience
    who = current_audience()
    scope = hashlib.sha256(repr((who.kind, sorted(who.portals), sorted(who.funders))).encode()).hexdigest()[:12]
    key = f"brief-{key}-{lang}-{scope}"
    if st.button(t("brief.download", lang), key=key):
        with st.spinner():
            doc = briefings.for_audience(briefings.build(view, lang=lang), who)
            st.session_state[f"{key}-files"] = files = briefings.as_bytes(doc)
        audited("briefing", ", ".join(files))
    for name, (data, mime) in st.session_state.get(f"{key}-files", {}).items():
        st.download_button(t("brief.ready", lang, kind=name), data, file_name=name, mime=mime, key=f"{key}-{name}",
                           on_click=audited, args=("download", name))

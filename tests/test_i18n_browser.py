"""plotly and Streamlit in French in a real headless Chromium (Debian's package), on the one-page app
tests/fixtures/i18n_app.py: the locale travels in each chart's config (config.locales), nothing is
fetched from outside 127.0.0.1, and the browser's language decides when the URL does not."""
import os
import shutil
from urllib.parse import parse_qs, urlparse

import pytest

from .serving import chromium, streamlit_server

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="Debian package chromium not installed")
NNBSP = "\u202f"


@pytest.fixture(scope="module")
def server():
    with streamlit_server(os.path.join(ROOT, "tests", "fixtures", "i18n_app.py"), cwd=ROOT) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium(CHROMIUM) as b:
        yield b


def open_page(browser, url, locale):
    context = browser.new_context(locale=locale, viewport={"width": 1300, "height": 1400})
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost") and not r.url.startswith("data:")
            else None)
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60000)
    page.wait_for_selector(".js-plotly-plot .xtick text", timeout=30000)
    page.wait_for_timeout(500)
    return page, outside


def ticks(page, axis):
    return page.locator(".js-plotly-plot").first.locator(f".{axis}tick text").all_text_contents()


def hover_last_point(page):
    box = page.locator(".js-plotly-plot .scatterlayer .point").last.bounding_box()
    for _ in range(5):
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(400)
        text = " ".join(page.locator(".hoverlayer").first.all_text_contents())
        if text.strip():
            return text
        page.mouse.move(0, 0)
    return ""


def modebar_titles(page):
    page.locator(".js-plotly-plot").first.hover()
    return page.locator(".js-plotly-plot").first.locator(".modebar-btn").evaluate_all(
        "els => els.map(e => e.getAttribute('data-title'))")


def test_french_from_the_url_axis_toolbar_and_hover(server, browser):
    page, outside = open_page(browser, f"{server}/?lang=fr", "en-US")
    assert page.locator("h2").first.text_content().startswith("Convention de Lanzarote")
    assert ticks(page, "x")[0] == "janv. 2010" and "juil. 2010" in ticks(page, "x")
    assert ticks(page, "y") == [f"5{NNBSP}000", f"10{NNBSP}000"]
    assert "Télécharger le graphique en fichier PNG" in modebar_titles(page)
    assert f"1 janvier 2011" in hover_last_point(page) and f"12{NNBSP}345,5" in hover_last_point(page)
    assert outside == []
    page.context.close()


def test_french_browser_without_a_choice_gets_french(server, browser):
    page, outside = open_page(browser, server + "/", "fr-FR")
    assert page.locator("h2").first.text_content().startswith("Convention de Lanzarote")
    assert ticks(page, "x")[0] == "janv. 2010"
    assert parse_qs(urlparse(page.url).query).get("lang") == ["fr"]    # written back: a shared link keeps it
    assert outside == []
    page.context.close()


def test_english_browser_gets_english(server, browser):
    page, outside = open_page(browser, server + "/", "en-GB")
    assert page.locator("h2").first.text_content() == "Lanzarote Convention and IWF Reporting Portals"
    assert ticks(page, "x")[0] == "Jan 2010" and ticks(page, "y") == ["5,000", "10,000"]
    assert "Download plot as a PNG" in modebar_titles(page)
    page.context.close()


def test_french_names_typed_in_the_selector(server, browser):
    page, _ = open_page(browser, f"{server}/?lang=fr", "fr-FR")
    box = page.locator("[data-testid='stMultiSelect'] input").first
    found = {}
    for query in ("maroc", "royaume", "Türk", "emirats"):
        box.click()
        box.fill(query)
        page.wait_for_timeout(400)
        found[query] = page.locator("[role='option']").all_text_contents()
        box.fill("")
        page.keyboard.press("Escape")
    assert found["maroc"] == ["Maroc"] and found["royaume"] == ["Royaume-Uni"] and found["Türk"] == ["Türkiye"]
    # Streamlit's own filter is case- but not accent-insensitive: pages that need "emirats" to find
    # "Émirats arabes unis" filter on the server with dashboard.i18n.matches (as ?q= does here).
    assert "Émirats arabes unis" not in found["emirats"]
    page.context.close()
    page, _ = open_page(browser, f"{server}/?lang=fr&q=emirats", "fr-FR")
    assert "found: Émirats arabes unis" in page.locator("[data-testid='stMarkdown']").all_text_contents()
    page.context.close()


def test_kaleido_images_in_french():
    """Briefing charts: kaleido 1.5 drops figure['config'] (its parser keeps data and layout only), so
    plotly's locale cannot reach it; kaleido_spec writes the date ticks with Babel and sets separators."""
    import re
    import warnings
    from datetime import date

    import kaleido
    import plotly.graph_objects as go

    from dashboard.i18n import kaleido_spec, plotly_locale_config

    os.environ.setdefault("BROWSER_PATH", CHROMIUM)
    days = [date(2010, 1, 1), date(2010, 4, 1), date(2010, 7, 1), date(2010, 10, 1), date(2011, 1, 1)]

    def svg(spec):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return kaleido.calc_fig_sync(spec, opts={"format": "svg", "width": 700, "height": 300}).decode()

    def tick_texts(image, axis):
        return re.findall(r'class="%stick"[^>]*>.*?>([^<]+)</text>' % axis, image)

    kaleido.start_sync_server(silence_warnings=True)
    try:
        fig = go.Figure(go.Scatter(x=days, y=[1200, 2500, 3100, 4800, 12345]))
        french = svg(kaleido_spec(fig, "fr"))
        bare = go.Figure(go.Scatter(x=days, y=[1200, 2500, 3100, 4800, 12345])).to_dict()
        config_only = svg({**bare, "config": plotly_locale_config("fr")})
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    assert tick_texts(french, "x")[0] == "janv. 2010" and f"10{NNBSP}000" in tick_texts(french, "y")
    assert tick_texts(config_only, "x")[0] == "Jan 2010"   # config.locales alone does not reach kaleido

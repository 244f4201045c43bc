"""The served app in a real headless Chromium (Debian's package): every page renders, the map draws
countries from the app's own geometry, junk in the URL never shows a traceback or internals, every
page fits a phone's width, and no request leaves 127.0.0.1. Screenshots go to pytest's tmp dir."""
import os
import re
import shutil
import urllib.request
from urllib.parse import urlparse

import pytest

from etl.config import ROOT
from etl.db import make_engine
from etl.jobs import run_jobs

from .serving import chromium, streamlit_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="Debian package chromium not installed")
PAGES = [("overview", "?as_of=2016-06-01&zoom=world"), ("country", "country?countries=MAR,UKR"),
         ("network", "network"), ("committee", "committee?round=R2"), ("funders", "funders"),
         ("methodology", "methodology")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{tmp / 'app.sqlite'}"
    env = {**os.environ, "DATABASE_URL": url, "LANZAROTE_VAR_DIR": str(tmp / "var")}
    run_jobs(make_engine(url))
    with streamlit_server(ROOT / "app.py", cwd=ROOT, env=env) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium(CHROMIUM) as b:
        yield b


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


def open_page(browser, url, viewport=(1400, 1000)):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost") and not r.url.startswith("data:")
            else None)
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=60000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60000)
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60000)
    return page, outside


# Junk a user (or an old link) can put in the URL: the page must say something short, never crash.
JUNK = ["?as_of=2000-01-01", "?as_of=0001-01-01", "?as_of=2015-13-45", "?as_of=9999-12-31&zoom=mars", "overview",
        "overview?as_of=abc", "country?countries=MAR,MAR", "country?countries=ZZZ,,mar", "network?grain=century",
        "committee?since=1900-01-01", "committee?round=R99&since=2015-02-30", "funders?from=abc",
        "funders?from=2030&to=1990&funder=Nobody", "methodology?as_of=abc", "nonexistent"]
TRACEBACK = ["Traceback", 'File "/', '.py", line', "DeltaGenerator"]
RAW_COLUMNS = ["name_en", "name_fr", "reply_submitted", "coe_member", "country_code", "portal_code", "date_to",
               "load_id"]


def internals(page) -> list[str]:
    """Traceback text, Streamlit internals, stray `None` badges and raw column names on the screen.

    Tables are drawn on a canvas; their headers and cells are read from the grid's accessible DOM."""
    shown = page.inner_text("body")
    grid = " ".join(page.locator("[data-testid='stDataFrame'] [role='columnheader'], "
                                 "[data-testid='stDataFrame'] [role='gridcell']").all_inner_texts())
    found = [s for s in TRACEBACK if s in shown]
    found += [f"None line: {line!r}" for line in shown.splitlines() if line.strip() == "None"]
    found += [c for c in RAW_COLUMNS if re.search(rf"\b{c}\b", shown + " " + grid)]
    found += ["exception element"] * page.locator("[data-testid='stException']").count()
    return found


@pytest.mark.parametrize("name,path", PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_offline(server, browser, screenshots, name, path):
    page, outside = open_page(browser, f"{server}/{path}")
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Page not found" not in page.inner_text("body")
    if name in ("overview", "country", "network", "funders"):
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    if name == "overview":
        page.wait_for_selector("path.choroplethlocation", timeout=30000)
        drawn = page.locator("path.choroplethlocation").count()
        land = page.locator(".geo .layer.land path, .geo .layer .countries path, .geo path.js-path").count()
        assert drawn >= 40, drawn      # the Parties are drawn as shapes, not only a legend
        assert land >= 1, land         # and the base map from /app/static/world_50m.json
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    page.close()
    assert outside == [], outside


@pytest.mark.parametrize("path", JUNK)
def test_junk_in_the_url_shows_no_traceback_or_internals(server, browser, path):
    page, outside = open_page(browser, f"{server}/{path}")
    found = internals(page)
    if path.startswith("overview"):  # the default page's own url_path is that page, not "Page not found"
        assert "Page not found" not in page.inner_text("body")
        heading = page.locator("h2").first.inner_text()
        root, _ = open_page(browser, f"{server}/")
        assert heading == root.locator("h2").first.inner_text()
        root.close()
    page.close()
    assert found == [], found
    assert outside == [], outside


@pytest.mark.parametrize("name,path", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_fits_a_phone(server, browser, screenshots, name, path):
    """390 x 844 (a common phone): nothing wider than the screen, so no sideways scrolling."""
    page, outside = open_page(browser, f"{server}/{path}", viewport=(390, 844))
    if name in ("overview", "country", "network", "funders"):
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    widths = page.evaluate(WIDTHS)
    # Streamlit scrolls inside its main block, not the document: a tall window shows the whole page.
    height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": 390, "height": min(height, 12000)})
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshots / f"phone-{name}.png"))
    page.evaluate("""() => document.querySelector("[data-testid='stMainBlockContainer']")
                             .insertAdjacentHTML("beforeend", "<div style='width: 1200px; height: 1px'></div>")""")
    widened = page.evaluate(WIDTHS)  # the measure sees a page that is too wide
    page.close()
    assert widths["widest"] <= widths["viewport"], widths  # "over": the first elements past the edge
    assert widened["widest"] > widened["viewport"], widened
    assert widths["cut_titles"] == [], widths  # a chart's title wider than its chart is cut off
    assert outside == [], outside


WIDTHS = """() => {
        const scrollers = [document.documentElement, document.body,
            ...document.querySelectorAll("[data-testid='stAppViewContainer'], [data-testid='stMain'], section.main")];
        return {viewport: window.innerWidth,
                widest: Math.max(...scrollers.map(e => e.scrollWidth)),
                over: [...document.querySelectorAll("[data-testid='stMain'] *")]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                                 && getComputedStyle(e).position !== "fixed" && !e.closest("[data-testid='stDataFrame']"))
                    .slice(0, 5).map(e => (e.getAttribute("data-testid") || e.tagName) + " "
                                          + Math.round(e.getBoundingClientRect().right)),
                cut_titles: [...document.querySelectorAll(".js-plotly-plot")].flatMap(plot => {
                    const box = plot.getBoundingClientRect();
                    return [...plot.querySelectorAll(".gtitle")].filter(title => {
                        const b = title.getBoundingClientRect();
                        return b.width && (b.left < box.left - 1 || b.right > box.right + 1);
                    }).map(title => title.textContent);
                })};
    }"""


def test_map_geometry_is_served_by_the_app(server):
    body = urllib.request.urlopen(f"{server}/app/static/world_50m.json", timeout=5).read()
    assert body.startswith(b"{") and b"countries" in body


def test_clicking_a_country_opens_its_profile(server, browser):
    page, outside = open_page(browser, f"{server}/?as_of=2020-01-01&zoom=europe")
    page.wait_for_selector("path.choroplethlocation", timeout=30000)
    shapes = page.locator("path.choroplethlocation")
    box = max((shapes.nth(i).bounding_box() for i in range(shapes.count())),
              key=lambda b: (b or {}).get("width", 0) * (b or {}).get("height", 0))
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/country?countries=*", timeout=30000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60000)
    assert "Country profile" in page.inner_text("body")
    page.close()
    assert outside == [], outside


def test_users_get_no_developer_menu(server, browser):
    """[client] toolbarMode = "minimal": no Deploy, Rerun, Clear cache or screencast items."""
    page, outside = open_page(browser, f"{server}/methodology")
    assert page.locator("[data-testid='stAppDeployButton']").count() == 0
    menu = page.locator("[data-testid='stMainMenu']")
    if menu.count():
        menu.click()
        items = page.inner_text("body")
        assert not {"Deploy", "Clear cache", "Rerun", "Record a screencast"} & set(items.splitlines()), items
    page.close()
    assert outside == [], outside


# --- the real app in French ----------------------------------------------------------------------------

NNBSP = "\u202f"


def hover_text(page, plot, locator) -> str:
    """What plotly's hover box in `plot` says over the middle of an element (a few tries: plotly draws it late)."""
    box = locator.bounding_box()
    for _ in range(6):
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(400)
        text = " ".join(plot.locator(".hoverlayer").all_text_contents())
        if text.strip():
            return text
        page.mouse.move(0, 0)
    return ""


def test_french_overview_map_hover_ticks_and_toolbar(server, browser):
    from dashboard.i18n import translator
    page, outside = open_page(browser, f"{server}/?lang=fr&as_of=2020-01-01&zoom=europe")
    page.wait_for_selector("path.choroplethlocation", timeout=30000)
    assert page.locator("h2").first.text_content().startswith("Où en sont les États")
    shapes = page.locator("path.choroplethlocation")
    biggest = max(range(shapes.count()), key=lambda i: (lambda b: b["width"] * b["height"] if b else 0)(
        shapes.nth(i).bounding_box()))
    said = hover_text(page, page.locator(".js-plotly-plot").first, shapes.nth(biggest))
    statuses = [translator("fr").gettext(m) for m in ("In force (CoE member)", "In force (not a CoE member)",
                                                       "Ratified, awaiting entry into force", "Signed",
                                                       "CoE member, not signed", "Denounced")]
    assert any(s in said for s in statuses), said
    steps = page.locator(".js-plotly-plot").nth(1)        # the cumulative chart under the map
    steps.scroll_into_view_if_needed()
    years = steps.locator(".xtick text").all_text_contents()
    assert years and all(re.fullmatch(r"\d{4}", y) for y in years), years
    points = steps.locator(".scatterlayer .point")
    point = points.nth(points.count() // 2)
    point.scroll_into_view_if_needed()
    hovered = hover_text(page, steps, point)
    assert re.search(r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
                     r"décembre) \d{4}", hovered), hovered
    steps.hover()
    titles = steps.locator(".modebar-btn").evaluate_all("els => els.map(e => e.getAttribute('data-title'))")
    assert "Télécharger le graphique en fichier PNG" in titles, titles
    page.close()
    assert outside == [], outside


def test_french_country_page_names_typed_in_the_selector(server, browser):
    page, outside = open_page(browser, f"{server}/country?countries=MAR&lang=fr")
    assert "Profil de pays" in page.inner_text("body") and "Maroc" in page.locator("h3").all_text_contents()
    box = page.locator("[data-testid='stMultiSelect'] input").first
    found = {}
    for query in ("Royaume", "Türk", "Maroc", "allemagne"):
        box.click()
        box.fill(query)
        page.wait_for_timeout(500)
        found[query] = page.locator("[role='option']").all_text_contents()
        box.fill("")
        page.keyboard.press("Escape")
    assert "Royaume-Uni" in found["Royaume"] and found["Türk"] == ["Türkiye"] and "Allemagne" in found["allemagne"]
    assert "Maroc" not in found["Maroc"]            # already chosen: it shows as a chip, not an option
    ticks = page.locator(".js-plotly-plot .ytick text").all_text_contents()
    assert not any(re.search(r"\d,\d{3}", t) for t in ticks), ticks     # French groups, never English commas
    page.close()
    assert outside == [], outside

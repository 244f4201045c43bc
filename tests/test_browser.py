"""The served app in a real headless Chromium (Debian's package): every page renders, the map draws
countries from the app's own geometry, and no request leaves 127.0.0.1. Screenshots go to
var/screenshots/ (git-ignored)."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlparse

import pytest

from etl.config import ROOT
from etl.db import make_engine
from etl.jobs import run_jobs

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="Debian package chromium not installed")
SCREENSHOTS = ROOT / "var" / "screenshots"
PAGES = [("overview", "?as_of=2016-06-01&zoom=world"), ("country", "country?countries=MAR,UKR"),
         ("network", "network"), ("committee", "committee?round=R2"), ("funders", "funders"),
         ("methodology", "methodology")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{tmp / 'app.sqlite'}"
    env = {**os.environ, "DATABASE_URL": url, "LANZAROTE_VAR_DIR": str(tmp / "var")}
    run_jobs(make_engine(url))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
                             str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            time.sleep(0.25)
    else:
        proc.kill()
        pytest.fail("streamlit did not start")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost") and not r.url.startswith("data:")
            else None)
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60000)
    page.wait_for_load_state("networkidle")
    return page, outside


@pytest.mark.parametrize("name,path", PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_offline(server, browser, name, path):
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
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.close()
    assert outside == [], outside


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

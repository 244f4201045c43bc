"""Sign-in for real: a local OpenID Connect provider (the `oidc-provider-mock` package, in this
process on a free 127.0.0.1 port), `streamlit run` of tests/fixtures/auth_app.py with a generated
secrets.toml, driven by Debian's Chromium. Plus the claims -> audience mapping on its own."""
import json
import os
import secrets
import threading
import time
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlparse

import pandas as pd
import pytest

from dashboard.audience import Audience
from dashboard.auth import audience_for_claims, load_mapping
from etl.config import ROOT

from .serving import chromium, free_port, streamlit_server

CHROMIUM = "/usr/bin/chromium"
APP = ROOT / "tests" / "fixtures" / "auth_app.py"
MAPPING = ROOT / "config" / "audiences.toml"
USERS = {  # sub -> extra ID-token claims; the groups are those of config/audiences.toml
    "partner@example.org": {"email": "partner@example.org", "groups": ["partner-mar", "some-other-group"]},
    "staff@example.org": {"email": "staff@example.org", "groups": ["lanzarote-staff"]},
    "funder@example.org": {"email": "funder@example.org", "groups": "funder-end-violence"},
    "nobody@example.org": {"email": "nobody@example.org", "groups": ["unrelated"]},
}


# --- the mapping, without a browser ---------------------------------------------------------------

def test_groups_map_to_audiences():
    mapping = load_mapping(MAPPING)
    now = time.time()

    def aud(groups, **extra):
        return audience_for_claims({"sub": "u1", "email": "u@x", "iat": now - 60, "groups": groups, **extra}, mapping)
    assert aud(["partner-mar"]) == Audience("partner", portals=frozenset({"MAR"}))
    assert aud(["partner-mar", "partner-zmb"]).portals == {"MAR", "ZMB"}
    assert aud("funder-end-violence partner-mar") == Audience(
        "funder", portals=frozenset({"MAR"}), funders=frozenset({"Fund to End Violence Against Children"}))
    assert aud(["partner-mar", "lanzarote-staff"]).kind == "staff"
    assert aud(["unknown"]).kind == "public" and aud(["unknown"]).subject == "u@x"
    assert aud([]).kind == "public"
    # a sign-in older than max_session_hours, or without "iat", no longer counts
    assert audience_for_claims({"sub": "u1", "iat": now - 13 * 3600, "groups": ["lanzarote-staff"]}, mapping).kind == "public"
    assert audience_for_claims({"sub": "u1", "groups": ["lanzarote-staff"]}, mapping).kind == "public"


def test_nested_claims_and_bad_config(tmp_path):
    cfg = tmp_path / "a.toml"
    cfg.write_text('claim = "realm_access.roles"\n[groups.staff]\naudience = "staff"\n')
    claims = {"sub": "k", "iat": time.time(), "realm_access": {"roles": ["staff"]}}
    assert audience_for_claims(claims, load_mapping(cfg)).kind == "staff"
    cfg.write_text('[groups.x]\naudience = "admin"\n')
    with pytest.raises(ValueError, match="audience must be one of"):
        load_mapping(cfg)


@pytest.mark.parametrize("how", ["loopback", "env"])
def test_without_auth_the_local_run_is_a_staff_view_with_a_banner(app_db, monkeypatch, how):
    from streamlit import config as st_config
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("DATABASE_URL", app_db)
    if how == "env":
        monkeypatch.setenv("LANZAROTE_LOCAL_STAFF", "1")
    else:
        monkeypatch.delenv("LANZAROTE_LOCAL_STAFF", raising=False)
        previous = st_config.get_option("server.address")
        st_config.set_option("server.address", "127.0.0.1")
    try:
        at = AppTest.from_file(str(APP), default_timeout=120).run()
    finally:
        if how == "loopback":
            st_config.set_option("server.address", previous)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "AUDIENCE=staff" in text and "SUBJECT=local" in text
    assert any("Local staff view" in w.value for w in at.warning)


def test_without_auth_on_every_interface_the_view_is_public(app_db, monkeypatch):
    """A server that forgot [auth] and listens beyond 127.0.0.1 does not hand out the staff view."""
    from streamlit import config as st_config
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("DATABASE_URL", app_db)
    monkeypatch.delenv("LANZAROTE_LOCAL_STAFF", raising=False)
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(APP), default_timeout=120).run()
    finally:
        st_config.set_option("server.address", previous)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "AUDIENCE=public" in text and not any("Local staff view" in w.value for w in at.warning)


def test_unreadable_secrets_never_give_the_staff_view(tmp_path, monkeypatch):
    import streamlit as st
    from dashboard import auth
    broken = tmp_path / "secrets.toml"
    broken.write_text("[auth\nredirect_uri = ")

    class Unreadable:
        def __contains__(self, key):
            raise ValueError("cannot parse secrets")
    monkeypatch.setattr(st, "secrets", Unreadable())
    monkeypatch.setattr(st, "get_option", lambda name: [str(broken)] if name == "secrets.files" else "127.0.0.1")
    monkeypatch.setenv("LANZAROTE_LOCAL_STAFF", "1")
    assert not auth.is_local_staff_view() and auth.current_audience().kind == "public"
    broken.unlink()  # no secrets file at all: the local run
    assert auth.is_local_staff_view() and auth.current_audience().kind == "staff"


def test_with_auth_and_nobody_signed_in_the_view_is_public(app_db, monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("DATABASE_URL", app_db)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:1/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "c", "client_secret": "s", "server_metadata_url": "http://127.0.0.1:1/"}
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "AUDIENCE=public" in text
    assert not any("Local staff view" in w.value for w in at.warning)
    assert "PORTAL_ROWS=" in text and "PORTAL_ROWS=MAR" not in text


# --- the real thing ------------------------------------------------------------------------------

browser_needed = pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                                    reason="Debian package chromium not installed")


def value(text: str, key: str) -> str:
    """What the fixture app printed after KEY= (one line)."""
    return next(line.split("=", 1)[1].strip() for line in text.splitlines() if line.startswith(key + "="))


@pytest.fixture(scope="module")
def provider():
    """The local OpenID Connect provider with one user per audience; clients must register."""
    import werkzeug.serving
    from oidc_provider_mock import User, app
    wsgi = app(require_client_registration=True, require_nonce=True, access_token_max_age=timedelta(minutes=10),
               user_claims=[User(sub=sub, claims=claims) for sub, claims in USERS.items()])
    server = werkzeug.serving.make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@contextmanager
def serve_with_sign_in(provider, app_db, tmp, script, cwd):
    """streamlit run of `script` with sign-in configured against the local provider (a client registered
    for its port), from `cwd` (the project root: its .streamlit/config.toml applies)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    req = urllib.request.Request(f"{provider}/oauth2/clients", method="POST", headers={"Content-Type": "application/json"},
                                 data=json.dumps({"redirect_uris": [f"{base}/oauth2callback"]}).encode())
    client = json.loads(urllib.request.urlopen(req, timeout=10).read())
    cookie_secret = secrets.token_urlsafe(32)
    secrets_file = tmp / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{base}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        f'client_id = "{client["client_id"]}"\n'
        f'client_secret = "{client["client_secret"]}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n')
    env = {**os.environ, "DATABASE_URL": app_db, "PYTHONPATH": str(ROOT), "LANZAROTE_AUDIENCES": str(MAPPING),
           "LANZAROTE_VAR_DIR": str(tmp / "var")}
    env.pop("LANZAROTE_LOCAL_STAFF", None)
    with streamlit_server(script, cwd=cwd, port=port, env=env, extra=("--secrets.files", str(secrets_file)),
                          log=tmp / "streamlit.log", tries=160):
        yield {"base": base, "cookie_secret": cookie_secret, "log": tmp / "streamlit.log"}


@pytest.fixture(scope="module")
def served(provider, app_db, tmp_path_factory):
    """The fixture app, signed in against the local provider."""
    tmp = tmp_path_factory.mktemp("auth")
    with serve_with_sign_in(provider, app_db, tmp, APP, tmp) as server:
        yield server


@pytest.fixture(scope="module")
def served_app(provider, app_db, tmp_path_factory):
    """The dashboard itself (app.py, the project's Streamlit settings), signed in against the local provider."""
    tmp = tmp_path_factory.mktemp("auth_app")
    with serve_with_sign_in(provider, app_db, tmp, ROOT / "app.py", ROOT) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    with chromium(CHROMIUM) as b:
        yield b


def new_context(browser):
    """A fresh browser profile that never leaves 127.0.0.1 (the provider's page links a CDN stylesheet)."""
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_()
                  if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost") else route.abort())
    return context


def rendered(page, url=None) -> str:
    if url:
        page.goto(url)
    page.wait_for_selector("text=AUDIENCE=", timeout=60000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60000)
    page.wait_for_selector("text=HIDDEN_ROWS=", timeout=60000)
    return page.inner_text("body")


def sign_in(browser, served, sub):
    context = new_context(browser)
    page = context.new_page()
    rendered(page, served["base"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(f"button[value='{sub}']", timeout=30000)  # the provider's page
    page.click(f"button[value='{sub}']")
    page.wait_for_url(f"{served['base']}/**", timeout=30000)
    page.wait_for_selector("text=AUDIENCE=", timeout=60000)
    page.wait_for_selector("text=Sign out", timeout=60000)
    return context, page


def signed_cookie(served, payload: dict, secret=None, age_seconds=0) -> str:
    """A `_streamlit_user` cookie as Streamlit signs it (itsdangerous, salt = cookie name)."""
    from itsdangerous import URLSafeTimedSerializer

    from itsdangerous import TimestampSigner

    class AgedSigner(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - age_seconds
    serializer = URLSafeTimedSerializer(secret or served["cookie_secret"], salt="_streamlit_user", signer=AgedSigner)
    return serializer.dumps(json.dumps(payload))


def with_cookie(browser, served, cookie: str) -> str:
    """The audience the app shows to a fresh browser holding this `_streamlit_user` cookie."""
    context = new_context(browser)
    context.add_cookies([{"name": "_streamlit_user", "value": cookie, "url": served["base"]}])
    page = context.new_page()
    text = rendered(page, served["base"])
    context.close()
    return value(text, "AUDIENCE")


def staff_claims(served, iat=None) -> dict:
    return {"sub": "mallory", "email": "mallory@example.org", "groups": ["lanzarote-staff"],
            "iat": int(time.time()) if iat is None else iat, "origin": served["base"], "is_logged_in": True,
            "provider": "default"}


@browser_needed
def test_not_signed_in_sees_the_public_view(served, browser):
    context = new_context(browser)
    text = rendered(context.new_page(), served["base"])
    context.close()
    assert value(text, "AUDIENCE") == "public" and value(text, "PORTAL_ROWS") == ""
    assert int(value(text, "HIDDEN_ROWS")) > 0        # hidden aggregates are said to be hidden
    assert "Local staff view" not in text and "Sign in" in text


@browser_needed
def test_partner_signs_in_and_sees_its_portal_only(served, browser):
    context, page = sign_in(browser, served, "partner@example.org")
    text = rendered(page)
    assert "AUDIENCE=partner" in text, text
    assert "SUBJECT=partner@example.org" in text
    assert value(text, "PORTAL_ROWS") == "MAR"       # its portal's rows, and no other portal's
    assert "Logged in as partner@example.org: partner (MAR) view" in text
    # the CSV holds its portal's rows and aggregates, nothing of another portal; the download is audited
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    csv = pd.read_csv(info.value.path())
    assert set(csv.loc[csv["unit_kind"] == "portal", "unit_code"]) == {"MAR"}
    assert set(csv["unit_kind"]) == {"portal", "region", "network"}
    cookie = next(c for c in context.cookies() if c["name"] == "_streamlit_user")
    assert cookie["httpOnly"]
    served["partner_cookie"] = cookie["value"]
    # signing out returns to the public view
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()  # the provider's end-session page
    page.wait_for_url(f"{served['base']}/**", timeout=30000)
    assert value(rendered(page), "AUDIENCE") == "public"
    assert "_streamlit_user" not in {c["name"] for c in context.cookies()}
    context.close()


@browser_needed
@pytest.mark.parametrize("sub,kind", [("staff@example.org", "staff"), ("funder@example.org", "funder"),
                                      ("nobody@example.org", "public")])
def test_each_audience_signs_in(served, browser, sub, kind):
    context, page = sign_in(browser, served, sub)
    text = rendered(page)
    context.close()
    assert value(text, "AUDIENCE") == kind and value(text, "SUBJECT") == sub
    portal_rows = value(text, "PORTAL_ROWS")
    if kind == "staff":
        assert portal_rows.endswith(" portals") and value(text, "HIDDEN_ROWS") == "0"
    elif kind == "funder":
        assert portal_rows and "MAR" not in portal_rows.split(",")
    else:
        assert portal_rows == ""


@browser_needed
def test_a_tampered_cookie_is_refused(served, browser):
    cookie = served.get("partner_cookie")
    if not cookie:
        context, page = sign_in(browser, served, "partner@example.org")
        cookie = next(c for c in context.cookies() if c["name"] == "_streamlit_user")["value"]
        context.close()
    # the same cookie as the browser had, accepted as is
    assert "partner" == with_cookie(browser, served, cookie)
    # payload changed (MAR -> staff group would need a new signature): flip one character of the payload
    payload, stamp, signature = cookie.rsplit(".", 2)  # "." + zlib payload when compressed
    flipped = payload[:-3] + ("A" if payload[-3] != "A" else "B") + payload[-2:]
    assert "public" == with_cookie(browser, served, f"{flipped}.{stamp}.{signature}")
    # the time stamp changed (made younger)
    assert "public" == with_cookie(browser, served, f"{payload}.{stamp[:-1]}{'A' if stamp[-1] != 'A' else 'B'}.{signature}")
    # the signature changed
    assert "public" == with_cookie(browser, served, cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"))


@browser_needed
def test_a_forged_cookie_is_refused_and_only_the_secret_makes_one(served, browser):
    claims = staff_claims(served)
    assert "public" == with_cookie(browser, served, signed_cookie(served, claims, secret="not-the-secret"))
    # control: signed with the real secret the same claims are taken, so the refusal above is the signature's
    assert "staff" == with_cookie(browser, served, signed_cookie(served, claims))


@browser_needed
def test_an_expired_cookie_is_refused(served, browser):
    claims = staff_claims(served)
    # Streamlit's own limit: a cookie signed 40 days ago (it keeps them 30 days + 1 day of grace)
    assert "public" == with_cookie(browser, served, signed_cookie(served, claims, age_seconds=40 * 86400))
    # ours: a fresh cookie whose sign-in (iat) is older than max_session_hours
    stale = staff_claims(served, iat=int(time.time()) - 2 * 86400)
    assert "public" == with_cookie(browser, served, signed_cookie(served, stale))
    # a cookie made for another origin
    other = dict(claims, origin="http://127.0.0.1:1")
    assert "public" == with_cookie(browser, served, signed_cookie(served, other))


@browser_needed
def test_sign_ins_are_in_the_audit_trail(served, browser, app_db):
    from dashboard.audience import STAFF
    from etl.audit import recent_events
    from etl.db import make_engine
    events = recent_events(make_engine(app_db), STAFF)
    signed = events[events["event"] == "sign_in"]
    assert "partner@example.org" in set(signed["subject"])
    row = signed[signed["subject"] == "partner@example.org"].iloc[0]
    assert row["audience"] == "partner" and row["scope"] == "MAR"
    assert "partner@example.org" in set(events.loc[events["event"] == "sign_out", "subject"])
    downloads = events[(events["event"] == "download") & (events["subject"] == "partner@example.org")]
    assert list(downloads["what"]) == ["scope.csv"] and downloads.iloc[0]["scope"] == "MAR"


# --- the dashboard itself ---------------------------------------------------------------------------

TRACEBACK = ["Traceback", 'File "/', '.py", line', "Exception", "Error:"]
WITHHELD = "shared with its partners, funders and staff only"


def dashboard_text(page, url) -> str:
    page.goto(url)
    page.wait_for_selector("[data-testid='stSidebar']", timeout=60000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60000)
    page.wait_for_timeout(500)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60000)
    return page.inner_text("body")


@browser_needed
def test_the_dashboard_public_then_signed_in_as_a_partner(served_app, browser):
    """Not signed in: the public view of the country profiles (no portal's statistics, said hidden).
    Signed in as MAR's partner: MAR's statistics, and ZMB's still hidden. No traceback anywhere."""
    base = served_app["base"]
    context = new_context(browser)
    page = context.new_page()
    public = dashboard_text(page, f"{base}/country?countries=MAR,ZMB")
    assert "Sign in" in public and "Local staff view" not in public
    assert public.count(WITHHELD) == 2 and "Reports received and actioned per year" not in public
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("button[value='partner@example.org']", timeout=30000)
    page.click("button[value='partner@example.org']")
    page.wait_for_url(f"{base}/**", timeout=30000)
    page.wait_for_selector("text=Sign out", timeout=60000)
    partner = dashboard_text(page, f"{base}/country?countries=MAR,ZMB")
    assert "Logged in as partner@example.org: partner (MAR) view" in partner
    assert partner.count(WITHHELD) == 1 and "Reports received and actioned per year" in partner
    network = dashboard_text(page, f"{base}/network?grain=month")
    assert "Monthly figures are for staff only" in network
    for text in (public, partner, network):
        assert not [m for m in TRACEBACK if m in text], text[:2000]
    context.close()


@browser_needed
def test_a_failed_sign_in_shows_no_traceback(served_app, browser):
    """The provider's answer forged (an unknown code and state): refused, the public view, no error details."""
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{served_app['base']}/oauth2callback?code=forged&state=forged")
    page.wait_for_load_state()
    text = page.inner_text("body")
    assert not [m for m in TRACEBACK if m in text], text[:2000]
    after = dashboard_text(page, served_app["base"] + "/")
    assert "Sign in" in after and not [m for m in TRACEBACK if m in after]
    context.close()

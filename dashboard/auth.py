"""Sign-in with OpenID Connect through Streamlit's own st.login / st.user, and the audience of the
person looking at the page.

- No `[auth]` section in Streamlit's secrets, on a server bound to 127.0.0.1 (or with
  LANZAROTE_LOCAL_STAFF=1): the single-user local run (`make run`): everything is visible, and
  `local_staff_banner()` says so. Without [auth] on any other address, or with secrets that cannot
  be read: the public view (fail closed).
- `[auth]` configured, not signed in: the public view.
- Signed in: the groups in the ID token's claim (config/audiences.toml, or LANZAROTE_AUDIENCES)
  mapped to an audience; no known group, or a session older than `max_session_hours`: public.

Streamlit keeps the identity in a signed cookie (`_streamlit_user`, itsdangerous with the
`cookie_secret`, 30 days, bound to the origin of `redirect_uri`); a cookie whose signature does not
verify, or that is too old, or from another origin, is ignored and the visitor is not signed in.
This module adds its own limit on how old a sign-in may be (the ID token's `iat`).

app.py calls `sign_in_controls()` and `local_staff_banner()` on every page; the pages with
statistics call `current_audience()` and hand it to the reading model; downloads and briefings are
recorded with `record()` (dashboard/components.py); sign-ins are written to the audit trail once per
browser session (`note_sign_in`). The text shown lives in dashboard/text.py (English and French).
"""
from __future__ import annotations

import logging
import os
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .audience import KINDS, PUBLIC, Audience
from .text import t

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config" / "audiences.toml"
RANK = {kind: i for i, kind in enumerate(("public", "partner", "funder", "staff"))}
LOG = logging.getLogger(__name__)

@dataclass(frozen=True)
class GroupRule:
    audience: str
    portals: frozenset[str] = frozenset()
    funders: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AudienceMap:
    claim: str = "groups"
    max_session_hours: float = 12.0
    groups: dict[str, GroupRule] = field(default_factory=dict)


def load_mapping(path: str | os.PathLike | None = None) -> AudienceMap:
    """The groups -> audience mapping (config/audiences.toml). A mistake in it stops with one line."""
    path = Path(path or os.environ.get("LANZAROTE_AUDIENCES") or DEFAULT_CONFIG)
    with open(path, "rb") as f:
        data = tomllib.load(f)
    groups = {}
    for name, rule in (data.get("groups") or {}).items():
        kind = rule.get("audience")
        if kind not in KINDS:
            raise ValueError(f"{path}: group {name!r}: audience must be one of {', '.join(KINDS)}, not {kind!r}")
        unknown = set(rule) - {"audience", "portals", "funders"}
        if unknown:
            raise ValueError(f"{path}: group {name!r}: unknown setting {', '.join(sorted(unknown))}")
        groups[str(name)] = GroupRule(kind, frozenset(str(p).upper() for p in rule.get("portals", [])),
                                      frozenset(rule.get("funders", [])))
    return AudienceMap(claim=str(data.get("claim", "groups")),
                    max_session_hours=float(data.get("max_session_hours", 12)), groups=groups)


def _claim(claims: Mapping, name: str) -> list[str]:
    value = claims
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.replace(",", " ").split() if v]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return []


def subject_of(claims: Mapping) -> str | None:
    for key in ("email", "preferred_username", "sub"):
        if claims.get(key):
            return str(claims[key])
    return None


def audience_for_claims(claims: Mapping, mapping: AudienceMap | None = None, now: float | None = None) -> Audience:
    """The audience of a signed-in user's ID-token claims: widest kind among their mapped groups,
    union of portals and funders; unknown groups and stale sessions are public."""
    mapping = mapping or load_mapping()
    who = subject_of(claims)
    iat = claims.get("iat")
    now = time.time() if now is None else now
    if iat is None or not isinstance(iat, (int, float)) or now - float(iat) > mapping.max_session_hours * 3600:
        return Audience("public", subject=who)
    rules = [mapping.groups[g] for g in _claim(claims, mapping.claim) if g in mapping.groups]
    if not rules:
        return Audience("public", subject=who)
    kind = max((r.audience for r in rules), key=RANK.__getitem__)
    if kind == "public":
        return Audience("public", subject=who)
    if kind == "staff":
        return Audience("staff", subject=who)
    return Audience(kind, portals=frozenset().union(*(r.portals for r in rules)),
                    funders=frozenset().union(*(r.funders for r in rules)), subject=who)


# --- Streamlit ----------------------------------------------------------------------------------

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _secrets_state() -> str:
    """'auth': [auth] present; 'none': no secrets, or secrets without [auth]; 'broken': a secrets
    file exists and cannot be read (then nobody gets the local staff view)."""
    import streamlit as st
    try:
        return "auth" if "auth" in st.secrets else "none"
    except Exception:
        try:
            files = st.get_option("secrets.files") or []
        except Exception:
            files = []
        return "broken" if any(Path(f).is_file() for f in files) else "none"


def auth_configured() -> bool:
    """True when Streamlit's secrets have an [auth] section (sign-in is on)."""
    return _secrets_state() == "auth"


def is_local_staff_view() -> bool:
    """No sign-in configured, on a server that listens on the loopback interface only (`make run`
    passes --server.address 127.0.0.1), or LANZAROTE_LOCAL_STAFF=1 (tests). Anything else, such as
    a server on every interface without [auth], or unreadable secrets, shows the public view."""
    import streamlit as st
    if _secrets_state() != "none":
        return False
    if os.environ.get("LANZAROTE_LOCAL_STAFF") == "1":
        return True
    try:
        address = st.get_option("server.address")
    except Exception:
        address = None
    if address in LOOPBACK:
        return True
    LOG.warning("sign-in is not configured and the server is not bound to 127.0.0.1: public view only")
    return False


def _user_claims() -> dict:
    import streamlit as st
    try:
        claims = st.user.to_dict()
        return claims if claims.get("is_logged_in") else {}
    except Exception:
        LOG.exception("reading st.user")
        return {}


def current_audience() -> Audience:
    """The audience of the person looking at this page (see the module's docstring)."""
    if is_local_staff_view():
        return Audience("staff", subject="local")
    if not auth_configured():
        return PUBLIC
    claims = _user_claims()
    if not claims:
        return PUBLIC
    return audience_for_claims(claims)


def session_expired() -> bool:
    claims = _user_claims()
    if not claims:
        return False
    iat = claims.get("iat")
    return not isinstance(iat, (int, float)) or time.time() - iat > load_mapping().max_session_hours * 3600


def note_sign_in(audience: Audience, writer=None) -> None:
    """Write one `sign_in` audit event per browser session for a signed-in user (never for the local view)."""
    import streamlit as st
    if not auth_configured() or audience.subject is None or st.session_state.get("_audit_signed_in"):
        return
    if record("sign_in", audience, "oidc", writer=writer):
        st.session_state["_audit_signed_in"] = True


def record(event_kind: str, audience: Audience, what: str, detail: str | None = None, writer=None) -> bool:
    """Write an audit event through the insert-only writer (sign_in, sign_out, download, briefing).
    Returns False, and logs why, if it could not be written; never shows an error to the visitor.
    For a download: st.download_button(..., on_click=record, args=("download", audience, file_name))."""
    try:
        from etl.audit import record_event
        record_event(writer or audit_writer(), event_kind, audience=audience, what=what, detail=detail)
        return True
    except Exception:
        LOG.exception("could not record a %s in the audit trail", event_kind)
        return False


def audit_writer():
    """The process's audit writer engine (etl.audit.audit_writer_engine), created once."""
    import streamlit as st

    @st.cache_resource(show_spinner=False)
    def _audit_writer():
        from etl.audit import audit_writer_engine
        return audit_writer_engine()
    return _audit_writer()


def local_staff_banner(lang: str = "en") -> None:
    """The banner of the local single-user run; nothing when sign-in is configured."""
    import streamlit as st
    if is_local_staff_view():
        st.warning(t("auth.local_staff", lang), icon=":material/lock_open:")


def audience_label(audience: Audience, lang: str = "en") -> str:
    """'partner (MAR)' / 'partenaire (MAR)': the kind in the reader's language and its portals or funders."""
    extra = sorted(audience.portals) if audience.kind == "partner" else \
        sorted(audience.funders) if audience.kind == "funder" else []
    return t(f"audience.{audience.kind}", lang) + (f" ({', '.join(extra)})" if extra else "")


def sign_in_controls(where=None, lang: str = "en") -> Audience:
    """Sign-in / sign-out in the sidebar (or `where`), the audience shown, and the sign-in audited."""
    import streamlit as st
    box = where or st.sidebar
    audience = current_audience()
    if not auth_configured():
        return audience
    if _user_claims():
        if session_expired():
            box.info(t("auth.session_expired", lang))
        box.caption(t("auth.signed_in_as", lang, who=audience.subject or "-", audience=audience_label(audience, lang)))
        note_sign_in(audience)
        if box.button(t("auth.sign_out", lang), key="_sign_out"):
            record("sign_out", audience, "oidc")
            st.logout()
    else:
        box.caption(t("auth.public_view", lang))
        if box.button(t("auth.sign_in", lang), key="_sign_in"):
            st.login()
    return audience

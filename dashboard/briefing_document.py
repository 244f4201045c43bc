"""What a briefing says, in one language: built from a reading-model object (country.profile, committee,
funder.funder_view) into a Document that the PDF, Word and Markdown renderers lay out the same way.

The text cites its sources as numbered references ([1], [2]); each source appears once in the closing
"Sources" list with its publisher or title, its date and its address. Curation notes kept in the data's
source fields (annotations in brackets, "report dated ... -> ...") stay in the data. Counts are integers,
dates and numbers are written in the reader's language (Babel), and the language is an argument: no global.
"""
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from . import i18n
from .model.cells import HIDDEN, VALUE
from .model.committee import Committee
from .model.country import CountryProfile
from .model.funder import FunderView
from .text import TEXT

TEXT_EN = TEXT["en"]


def texts(lang: str):
    """t(key, **kw): the briefing text for `key` in `lang` (English msgid translated by the catalogue)."""
    gettext = i18n.translator(lang).gettext

    def t(key: str, **kwargs) -> str:
        value = gettext(TEXT_EN[key])
        return value.format(**kwargs) if kwargs else value
    return t


@dataclass
class Source:
    publisher: str          # the organisation or site ("Council of Europe", "panapress.com"), or a title
    url: str | None
    retrieved: date | None


@dataclass
class Document:
    kind: str               # country | round | funder
    lang: str
    slug: str
    convention: str         # the Convention's name in the document's language
    subject: str            # "Country briefing: Tunisia"
    dateline: str           # "Data as of 1 December 2026 · produced 1 December 2026"
    data_date: str          # for the running footer
    demo: bool
    facts: list = field(default_factory=list)    # key facts: 3 to 6 short lines
    blocks: list = field(default_factory=list)   # ("h1"|"h2"|"p"|"note", text) ("table", headers, rows, aligns)
                                                 # ("image", png bytes, alt text, width/height ratio)
    sources: list = field(default_factory=list)  # Source, numbered from 1 in this order
    provenance: str = ""
    labels: dict = field(default_factory=dict)   # key facts / sources / page "n of N" / demo mark

    @property
    def title(self) -> str:
        return self.subject

    def h1(self, text):
        self.blocks.append(("h1", text))

    def h2(self, text):
        self.blocks.append(("h2", text))

    def p(self, text):
        self.blocks.append(("p", text))

    def note(self, text):
        self.blocks.append(("note", text))

    def table(self, headers: list, rows: list, aligns: str | None = None):
        """rows of strings; aligns one letter per column (L or R: numbers right-aligned)."""
        if rows:
            self.blocks.append(("table", [str(h) for h in headers], [[str(c) for c in r] for r in rows],
                                aligns or "L" * len(headers)))

    def image(self, png: bytes | None, alt: str, ratio: float):
        if png:
            self.blocks.append(("image", png, alt, ratio))

    def cite(self, text) -> str:
        """' [1][2]' for the sources named in a data source field (empty when it names none)."""
        numbers = []
        for src in parse_sources(text, self.retrieved):
            key = (src.url or src.publisher).rstrip("/")
            for i, known in enumerate(self.sources, 1):
                if (known.url or known.publisher).rstrip("/") == key:
                    break
            else:
                self.sources.append(src)
                i = len(self.sources)
            if i not in numbers:
                numbers.append(i)
        return f" [{', '.join(str(n) for n in sorted(numbers))}]" if numbers else ""

    retrieved: date | None = None                # the retrieval date of the reference data


# The Convention's official titles in the Council of Europe's two official languages: names, like a
# country's, not translations (so not in the catalogue)
CONVENTION = {"en": "Council of Europe Convention on the Protection of Children against Sexual Exploitation and "
                    "Sexual Abuse (Lanzarote Convention, CETS No. 201)",
              "fr": "Convention du Conseil de l'Europe sur la protection des enfants contre l'exploitation et les "
                    "abus sexuels (Convention de Lanzarote, STCE n° 201)"}
PUBLISHERS = {"coe.int": "Council of Europe", "iwf.org.uk": "Internet Watch Foundation",
              "inhope.org": "INHOPE", "end-violence.org": "End Violence Partnership",
              "saferinternet.org.uk": "UK Safer Internet Centre"}
URL = re.compile(r"https?://[^\s;,)]+")
ARROWS = ("->", "→", "=>")
# a named source is a publisher or a document ("ECPAT UK", "coe.int 25th meeting agenda"), not a research note
NOT_A_SOURCE = re.compile(r"->|→|=>|:|\b(?:19|20)\d\d\b|\b(?:says|said|only|vs|dated|calls|implies|assumed|"
                          r"became|not|see|project file|conflict)\b", re.I)


def publisher(url: str) -> str:
    host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0].lower()
    for domain, name in PUBLISHERS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return host


def _top_level_parts(text: str) -> list:
    """'a (x; y); b' -> ['a (x; y)', 'b']: split on ; outside brackets."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == ";" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return parts + [cur]


def parse_sources(text, retrieved: date | None = None) -> list:
    """The sources a data field names: each address once (publisher from its domain), and short named
    sources without an address ('coe.int DE/FR press releases'); bracketed annotations, curation notes
    and sentences are left out."""
    if not isinstance(text, str):
        return []
    out = []
    for part in _top_level_parts(text):
        urls = URL.findall(part)
        if urls:
            out += [Source(publisher(u), u.rstrip("."), retrieved) for u in urls]
            continue
        name = re.sub(r"\s*\(.*", "", part).strip(" .")
        if name and len(name) <= 60 and len(name.split()) <= 6 and not NOT_A_SOURCE.search(name):
            out.append(Source(name, None, retrieved))
    return out


def address(url) -> str:
    """A web address for body text: without the scheme ('report.iwf.org.uk/ma')."""
    return re.sub(r"^https?://", "", url.strip()).rstrip("/") if isinstance(url, str) else ""


# --- shared pieces -------------------------------------------------------------------------------------

def _when(d, lang, precision="day") -> str:
    if d is None or (not isinstance(d, str) and pd.isna(d)):
        return texts(lang)("briefing.unknown")
    return i18n.format_date(d, lang, precision if precision in i18n.PRECISIONS else "day")


def _period(start, end, precision, lang) -> str:
    if end is None or pd.isna(end):
        return texts(lang)("briefing.unknown")
    if precision in i18n.PRECISIONS:
        return i18n.format_date(start if precision != "day" else end, lang, precision)
    return i18n.format_period(start, end, precision, lang)


def _n(value, lang) -> str:
    return i18n.format_number(int(value), lang)


def _retrieved(loads: pd.DataFrame, job: str) -> date | None:
    if "retrieved_at" not in loads.columns or "job" not in loads.columns:
        return None
    rows = loads[loads["job"] == job]
    if not len(rows) or pd.isna(rows.iloc[0]["retrieved_at"]):
        return None
    return pd.Timestamp(rows.iloc[0]["retrieved_at"]).date()


def _provenance(t, loads: pd.DataFrame, lang: str, demo: bool) -> str:
    """One sentence: what was loaded when."""
    if not len(loads):
        return ""
    retrieved = [pd.Timestamp(x).date() for x in loads.get("retrieved_at", pd.Series(dtype=object)).dropna()]
    finished = [pd.Timestamp(x).date() for x in loads.get("finished_at", pd.Series(dtype=object)).dropna()]
    sentence = t("briefing.provenance", retrieved=_when(max(retrieved), lang) if retrieved else t("briefing.unknown"),
                 loaded=_when(max(finished), lang) if finished else t("briefing.unknown"))
    if demo:
        sentence += " " + t("briefing.provenance_demo")
    return sentence


def _new(kind, lang, slug, subject, as_of, demo, loads) -> Document:
    t = texts(lang)
    produced = date.today()
    doc = Document(kind, lang, slug, CONVENTION[i18n._lang(lang)], subject,
                   t("briefing.dateline", as_of=_when(as_of, lang), produced=_when(produced, lang)),
                   t("briefing.footer_date", as_of=_when(as_of, lang)), demo)
    doc.retrieved = _retrieved(loads, "treaties") if len(loads) else None
    doc.labels = {"facts": t("briefing.key_facts"), "sources": t("briefing.sources"),
                  "page": t("briefing.page"), "demo": t("briefing.demo_mark"),
                  "retrieved": t("briefing.retrieved")}
    return doc


def _state(state: str, t, k) -> str:
    if state.startswith("withheld_"):   # not for the reader's audience (dashboard/audience.py)
        return t(f"state.{state}")
    if state == SUPPRESSED_THRESHOLD:
        return t("briefing.state_threshold", k=k if k is not None else "k")
    return t({"suppressed": "briefing.state_suppressed", "suppressed_secondary": "briefing.state_secondary",
              "not_applicable": "briefing.state_na"}.get(state, "briefing.unknown"))


SUPPRESSED_THRESHOLD = "suppressed_threshold"


# --- country ---------------------------------------------------------------------------------------------

CAVEATS = {"conflict": "briefing.caveat_conflict", "single-source": "briefing.caveat_single",
           "derived-month": "briefing.caveat_month", "month-only": "briefing.caveat_month",
           "year-only": "briefing.caveat_year", "inferred": "briefing.caveat_inferred",
           "missing": "briefing.caveat_missing"}
EVENT_KEYS = {"signature": "briefing.ev_signature", "deposit": "briefing.ev_deposit",
              "entry_into_force": "briefing.ev_eif", "denunciation": "briefing.ev_denunciation",
              "denunciation_effective": "briefing.ev_denunciation_effective",
              "reservation_or_declaration": "briefing.ev_reservation", "suspension": "briefing.ev_suspension"}
STATUS_KEYS = {"not_signed": "briefing.st_not_signed", "signed": "briefing.st_signed",
               "ratified": "briefing.st_ratified", "in_force": "briefing.st_in_force",
               "denounced": "briefing.st_denounced"}


def _yes_no(value, t) -> str:
    if isinstance(value, str) and value.strip().lower() in ("yes", "no", "partial"):
        return t(f"briefing.{value.strip().lower()}")
    return t("briefing.unknown")


def country_document(v: CountryProfile, lang: str = "en", chart=None) -> Document:
    """chart(kind, **data) -> (png, ratio) or None: the paper charts (briefing_charts), None for none."""
    t = texts(lang)
    name = i18n.country_name(v.code, lang) if lang != "en" else v.name_en
    demo = bool(v.is_demo and v.stats is not None)
    doc = _new("country", lang, f"country-{v.code}", t("briefing.country_subject", name=name), v.as_of, demo, v.loads)
    status = t(STATUS_KEYS.get(v.status, "briefing.st_not_signed"))
    d = v.dates or {}

    # key facts
    dated = [(key, d.get(f"{prefix}_from"), d.get(f"{prefix}_to"), d.get(f"{prefix}_precision"))
             for prefix, key in (("signature", "briefing.ev_signature"), ("deposit", "briefing.ev_deposit"),
                                 ("eif", "briefing.ev_eif"))]
    steps = ("\u202f; " if lang == "fr" else "; ").join(f"{t(key).lower()} {_period(a, b, p, lang)}"
                      for key, a, b, p in dated if b is not None)
    doc.facts.append(t("briefing.fact_status", date=_when(v.as_of, lang), status=status)
                     + (f" ({steps})" if steps else ""))
    doc.facts.append(t("briefing.fact_coe_yes") if v.coe_member else t("briefing.fact_coe_no"))
    if v.portal is None:
        doc.facts.append(t("briefing.fact_no_portal"))
    else:
        p = v.portal
        doc.facts.append(t("briefing.fact_portal", launch=_period(p.launch_from, p.launch_to, p.launch_precision, lang)))
    latest = _latest_stats(v, t, lang)
    if latest:
        doc.facts.append(latest)
    covered = [r.round_code for r in v.rounds.itertuples() if r.covered == "yes"] if len(v.rounds) else []
    doc.facts.append(t("briefing.fact_rounds", rounds=", ".join(covered)) if covered else t("briefing.fact_no_rounds"))

    # 1. the Convention
    doc.h1(t("briefing.sec_convention"))
    if not v.has_events:
        doc.p(t("briefing.not_party", date=_when(v.as_of, lang)))
    else:
        doc.p(t("briefing.status_line", date=_when(v.as_of, lang), status=status)
              + ("" if v.status_certain else " " + t("briefing.status_uncertain")))
        rows, marks = [], []
        for e in v.events.sort_values("date_to").itertuples():
            label = t(EVENT_KEYS.get(e.event_type, "briefing.unknown"))
            rows.append([label, _period(e.date_from, e.date_to, e.date_precision, lang),
                         t("briefing.basis_read") if e.basis == "read" else t("briefing.basis_derived"),
                         t(f"briefing.conf_{e.confidence}") if e.confidence in ("high", "medium", "low") else "",
                         doc.cite(e.source).strip()])
            if e.is_selected == 1:
                marks.append((pd.Timestamp(e.date_to).date(), label, _period(e.date_from, e.date_to,
                                                                            e.date_precision, lang)))
        doc.table([t("briefing.col_event"), t("briefing.col_date"), t("briefing.col_basis"),
                   t("briefing.col_confidence"), t("briefing.col_sources")], rows)
        if d.get("has_conflict"):
            doc.note(t("briefing.caveat_conflict"))
        if chart and marks:
            drawn = chart("timeline", events=marks, lang=lang, title=t("briefing.timeline_title"),
                          as_of=(v.as_of, t("briefing.as_of_mark", date=_when(v.as_of, lang))))
            if drawn:
                doc.image(drawn[0], t("briefing.timeline_alt", events="; ".join(f"{l} {s}" for _, l, s in marks)),
                          drawn[1])
    # caveats: the researchers' notes stay in the data; the reader gets what kind of caveat it is
    said, caveats = set(["conflict"] if d.get("has_conflict") else []), []
    for n in v.notes.itertuples():
        kind = CAVEATS.get(n.kind)
        if n.kind == "fact" and isinstance(n.note, str) and not any(a in n.note for a in ARROWS):
            caveats.append(re.sub(rf"^{re.escape(v.name_en)}:\s*", "", n.note.strip()) + doc.cite(n.source))
        elif kind and kind not in said:
            said.add(kind)
            caveats.append(t(kind) + doc.cite(n.source))
    if caveats:
        doc.h2(t("briefing.caveats"))
        for text in caveats:
            doc.p("• " + text)

    # 2. monitoring rounds
    doc.h1(t("briefing.sec_rounds"))
    if v.rounds.empty:
        doc.p(t("briefing.no_rounds"))
    else:
        rows = [[r.round_code, _yes_no(r.covered, t), _yes_no(r.reply_submitted, t),
                 r.recommendations if isinstance(r.recommendations, str) and r.recommendations.strip()
                 else t("briefing.unknown"), doc.cite(r.source).strip()] for r in v.rounds.itertuples()]
        doc.table([t("briefing.col_round"), t("briefing.col_covered"), t("briefing.col_reply"),
                   t("briefing.col_recs"), t("briefing.col_sources")], rows)
        doc.note(t("briefing.unknown_note"))

    # 3. the portal and its statistics
    doc.h1(t("briefing.sec_portal"))
    p = v.portal
    if p is None:
        doc.p(t("briefing.no_portal"))
    else:
        cite = doc.cite(p.source)
        doc.p(t("briefing.portal_line", name=p.name,
                launch=_period(p.launch_from, p.launch_to, p.launch_precision, lang)) + cite)
        rows = [[t("briefing.partners"), _clean(p.partners) or t("briefing.not_stated")],
                [t("briefing.funders"), "; ".join(_clean(f) for f in p.funders) or t("briefing.not_stated")],
                [t("briefing.languages"), _clean(p.languages) or t("briefing.not_stated")],
                [t("briefing.address"), "; ".join(address(u) for u in URL.findall(p.url or "")) or t("briefing.not_stated")]]
        doc.table([t("briefing.col_item"), t("briefing.col_detail")], rows)
        if v.withheld:
            doc.p(t("withheld.portal"))
        if v.stats is not None:
            doc.h2(t("briefing.stats"))
            rows = []
            for s in v.stats.itertuples():
                cells = [str(s.period_start.year)]
                for m in ("received", "actioned"):
                    state = getattr(s, f"{m}_state")
                    cells.append(_n(getattr(s, m), lang) if state == VALUE else _state(state, t, v.k))
                share = s.share_actioned_state
                cells.append(i18n.format_percent(float(s.share_actioned) / 100, lang, 1) if share == VALUE
                             else _state(share, t, v.k))
                rows.append(cells)
            doc.table([t("briefing.col_year"), t("briefing.received"), t("briefing.actioned"),
                       t("briefing.share_actioned")], rows, "LRRR")
            if chart:
                drawn = chart("stats", frame=v.stats, lang=lang, title=t("briefing.stats_title"),
                              names={"received": t("briefing.received"), "actioned": t("briefing.actioned")},
                              hidden_name=t("briefing.hidden_legend"), y_title=t("briefing.reports_axis"))
                if drawn:
                    doc.image(drawn[0], t("briefing.stats_alt"), drawn[1])
            doc.note(t("briefing.suppression", k=v.k, k_minus=(v.k or 10) - 1))
    if demo:
        doc.note(t("briefing.demo_note"))
    doc.provenance = _provenance(t, v.loads, lang, demo)
    return doc


def _clean(text) -> str:
    """A free-text field for the reader: bracketed curation annotations and arrows left in the data."""
    if not isinstance(text, str):
        return ""
    text = re.sub(r"\s*\([^)]*(->|→|reference|source)[^)]*\)", "", text)
    return text.strip()


def _latest_stats(v: CountryProfile, t, lang) -> str:
    if v.stats is None or not len(v.stats):
        return ""
    last = v.stats.iloc[-1]
    year = int(last["period_start"].year)
    if last["received_state"] != VALUE:
        return t("briefing.fact_stats_hidden", year=year, state=_state(last["received_state"], t, v.k))
    text = t("briefing.fact_stats", year=year, n=_n(last["received"], lang))
    if len(v.stats) > 1 and v.stats.iloc[-2]["received_state"] == VALUE and int(v.stats.iloc[-2]["received"]):
        before = int(v.stats.iloc[-2]["received"])
        pct = (int(last["received"]) - before) / before
        text += " " + t("briefing.change_on", change=("+" if pct > 0 else "") + i18n.format_percent(pct, lang),
                        year=year - 1)
    elif len(v.stats) > 1:
        text += " " + t("briefing.change_unknown", year=year - 1)
    return text


# --- round -----------------------------------------------------------------------------------------------

KIND_KEYS = {"round": "briefing.kind_round", "urgent": "briefing.kind_urgent",
             "compliance": "briefing.kind_compliance", "survey": "briefing.kind_survey"}


def round_document(v: Committee, lang: str = "en", chart=None) -> Document:
    t = texts(lang)
    r = v.rounds.set_index("round_code").loc[v.round_code]
    doc = _new("round", lang, f"round-{v.round_code}", t("briefing.round_subject", code=v.round_code), v.as_of,
               False, v.loads)
    launched = _period(r["launch_from"], r["launch_to"], r["launch_precision"], lang)
    adopted = _when(r["adopted_to"], lang) if r["adopted_to"] is not None and not pd.isna(r["adopted_to"]) else None
    n_covered = r["parties_covered_count"]
    parties = v.parties
    covered = int((parties["covered"] == "yes").sum())
    replies = int((parties["reply_submitted"] == "yes").sum())
    unknown_reply = int((~parties["reply_submitted"].isin(["yes", "no"])).sum())
    kind = t(KIND_KEYS.get(r["kind"], "briefing.kind_round"))
    doc.facts.append(t("briefing.fact_round", kind=kind[:1].upper() + kind[1:],
                       launched=launched))
    doc.facts.append(t("briefing.fact_adopted", date=adopted) if adopted else t("briefing.fact_not_adopted"))
    if n_covered is not None and not pd.isna(n_covered):
        doc.facts.append(t("briefing.fact_covered", n=_n(n_covered, lang)))
    doc.facts.append(t("briefing.fact_replies", yes=_n(replies, lang), unknown=_n(unknown_reply, lang),
                       total=_n(len(parties), lang)))

    doc.h1(t("briefing.sec_round"))
    cite = doc.cite(r["source"])
    doc.p(f"{r['title']}{cite}")
    rows = [[t("briefing.launched"), launched],
            [t("briefing.documents"), _clean(r["report_codes"]) or t("briefing.unknown")],
            [t("briefing.adopted"), adopted or t("briefing.unknown")],
            [t("briefing.covered_count"), _n(n_covered, lang) if n_covered is not None and not pd.isna(n_covered)
             else t("briefing.unknown")]]
    doc.table([t("briefing.col_item"), t("briefing.col_detail")], rows)

    doc.h1(t("briefing.sec_parties"))
    doc.p(t("briefing.parties_summary", n=_n(len(parties), lang), covered=_n(covered, lang),
            replies=_n(replies, lang), unknown=_n(unknown_reply, lang)))
    rows = []
    names = {c: (i18n.country_name(c, lang) if lang != "en" else n) for c, n in zip(parties["country_code"],
                                                                                   parties["name_en"])}
    order = sorted(parties.itertuples(), key=lambda p: i18n.sort_key(names[p.country_code], lang))
    for p in order:
        known = sum(isinstance(x, str) and x.strip() not in ("", "unknown")
                    for x in (p.covered, p.reply_submitted, p.recommendations, p.compliance_status))
        rows.append([names[p.country_code], _yes_no(p.covered, t), _yes_no(p.reply_submitted, t),
                     _clean(p.recommendations) or t("briefing.unknown"),
                     _clean(p.compliance_status) or t("briefing.unknown"), f"{known}/4",
                     doc.cite(p.source).strip()])
    doc.table([t("briefing.col_party"), t("briefing.col_covered"), t("briefing.col_reply"), t("briefing.col_recs"),
               t("briefing.col_compliance"), t("briefing.col_known"), t("briefing.col_sources")], rows, "LLLLLRL")
    doc.note(t("briefing.unknown_note"))
    doc.provenance = _provenance(t, v.loads, lang, False)
    return doc


# --- funder ----------------------------------------------------------------------------------------------

SLUG_MAX = 48


def slug_of(name: str) -> str:
    """A name as part of a file name: lower-case letters, digits and hyphens, at most SLUG_MAX characters.
    A name that cannot be read back from that (anything but words of letters and digits with single
    spaces, or too long: 'Save-the-Children', another script) also gets 8 hex digits of its SHA-256, so
    two such names never share a file name and none is empty."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if re.fullmatch(r"[A-Za-z0-9]+( [A-Za-z0-9]+)*", name) and len(slug) <= SLUG_MAX:
        return slug
    return "-".join(filter(None, [slug[:SLUG_MAX].strip("-"), hashlib.sha256(name.encode()).hexdigest()[:8]]))


def funder_document(v: FunderView, lang: str = "en", chart=None) -> Document:
    t = texts(lang)
    slug = "funder-" + slug_of(v.funder)
    doc = _new("funder", lang, slug, t("briefing.funder_subject", funder=v.funder), v.as_of, v.is_demo, v.loads)
    launched = v.portals[v.portals["launch_to"].notna()]
    launched = launched[pd.to_datetime(launched["launch_to"]).dt.date <= v.as_of]
    countries = v.portals["country_code"].dropna().nunique()
    doc.facts.append(t("briefing.fact_funded", n=_n(len(v.portals), lang), countries=_n(countries, lang)))
    if len(launched):
        first = launched.sort_values("launch_to").iloc[0]
        last = launched.sort_values("launch_to").iloc[-1]
        doc.facts.append(t("briefing.fact_launches", n=_n(len(launched), lang),
                           first=_period(first["launch_from"], first["launch_to"], first["launch_precision"], lang),
                           last=_period(last["launch_from"], last["launch_to"], last["launch_precision"], lang)))
    headline = _funder_headlines(v, t, lang)
    doc.facts += headline
    doc.facts.append(t("briefing.fact_period", start=v.start, end=v.end))

    doc.h1(t("briefing.sec_headlines"))
    if v.withheld:
        doc.p(t("withheld.funder"))
    elif v.totals.empty:
        doc.p(t("briefing.no_stats"))
    else:
        rows, prev = [], None
        def summed(value, hidden) -> str:
            """A sum of the shown parts ("at least" when some are hidden); every part hidden: said so."""
            if pd.isna(value):
                return _state("suppressed", t, v.k)
            return (t("briefing.at_least_short") + " " if hidden else "") + _n(value, lang)
        for r in v.totals.itertuples():
            change = ""
            if prev is not None and not pd.isna(prev.received) and prev.received and not pd.isna(r.received):
                pct = (r.received - prev.received) / prev.received
                change = ("+" if pct > 0 else "") + i18n.format_percent(pct, lang)
            rows.append([str(r.year), summed(r.received, r.received_hidden), change or "–",
                         summed(r.actioned, r.actioned_hidden), _n(r.received_hidden, lang)])
            prev = r
        doc.table([t("briefing.col_year"), t("briefing.received"), t("briefing.col_change"), t("briefing.actioned"),
                   t("briefing.col_hidden")], rows, "LRRRR")
        doc.note(t("briefing.at_least_note"))
    doc.h1(t("briefing.sec_launches"))
    if chart and len(launched):
        marks = [(pd.Timestamp(p["launch_to"]).date(),
                  i18n.country_name(p["country_code"], lang) if isinstance(p["country_code"], str) else p["portal_name"])
                 for _, p in launched.sort_values("launch_to").iterrows()]
        drawn = chart("launches", steps=v.launches, marks=marks, lang=lang, title=t("briefing.launches_title"),
                      y_title=t("briefing.launches_axis"))
        if drawn:
            doc.image(drawn[0], t("briefing.launches_alt", n=len(launched)), drawn[1])
    doc.h2(t("briefing.portals_table"))
    rows = []
    for p in v.portals.sort_values("launch_to", na_position="last").itertuples():
        where = i18n.country_name(p.country_code, lang) if isinstance(p.country_code, str) else \
            t("briefing.multi_country")
        rows.append([p.portal_name, where, _period(p.launch_from, p.launch_to, p.launch_precision, lang),
                     _clean(p.languages) or t("briefing.not_stated"), doc.cite(p.source).strip()])
    doc.table([t("briefing.col_portal"), t("briefing.col_country"), t("briefing.col_launch"),
               t("briefing.languages"), t("briefing.col_sources")], rows)
    if v.is_demo:
        doc.note(t("briefing.demo_note"))
    doc.provenance = _provenance(t, v.loads, lang, v.is_demo)
    return doc


def _funder_headlines(v: FunderView, t, lang) -> list:
    if v.withheld:
        return [t("withheld.funder")]
    if v.totals.empty:
        return [t("briefing.no_stats")]
    out = []
    last = v.totals.iloc[-1]
    prev = v.totals.iloc[-2] if len(v.totals) > 1 else None
    for m in ("received", "actioned"):
        if pd.isna(last[m]):   # every part hidden: no sum, said so
            out.append(t(f"briefing.fact_{m}", year=int(last["year"]), n=_state("suppressed", t, v.k)))
            continue
        value = _n(last[m], lang)
        if last[f"{m}_hidden"]:
            value = t("briefing.at_least", n=value)
        line = t(f"briefing.fact_{m}", year=int(last["year"]), n=value)
        if prev is not None and not pd.isna(prev[m]) and prev[m]:
            pct = (int(last[m]) - int(prev[m])) / int(prev[m])
            line += " " + t("briefing.change_on", change=("+" if pct > 0 else "") + i18n.format_percent(pct, lang),
                            year=int(prev["year"]))
        out.append(line)
    return out


DOCUMENTS = {CountryProfile: country_document, Committee: round_document, FunderView: funder_document}


def document(view, lang: str = "en", chart=None) -> Document:
    return DOCUMENTS[type(view)](view, lang, chart)

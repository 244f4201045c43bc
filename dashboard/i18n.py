"""English and French: message catalogues (gettext .po via Babel), the reader's language, locale-aware
dates and numbers (Babel/CLDR only), country names, French sorting and search, and plotly's locale.

Nothing here holds a process-wide language: every function takes `lang`, and `translator(lang)` returns
one immutable translation object per language (cached), never installed into builtins. A page does

    lang = page_language()            # ?lang= in the URL, else the browser's language, else English
    _ = translator(lang).gettext      # ngettext / pgettext on the same object

Catalogues: `dashboard/locale/<lang>/LC_MESSAGES/messages.po`, compiled in memory at first use (Babel's
read_po + write_mo, fuzzy entries left out), so a clean clone needs no build step and no binary .mo is
committed. `python -m dashboard.i18n extract|update|check|compile` runs Babel's own extraction (babel.cfg).
"""
from __future__ import annotations

import csv
import functools
import io
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from babel import Locale, negotiate_locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGES = ("en", "fr")          # the source language first: English msgids are the English text
DEFAULT = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}   # endonyms: never translated
# Babel locale used for formatting: the Council of Europe writes British English ("25 October 2007").
FORMAT_LOCALE = {"en": "en_GB", "fr": "fr_FR"}
PRECISIONS = ("day", "month", "year")
SESSION_KEY = "_i18n_lang"     # st.session_state: the language this session chose last


def _lang(lang: str | None) -> str:
    """'fr', 'fr-CA', 'FR_fr' -> 'fr'; anything unsupported -> the default."""
    base = re.split(r"[-_]", (lang or "").strip())[0].lower()
    return base if base in LANGUAGES else DEFAULT


# --- messages --------------------------------------------------------------------------------------

def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalog(lang: str):
    """The Babel Catalog of a language's .po file (fuzzy and obsolete entries included, as written)."""
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def translator(lang: str | None) -> NullTranslations:
    """The translation object of a language: .gettext, .ngettext, .pgettext, .npgettext. Cached per
    language ('fr-FR' and 'fr' share one), immutable, shared safely between sessions and threads;
    English returns the msgids themselves; an unsupported language gets English."""
    return _translator(_lang(lang))


@functools.cache
def _translator(lang: str) -> NullTranslations:
    if lang == "en":
        return NullTranslations()
    buf = io.BytesIO()
    write_mo(buf, load_catalog(lang), use_fuzzy=False)   # a fuzzy translation is not a translation
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (e.g. in a module-level table)."""
    return message


# --- which language --------------------------------------------------------------------------------

def _accepted(header: str | None) -> list[str]:
    """Accept-Language ('fr-CH, fr;q=0.9, en;q=0.8') or a bare locale ('fr-FR'), best first."""
    ranked = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        m = re.search(r"q\s*=\s*([0-9.]+)", params)
        if m:
            try:
                q = float(m.group(1))
            except ValueError:
                q = 0.0
        if tag and tag != "*" and q > 0:
            ranked.append((-q, i, tag.replace("_", "-")))
    return [tag for _, _, tag in sorted(ranked)]


def language_from(query_params: Mapping | None, browser: str | None = None, remembered: str | None = None) -> str:
    """'en' or 'fr'. The URL wins (`?lang=fr`), then the language this session chose last (`remembered`),
    then the browser (an Accept-Language header or st.context.locale such as 'fr-FR'), then English."""
    asked = (query_params or {}).get("lang")
    if isinstance(asked, (list, tuple)):
        asked = asked[-1] if asked else None
    for choice in (asked, remembered):
        if choice and re.split(r"[-_]", str(choice).strip())[0].lower() in LANGUAGES:
            return _lang(str(choice))
    preferred = [tag.split("-")[0].lower() for tag in _accepted(browser)]
    return negotiate_locale(preferred, list(LANGUAGES)) or DEFAULT


def page_language() -> str:
    """In a Streamlit script: the language of this session's page (see language_from), remembered in
    st.session_state so that it survives page navigation, and written back to the URL."""
    import streamlit as st

    browser = None
    try:
        browser = st.context.headers.get("Accept-Language") or st.context.locale
    except Exception:  # AppTest or bare mode: no request context
        browser = None
    lang = language_from(st.query_params, browser, st.session_state.get(SESSION_KEY))
    st.session_state[SESSION_KEY] = lang
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    return lang


def language_switch(lang: str, where=None) -> str:
    """One click between English and French (a segmented control showing the endonyms); the choice
    goes to the URL and the session. Returns the language to use for this run."""
    import streamlit as st

    target = where or st
    chosen = target.segmented_control(translator(lang).gettext("Language"), list(LANGUAGES), default=lang,
                                      format_func=LANGUAGE_NAMES.get, key="_lang_switch",
                                      label_visibility="collapsed")
    if chosen and chosen != lang:
        st.session_state[SESSION_KEY] = chosen
        st.query_params["lang"] = chosen
        st.rerun()
    return lang


# --- dates and numbers (Babel, CLDR) ---------------------------------------------------------------

def _fmt_locale(lang: str) -> str:
    return FORMAT_LOCALE[_lang(lang)]


def format_date(d: date | datetime | str, lang: str, precision: str = "day") -> str:
    """25 October 2007 / 25 octobre 2007; precision 'month': October 2007 / octobre 2007; 'year': 2007."""
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    if isinstance(d, datetime):
        d = d.date()
    if hasattr(d, "to_pydatetime"):  # pandas Timestamp
        d = d.to_pydatetime().date()
    loc = _fmt_locale(lang)
    if precision == "day":
        return babel_dates.format_date(d, "long", locale=loc)
    if precision == "month":
        return babel_dates.format_skeleton("yMMMM", d, locale=loc)
    if precision == "year":
        return babel_dates.format_skeleton("y", d, locale=loc)
    raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")


def format_period(start: date | None, end: date | None, precision: str, lang: str) -> str:
    """A dated fact at its precision: a day, a month, a year, 'between A and B', or 'unknown'."""
    _ = translator(lang).gettext
    if end is None or (precision == "unknown"):
        return _("unknown")
    if precision in PRECISIONS:
        return format_date(start, lang, precision)
    return _("between {start} and {end}").format(start=format_date(start, lang), end=format_date(end, lang))


def format_number(value, lang: str, decimals: int | None = None) -> str:
    """1,234,567 / 1 234 567 (French groups with U+202F narrow no-break space); decimals fixes the digits."""
    loc = _fmt_locale(lang)
    if decimals is None:
        return babel_numbers.format_decimal(value, locale=loc)
    pattern = _with_decimals(Locale.parse(loc).decimal_formats[None].pattern, decimals)
    return babel_numbers.format_decimal(value, format=pattern, locale=loc, decimal_quantization=True)


def _with_decimals(pattern: str, decimals: int) -> str:
    """A CLDR number pattern ('#,##0.###', '#,##0\u00a0%') with exactly `decimals` fraction digits."""
    pattern = pattern.split(";")[0]
    head = re.match(r"[^#0]*[#,0]*0", pattern).group(0)
    tail = re.sub(r"^[.#0]*", "", pattern[len(head):])
    return head + ("." + "0" * decimals if decimals else "") + tail


def format_percent(ratio, lang: str, decimals: int = 0) -> str:
    """A ratio as a percentage: 0.46 -> 46% / 46 % (U+00A0 no-break space before % in French, as CLDR)."""
    loc = _fmt_locale(lang)
    pattern = _with_decimals(Locale.parse(loc).percent_formats[None].pattern, decimals)
    return babel_numbers.format_percent(ratio, format=pattern, locale=loc, decimal_quantization=True)


def decimal_separators(lang: str) -> str:
    """plotly's layout.separators: decimal mark then group mark ('.,' or ',\u202f')."""
    loc = _fmt_locale(lang)
    return babel_numbers.get_decimal_symbol(loc) + babel_numbers.get_group_symbol(loc)


# --- country and territory names -------------------------------------------------------------------

DATA = ROOT / "data"


@functools.cache
def _project_territories() -> dict[str, dict]:
    with (DATA / "territories.csv").open(encoding="utf-8", newline="") as f:
        return {r["code"]: r for r in csv.DictReader(f)}


@functools.cache
def _name_overrides() -> dict[tuple[str, str], str]:
    path = DATA / "country_names_override.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return {(r["code"], r["lang"]): r["name"] for r in csv.DictReader(f)}


@functools.lru_cache(maxsize=4096)
def country_name(code: str, lang: str) -> str:
    """The display name of a country or territory code (ISO alpha-3 or the project's X** codes).
    French: data/country_names_override.csv (Council of Europe usage), then data/territories.csv for
    project codes, then CLDR (Babel's Locale('fr').territories). English: the override file, project
    names, then pycountry's common name (the warehouse's name_en). Unknown codes come back as given."""
    import pycountry

    lang = _lang(lang)
    if (code, lang) in _name_overrides():
        return _name_overrides()[(code, lang)]
    project = _project_territories().get(code)
    if project:
        return project[f"name_{lang}"] or project["name_en"]
    c = pycountry.countries.get(alpha_3=code) if len(code or "") == 3 else None
    if c is None:
        return code
    if lang == "en":
        return getattr(c, "common_name", None) or c.name
    return Locale.parse(FORMAT_LOCALE[lang]).territories.get(c.alpha_2) or c.name


_FOLD = {"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "‘": "'", "ʼ": "'"}


def fold(text: str) -> str:
    """Case and accents dropped, ligatures opened, punctuation as spaces: 'Émirats' -> 'emirats'."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    text = "".join(_FOLD.get(ch, ch) for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[\W_]+", " ", text)
    return text.strip()


def sort_key(name: str, lang: str = "fr") -> tuple:
    """Sort key for names in the reader's language, close to CLDR collation: letters first (accents,
    case, hyphens and apostrophes ignored: 'Émirats' sorts with 'E'), then accents, then case."""
    name = str(name)
    base = unicodedata.normalize("NFD", name)
    accents = tuple(ch for ch in base.casefold() if unicodedata.combining(ch))
    return (fold(name), accents, name.swapcase())


def sort_names(names, lang: str = "fr") -> list:
    return sorted(names, key=lambda n: sort_key(n, lang))


def matches(query: str, name: str) -> bool:
    """Accent- and case-insensitive search: every word of the query begins a word of the name, or the
    whole query is inside it ('maroc', 'royaume uni', 'emirats', 'TURK' find their country)."""
    q, n = fold(query), fold(name)
    if not q:
        return True
    if q in n or q.replace(" ", "") in n.replace(" ", ""):
        return True
    words = n.split()
    return all(any(w.startswith(part) for w in words) for part in q.split())


# --- plotly ----------------------------------------------------------------------------------------

STATIC = ROOT / "static"


@functools.cache
def _plotly_dictionary(lang: str) -> dict:
    path = STATIC / "plotly_locales" / f"{lang}.json"
    return json.loads(path.read_text(encoding="utf-8"))["dictionary"] if path.exists() else {}


@functools.cache
def plotly_locale(lang: str) -> dict:
    """A plotly.js locale {'dictionary', 'format'}: the toolbar and hover words from the npm package
    plotly.js-locales (static/plotly_locales/, MIT), the month and day names and separators from CLDR
    via Babel so that axes read like the rest of the page ('janv. 2010', '1 234')."""
    lang = _lang(lang)
    loc = _fmt_locale(lang)
    months = babel_dates.get_month_names("wide", locale=loc)
    short_months = babel_dates.get_month_names("abbreviated", locale=loc)
    days = babel_dates.get_day_names("wide", locale=loc)      # Monday = 0 in Babel
    short_days = babel_dates.get_day_names("abbreviated", locale=loc)
    sunday_first = [6, 0, 1, 2, 3, 4, 5]       # plotly counts from Sunday
    return {
        "dictionary": _plotly_dictionary(lang),
        "format": {
            "days": [days[i] for i in sunday_first],
            "shortDays": [short_days[i] for i in sunday_first],
            "months": [months[i] for i in range(1, 13)],
            "shortMonths": [short_months[i] for i in range(1, 13)],
            "date": "%d/%m/%Y",
            "decimal": babel_numbers.get_decimal_symbol(loc),
            "thousands": babel_numbers.get_group_symbol(loc),
            "year": "%Y",
            "month": "%b %Y",
            "dayMonth": "%-d %b",
            "dayMonthYear": "%-d %b %Y",
        },
    }


def plotly_locale_config(lang: str) -> dict:
    """Entries for plotly's config (st.plotly_chart(config=...), kaleido's figure['config']): the locale
    travels with each chart (config.locales), so no script has to be registered in Streamlit's page and
    nothing is fetched. Merge with the page's own entries: {**plotly_locale_config(lang), "topojsonURL": ...}."""
    lang = _lang(lang)
    if lang == "en":
        return {"locale": "en"}
    return {"locale": lang, "locales": {lang: plotly_locale(lang)}}


def localize_figure(fig, lang: str):
    """Layout settings for the reader's convention: number separators (layout.separators, which win over the
    locale's) for every number plotly formats, and axis numbers written out in full with grouped thousands
    ("12 000", not plotly's SI "12k") where the chart set no format of its own. Returns the same figure."""
    fig.update_layout(separators=decimal_separators(lang))

    def whole_numbers(axis):   # "5 000", not plotly's SI "5k", unless the chart chose its own format
        if axis.exponentformat is None and axis.tickformat is None:
            axis.update(exponentformat="none", separatethousands=True)
    fig.for_each_xaxis(whole_numbers)
    fig.for_each_yaxis(whole_numbers)
    # plotly's default hover for dates ("Jan 1, 2011") keeps the English order in every locale
    day_first = "%-d %B %Y"
    for trace in fig.data:
        for letter in ("x", "y"):
            if _is_dates(getattr(trace, letter, None)):
                name = getattr(trace, f"{letter}axis", None) or letter
                axis = fig.layout[name.replace(letter, f"{letter}axis", 1)]
                if axis.hoverformat is None:
                    axis.hoverformat = day_first
    return fig


def _is_dates(values) -> bool:
    """Whether a trace's x or y holds dates (date objects, numpy/pandas datetimes or ISO date strings)."""
    if values is None:
        return False
    try:
        first = next((v for v in values if v is not None), None)
    except TypeError:
        return False
    if first is None:
        return False
    if isinstance(first, (date, datetime)) or type(first).__name__ in ("datetime64", "Timestamp"):
        return True
    return isinstance(first, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?([T ].*)?", first) is not None


def date_ticks(fig, lang: str, max_ticks: int = 8):
    """Fixed tick labels written by Babel on every date axis (tickvals/ticktext): 'janv. 2010', '2012'.
    For static images, where plotly's locale cannot reach (kaleido 1.5 drops figure['config']); in the
    browser prefer plotly_locale_config, whose ticks follow zooming. Returns the same figure."""
    import math

    import pandas as pd

    found: dict[str, list] = {}
    for trace in fig.data:
        for letter in ("x", "y"):
            values = getattr(trace, letter, None)
            if _is_dates(values):
                name = (getattr(trace, f"{letter}axis", None) or letter).replace(letter, f"{letter}axis", 1)
                found.setdefault(name, []).extend(v for v in values if v is not None)
    loc = _fmt_locale(lang)
    for name, values in found.items():
        axis = fig.layout[name]
        if axis.tickvals is not None or axis.tickformat is not None:
            continue
        stamps = pd.to_datetime(pd.Series(values), errors="coerce").dropna()
        if stamps.empty:
            continue
        first, last = stamps.min(), stamps.max()
        months = (last.year - first.year) * 12 + last.month - first.month
        if months >= 36:
            step = max(1, math.ceil((last.year - first.year + 1) / max_ticks))
            ticks = [date(y, 1, 1) for y in range(first.year + (first.month > 1 or first.day > 1), last.year + 1, step)]
            text = [format_date(t, lang, "year") for t in ticks]
        else:
            step = next(s for s in (1, 2, 3, 6, 12) if months / s <= max_ticks)
            ticks, m = [], first.year * 12 + first.month - 1
            m += (-m) % step
            while m <= last.year * 12 + last.month - 1:
                t = date(m // 12, m % 12 + 1, 1)
                if pd.Timestamp(t) >= first:
                    ticks.append(t)
                m += step
            text = [babel_dates.format_skeleton("yMMM", t, locale=loc) for t in ticks]
        axis.update(tickmode="array", tickvals=[t.isoformat() for t in ticks], ticktext=text)
    return fig


def kaleido_spec(fig, lang: str, extra_config: Mapping | None = None) -> dict:
    """A figure for kaleido in the reader's language: separators and whole numbers (localize_figure),
    Babel-written date ticks (date_ticks), and the locale in figure['config'] for when kaleido passes it
    on. kaleido.calc_fig_sync(kaleido_spec(fig, 'fr'), opts={'format': 'png', 'width': ..., ...})."""
    spec = date_ticks(localize_figure(fig, lang), lang).to_dict()
    spec["config"] = {**plotly_locale_config(lang), **(extra_config or {})}
    return spec


# --- catalogue maintenance (Babel's own command line) ----------------------------------------------

POT = LOCALE_DIR / f"{DOMAIN}.pot"
KEYWORDS = ["_", "gettext", "ngettext:1,2", "n_:1,2", "pgettext:1c,2", "p_:1c,2", "npgettext:1c,2,3", "N_"]


def extract_text_dict(fileobj, keywords, comment_tags, options):
    """Babel extraction method for dashboard/text.py's `TEXT = {"en": {key: "English", ...}}` table and its
    `PLURALS = {key: ("singular", "plural")}` table (ngettext entries)
    (registered in babel.cfg): each English value becomes a msgid, its key a comment for translators."""
    import ast

    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "TEXT" for t in node.targets) \
                and isinstance(node.value, ast.Dict):
            for lang_key, table in zip(node.value.keys, node.value.values):
                if getattr(lang_key, "value", None) != "en" or not isinstance(table, ast.Dict):
                    continue
                for key, value in zip(table.keys, table.values):
                    if isinstance(key, ast.Constant) and isinstance(value, ast.Constant) \
                            and isinstance(value.value, str):
                        yield value.lineno, "_", value.value, [f"text.py key: {key.value}"]
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PLURALS" for t in node.targets) \
                and isinstance(node.value, ast.Dict):
            for key, value in zip(node.value.keys, node.value.values):
                forms = [getattr(e, "value", None) for e in getattr(value, "elts", [])]
                if isinstance(key, ast.Constant) and len(forms) == 2 and all(isinstance(f, str) for f in forms):
                    yield value.lineno, "ngettext", tuple(forms), [f"text.py key: {key.value}"]


def brace_fields(text: str) -> list[tuple]:
    """The str.format fields of a message: [(name, format spec, conversion), ...], sorted."""
    import string
    try:
        return sorted((name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text) if name is not None)
    except ValueError as exc:     # an unbalanced brace is a placeholder problem too
        return [("<invalid>", str(exc), None)]


def percent_fields(text: str) -> list[str]:
    """The %-format fields of a message ('%(name)s', '%d'), sorted."""
    return sorted(re.findall(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]", text))


def catalogue_problems(catalog) -> list[str]:
    """What stops a catalogue from being complete and faithful: a message without translation (or
    without every plural form the catalogue's Plural-Forms asks for), a fuzzy translation or header,
    placeholders ({name}, %(name)s) that differ from the English, and Babel's own checks."""
    problems = ["header is fuzzy"] if catalog.fuzzy else []
    for m in catalog:
        if not m.id:
            continue
        ids = list(m.id) if m.pluralizable else [m.id]
        strings = list(m.string) if m.pluralizable else [m.string]
        if m.pluralizable and len(strings) != catalog.num_plurals:
            problems.append(f"{m.id!r}: {len(strings)} plural forms, Plural-Forms asks for {catalog.num_plurals}")
        if not all(s and s.strip() for s in strings):
            problems.append(f"{m.id!r}: no translation")
            continue
        if m.fuzzy:
            problems.append(f"{m.id!r}: fuzzy")
        for s in strings:
            for fields in (brace_fields, percent_fields):
                if fields(s) not in [fields(i) for i in ids]:
                    problems.append(f"{m.id!r}: placeholders {fields(s)} differ from {fields(ids[-1])}")
    for m, errors in catalog.check():
        problems += [f"{m.id!r}: {e}" for e in errors]
    return problems


def _pybabel(*args: str) -> int:
    from babel.messages.frontend import CommandLineInterface

    try:
        CommandLineInterface().run(["pybabel", "-q", *args])
    except SystemExit as exc:  # pragma: no cover - pybabel's own failures
        return int(exc.code or 0)
    return 0


def main(argv: list[str] | None = None) -> int:
    import os
    import sys

    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "help"
    if command in ("extract", "update", "compile"):
        os.chdir(ROOT)   # babel.cfg's patterns and the catalogue paths are relative to the project
    if command == "extract":
        keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
        return _pybabel("extract", "-F", "babel.cfg", "--no-default-keywords", *keywords, "--add-comments=Translators:",
                        "--sort-by-file", "--project=lanzarote-dashboard", "--copyright-holder=project contributors",
                        "-o", str(POT.relative_to(ROOT)), ".")
    if command == "update":
        for lang in LANGUAGES[1:]:
            code = _pybabel("update", "-i", str(POT.relative_to(ROOT)), "-d", str(LOCALE_DIR.relative_to(ROOT)),
                            "-D", DOMAIN, "-l", lang, "--width=100")
            if code:
                return code
        return 0
    if command == "compile":   # optional: .mo files for outside tools; the app compiles in memory
        return _pybabel("compile", "-d", str(LOCALE_DIR.relative_to(ROOT)), "-D", DOMAIN, "--statistics")
    if command == "check":
        problems = [f"{lang}: {p}" for lang in LANGUAGES[1:] for p in catalogue_problems(load_catalog(lang))]
        print("\n".join(problems) or "catalogues OK")
        return 1 if problems else 0
    print("usage: python -m dashboard.i18n extract|update|compile|check")
    return 0 if command == "help" else 2


if __name__ == "__main__":
    raise SystemExit(main())

"""English and French: the catalogue is complete and faithful (no missing, fuzzy or placeholder-changing
translation, the Council of Europe's glossary terms used), the reader's language is chosen by the rules,
translators never leak between sessions, and dates, numbers, country names, sorting and search follow
the French conventions (CLDR through Babel)."""
import builtins
import csv
import io
import re
import threading
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.support import Translations

from dashboard import i18n
from dashboard.i18n import (country_name, format_date, format_number, format_percent, format_period,
                            language_from, matches, plotly_locale_config, sort_names, translator)

ROOT = Path(__file__).resolve().parent.parent
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(scope="module")
def fr_catalog():
    return i18n.load_catalog("fr")


def messages(catalog):
    return [m for m in catalog if m.id]


# --- the catalogue ---------------------------------------------------------------------------------

def test_french_catalogue_complete_not_fuzzy_same_placeholders(fr_catalog):
    """Every message translated (every plural form), none fuzzy, the same {name} / %(name)s fields."""
    assert i18n.catalogue_problems(fr_catalog) == []
    assert len(messages(fr_catalog)) > 150


def test_catalogue_problems_are_caught():
    cat = Catalog(locale="fr")
    cat.add("Good {date}", "Bon {date}")
    cat.add("Untranslated", "")
    cat.add("Fuzzy", "Flou", flags=["fuzzy"])
    cat.add("On {date}", "Le {jour}")
    cat.add("{hidden:,} of {cells:,}", "{hidden} sur {cells}")
    cat.add("%(n)s states", "%(count)s États", flags=["python-format"])
    cat.add(("{n} state", "{n} states"), ("{n} État", ""))
    problems = "\n".join(i18n.catalogue_problems(cat))
    for culprit in ("'Untranslated': no translation", "'Fuzzy': fuzzy", "'On {date}': placeholders",
                    "'{hidden:,} of {cells:,}': placeholders", "'%(n)s states': placeholders",
                    "('{n} state', '{n} states'): no translation"):
        assert culprit in problems
    assert "Good" not in problems
    cat.fuzzy = True
    assert "header is fuzzy" in i18n.catalogue_problems(cat)


def test_check_command_passes():
    assert i18n.main(["check"]) == 0


def test_catalogue_holds_every_message_the_code_marks(fr_catalog):
    """Extraction as `python -m dashboard.i18n extract` runs it: nothing in the code is missing from fr."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = parse_keywords(i18n.KEYWORDS)
    found = {(ctx, msg if isinstance(msg, str) else msg[0])
             for _, _, msg, _, ctx in extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)}
    known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in messages(fr_catalog)}
    absent = sorted(str(k) for k in found - known)
    assert not absent, f"run `make messages` and translate: {absent[:5]}"
    assert len(found) > 150  # the text.py table is really read


def test_text_py_strings_all_in_catalogue(fr_catalog):
    from dashboard.text import TEXT
    ids = {m.id for m in messages(fr_catalog)}
    assert set(TEXT["en"].values()) <= ids


def test_babel_check_finds_no_error(fr_catalog):
    assert [(m.id, e) for m, e in fr_catalog.check()] == []


def test_french_plural_forms_are_babels():
    assert i18n.load_catalog("fr").plural_forms == Catalog(locale="fr").plural_forms == "nplurals=2; plural=(n > 1);"


def test_ngettext_with_french_plural_rule():
    cat = Catalog(locale="fr")
    cat.add(("{n} state", "{n} states"), ("{n} État", "{n} États"))
    buf = io.BytesIO()
    write_mo(buf, cat)
    buf.seek(0)
    tr = Translations(fp=buf)
    assert [tr.ngettext("{n} state", "{n} states", n).format(n=n) for n in (0, 1, 2)] == ["0 État", "1 État", "2 États"]
    en = translator("en")
    assert [en.ngettext("{n} state", "{n} states", n).format(n=n) for n in (0, 1, 2)] == ["0 states", "1 state", "2 states"]


# --- glossary --------------------------------------------------------------------------------------

def _words(text):
    """Words of a message (a plural message: of all its forms), folded for matching."""
    text = " ".join(text) if isinstance(text, (tuple, list)) else text
    text = text.casefold().replace("’", "'")
    return " ".join(re.sub(r"[^\w']+", " ", text).split())


def _term(term, suffix):
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) + suffix for w in _words(term).split()) + r"(?!\w)")


GLOSSARY = list(csv.DictReader((ROOT / "data" / "glossary_en_fr.csv").open(encoding="utf-8")))


def test_glossary_applies_to_many_messages(fr_catalog):
    applied = [r["en"] for r in GLOSSARY if any(_term(r["en"], "s?").search(_words(m.id)) for m in messages(fr_catalog))]
    assert len(applied) >= 25, applied


def test_glossary_is_curated_from_the_reference():
    assert {"Lanzarote Committee", "monitoring round", "accession", "entry into force", "Parties"} <= {
        r["en"] for r in GLOSSARY}
    assert all(r["check_with_translator"] in ("yes", "no") for r in GLOSSARY)


@pytest.mark.parametrize("row", GLOSSARY, ids=lambda r: r["en"])
def test_catalogue_uses_the_glossary_term(fr_catalog, row):
    """Every row, also those a translator should still check: consistency first, so that a change in the
    glossary shows every sentence to revise. English plural -s and French -e/-s/-es/-x are allowed."""
    english, french = _term(row["en"], "s?"), _term(row["fr"], "(?:e|s|es|x)?")
    offending = [(m.id, m.string) for m in messages(fr_catalog) if not m.pluralizable
                 and english.search(_words(m.id)) and not french.search(_words(m.string))]
    assert not offending, f"{row['en']!r} should read {row['fr']!r} in: {offending[:3]}"


# --- which language --------------------------------------------------------------------------------

@pytest.mark.parametrize("params, browser, remembered, expected", [
    ({"lang": "fr"}, "en-US,en;q=0.9", None, "fr"),           # the URL wins over the browser
    ({"lang": "en"}, "fr-FR", "fr", "en"),                     # ... and over the session's last choice
    ({"lang": "FR"}, None, None, "fr"),
    ({"lang": ["en", "fr"]}, None, None, "fr"),
    ({"lang": "de"}, "fr-CH, fr;q=0.9, en;q=0.8", None, "fr"),  # unsupported: as if absent
    ({}, "fr-CA", None, "fr"),                                 # st.context.locale form
    ({}, "fr-BE,fr;q=0.9,en-US;q=0.8,en;q=0.7", None, "fr"),   # Accept-Language form
    ({}, "en-GB,en;q=0.9,fr;q=0.8", None, "en"),
    ({}, "de-DE,de;q=0.9,fr;q=0.8,en;q=0.5", None, "fr"),      # the best supported language
    ({}, "de-DE", None, "en"),
    ({}, "fr;q=0", None, "en"),
    ({}, None, None, "en"),
    ({}, "", None, "en"),
    ({}, "fr-FR", "en", "en"),                                 # the session's choice over the browser
    (None, None, "fr", "fr"),
])
def test_language_from(params, browser, remembered, expected):
    assert language_from(params, browser, remembered) == expected


def test_translators_interleaved_stay_in_their_language():
    en, fr = translator("en"), translator("fr")
    for _ in range(3):
        assert fr.gettext("Lanzarote Committee") == "Comité de Lanzarote"
        assert en.gettext("Lanzarote Committee") == "Lanzarote Committee"
    assert translator("fr-FR") is fr and translator("xx") is en
    assert fr.pgettext("a context the catalogue lacks", "Monitoring rounds") == "Monitoring rounds"  # gettext rule
    assert fr.gettext("a sentence nobody wrote") == "a sentence nobody wrote"
    assert "_" not in vars(builtins)


def test_translators_in_threads_stay_in_their_language():
    seen = {"en": set(), "fr": set()}

    def work(lang):
        tr = translator(lang)
        for _ in range(200):
            seen[lang].add(tr.gettext("Country profile"))

    threads = [threading.Thread(target=work, args=(lang,)) for lang in ("en", "fr") * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"en": {"Country profile"}, "fr": {"Profil de pays"}}


def test_two_apptests_interleaved_each_keep_their_language():
    from streamlit.testing.v1 import AppTest
    app = str(ROOT / "tests" / "fixtures" / "i18n_app.py")
    fr = AppTest.from_file(app, default_timeout=60)
    fr.query_params["lang"] = "fr"
    en = AppTest.from_file(app, default_timeout=60)
    for _ in range(2):
        fr.run()
        en.run()
        assert fr.header[0].value == "Convention de Lanzarote et portails de signalement de l'IWF"
        assert en.header[0].value == "Lanzarote Convention and IWF Reporting Portals"
        assert "25 octobre 2007" in fr.markdown[0].value and "25 October 2007" in en.markdown[0].value
        assert fr.caption[0].value == f"1{NNBSP}234{NNBSP}567" and en.caption[0].value == "1,234,567"
    assert fr.session_state[i18n.SESSION_KEY] == "fr" and en.session_state[i18n.SESSION_KEY] == "en"
    assert fr.multiselect[0].options == ["Émirats arabes unis", "Espagne", "Kosovo", "Maroc", "Royaume-Uni",
                                         "Sainte-Hélène", "Türkiye"]
    # one click on the switch: the same session continues in English
    fr.segmented_control[0].set_value("en").run()
    assert fr.header[0].value == "Lanzarote Convention and IWF Reporting Portals"
    assert fr.query_params["lang"] in ("en", ["en"])


# --- dates and numbers -----------------------------------------------------------------------------

def test_french_dates():
    d = date(2007, 10, 25)
    assert format_date(d, "fr") == "25 octobre 2007"
    assert format_date(d, "fr", precision="month") == "octobre 2007"
    assert format_date(d, "fr", precision="year") == "2007"
    assert format_date("2021-02-09", "fr") == "9 février 2021"
    assert format_date(d, "en") == "25 October 2007"
    assert format_date(d, "en", precision="month") == "October 2007"
    with pytest.raises(ValueError):
        format_date(d, "fr", precision="week")


def test_periods_at_their_precision():
    assert format_period(date(2013, 3, 1), date(2013, 3, 31), "month", "fr") == "mars 2013"
    assert format_period(date(2010, 5, 21), date(2011, 12, 31), "range", "fr") == \
        "entre le 21 mai 2010 et le 31 décembre 2011"
    assert format_period(None, None, "unknown", "fr") == "inconnu"
    assert format_period(None, None, "unknown", "en") == "unknown"


def test_french_numbers_and_percentages():
    assert format_number(1234567, "fr") == f"1{NNBSP}234{NNBSP}567"
    assert format_number(1234.5, "fr", decimals=2) == f"1{NNBSP}234,50"
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(12.345, "en", decimals=1) == "12.3"
    assert format_percent(0.46, "fr") == f"46{NBSP}%"
    assert format_percent(0.4567, "fr", decimals=1) == f"45,7{NBSP}%"
    assert format_percent(0.46, "en") == "46%"
    assert i18n.decimal_separators("fr") == "," + NNBSP and i18n.decimal_separators("en") == ".,"


# --- country names, sorting, search ----------------------------------------------------------------

@pytest.mark.parametrize("code, fr, en", [
    ("MAR", "Maroc", "Morocco"), ("GBR", "Royaume-Uni", "United Kingdom"), ("TUR", "Türkiye", "Türkiye"),
    ("ARE", "Émirats arabes unis", "United Arab Emirates"), ("MDA", "République de Moldova", "Republic of Moldova"),
    ("RUS", "Russie", "Russian Federation"), ("XKX", "Kosovo", "Kosovo"), ("XSH", "Sainte-Hélène", "Saint Helena"),
    ("XAC", "Île de l'Ascension", "Ascension Island"), ("XTA", "Tristan da Cunha", "Tristan da Cunha"),
    ("XSB", "Akrotiri et Dhekelia (zones de souveraineté)", "Akrotiri and Dhekelia (Sovereign Base Areas)"),
    ("ZZZ", "ZZZ", "ZZZ"),
])
def test_country_names(code, fr, en):
    assert country_name(code, "fr") == fr
    assert country_name(code, "en") == en


def test_every_iso_country_has_a_french_name():
    import pycountry
    missing = [c.alpha_3 for c in pycountry.countries if country_name(c.alpha_3, "fr") in ("", c.alpha_3)]
    assert not missing


def test_french_sorting_ignores_accents_and_case():
    names = ["Zambie", "Émirats arabes unis", "estonie", "Espagne", "Égypte", "Allemagne", "Éthiopie", "Ukraine"]
    assert sort_names(names, "fr") == ["Allemagne", "Égypte", "Émirats arabes unis", "Espagne", "estonie",
                                       "Éthiopie", "Ukraine", "Zambie"]
    assert sort_names(["Éta", "Eta", "eta"], "fr") == ["eta", "Eta", "Éta"]   # ties: accents, then lower case first (CLDR)
    assert sort_names(["Sainte-Lucie", "Saint-Marin", "Saint-Siège"], "fr") == \
        ["Saint-Marin", "Saint-Siège", "Sainte-Lucie"]


@pytest.mark.parametrize("query, name, found", [
    ("maroc", "Maroc", True), ("royaume", "Royaume-Uni", True), ("royaume uni", "Royaume-Uni", True),
    ("royaume-uni", "Royaume-Uni", True), ("emirats", "Émirats arabes unis", True), ("ÉMIRATS", "Émirats arabes unis", True),
    ("turk", "Türkiye", True), ("turquie", "Türkiye", False), ("uni", "Royaume-Uni", True),
    ("maroc", "Monaco", False), ("", "Maroc", True), ("ile ascension", "Île de l'Ascension", True),
])
def test_accent_and_case_insensitive_search(query, name, found):
    assert matches(query, name) is found


# --- plotly ----------------------------------------------------------------------------------------

def test_plotly_locale_config():
    fr = plotly_locale_config("fr")
    assert fr["locale"] == "fr"
    fmt = fr["locales"]["fr"]["format"]
    assert fmt["months"][9] == "octobre" and fmt["shortMonths"][0] == "janv." and fmt["days"][0] == "dimanche"
    assert fmt["decimal"] == "," and fmt["thousands"] == NNBSP
    assert fr["locales"]["fr"]["dictionary"]["Download plot as a PNG"] == "Télécharger le graphique en fichier PNG"
    assert plotly_locale_config("en") == {"locale": "en"}
    import json
    json.dumps(fr)  # Streamlit sends config as JSON


def test_plotly_locale_file_is_the_npm_package_s():
    js = (ROOT / "static" / "plotly_locales" / "fr.js").read_text(encoding="utf-8")
    import json
    data = json.loads((ROOT / "static" / "plotly_locales" / "fr.json").read_text(encoding="utf-8"))
    assert all(f"'{k}'".replace("'", "") in js.replace("\\'", "'").replace("'", "") for k in data["dictionary"])
    assert (ROOT / "static" / "plotly_locales" / "LICENSE-plotly.js-locales.txt").read_text().startswith("MIT")


def test_localized_figure_and_static_date_ticks():
    import plotly.graph_objects as go
    fig = go.Figure(go.Scatter(x=[date(2010, 1, 1), date(2010, 7, 1), date(2011, 1, 1)], y=[1000, 5000, 12000]))
    fig.add_trace(go.Bar(x=["a", "b"], y=[1, 2], xaxis="x2", yaxis="y2"))
    fig.update_layout(yaxis2={"tickformat": ".0%"})
    spec = i18n.kaleido_spec(fig, "fr")
    layout = spec["layout"]
    assert layout["separators"] == "," + NNBSP
    assert layout["yaxis"]["exponentformat"] == "none" and layout["yaxis"]["separatethousands"] is True
    assert "exponentformat" not in layout["yaxis2"]
    assert layout["xaxis"]["hoverformat"] == "%-d %B %Y"
    assert layout["xaxis"]["ticktext"][0] == "janv. 2010" and "juil. 2010" in layout["xaxis"]["ticktext"]
    assert spec["config"]["locale"] == "fr"
    years = go.Figure(go.Scatter(x=["2008-03-01", "2015-06-01", "2025-01-01"], y=[1, 2, 3]))
    assert i18n.date_ticks(years, "fr").layout.xaxis.ticktext[0] == "2009"


def test_babel_is_pinned():
    assert "Babel==2.18.0" in (ROOT / "requirements.txt").read_text()

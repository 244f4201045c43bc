"""Every page in French: none of the English catalogue's sentences or labels left on it (text, widgets,
tables, chart titles, legends, hovers), French country names, dates and numbers, plotly's French locale,
the language switch, and two readers in different languages at the same time."""
import csv
import json
import re
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict

from dashboard import i18n

DATA = Path(__file__).resolve().parent.parent / "data"
PAGES = ["overview", "country", "network", "committee", "funders", "methodology"]
NNBSP = "\u202f"


def _fragments(msgid: str) -> list[str]:
    """The literal parts of a message between its {placeholders} and **markup**, each of three words or more:
    what can only be on a page if the English text is."""
    parts = re.split(r"\{[^}]*\}|\*\*|\n", msgid)
    return [p.strip(" .:;,-(") for p in parts if len(p.split()) >= 3]


@pytest.fixture(scope="module")
def english_sentences() -> set[str]:
    """The English catalogue's full sentences and labels whose French differs (proper names and codes,
    the same in both languages, are left out), as fragments of three words or more."""
    fr = i18n.load_catalog("fr")
    found = set()
    for m in fr:
        if not m.id:
            continue
        ids = list(m.id) if m.pluralizable else [m.id]
        strings = list(m.string) if m.pluralizable else [m.string]
        for msgid in ids:
            if msgid not in strings:
                found.update(_fragments(msgid))
    return found


@pytest.fixture(scope="module")
def source_texts() -> list[str]:
    """Text as the sources publish it (notes, partners, metric names, titles in data/*.csv): shown as
    written, in English, on every page; left out of the check (the glossary, which holds the catalogue's
    own terms, is not a source)."""
    found = set()
    for path in DATA.glob("*.csv"):
        if path.name == "glossary_en_fr.csv":
            continue
        with path.open(encoding="utf-8", newline="") as f:
            found.update(v for row in csv.reader(f) for v in row if len(v.split()) >= 3)
    return sorted(found, key=len, reverse=True)


def page_text(at) -> str:
    """Everything the page shows as text: every element's proto (labels, help, options, captions, chart
    specs with titles, legends and hovers) and every table's column names and text cells."""
    parts = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if child.type in ("arrow_data_frame", "dataframe"):
                frame = child.value
                parts.extend(str(c) for c in frame.columns)
                for col in frame.columns:
                    parts.extend(str(v) for v in frame[col] if isinstance(v, str))
            elif proto is not None:
                try:
                    parts.append(json.dumps(MessageToDict(proto), ensure_ascii=False))
                except Exception:  # elements without a message
                    parts.append(str(proto))
            for attr in ("label", "value", "help"):
                value = getattr(child, attr, None)
                if isinstance(value, str):
                    parts.append(value)
            walk(child)
    walk(at._tree)
    return "\n".join(parts).replace("\\n", "\n")


@pytest.mark.parametrize("name", PAGES)
def test_every_page_in_french_shows_no_english_sentence(open_page, english_sentences, source_texts, name):
    at = open_page(name, lang="fr")
    shown = page_text(at)
    for text in source_texts:
        shown = shown.replace(text, "")
    left = sorted(s for s in english_sentences if s in shown)
    assert not left, f"English on the French {name} page: {left[:8]}"
    assert at.session_state[i18n.SESSION_KEY] == "fr"


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_carries_the_french_plotly_locale(open_page, name):
    at = open_page(name, lang="fr")
    for chart in at.get("plotly_chart"):
        config = json.loads(chart.proto.config)
        assert config["locale"] == "fr" and config["locales"]["fr"]["format"]["shortMonths"][0] == "janv."
        assert json.loads(chart.proto.spec)["layout"]["separators"] == "," + NNBSP
        assert config["topojsonURL"].endswith("/app/static/")


def test_overview_in_french_dates_numbers_and_country_names(open_page):
    at = open_page("overview", lang="fr", as_of="2015-06-01")
    assert any("1 juin 2015" in s.value or "1er juin 2015" in s.value for s in at.subheader)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    hovers = " ".join(str(h) for trace in spec["data"] for h in (trace.get("text") or []))
    assert "<b>Maroc</b>" in hovers and "<b>Royaume-Uni</b>" in hovers and "En vigueur" in hovers
    names = list(at.dataframe[0].value["État ou territoire"])
    assert "Royaume-Uni" in names and "United Kingdom" not in names
    assert names == i18n.sort_names(names, "fr")     # the table in French alphabetical order


def test_country_picker_lists_french_names_sorted_the_french_way(open_page):
    at = open_page("country", lang="fr", countries="MAR,GBR")
    picker = at.multiselect[0]
    names = list(picker.options)      # the labels the reader sees and types into
    assert {"Maroc", "Royaume-Uni", "Türkiye", "Émirats arabes unis"} <= set(names)
    assert names == i18n.sort_names(names, "fr")
    assert names.index("Émirats arabes unis") < names.index("Espagne")
    assert [s.value for s in at.subheader[:2]] == ["Maroc", "Royaume-Uni"]


def test_methodology_writes_counts_the_french_way(open_page):
    at = open_page("methodology", lang="fr")
    text = " ".join(m.value for m in at.markdown)
    assert re.search(r"\d" + NNBSP + r"\d{3} cellules publiées sur", text) or "cellules publiées sur" in text
    assert "{hidden" not in text and ":," not in text


def test_the_switch_changes_language_in_one_click_and_the_url_keeps_it(open_page):
    at = open_page("network")
    assert at.header[0].value == "The IWF Reporting Portal network"
    at.segmented_control[0].set_value("fr").run()
    assert at.header[0].value == "Le réseau des portails de signalement de l'IWF"
    assert at.query_params["lang"] in ("fr", ["fr"])


def test_two_readers_in_different_languages_each_keep_their_own(open_page):
    from streamlit.testing.v1 import AppTest

    from etl import config
    fr = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=120)
    fr.query_params["lang"] = "fr"
    en = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=120)
    for page in ("overview", "country", "methodology"):
        fr.switch_page(f"dashboard/pages/{page}.py").run()
        en.switch_page(f"dashboard/pages/{page}.py").run()
        assert not fr.exception and not en.exception
        assert fr.session_state[i18n.SESSION_KEY] == "fr" and en.session_state[i18n.SESSION_KEY] == "en"
        french, english = page_text(fr), page_text(en)
        assert ("Données et méthodologie" in french or "Profil de pays" in french or "Parties" in french)
        assert "Download the data shown (CSV)" in english or page == "methodology"
        assert "Download the data shown (CSV)" not in french
    assert fr.header[0].value == "Données et méthodologie" and en.header[0].value == "Data and methodology"

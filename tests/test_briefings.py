"""Lanzarote Committee and funder pages, and the briefings: read back (text, pages, images), rendered to
PNG, and compared with what the dashboard shows for the same date."""
import os
import re
import shutil
import subprocess
from datetime import date

import numpy as np
import pandas as pd
import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from dashboard import __main__ as cli
from dashboard.text import t
from etl.config import ROOT
from .conftest import protect_once

HAS_CHROMIUM = bool(shutil.which("chromium"))


@pytest.fixture
def db(open_page):
    return open_page


def pdf_text(path) -> str:
    """The document's words, white space folded (justified lines add spaces)."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_committee_page(db):
    at = db("committee", round="R1", since="2020-01-01")
    frames = [d.value for d in at.dataframe]
    detail = next(f for f in frames if "Reply submitted" in f.columns)
    assert set(detail["Reply submitted"]) >= {"unknown", "yes"}      # unknown is shown as unknown, never "no"
    assert detail.loc[detail["State or territory"] == "Finland", "Reply submitted"].item() == "yes"
    deposits = next(f for f in frames if list(f.columns) == ["Code", "State or territory", "Date", "Source",
                                                              "Confidence"])  # the first list: deposits
    assert {"Armenia", "Ireland"} <= set(deposits["State or territory"])
    text = " ".join(str(f.to_dict()) for f in frames)
    assert "Morocco" in text
    assert at.query_params["round"] == "R1" and at.query_params["since"] == "2020-01-01"


def test_funder_page(db):
    at = db("funders", funder="Fund to End Violence Against Children")
    metrics = {m.label: m.value for m in at.metric}
    funded = [line for line in open(ROOT / "data" / "iwf_portals.csv", encoding="utf-8").read().splitlines()[1:]
              if "End Violence" in line.split(",IWF")[0] or "Global Partnership" in line]
    assert metrics["Portals funded"] == str(len(funded))
    assert any("DEMO DATA" in w.value for w in at.warning)


def test_round_briefing_from_the_page(db, monkeypatch):
    monkeypatch.setenv("BRIEFING_NO_CHARTS", "1")
    at = db("committee", round="R2")
    at.button[0].click().run()
    names = [b.proto.label for b in at.get("download_button")]
    assert any("round-R2.pdf" in n for n in names) and any("round-R2.docx" in n for n in names)


# --- what a reader gets: read back from the PDF and the Word file ------------------------------------

needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM and not os.environ.get("CI"), reason="Debian chromium not installed")
needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm") and not os.environ.get("CI"),
                                   reason="poppler-utils not installed")
FUNDER = "Fund to End Violence Against Children"
FUNDER_SLUG = "funder-fund-to-end-violence-against-children"
MARGIN_MM = 12        # the PDF keeps 18 mm at the sides, 16 mm at the top and its footer above 287 mm


def pages_text(path) -> list:
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


def body_and_sources(text: str, heading="Sources") -> tuple:
    """The document's text before its closing Sources list, and the list."""
    cut = text.rfind(f" {heading} ")
    assert cut > 0, "no Sources list"
    return text[:cut], text[cut:]


def assert_fit_to_send(path, demo: bool, page_word="Page", of="of", facts="Key facts"):
    """Key facts box, page n of N and (when demo) the DEMO mark on every page, no address in the body, no
    float where a count belongs, no curation arrow."""
    pages = pages_text(path)
    n = len(pages)
    for i, page in enumerate(pages, 1):
        assert f"{page_word} {i} {of} {n}" in page, (i, page[-200:])
        assert ("DEMO" in page or "DÉMONSTRATION" in page) == demo, i
    text = " ".join(pages)
    assert facts in pages[0]
    body, sources = body_and_sources(text)
    assert "http" not in body, body[body.find("http") - 80: body.find("http") + 40]
    assert "http" in sources or "[1]" not in body
    assert not re.findall(r"\b\d+\.0\b", text), re.findall(r".{30}\b\d+\.0\b.{10}", text)
    assert "->" not in text and "→" not in text
    return text


def ink_in_margins(pdf, tmp_path, mm=MARGIN_MM, dpi=50) -> dict:
    """Page 1 rendered to a grey image (pdftoppm); how many dark pixels each margin band holds."""
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p1")],
                   check=True)
    (image,) = tmp_path.glob("p1*.pgm")
    raw = image.read_bytes()
    magic, width, height, maxval, pixels = re.match(rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", raw, re.S).groups()
    page = np.frombuffer(pixels, dtype=np.uint8)[:int(width) * int(height)].reshape(int(height), int(width))
    band = round(mm / 25.4 * dpi)
    dark = page < 200
    return {"top": int(dark[:band].sum()), "bottom": int(dark[-band:].sum()),
            "left": int(dark[:, :band].sum()), "right": int(dark[:, -band:].sum()), "inside": int(dark.sum())}


@pytest.fixture(scope="module")
def written(app_db, tmp_path_factory):
    """Country (Tunisia, Morocco), round (R2) and funder briefings in English, Tunisia and the funder in French,
    PDF, Word and Markdown, with charts when Chromium is here: written once for the tests below."""
    out = tmp_path_factory.mktemp("briefings")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("etl.stats_publication.protect", protect_once)
        mp.setenv("DATABASE_URL", app_db)
        charts = [] if HAS_CHROMIUM else ["--no-charts"]
        fmt = ["--format", "pdf,docx,md"]
        assert cli.main(["briefing", "--country", "TUN", "MAR", "GBR", "--out", str(out), *fmt, *charts]) == 0
        assert cli.main(["briefing", "--round", "R2", "--out", str(out), *fmt, *charts]) == 0
        assert cli.main(["briefing", "--funder", FUNDER, "--from", "2018", "--to", "2025", "--out", str(out), *fmt,
                         *charts]) == 0
        assert cli.main(["briefing", "--country", "TUN", "--lang", "fr", "--out", str(out), *charts]) == 0
        assert cli.main(["briefing", "--funder", FUNDER, "--from", "2018", "--to", "2025", "--lang", "fr",
                         "--out", str(out), *charts]) == 0
    return out


@needs_chromium
def test_country_briefing_is_fit_to_send(written):
    text = assert_fit_to_send(written / "country-TUN.pdf", demo=True)
    assert "Country briefing: Tunisia" in text and "Lanzarote Convention" in text
    assert "in force" in text and "15 October 2019" in text and "1 February 2020" in text
    assert "report dated" not in text                         # the curation note stays in the data
    assert "sha256" not in text.lower() and "checksum" not in text.lower()
    assert "panapress.com" in body_and_sources(text)[1]       # the source is listed once, with its address
    reader = PdfReader(written / "country-TUN.pdf")
    assert sum(len(p.images) for p in reader.pages) >= 2      # the labelled timeline and the statistics
    mar = assert_fit_to_send(written / "country-MAR.pdf", demo=True)
    assert "Country briefing: Morocco" in mar and "IWF Reporting Portal launched 9 February 2021" in mar
    gbr = assert_fit_to_send(written / "country-GBR.pdf", demo=False)   # no portal statistics: no DEMO mark
    assert "signature 5 May 2008" in gbr and "A date is known to the year only." in gbr
    for note in ("Wikipedia mirror", "CONFLICT", "ECPAT UK says", "year only)"):   # research notes stay in the data
        assert note not in gbr, note


@needs_chromium
def test_round_and_funder_briefings_are_fit_to_send(written):
    text = assert_fit_to_send(written / "round-R2.pdf", demo=False)
    assert "Monitoring round briefing: R2" in text and "Parties covered: 43" in text and "10 March 2022" in text
    assert "Finland" in text and "unknown" in text
    funder = assert_fit_to_send(written / f"{FUNDER_SLUG}.pdf", demo=True)
    assert "Funder impact report" in funder and "Zambia" in funder and "Headline figures" in funder
    assert "at least" in funder and "suppressed_cells" not in funder and "received_hidden" not in funder
    assert sum(len(p.images) for p in PdfReader(written / f"{FUNDER_SLUG}.pdf").pages) >= 1   # launch chart


@needs_poppler
@pytest.mark.parametrize("name", ["country-TUN.pdf", "round-R2.pdf", f"{FUNDER_SLUG}.pdf",
                                  "country-TUN.fr.pdf"])
def test_page_one_has_no_ink_outside_the_printable_margins(written, tmp_path, name):
    ink = ink_in_margins(written / name, tmp_path)
    assert ink["inside"] > 1000, ink                          # something is printed ...
    assert ink["top"] == ink["bottom"] == ink["left"] == ink["right"] == 0, ink   # ... and nothing in the margins


def _docx(path):
    word = WordDocument(str(path))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    return word, headings, cells


@pytest.mark.parametrize("slug", ["country-TUN", "round-R2", FUNDER_SLUG])
def test_the_word_copy_holds_the_same_headings_and_figures(written, slug):
    word, headings, cells = _docx(written / f"{slug}.docx")
    text = " ".join(pages_text(written / f"{slug}.pdf"))
    assert headings and headings[-1] == "Sources"
    assert all(p.style.name in ("Heading 1", "Heading 2") for p in word.paragraphs if p.style.name.startswith("Head"))
    for h in headings:
        assert h in text, h                                   # every heading of the PDF, as a real heading style
    figures = {f for c in cells for f in re.findall(r"\b\d[\d,]*\b", c)}
    assert figures and all(f in text for f in figures), sorted(f for f in figures if f not in text)
    assert len(word.tables) >= 2                              # key facts box and at least one real table
    footer = word.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert ("DEMO DATA" in footer) == (slug != "round-R2")
    assert len(word.inline_shapes) >= (1 if HAS_CHROMIUM and slug != "round-R2" else 0)
    md = (written / f"{slug}.md").read_text(encoding="utf-8")
    assert all(f"{h}" in md for h in headings)


def _figures(path) -> list:
    """The counts and years in a briefing's tables (group separators dropped), in order."""
    word = WordDocument(str(path))
    cells = [c.text for t in word.tables[1:] for r in t.rows for c in r.cells]
    return [re.sub(r"[,\u202f\u00a0 ]", "", f) for c in cells for f in re.findall(r"\d[\d,\u202f\u00a0]*\d|\d", c)]


@needs_chromium
def test_french_briefings_read_in_french_with_the_same_figures(written):
    text = assert_fit_to_send(written / "country-TUN.fr.pdf", demo=True, of="sur", facts="L'essentiel")
    assert "Note d'information pays : Tunisie" in text
    assert "Convention du Conseil de l'Europe sur la protection des enfants contre l'exploitation et les abus sexuels" \
        in text
    assert "octobre 2019" in text and "1 février 2020" in text and "Convention de Lanzarote" in text
    assert "Country briefing" not in text and "Key facts" not in text
    assert _figures(written / "country-TUN.fr.docx") == _figures(written / "country-TUN.docx")
    funder = assert_fit_to_send(written / f"{FUNDER_SLUG}.fr.pdf", demo=True, of="sur", facts="L'essentiel")
    assert "Chiffres clés" in funder and "au moins" in funder
    assert _figures(written / f"{FUNDER_SLUG}.fr.docx") == _figures(written / f"{FUNDER_SLUG}.docx")


def test_fonts_cut_down_once_and_full_fonts_for_other_scripts(tmp_path):
    """The PDF embeds DejaVu cut down to Latin and punctuation (parsed once per process); a document
    holding another script (a partner's name in Arabic, say) gets the full fonts and reads back whole."""
    from dashboard import briefing_pdf
    from dashboard.briefing_document import Document
    doc = Document("country", "en", "x", "Convention", "Country briefing: Test", "Data as of today", "Data as of today",
                   False, facts=["Status: in force", "≥ 12 reports (−5 %)"],
                   labels={"facts": "Key facts", "sources": "Sources", "page": "Page {n} of {total}", "demo": "DEMO",
                           "retrieved": "Retrieved {date}"})
    doc.p("Partners: Association Amane")
    (tmp_path / "a.pdf").write_bytes(briefing_pdf.render(doc))
    assert "≥ 12 reports" in pdf_text(tmp_path / "a.pdf") and "Page 1 of 1" in pdf_text(tmp_path / "a.pdf")
    doc.p("Partners: جمعية أمان; Детский фонд")
    (tmp_path / "b.pdf").write_bytes(briefing_pdf.render(doc))
    assert "Детский фонд" in pdf_text(tmp_path / "b.pdf")


def test_all_parties_batch(db, tmp_path, capsys):
    assert cli.main(["briefing", "--all-parties", "--no-charts", "--out", str(tmp_path)]) == 0
    assert len(sorted(tmp_path.glob("country-*.pdf"))) == 48 and len(sorted(tmp_path.glob("country-*.docx"))) == 48
    assert "Country briefing: Tunisia" in pdf_text(tmp_path / "country-TUN.pdf")
    assert "wrote 96 files" in capsys.readouterr().out


def test_bad_requests_are_refused(db, tmp_path, capsys):
    assert cli.main(["briefing", "--country", "ZZZ", "--out", str(tmp_path)]) == 1
    assert cli.main(["briefing", "--round", "R9", "--out", str(tmp_path)]) == 1
    assert cli.main(["briefing", "--funder", "Nobody", "--out", str(tmp_path)]) == 1
    assert cli.main(["briefing", "--country", "MAR", "--format", "pdf,odt", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "unknown country code(s): ZZZ" in err and "unknown round 'R9'" in err
    assert "unknown funder 'Nobody'; funders:" in err and "Fund to End Violence Against Children" in err
    assert "unknown format(s): odt" in err
    assert not list(tmp_path.glob("*.pdf"))


@pytest.mark.parametrize("name, query, kind", [
    ("country", {"countries": "UKR", "as_of": "2024-06-01"}, "country"),
    ("country", {"countries": "MAR"}, "country"),
    ("committee", {"round": "R1"}, "round"),
    ("funders", {"funder": "Fund to End Violence Against Children", "from": "2018", "to": "2024"}, "funder"),
])
def test_page_and_its_briefing_render_one_object(db, monkeypatch, name, query, kind):
    """The briefing button hands the page's own model object to the briefing; every figure of that object
    is on the page and in the briefing."""
    from dashboard import briefings
    from dashboard.i18n import format_date
    monkeypatch.setenv("BRIEFING_NO_CHARTS", "1")
    seen, docs = [], []
    real = briefings.build
    monkeypatch.setattr(briefings, "build",
                        lambda view, *a, **kw: seen.append(view) or docs.append(real(view, *a, **kw)) or docs[-1])
    at = db(name, **query)
    at.button[0].click().run()
    assert not at.exception
    (view,) = seen
    md = briefings.to_markdown(docs[0])
    frames = [d.value for d in at.dataframe]
    if kind == "country":
        assert f"Country briefing: {view.name_en}" in md
        assert f"Data as of {format_date(view.as_of, 'en')}" in md
        if view.stats is not None:
            table = next(f for f in frames if "Received" in f.columns)
            for row, stat in zip(table.itertuples(index=False), view.stats.itertuples()):
                shown = f"{stat.received:,}" if stat.received_state == "value" else "suppressed"
                assert f"| {stat.period_start.year} | {shown}" in md
                assert (row[1] == stat.received) if stat.received_state == "value" else pd.isna(row[1])
        if view.portal is not None:
            assert f"launched {format_date(view.portal.launch_to, 'en')}" in md
    elif kind == "round":
        table = next(f for f in frames if "Reply submitted" in f.columns)
        for party in view.parties.itertuples():
            reply = party.reply_submitted if isinstance(party.reply_submitted, str) else "unknown"
            assert table.loc[table["Code"] == party.country_code, "Reply submitted"].item() == reply
            assert f"| {party.name_en} | " in md and reply in md
    else:
        table = next(f for f in frames if "Portal-years suppressed" in " ".join(f.columns))
        assert list(table["Year"]) == list(view.totals["year"])
        for row in view.totals.itertuples():
            if pd.isna(row.received):   # every part hidden: said, never 0
                assert f"| {row.year} | suppressed" in md
                assert pd.isna(table.loc[table["Year"] == row.year, "Received"].item())
                continue
            at_least = "≥ " if row.received_hidden else ""
            assert f"| {row.year} | {at_least}{row.received:,} |" in md
            assert table.loc[table["Year"] == row.year, "Received"].item() == row.received


def test_a_briefing_from_the_command_line_holds_the_audience_it_is_for(db, tmp_path, capsys):
    """Staff preparing a briefing to send: `--audience` gives it the reader's view, never more, says so on
    its dateline and in its file name, and every briefing written is in the audit trail."""
    from sqlalchemy import create_engine, text
    fund = "Fund to End Violence Against Children"
    names = {"staff": "country-MAR.md", "public": "country-MAR.public.md", "partner:mar": "country-MAR.partner-mar.md",
             "partner:UGA": "country-MAR.partner-uga.md",
             f"funder:{fund}": "country-MAR.funder-fund-to-end-violence-against-children.md"}
    audit_db = create_engine(os.environ["DATABASE_URL"])
    with audit_db.connect() as conn:
        before = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM audit_event")).scalar()
    views = {}
    for audience, name in names.items():
        assert cli.main(["briefing", "--country", "MAR", "--format", "md", "--no-charts", "--audience", audience,
                         "--out", str(tmp_path)]) == 0
        views[audience] = (tmp_path / name).read_text(encoding="utf-8")
    withheld = t("withheld.portal", "en").split(":")[0]
    assert withheld not in views["staff"] and withheld not in views["partner:mar"]
    assert withheld in views["public"] and withheld in views["partner:UGA"]
    assert "prepared for" not in views["staff"] and "prepared for: partner (MAR)" in views["partner:mar"]
    assert "prepared for: public" in views["public"] and f"prepared for: funder ({fund})" in views[f"funder:{fund}"]
    assert views["staff"] == views["partner:mar"].replace(" · prepared for: partner (MAR)", "")  # MAR's own figures
    assert (withheld in views[f"funder:{fund}"]) != (fund in views["staff"])
    assert cli.main(["briefing", "--country", "MAR", "--format", "md", "--no-charts", "--lang", "fr", "--audience",
                     "public", "--out", str(tmp_path)]) == 0
    assert "établi pour : public" in (tmp_path / "country-MAR.public.fr.md").read_text(encoding="utf-8")
    assert cli.main(["briefing", "--round", "R2", "--format", "md", "--no-charts", "--audience", "public",
                     "--out", str(tmp_path)]) == 0   # no statistics in it: the same for every audience
    with audit_db.connect() as conn:
        events = conn.execute(text("SELECT event, audience, scope, what, subject FROM audit_event WHERE id > :before "
                                   "ORDER BY id"), {"before": before}).all()
    audit_db.dispose()
    assert all(e.subject.startswith("command line: ") for e in events)
    assert [(e.audience, e.scope, e.what) for e in events] == [
        ("staff", None, "country-MAR.md"), ("public", None, "country-MAR.public.md"),
        ("partner", "MAR", "country-MAR.partner-mar.md"), ("partner", "UGA", "country-MAR.partner-uga.md"),
        ("funder", fund, names[f"funder:{fund}"]), ("public", None, "country-MAR.public.fr.md"),
        ("public", None, "round-R2.public.md")]
    assert {e.event for e in events} == {"briefing"}
    for bad in ("everyone", "partner:", "partner:,", "partner:ZZZ", "partner:MAR UGA", "funder:Nobody", "public:MAR"):
        assert cli.main(["briefing", "--country", "MAR", "--audience", bad, "--out", str(tmp_path / "bad")]) == 1
    err = capsys.readouterr().err
    assert "unknown portal code(s) for --audience partner: ZZZ" in err and "unknown funder 'Nobody'" in err
    assert "separate portal codes with commas" in err
    assert err.count("one of staff, public, partner:CODE[,CODE...], funder:NAME") == 4
    assert not (tmp_path / "bad").exists()


def test_a_briefing_that_cannot_be_audited_is_not_kept(db, tmp_path, monkeypatch, capsys):
    """The audit fails on the third briefing of a batch: the two before it stay (written and audited), the
    third is removed, the rest are not made, and one line says so."""
    from etl import audit
    real, calls = audit.record_event, []

    def failing_third(*args, **kwargs):
        calls.append(kwargs["what"])
        if len(calls) == 3:
            raise OSError("the audit database is not reachable")
        return real(*args, **kwargs)
    monkeypatch.setattr(audit, "record_event", failing_third)
    assert cli.main(["briefing", "--country", "MAR", "TUN", "GBR", "UKR", "--format", "md", "--no-charts",
                     "--audience", "public", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == ("could not record \"Country briefing: United Kingdom\" in the audit trail (the audit database is not "
                   "reachable), so it was not kept; the 2 files written before it were kept; the briefings after "
                   "it were not made")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["country-MAR.public.md", "country-TUN.public.md"]
    assert len(calls) == 3


def test_a_briefing_that_cannot_be_written_is_not_audited(db, tmp_path, capsys):
    from sqlalchemy import create_engine, text
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        before = conn.execute(text("SELECT COUNT(*) FROM audit_event")).scalar()
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    assert cli.main(["briefing", "--country", "MAR", "--format", "md", "--no-charts",
                     "--out", str(tmp_path / "a-file")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith('could not write "Country briefing: Morocco" to ') and "\n" not in err
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_event")).scalar() == before
    engine.dispose()


def test_file_names_of_names_never_collide():
    from dashboard.briefing_document import SLUG_MAX, slug_of
    assert slug_of("Fund to End Violence Against Children") == "fund-to-end-violence-against-children"
    names = ["Save the Children", "Save-the-Children", "Save  the Children", "Фонд", "基金会", "Фонд помощи",
             "UK Government (FCO programme)", "A" * 200, "A" * 199 + "B"]
    slugs = [slug_of(n) for n in names]
    assert len(set(slugs)) == len(names) and all(slugs), slugs
    assert all(len(s) <= SLUG_MAX + 9 and s == s.strip("-") for s in slugs)
    assert all(set(s) <= set("abcdefghijklmnopqrstuvwxyz0123456789-") for s in slugs)


@needs_chromium
def test_markdown_briefings_in_two_languages_keep_their_own_charts(db, tmp_path):
    for lang in ("en", "fr"):
        assert cli.main(["briefing", "--country", "MAR", "--format", "md", "--lang", lang, "--out", str(tmp_path)]) == 0
    english = (tmp_path / "country-MAR.md").read_text(encoding="utf-8")
    french = (tmp_path / "country-MAR.fr.md").read_text(encoding="utf-8")
    assert "(country-MAR-1.png)" in english and "(country-MAR.fr-1.png)" in french
    assert (tmp_path / "country-MAR-1.png").read_bytes() != (tmp_path / "country-MAR.fr-1.png").read_bytes()


def test_a_briefing_is_audited_where_the_system_has_no_name_for_the_user(db, tmp_path, monkeypatch):
    """A container started with an arbitrary uid: no USER, no passwd entry. The briefing is still written and
    audited, under the user id."""
    from sqlalchemy import create_engine, text

    def nameless():
        raise OSError("no user name")
    monkeypatch.setattr("getpass.getuser", nameless)
    assert cli.main(["briefing", "--country", "MAR", "--format", "md", "--no-charts", "--out", str(tmp_path)]) == 0
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as conn:
        subject = conn.execute(text("SELECT subject FROM audit_event ORDER BY id DESC")).first().subject
    engine.dispose()
    assert subject == f"command line: uid {os.getuid()}" and (tmp_path / "country-MAR.md").exists()

"""Lanzarote Committee and funder pages, and the briefings: read back (text, pages, images), rendered to
PNG, and compared with what the dashboard shows for the same date."""
import os
import shutil
import subprocess

import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard import __main__ as cli
from etl.config import ROOT

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
    assert any("round-R2.pdf" in n for n in names) and any("round-R2.md" in n for n in names)


@pytest.mark.skipif(not HAS_CHROMIUM and not os.environ.get("CI"), reason="Debian chromium not installed")
def test_country_briefings_read_back_and_match_the_dashboard(db, tmp_path):
    out = tmp_path / "out"
    assert cli.main(["briefing", "--country", "MAR", "GBR", "--out", str(out)]) == 0
    mar, gbr = out / "country-MAR.pdf", out / "country-GBR.pdf"
    text = pdf_text(mar)
    assert "Country briefing: Morocco" in text and "Launched: 2021-02-09" in text
    assert "DEMO DATA" in text and "suppressed" in text
    reader = PdfReader(mar)
    assert len(reader.pages) >= 1 and sum(len(p.images) for p in reader.pages) >= 1
    assert (out / "country-MAR.md").read_text(encoding="utf-8").startswith("# Country briefing: Morocco")
    # Same figures as the dashboard's country profile for today.
    at = db("country", countries="MAR,GBR")
    profile = " ".join(m.value for m in at.markdown)
    assert "Status today: **In force**" in profile and "Lanzarote status on" in pdf_text(gbr)
    assert "In force" in pdf_text(gbr)
    stats = next(d.value for d in at.dataframe if "Received" in d.value.columns)
    for _, row in stats.iterrows():
        state = row["Received: State of the value"]
        value = f"{int(row['Received']):,}" if state == "value" else state
        assert f"{row['Year']} {value}" in text, (row["Year"], value)
    if shutil.which("pdftoppm") or os.environ.get("CI"):
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(mar), str(tmp_path / "page")],
                       check=True)
        png = tmp_path / "page-1.png"
        assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000


def test_all_parties_batch(db, tmp_path, capsys):
    assert cli.main(["briefing", "--all-parties", "--no-charts", "--format", "pdf", "--out", str(tmp_path)]) == 0
    pdfs = sorted(tmp_path.glob("country-*.pdf"))
    assert len(pdfs) == 48
    assert "Country briefing: Tunisia" in pdf_text(tmp_path / "country-TUN.pdf")
    assert "wrote 48 files" in capsys.readouterr().out


def test_round_and_funder_briefings(db, tmp_path):
    assert cli.main(["briefing", "--round", "R1", "--no-charts", "--out", str(tmp_path)]) == 0
    text = pdf_text(tmp_path / "round-R1.pdf")
    assert "Monitoring round briefing: R1" in text and "unknown" in text and "Finland" in text
    assert cli.main(["briefing", "--funder", "Fund to End Violence Against Children", "--from", "2018", "--to",
                     "2024", "--no-charts", "--out", str(tmp_path)]) == 0
    text = pdf_text(tmp_path / "funder-fund-to-end-violence-against-children.pdf")
    assert "Funder impact report" in text and "Zambia" in text and "Period: 2018 to 2024" in text


def test_bad_requests_are_refused(db, tmp_path, capsys):
    assert cli.main(["briefing", "--country", "ZZZ", "--out", str(tmp_path)]) == 1
    assert cli.main(["briefing", "--round", "R9", "--out", str(tmp_path)]) == 1
    assert cli.main(["briefing", "--funder", "Nobody", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "unknown country code(s): ZZZ" in err and "unknown round 'R9'" in err
    assert "unknown funder 'Nobody'; funders:" in err and "Fund to End Violence Against Children" in err
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
    monkeypatch.setenv("BRIEFING_NO_CHARTS", "1")
    seen, docs = [], []
    real = briefings.build
    monkeypatch.setattr(briefings, "build", lambda view: seen.append(view) or docs.append(real(view)) or docs[-1])
    at = db(name, **query)
    at.button[0].click().run()
    assert not at.exception
    (view,) = seen
    md = next(data for file, (data, mime) in briefings.as_bytes(docs[0]).items() if file.endswith(".md")).decode()
    frames = [d.value for d in at.dataframe]
    if kind == "country":
        assert f"Lanzarote status on {view.as_of.isoformat()}" in md
        assert f"Country briefing: {view.name_en}" in md
        if view.stats is not None:
            table = next(f for f in frames if "Received" in f.columns)
            for row, stat in zip(table.itertuples(index=False), view.stats.itertuples()):
                state = stat.received_state
                shown = f"{stat.received:,}" if state == "value" else row[2]
                assert f"| {stat.period_start.year} | {shown} |" in md
                assert (row[1] == stat.received) if state == "value" else pd.isna(row[1])
        if view.portal is not None:
            assert view.portal.source in md and f"Launched: {view.portal.launch_to}" in md.replace("**", "")
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
            assert f"| {row.year:,} | {row.received:,} | {row.received_hidden:,} | {row.actioned:,} |" in md
            assert table.loc[table["Year"] == row.year, "Received"].item() == row.received

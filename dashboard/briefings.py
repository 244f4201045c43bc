"""Country, round and funder briefings as PDF (and Markdown, for people who edit before sending).

Built from the same reading functions and chart builders as the dashboard, so every figure matches
the dashboard for the same date. Charts become PNG through kaleido driving Debian's Chromium: no
internet, geometry and plotly.js from this machine.

    python -m dashboard briefing --country MAR [GBR ...] --out DIR
    python -m dashboard briefing --all-parties --out DIR
    python -m dashboard briefing --round R2 --out DIR
    python -m dashboard briefing --funder "Fund to End Violence Against Children" --from 2018 --to 2025 --out DIR
"""
import argparse
import os
import re
import shutil
import sys
import time
import warnings
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path

import pandas as pd

from etl.config import ROOT
from . import charts, reading, warehouse
from .formatting import event_date, portal_launch, state_labels
from .model import committee, country, funder
from .model.committee import Committee
from .model.country import CountryProfile
from .model.funder import FunderView
from .tables import (events_table, funded_table, funder_totals_table, notes_table, round_parties_table,
                     rounds_table, stats_text)
from .text import t

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@dataclass
class Briefing:
    """A document as a list of blocks: ("h1"|"h2"|"p"|"note", text), ("table", DataFrame), ("image", png, alt)."""

    title: str
    slug: str
    blocks: list = field(default_factory=list)

    def h2(self, text):
        self.blocks.append(("h2", text))

    def p(self, text):
        self.blocks.append(("p", text))

    def note(self, text):
        self.blocks.append(("note", text))

    def table(self, df: pd.DataFrame):
        self.blocks.append(("table", df.fillna("").astype(str)))

    def image(self, png: bytes | None, alt: str):
        if png:
            self.blocks.append(("image", png, alt))


# Said in the briefing and on the command line when charts cannot be drawn.
NO_CHROMIUM = "Charts are not included: Chromium is not installed (Debian: apt-get install chromium)."


def chromium() -> str | None:
    """The Chromium kaleido drives (BROWSER_PATH, else Debian's `chromium`), or None when there is none."""
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


class ChartRenderer:
    """One warm kaleido/Chromium for a whole batch: a chart costs a fraction of a second, not a browser start."""

    def __init__(self):
        import plotly.io as pio
        os.environ.setdefault("BROWSER_PATH", chromium() or "/usr/bin/chromium")
        pio.defaults.mathjax = None
        pio.defaults.topojson = (ROOT / "static").as_uri() + "/"
        self.started = False

    def png(self, fig, width=900, height=380) -> bytes | None:
        import kaleido
        if not self.started:
            kaleido.start_sync_server(silence_warnings=True)
            self.started = True
        fig.update_layout(width=width, height=height)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "kopts ignored with a server": expected here
            return fig.to_image(format="png", width=width, height=height, scale=1.5)

    def close(self):
        if self.started:
            import kaleido
            kaleido.stop_sync_server(silence_warnings=True)
            self.started = False


def _header(b: Briefing, as_of: date, pub: dict):
    b.p(t("brief.subtitle", as_of=as_of.isoformat(), today=date.today().isoformat()))
    if pub.get("is_demo"):
        b.note(t("demo.banner"))


def _sources(b: Briefing, loads: pd.DataFrame):
    b.h2(t("brief.sources"))
    b.table(pd.DataFrame({"job": loads["job"], t("brief.source"): loads["source"],
                          t("country.retrieved"): loads["retrieved_at"].astype(str),
                          "sha256": loads["sha256"].str[:12]}))


STAT_COLUMNS = {"received": "measure.received", "actioned": "measure.actioned",
                "share_actioned": "measure.share_actioned"}


def country_document(v: CountryProfile, render: ChartRenderer | None) -> Briefing:
    """A country briefing rendered from the same model object as the country page."""
    b = Briefing(t("brief.country_title", name=v.name_en), f"country-{v.code}")
    _header(b, v.as_of, v.publication)
    b.h2(t("country.treaty"))
    b.p(t("brief.coe", member=t("yes") if v.coe_member else t("no")))
    b.p(t("brief.status", date=v.as_of.isoformat(), status=t(f"status.{v.status}")))
    if not v.has_events:
        b.p(t("country.not_party", date=v.as_of.isoformat()))
    else:
        d = v.dates
        b.p(f"{t('col.signature')}: {event_date(d, 'signature') or t('none')}; {t('col.deposit')}: "
            f"{event_date(d, 'deposit') or t('none')}; {t('col.eif')}: {event_date(d, 'eif') or t('none')}; "
            f"{t('col.confidence')}: {d.get('confidence')}" + (f"; {t('col.conflict')}" if d.get("has_conflict") else ""))
        b.table(events_table(v.events).drop(columns=[t("col.detail"), t("col.note")]))
        dated = v.events[v.events["is_selected"] == 1].assign(
            label=lambda e: [t(f"event.{x}") for x in e["event_type"]], hover="")
        if render is not None and len(dated):
            b.image(render.png(charts.timeline(dated, t("country.timeline"))), t("country.timeline"))
    if len(v.notes):
        b.h2(t("country.notes"))
        b.table(notes_table(v.notes))

    b.h2(t("country.rounds"))
    if v.rounds.empty:
        b.p(t("country.no_rounds"))
    else:
        b.table(rounds_table(v.rounds).drop(columns=[t("col.source"), t("col.confidence")]))

    b.h2(t("country.portal"))
    p = v.portal
    if p is None:
        b.p(t("country.no_portal"))
    else:
        b.p(f"{t('country.launch')}: {portal_launch(p.__dict__)}")
        for label, value in (("country.partners", p.partners), ("country.funders", "; ".join(p.funders)),
                             ("country.languages", p.languages), ("country.link", p.url)):
            b.p(f"{t(label)}: {value or t('unknown')}")
        if p.notes:
            b.note(f"{t('country.launch_note')}: {p.notes}")
        b.note(f"{t('country.source')}: {p.source} ({t('country.confidence')}: {p.confidence})")
        if v.stats is not None:
            b.h2(t("country.stats"))
            b.table(stats_text(v.stats, {m: t(k) for m, k in STAT_COLUMNS.items()}, v.k))
            if render is not None:
                labels = state_labels(v.k)
                b.image(render.png(charts.trend(v.stats, {"received": t("measure.received"),
                                                          "actioned": t("measure.actioned")},
                                                t("country.stats_title"), labels)), t("country.stats_title"))
            b.note(t("brief.suppression", k=v.k))
    _sources(b, v.loads)
    return b


def country_briefing(engine, code: str, as_of: date, render: ChartRenderer | None) -> Briefing:
    return country_document(country.profile(engine, code, as_of), render)


def round_document(v: Committee) -> Briefing:
    """A round briefing rendered from the same model object as the Committee page."""
    r = v.rounds.set_index("round_code").loc[v.round_code]
    b = Briefing(t("brief.round_title", code=v.round_code), f"round-{v.round_code}")
    _header(b, v.as_of, {})
    b.p(f"{r['title']} ({t('kind.' + r['kind'])})")
    for label, col in (("brief.launched", "launched"), ("brief.reports", "report_codes"),
                       ("brief.adopted", "report_adopted"), ("brief.covered_count", "parties_covered_count")):
        value = r[col]
        b.p(f"{t(label)}: {value if value is not None and not pd.isna(value) else t('unknown')}")
    b.h2(t("brief.round_parties"))
    b.table(round_parties_table(v.parties).drop(columns=[t("col.code"), t("col.reply_detail"), t("col.source"),
                                                         t("col.confidence")]))
    b.note(t("brief.unknown_note"))
    b.h2(t("brief.sources"))
    b.p(str(r["source"]))
    return b


def round_briefing(engine, round_code: str, as_of: date) -> Briefing:
    return round_document(committee.committee(engine, as_of, round_code, as_of))


def funder_document(v: FunderView, render: ChartRenderer | None) -> Briefing:
    """A funder report rendered from the same model object as the funder page."""
    b = Briefing(t("brief.funder_title", funder=v.funder), "funder-" + re.sub(r"[^a-z0-9]+", "-", v.funder.lower()))
    _header(b, v.as_of, v.publication)
    b.p(t("brief.funder_period", start=v.start, end=v.end))
    b.h2(t("funder.portals"))
    b.table(funded_table(v.portals).drop(columns=[t("country.partners")]))
    b.h2(t("funder.reports"))
    if v.totals.empty:
        b.p(t("country.no_stats"))
    else:
        b.table(funder_totals_table(v.totals).map(lambda x: f"{x:,}"))
        if render is not None:
            frame = v.totals.assign(period_start=lambda d: pd.to_datetime(d["year"].astype(str) + "-01-01"),
                                    received_state="value", actioned_state="value")
            b.image(render.png(charts.trend(frame, {"received": t("measure.received"),
                                                    "actioned": t("measure.actioned")},
                                            t("funder.reports"), {})), t("funder.reports"))
        b.note(t("funder.at_least"))
    _sources(b, v.loads)
    return b


def funder_briefing(engine, funder_name: str, start: int, end: int, as_of: date,
                    render: ChartRenderer | None) -> Briefing:
    return funder_document(funder.funder_view(engine, funder_name, start, end, as_of), render)


# --- rendering -----------------------------------------------------------------------------------

def to_markdown(b: Briefing, folder: Path) -> Path:
    lines = [f"# {b.title}", ""]
    images = 0
    for block in b.blocks:
        kind = block[0]
        if kind == "h2":
            lines += [f"## {block[1]}", ""]
        elif kind in ("p", "note"):
            lines += [("> " if kind == "note" else "") + block[1], ""]
        elif kind == "table":
            df = block[1]
            lines.append("| " + " | ".join(df.columns) + " |")
            lines.append("|" + "---|" * len(df.columns))
            for row in df.itertuples(index=False):
                lines.append("| " + " | ".join(str(v).replace("|", "/").replace("\n", " ") for v in row) + " |")
            lines.append("")
        elif kind == "image":
            images += 1
            name = f"{b.slug}-{images}.png"
            (folder / name).write_bytes(block[1])
            lines += [f"![{block[2]}]({name})", ""]
    path = folder / f"{b.slug}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def to_pdf(b: Briefing, folder: Path) -> Path:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(b.title)
    pdf.set_creator("Lanzarote and IWF portals dashboard")
    family = "Helvetica"
    if (FONT_DIR / "DejaVuSans.ttf").exists():
        pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        family = "DejaVu"
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(0, 8, b.title)
    pdf.ln(2)
    for block in b.blocks:
        kind = block[0]
        if kind == "h2":
            pdf.ln(3)
            pdf.set_font(family, "B", 12)
            pdf.multi_cell(0, 6, block[1])
            pdf.ln(1)
        elif kind in ("p", "note"):
            pdf.set_font(family, "", 9 if kind == "note" else 10)
            if kind == "note":
                pdf.set_text_color(120, 60, 0)
            pdf.multi_cell(0, 5, block[1])
            pdf.set_text_color(0, 0, 0)
            pdf.ln(1)
        elif kind == "table":
            df = block[1]
            if df.empty:
                continue
            pdf.set_font(family, "", 7)
            widths = [min(60, max([len(str(c))] + [len(str(v)) for v in df[c]])) + 8 for c in df.columns]
            with pdf.table(headings_style=FontFace(emphasis="BOLD"), line_height=3.5, text_align="LEFT",
                           col_widths=widths) as table:
                table.row(list(df.columns))
                for row in df.itertuples(index=False):
                    table.row([str(v)[:400] for v in row])
            pdf.ln(2)
        elif kind == "image":
            pdf.image(BytesIO(block[1]), w=180, alt_text=block[2])
            pdf.ln(2)
    path = folder / f"{b.slug}.pdf"
    pdf.output(str(path))
    return path


def write(b: Briefing, folder: Path, formats=("pdf", "md")) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    if "pdf" in formats:
        out.append(to_pdf(b, folder))
    if "md" in formats:
        out.append(to_markdown(b, folder))
    return out


DOCUMENTS = {CountryProfile: country_document, FunderView: funder_document,
             Committee: lambda view, render: round_document(view)}


def build(view) -> Briefing:
    """The dashboard's entry: the briefing of the very model object the page rendered."""
    render = None if os.environ.get("BRIEFING_NO_CHARTS") or not chromium() else ChartRenderer()
    try:
        doc = DOCUMENTS[type(view)](view, render)
        if not isinstance(view, Committee) and not chromium():
            doc.note(NO_CHROMIUM)
        return doc
    finally:
        if render is not None:
            render.close()


def as_bytes(doc: Briefing) -> dict:
    """{file name: (bytes, mime)} for the PDF and the Markdown (images inlined as files beside it are dropped)."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        paths = write(doc, Path(tmp))
        return {p.name: (p.read_bytes(), "application/pdf" if p.suffix == ".pdf" else "text/markdown")
                for p in paths}


def party_codes(engine, as_of: date) -> list[str]:
    status = reading.treaty_status(engine, as_of)
    return sorted(status.loc[status["status"] == "in_force", "country_code"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard briefing", description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--country", nargs="+", metavar="CODE")
    what.add_argument("--all-parties", action="store_true")
    what.add_argument("--round", metavar="CODE", help="e.g. R1, R2, URG, R3")
    what.add_argument("--funder", metavar="NAME")
    parser.add_argument("--from", dest="start", type=int, default=2013)
    parser.add_argument("--to", dest="end", type=int, default=date.today().year)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    parser.add_argument("--out", required=True)
    parser.add_argument("--format", default="pdf,md", help="pdf, md or both (default pdf,md)")
    parser.add_argument("--no-charts", action="store_true", help="skip chart images (no Chromium needed)")
    args = parser.parse_args(argv)
    engine = warehouse.read_only_engine()
    if not warehouse.is_built(engine):
        print(f"the database has no data yet: run {warehouse.BUILD_COMMAND} (or make run)", file=sys.stderr)
        return 1
    folder, formats = Path(args.out), tuple(args.format.split(","))
    if not args.no_charts and not chromium():
        print(NO_CHROMIUM, file=sys.stderr)
    render = None if args.no_charts or not chromium() else ChartRenderer()
    t0, written = time.perf_counter(), []
    try:
        if args.round:
            if args.round not in set(reading.rounds(engine)["round_code"]):
                print(f"unknown round {args.round!r}; rounds: {', '.join(reading.rounds(engine)['round_code'])}",
                      file=sys.stderr)
                return 1
            docs = [round_briefing(engine, args.round, args.as_of)]
        elif args.funder:
            known = funder.funders(engine)
            if args.funder not in known:
                print(f"unknown funder {args.funder!r}; funders: {'; '.join(known)}", file=sys.stderr)
                return 1
            docs = [funder_briefing(engine, args.funder, args.start, args.end, args.as_of, render)]
        else:
            codes = party_codes(engine, args.as_of) if args.all_parties else [c.upper() for c in args.country]
            known = set(reading.countries(engine)["code"])
            bad = [c for c in codes if c not in known]
            if bad:
                print(f"unknown country code(s): {', '.join(bad)}", file=sys.stderr)
                return 1
            docs = (country_briefing(engine, c, args.as_of, render) for c in codes)
        for doc in docs:
            written += write(doc, folder, formats)
            print(f"  {doc.title}", file=sys.stderr, flush=True)
    finally:
        if render is not None:
            render.close()
    print(f"wrote {len(written)} files to {folder} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

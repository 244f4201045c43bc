"""Country, round and funder briefings: PDF and Word (and Markdown), in English or French.

Built from the reading model's objects (the very object a page rendered), so every figure matches the
dashboard for the same date: dashboard/briefing_document.py says what a briefing holds, briefing_pdf.py
and briefing_docx.py lay it out, briefing_charts.py draws its charts for paper (kaleido driving Debian's
Chromium: no internet, geometry and plotly.js from this machine).

    python -m dashboard briefing --country MAR [GBR ...] --out DIR [--lang fr] [--format pdf,docx,md]
    python -m dashboard briefing --all-parties --out DIR
    python -m dashboard briefing --round R2 --out DIR
    python -m dashboard briefing --funder "Fund to End Violence Against Children" --from 2018 --to 2025 --out DIR

The command line is run by staff on the server, with the database's own credentials: its briefings
hold the staff view (every portal) unless `--audience` names the reader's (public, partner:MAR[,UGA],
funder:NAME), so that a briefing meant to be sent holds no more than its reader may see. The
dashboard's briefings hold the signed-in reader's audience's view. A round briefing holds no statistics:
it is the same for every audience. Every briefing written is in the audit trail.
"""
import argparse
import getpass
import os
import sys
import time
from datetime import date
from pathlib import Path

from . import briefing_docx, briefing_pdf, reading, warehouse
from .briefing_charts import NO_CHROMIUM, ChartRenderer, chromium, shared_renderer
from .audience import Audience
from .auth import audience_label
from .briefing_document import Document, document, slug_of
from .model import committee, country, funder
from .text import t

FORMATS = ("pdf", "docx", "md")
MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "md": "text/markdown"}
Briefing = Document     # the name pages and older callers use


def to_markdown(doc: Document, folder: Path | None = None) -> str:
    """The same content as Markdown; chart images are written beside it when a folder is given."""
    lines = [f"_{doc.convention}_", "", f"# {doc.subject}", "", doc.dateline, ""]
    if doc.demo:
        lines += [f"> **{doc.labels['demo']}**", ""]
    lines += [f"**{doc.labels['facts']}**", ""] + [f"- {f}" for f in doc.facts] + [""]
    images, section = 0, 0
    for block in doc.blocks:
        kind = block[0]
        if kind == "h1":
            section += 1
            lines += [f"## {section}. {block[1]}", ""]
        elif kind == "h2":
            lines += [f"### {block[1]}", ""]
        elif kind == "p":
            lines += [block[1], ""]
        elif kind == "note":
            lines += [f"_{block[1]}_", ""]
        elif kind == "table":
            headers, rows = block[1], block[2]
            lines.append("| " + " | ".join(headers) + " |")
            lines.append("|" + "".join("---:|" if a == "R" else "---|" for a in block[3]))
            lines += ["| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in r) + " |" for r in rows]
            lines.append("")
        elif kind == "image" and folder is not None:
            images += 1
            name = f"{stem(doc)}-{images}.png"
            (folder / name).write_bytes(block[1])
            lines += [f"![{block[2]}]({name})", ""]
    if doc.sources or doc.provenance:
        lines += [f"## {doc.labels['sources']}", "", doc.provenance, ""]
        for i, s in enumerate(doc.sources, 1):
            when = f". {doc.labels['retrieved'].format(date=_date(s.retrieved, doc.lang))}" if s.retrieved else ""
            lines.append(f"{i}. {s.publisher}{when}" + (f" <{s.url}>" if s.url else ""))
    return "\n".join(lines) + "\n"


def _date(d, lang):
    from .i18n import format_date
    return format_date(d, lang)


def render(doc: Document, fmt: str, folder: Path | None = None) -> bytes:
    if fmt == "pdf":
        return briefing_pdf.render(doc)
    if fmt == "docx":
        return briefing_docx.render(doc)
    if fmt == "md":
        return to_markdown(doc, folder).encode("utf-8")
    raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")


def stem(doc: Document) -> str:
    """The name of a briefing's files without the ending: its slug and, but for English, its language (a
    Markdown briefing's chart images too, so English and French never share one)."""
    return f"{doc.slug}{'' if doc.lang == 'en' else '.' + doc.lang}"


def file_name(doc: Document, fmt: str) -> str:
    return f"{stem(doc)}.{fmt}"


def write(doc: Document, folder: Path, formats=("pdf", "docx")) -> list[Path]:
    """The briefing's files in `folder`, chart images beside a Markdown copy included."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in formats:
        path = folder / file_name(doc, fmt)
        path.write_bytes(render(doc, fmt, folder))
        out.append(path)
    if "md" in formats:
        out += sorted(folder.glob(f"{stem(doc)}-[0-9]*.png"))
    return out


def build(view, lang: str = "en", render: ChartRenderer | None = None) -> Document:
    """The dashboard's entry: the briefing of the very model object the page rendered, in the page's
    language. Charts go through `render`, else through the process's warm renderer (the first click
    starts Chromium, later clicks reuse it); none when BRIEFING_NO_CHARTS is set or Chromium is missing."""
    if render is None and not os.environ.get("BRIEFING_NO_CHARTS") and chromium():
        render = shared_renderer()
    doc = document(view, lang, render)
    if render is None and not os.environ.get("BRIEFING_NO_CHARTS") and not chromium():
        doc.note(NO_CHROMIUM)
    return doc


def as_bytes(doc: Document, formats=("pdf", "docx")) -> dict:
    """{file name: (bytes, mime)}: what the page's download buttons offer (PDF and Word)."""
    return {file_name(doc, fmt): (render(doc, fmt), MIME[fmt]) for fmt in formats}


def party_codes(engine, as_of: date) -> list[str]:
    status = reading.treaty_status(engine, as_of)
    return sorted(status.loc[status["status"] == "in_force", "country_code"])


def audience_of(spec: str, engine) -> Audience:
    """`staff`, `public`, `partner:MAR[,UGA...]` or `funder:NAME`, checked against the portal list and the
    funders; ValueError with one line otherwise."""
    kind, _, rest = spec.partition(":")
    rest = rest.strip()
    codes = [c.strip().upper() for c in rest.split(",") if c.strip()]
    if kind in ("staff", "public") and not rest:
        return Audience(kind)
    if kind == "partner" and codes:
        if any(" " in c for c in codes):
            raise ValueError("--audience partner: separate portal codes with commas (partner:MAR,UGA)")
        unknown = sorted(set(codes) - set(reading.portals(engine)["portal_code"]))
        if unknown:
            raise ValueError(f"unknown portal code(s) for --audience partner: {', '.join(unknown)}")
        return Audience("partner", portals=codes)
    if kind == "funder" and rest:
        if rest not in funder.funders(engine):
            raise ValueError(f"unknown funder {rest!r} for --audience; funders: {'; '.join(funder.funders(engine))}")
        return Audience("funder", funders=[rest])
    raise ValueError(f"--audience {spec!r}: one of staff, public, partner:CODE[,CODE...], funder:NAME")


def for_audience(doc: Document, audience: Audience) -> Document:
    """A briefing made for a reader other than staff says whose view it holds, on its dateline and in its
    file names (country-MAR.partner-MAR.pdf), so it is not mistaken for the staff copy."""
    if audience.is_staff:
        return doc
    scope = sorted(audience.portals) if audience.kind == "partner" else sorted(audience.funders)
    doc.slug += "." + "-".join([audience.kind] + [slug_of(s) for s in scope])
    doc.dateline += " · " + t("briefing.prepared_for", doc.lang, audience=audience_label(audience, doc.lang))
    return doc


class Audit:
    """Every briefing the command line writes is in the audit trail, as the dashboard's are (who ran it,
    for which audience, which files), through one writer for the whole batch; `record` raises if it
    cannot be recorded."""

    def __init__(self):
        self._engine = None

    def record(self, doc: Document, audience: Audience, files: list[Path]) -> None:
        from etl.audit import audit_writer_engine, record_event
        self._engine = self._engine or audit_writer_engine()
        record_event(self._engine, "briefing", audience=audience, subject=f"command line: {_user()}",
                     what=", ".join(f.name for f in files), detail=doc.subject)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def _user() -> str:
    """Who ran the command: the login name, or the user id where the system has no name for it (a
    container started with an arbitrary uid)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def _first_line(exc: BaseException) -> str:
    """An error's first line, kept short (drivers add SQL and hints on further lines)."""
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _stopped(message: str, written: list[Path]) -> int:
    """One line: why the batch stopped, what it kept before (written and audited) and that the rest was not made."""
    kept = f"; the {len(written)} files written before it were kept" if written else ""
    print(f"{message}{kept}; the briefings after it were not made", file=sys.stderr)
    return 1


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
    parser.add_argument("--lang", choices=("en", "fr"), default="en")
    parser.add_argument("--format", default="pdf,docx", help="any of pdf, docx, md, comma-separated (default pdf,docx)")
    parser.add_argument("--no-charts", action="store_true", help="skip chart images (no Chromium needed)")
    parser.add_argument("--audience", default="staff", metavar="WHO",
                        help="whose view the briefing holds: staff (default: everything), public, "
                             "partner:MAR[,UGA...] or funder:NAME")
    args = parser.parse_args(argv)
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        print(f"unknown format(s): {', '.join(bad) or '(none)'}; formats: {', '.join(FORMATS)}", file=sys.stderr)
        return 1
    engine = warehouse.read_only_engine()
    if not warehouse.is_built(engine):
        print(f"the database has no data yet: run {warehouse.BUILD_COMMAND} (or make run)", file=sys.stderr)
        return 1
    try:
        audience = audience_of(args.audience, engine)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    folder = Path(args.out)
    if not args.no_charts and not chromium():
        print(NO_CHROMIUM, file=sys.stderr)
    render = None if args.no_charts or not chromium() else ChartRenderer()
    t0, written, audit = time.perf_counter(), [], Audit()
    try:
        if args.round:
            if args.round not in set(reading.rounds(engine)["round_code"]):
                print(f"unknown round {args.round!r}; rounds: {', '.join(reading.rounds(engine)['round_code'])}",
                      file=sys.stderr)
                return 1
            views = [committee.committee(engine, args.as_of, args.round, args.as_of)]
        elif args.funder:
            known = funder.funders(engine)
            if args.funder not in known:
                print(f"unknown funder {args.funder!r}; funders: {'; '.join(known)}", file=sys.stderr)
                return 1
            views = [funder.funder_view(engine, args.funder, args.start, args.end, args.as_of, audience)]
        else:
            codes = party_codes(engine, args.as_of) if args.all_parties else [c.upper() for c in args.country]
            known = set(reading.countries(engine)["code"])
            bad = [c for c in codes if c not in known]
            if bad:
                print(f"unknown country code(s): {', '.join(bad)}", file=sys.stderr)
                return 1
            views = (country.profile(engine, c, args.as_of, audience) for c in codes)
        for view in views:
            doc = for_audience(document(view, args.lang, render), audience)
            if render is None and not args.no_charts:
                doc.note(NO_CHROMIUM)
            try:
                files = write(doc, folder, formats)
            except OSError as exc:
                return _stopped(f"could not write \"{doc.subject}\" to {folder}: {_first_line(exc)}", written)
            try:
                audit.record(doc, audience, files)
            except Exception as exc:  # a briefing that cannot be audited is not kept (etl.audit.record_event)
                for path in files:
                    path.unlink(missing_ok=True)
                return _stopped(f"could not record \"{doc.subject}\" in the audit trail ({_first_line(exc)}), so it was "
                                f"not kept", written)
            written += files
            print(f"  {doc.subject}", file=sys.stderr, flush=True)
    finally:
        audit.close()
        if render is not None:
            render.close()
    print(f"wrote {len(written)} files to {folder} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

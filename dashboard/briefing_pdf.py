"""A briefing Document as PDF (fpdf2, DejaVu fonts): title block, key facts box, numbered sections,
tables, charts at print size, the Sources list, and a running footer on every page (data date, DEMO
mark where demo statistics appear, page n of N). Everything stays inside 15 mm margins; web addresses
wrap only after a separator (/ . ? & = - _ + %), never mid-word."""
import functools
import re
import tempfile
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
MARGIN = 18          # mm, left and right
TOP = 16
BOTTOM = 24          # page break above the footer
FOOTER_Y = -18       # the footer sits at 279-284 mm on A4, well inside a printer's 12 mm margin
ACCENT = (0, 70, 127)
MUTED = (90, 90, 90)
DEMO_RED = (170, 20, 20)
BOX_FILL = (236, 243, 250)


# Characters the briefing fonts are cut down to once per process (Latin, punctuation, arrows, maths,
# shapes): fpdf2 parses and subsets a 700 kB DejaVu file for every document otherwise (0.1 s a font).
# A document holding anything else gets the full fonts.
KEEP = [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x2000, 0x2070), 0x20AC, *range(0x2190, 0x2200),
        *range(0x2200, 0x2300), *range(0x25A0, 0x2600)]
KEPT = frozenset(map(chr, KEEP)) | {"\n"}


@functools.cache
def _small_fonts() -> dict:
    """{style: path} of DejaVu Sans cut down to KEEP, written once per process to a temporary folder."""
    import logging

    from fontTools import subset
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)   # "FFTM NOT subset": a timestamp table
    folder = Path(tempfile.mkdtemp(prefix="briefing-fonts-"))
    out = {}
    for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
        options = subset.Options(notdef_outline=True, recommended_glyphs=True, layout_features=["*"],
                                 name_IDs=["*"], glyph_names=True)
        font = subset.load_font(str(FONT_DIR / name), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=KEEP)
        subsetter.subset(font)
        out[style] = str(folder / name)
        subset.save_font(font, out[style], options)
    return out


def _texts(doc):
    yield from (doc.convention, doc.subject, doc.dateline, doc.data_date, doc.provenance, *doc.facts,
                *doc.labels.values())
    for block in doc.blocks:
        if block[0] == "table":
            yield from block[1]
            for row in block[2]:
                yield from row
        elif block[0] != "image":
            yield block[1]
    for src in doc.sources:
        yield src.publisher
        yield src.url or ""


class _PDF(FPDF):
    doc = None
    family = "Helvetica"

    def footer(self):
        d = self.doc
        self.set_y(FOOTER_Y)
        self.set_draw_color(190, 190, 190)
        self.line(MARGIN, self.get_y() - 1, self.w - MARGIN, self.get_y() - 1)
        self.set_font(self.family, "", 8)
        self.set_text_color(*MUTED)
        page = d.labels["page"].format(n=self.page_no(), total="{nb}")
        left = self.get_string_width(d.data_date) + 2
        right = self.get_string_width(d.labels["page"].format(n=999, total=999)) + 2
        self.cell(left, 5, d.data_date, align="L")
        if d.demo:
            self.set_text_color(*DEMO_RED)
            self.set_font(self.family, "B", 8)
        self.cell(self.w - 2 * MARGIN - left - right, 5, d.labels["demo"] if d.demo else "", align="C")
        self.set_font(self.family, "", 8)
        self.set_text_color(*MUTED)
        self.cell(right, 5, page, align="R")
        self.set_text_color(0, 0, 0)


def _url_lines(pdf: FPDF, url: str, width: float) -> list:
    """An address cut into lines only after a separator (/ . ? & = - _); a piece wider than the line
    (no separator in it) is kept whole on its own line: the caller shrinks the font until it fits."""
    pieces = re.findall(r"[^/.?&=_+%~,:;-]*[/.?&=_+%~,:;-]*", url)
    lines, cur = [], ""
    for piece in filter(None, pieces):
        if cur and pdf.get_string_width(cur + piece) > width:
            lines.append(cur)
            cur = piece
        else:
            cur += piece
    return lines + ([cur] if cur else [])


def render(doc) -> bytes:
    pdf = _PDF(orientation="P", unit="mm", format="A4")
    pdf.doc = doc
    if (FONT_DIR / "DejaVuSans.ttf").exists():
        small = all(set(text) <= KEPT for text in _texts(doc))
        fonts = _small_fonts() if small else {"": str(FONT_DIR / "DejaVuSans.ttf"),
                                             "B": str(FONT_DIR / "DejaVuSans-Bold.ttf")}
        pdf.add_font("DejaVu", "", fonts[""])
        pdf.add_font("DejaVu", "B", fonts["B"])
        pdf.family = "DejaVu"
    f = pdf.family
    pdf.set_margins(MARGIN, TOP, MARGIN)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.set_title(doc.subject)
    pdf.set_lang(doc.lang)
    pdf.set_creator("Lanzarote and IWF portals dashboard")
    pdf.alias_nb_pages()
    pdf.add_page()
    W = pdf.w - 2 * MARGIN

    # title block
    pdf.set_font(f, "", 8.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(W, 4.2, doc.convention, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.set_font(f, "B", 17)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(W, 8, doc.subject, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(f, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(W, 5, doc.dateline, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)

    # key facts box
    if doc.facts:
        pdf.set_font(f, "", 9.5)
        inner = W - 10
        heights = [len(pdf.multi_cell(inner - 4, 4.8, line, dry_run=True, output="LINES")) * 4.8 + 1.2
                   for line in doc.facts]
        box_h = 6 + 5 + sum(heights) + 3
        y0 = pdf.get_y()
        pdf.set_fill_color(*BOX_FILL)
        pdf.set_draw_color(*ACCENT)
        pdf.rect(MARGIN, y0, W, box_h, style="DF")
        pdf.set_fill_color(*ACCENT)
        pdf.rect(MARGIN, y0, 1.6, box_h, style="F")
        pdf.set_xy(MARGIN + 5, y0 + 3)
        pdf.set_font(f, "B", 10.5)
        pdf.set_text_color(*ACCENT)
        pdf.cell(inner, 5, doc.labels["facts"])
        pdf.set_text_color(0, 0, 0)
        pdf.set_y(y0 + 9.5)
        pdf.set_font(f, "", 9.5)
        for line in doc.facts:
            pdf.set_x(MARGIN + 5)
            pdf.cell(4, 4.8, "•")
            pdf.multi_cell(inner - 4, 4.8, line, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.2)
        pdf.set_y(y0 + box_h + 4)

    section = 0
    for block in doc.blocks:
        kind = block[0]
        if kind in ("h1", "h2"):
            if pdf.get_y() > pdf.h - BOTTOM - 30:      # no heading alone at the foot of a page
                pdf.add_page()
            if kind == "h1":
                section += 1
                pdf.ln(2)
                pdf.set_font(f, "B", 13)
                pdf.set_text_color(*ACCENT)
                pdf.start_section(block[1], level=0)
                pdf.multi_cell(W, 6.5, f"{section}. {block[1]}", align="L", new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(1)
                pdf.set_font(f, "B", 11)
                pdf.set_text_color(*ACCENT)
                pdf.start_section(block[1], level=1)
                pdf.multi_cell(W, 5.5, block[1], align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(1.5)
        elif kind == "p":
            pdf.set_font(f, "", 10)
            pdf.multi_cell(W, 5, block[1], align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif kind == "note":
            pdf.set_font(f, "", 8.5)          # notes: smaller and grey (a third font would cost 0.1 s a document)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(W, 4.3, block[1], align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(1.5)
        elif kind == "table":
            _table(pdf, f, W, block[1], block[2], block[3])
        elif kind == "image":
            png, alt, ratio = block[1], block[2], block[3]
            h = W / ratio
            if pdf.get_y() + h > pdf.h - BOTTOM:
                pdf.add_page()
            pdf.image(BytesIO(png), x=MARGIN, w=W, h=h, alt_text=alt)
            pdf.ln(2)

    # sources
    if doc.sources or doc.provenance:
        if pdf.get_y() > pdf.h - BOTTOM - 30:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(f, "B", 13)
        pdf.set_text_color(*ACCENT)
        pdf.start_section(doc.labels["sources"], level=0)
        pdf.multi_cell(W, 6.5, doc.labels["sources"], align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(1)
        if doc.provenance:
            pdf.set_font(f, "", 9)
            pdf.multi_cell(W, 4.6, doc.provenance, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        for i, src in enumerate(doc.sources, 1):
            pdf.set_font(f, "", 9)
            label = f"[{i}]"
            head = src.publisher + (f". {doc.labels['retrieved'].format(date=_date(src.retrieved, doc.lang))}"
                                    if src.retrieved else "")
            if pdf.get_y() > pdf.h - BOTTOM - 12:
                pdf.add_page()
            pdf.cell(10, 4.6, label)
            pdf.multi_cell(W - 10, 4.6, head, align="L", new_x="LMARGIN", new_y="NEXT")
            if src.url:
                size = 7.5
                pdf.set_font(f, "", size)
                lines = _url_lines(pdf, src.url, W - 10)
                while any(pdf.get_string_width(l) > W - 10 for l in lines) and size > 5:
                    size -= 0.5
                    pdf.set_font(f, "", size)
                    lines = _url_lines(pdf, src.url, W - 10)
                pdf.set_text_color(*ACCENT)
                for line in lines:
                    pdf.set_x(MARGIN + 10)
                    pdf.cell(W - 10, 3.6, line, link=src.url, new_x="LMARGIN", new_y="NEXT")
                pdf.set_text_color(0, 0, 0)
            pdf.ln(1.2)
    return bytes(pdf.output())


def _date(d, lang):
    from . import i18n
    return i18n.format_date(d, lang)


def _table(pdf, family, width, headers, rows, aligns):
    pdf.set_font(family, "", 8.5)
    # column widths from content: never narrower than a column's longest word (no word is cut), the rest
    # of the width shared in proportion to what each column would like
    pad = 4.5
    floor, wish = [], []
    for j, h in enumerate(headers):
        pdf.set_font(family, "B", 8.5)
        head_word = max(pdf.get_string_width(w) for w in (h.split() or [""]))
        head = pdf.get_string_width(h)
        pdf.set_font(family, "", 8.5)
        cells = [r[j] for r in rows]
        floor.append(max([head_word] + [pdf.get_string_width(w) for c in cells for w in (c.split() or [""])]) + pad)
        wish.append(min(max(max([head] + [pdf.get_string_width(c) for c in cells]) + pad, floor[-1]), 80))
    if sum(wish) <= width:
        widths = [w * width / sum(wish) for w in wish]
    else:
        room = width - sum(floor)
        extra = [w - f for w, f in zip(wish, floor)]
        widths = [f + (e * room / sum(extra) if sum(extra) else 0) for f, e in zip(floor, extra)] if room > 0 \
            else [f * width / sum(floor) for f in floor]
    pdf.set_draw_color(200, 200, 200)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(cell_fill_color=(245, 247, 250), cell_fill_mode="ROWS", col_widths=widths, width=width, align="LEFT", line_height=4.4, text_align=tuple(
            "RIGHT" if a == "R" else "LEFT" for a in aligns), headings_style=FontFace(
            emphasis="BOLD", fill_color=(225, 232, 240)), borders_layout="HORIZONTAL_LINES",
            padding=(0.8, 1.2), first_row_as_headings=True, repeat_headings=1) as table:
        table.row(headers)
        for r in rows:
            table.row(r)
    pdf.ln(3)


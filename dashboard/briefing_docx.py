"""A briefing Document as a Word file staff edit before sending (python-docx): the same content as the
PDF, headings as real Heading 1/2 styles, tables as real tables, charts as pictures, the key facts in a
shaded box, and a footer on every page with the data date, the DEMO mark where it applies and
"page n of N" as Word fields (PAGE, NUMPAGES)."""
from io import BytesIO

from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ACCENT = RGBColor(0, 70, 127)
MUTED = RGBColor(90, 90, 90)
DEMO_RED = RGBColor(170, 20, 20)


def _field(paragraph, instruction: str, placeholder: str = "1"):
    """A Word field (PAGE, NUMPAGES) in a paragraph: Word fills it in when it lays the pages out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _shade(cell, hex_fill: str):
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), hex_fill)
    props.append(shading)


def render(doc) -> bytes:
    word = WordDocument()
    word.core_properties.title = doc.subject
    word.core_properties.language = doc.lang
    normal = word.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    for name, size in (("Heading 1", 14), ("Heading 2", 12), ("Title", 20)):
        word.styles[name].font.color.rgb = ACCENT
        word.styles[name].font.size = Pt(size)
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin, section.bottom_margin = Cm(1.6), Cm(2.0)
    width = section.page_width - section.left_margin - section.right_margin

    # footer: data date · DEMO · page n of N
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run(doc.data_date + "   ·   ")
    run.font.size, run.font.color.rgb = Pt(8), MUTED
    if doc.demo:
        run = footer.add_run(doc.labels["demo"] + "   ·   ")
        run.font.size, run.font.bold, run.font.color.rgb = Pt(8), True, DEMO_RED
    before, _, rest = doc.labels["page"].partition("{n}")
    middle, _, after = rest.partition("{total}")
    footer.add_run(before)
    _field(footer, "PAGE")
    footer.add_run(middle)
    _field(footer, "NUMPAGES")
    footer.add_run(after)
    for r in footer.runs:
        r.font.size = Pt(8)

    # title block
    p = word.add_paragraph()
    run = p.add_run(doc.convention)
    run.font.size, run.font.color.rgb = Pt(8.5), MUTED
    word.add_paragraph(doc.subject, style="Title")
    p = word.add_paragraph()
    run = p.add_run(doc.dateline)
    run.font.size, run.font.color.rgb = Pt(9), MUTED

    # key facts: a one-cell shaded table
    if doc.facts:
        box = word.add_table(rows=1, cols=1)
        box.alignment = WD_TABLE_ALIGNMENT.CENTER
        cell = box.cell(0, 0)
        _shade(cell, "ECF3FA")
        head = cell.paragraphs[0]
        run = head.add_run(doc.labels["facts"])
        run.bold, run.font.color.rgb, run.font.size = True, ACCENT, Pt(11)
        for line in doc.facts:
            cell.add_paragraph(line, style="List Bullet")
        word.add_paragraph()

    section_no = 0
    for block in doc.blocks:
        kind = block[0]
        if kind == "h1":
            section_no += 1
            word.add_heading(f"{section_no}. {block[1]}", level=1)
        elif kind == "h2":
            word.add_heading(block[1], level=2)
        elif kind == "p":
            word.add_paragraph(block[1])
        elif kind == "note":
            p = word.add_paragraph()
            run = p.add_run(block[1])
            run.italic, run.font.size, run.font.color.rgb = True, Pt(8.5), MUTED
        elif kind == "table":
            headers, rows, aligns = block[1], block[2], block[3]
            table = word.add_table(rows=1, cols=len(headers))
            table.style = word.styles["Table Grid"]
            for j, h in enumerate(headers):
                cell = table.rows[0].cells[j]
                cell.text = ""
                run = cell.paragraphs[0].add_run(h)
                run.bold = True
                _shade(cell, "E1E8F0")
            for r in rows:
                cells = table.add_row().cells
                for j, value in enumerate(r):
                    cells[j].text = value
                    if aligns[j] == "R":
                        cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for row in table.rows:
                for cell in row.cells:
                    for par in cell.paragraphs:
                        for run in par.runs:
                            run.font.size = Pt(8.5)
            word.add_paragraph()
        elif kind == "image":
            word.add_picture(BytesIO(block[1]), width=width)
            word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            pic = word.inline_shapes[-1]
            pic._inline.docPr.set("descr", block[2])

    if doc.sources or doc.provenance:
        word.add_heading(doc.labels["sources"], level=1)
        if doc.provenance:
            word.add_paragraph(doc.provenance)
        from .i18n import format_date
        for i, src in enumerate(doc.sources, 1):
            p = word.add_paragraph()
            p.paragraph_format.left_indent = Cm(0.9)
            p.paragraph_format.first_line_indent = Cm(-0.9)
            p.add_run(f"[{i}]\t{src.publisher}")
            if src.retrieved:
                p.add_run(". " + doc.labels["retrieved"].format(date=format_date(src.retrieved, doc.lang)))
            if src.url:
                p.add_run("\n")
                run = p.add_run(src.url)
                run.font.size, run.font.color.rgb = Pt(8), ACCENT
    out = BytesIO()
    word.save(out)
    return out.getvalue()

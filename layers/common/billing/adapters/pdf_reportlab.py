"""Lay a Document out as an A4 PDF with reportlab (about 7 ms a page measured here; no browser needed).

Only the documents function imports this module: reportlab stays out of every other cold start.
"""

from __future__ import annotations

import io
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from billing.documents.document import Document

# PDF/A (the Factur-X carrier) wants every font embedded: the standard Helvetica is not. Bitstream Vera ships
# with reportlab (free to embed) and has every glyph our documents print but babel's narrow no-break space.
pdfmetrics.registerFont(TTFont("Sans", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("Sans-Bold", "VeraBd.ttf"))
_NARROW_SPACE = str.maketrans({"\u202f": "\u00a0"})
_INK = colors.HexColor("#1f2933")
_RULE = colors.HexColor("#9aa5b1")
_BAND = colors.HexColor("#eef2f6")

_BODY = ParagraphStyle("body", fontName="Sans", fontSize=8, leading=10.5, textColor=_INK)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=7, leading=9)
_BOLD = ParagraphStyle("bold", parent=_BODY, fontName="Sans-Bold")
_TITLE = ParagraphStyle("title", parent=_BODY, fontName="Sans-Bold", fontSize=18, leading=22, alignment=TA_RIGHT)
_RIGHT = ParagraphStyle("right", parent=_BODY, alignment=TA_RIGHT)


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(escape(text.translate(_NARROW_SPACE)), style)


def _text(text: str) -> str:
    """A cell's plain text, in the characters our font has."""
    return text.translate(_NARROW_SPACE)


# Every cell starts in the body's font, size, leading and ink: a cell's own commands say only how it differs
# (each command is matched against every cell of its table when the table is styled).
_BODY_CELLS = [
    ("FONTNAME", (0, 0), (-1, -1), _BODY.fontName),
    ("FONTSIZE", (0, 0), (-1, -1), _BODY.fontSize),
    ("LEADING", (0, 0), (-1, -1), _BODY.leading),
    ("TEXTCOLOR", (0, 0), (-1, -1), _BODY.textColor),
]
_PADDING = 6  # a table cell's default left and right padding, in points


def _wrapped(text: str, style: ParagraphStyle, width: float) -> list[str] | None:
    """The text broken into lines at most ``width`` wide at its spaces, greedily as a Paragraph breaks it;
    None when one word alone is wider. By hand: reportlab's simpleSplit also breaks at no-break spaces
    (``str.split()``), which would part an amount from its currency."""

    def measure(part: str) -> float:
        return pdfmetrics.stringWidth(part, style.fontName, style.fontSize)

    space = measure(" ")
    lines: list[str] = []
    line, used = "", 0.0
    for word in filter(None, text.split(" ")):
        size = measure(word)
        if size > width:
            return None
        if line and used + space + size <= width:
            line, used = f"{line} {word}", used + space + size
        else:
            if line:
                lines.append(line)
            line, used = word, size
    return [*lines, line]


def _fitted(
    text: str,
    style: ParagraphStyle,
    width: float,
    cell: tuple[int, int],
    commands: list[Any],
    padding: float = _PADDING,
) -> Any:
    """A cell's text as plain lines styled by the table (no markup to parse: a Paragraph's parsing, wrapping
    and drawing were a third of a page's rendering), a Paragraph only when one word is wider than the cell."""
    lines = _wrapped(_text(text), style, width - 2 * padding)
    if lines is None:
        return _p(text, style)
    if style.fontName != _BODY.fontName:
        commands.append(("FONTNAME", cell, cell, style.fontName))
    if (style.fontSize, style.leading) != (_BODY.fontSize, _BODY.leading):
        commands += [("FONTSIZE", cell, cell, style.fontSize), ("LEADING", cell, cell, style.leading)]
    if style.alignment == TA_RIGHT:
        commands.append(("ALIGN", cell, cell, "RIGHT"))
    return "\n".join(lines)


def _lines(lines: list[tuple[str, ParagraphStyle]], width: float) -> Table:
    """Lines stacked in a cell, each in its style, wrapped at the cell's width."""
    unpadded = [(side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")]
    commands: list[Any] = [*unpadded, ("VALIGN", (0, 0), (-1, -1), "TOP")]
    rows = [[_fitted(text, style, width, (0, row), commands, padding=0)] for row, (text, style) in enumerate(lines)]
    return _table(rows, commands, colWidths=[width])


def _block(lines: list[str], width: float) -> Table:
    """A party's name (bold) and address."""
    return _lines([(line, _BOLD if row == 0 else _BODY) for row, line in enumerate(lines)], width)


def _table(rows: list[list[Any]], style: list[tuple[Any, ...]] | None = None, **layout: Any) -> Table:
    """A table whose cells use our font (each cell sets its font when drawn, Helvetica unless told) in the
    body's size and ink."""
    table = Table(rows, **layout)
    table.setStyle(TableStyle([*_BODY_CELLS, *(style or [])]))
    return table


def render_pdf(document: Document) -> bytes:
    out = io.BytesIO()
    page = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"{document.title} {document.number}",
        author=document.seller[0],
        lang=document.language,
        initialFontName="Sans",  # else each page starts in Helvetica, a font not embedded
        # No wall-clock date nor random id: the same document renders to the same bytes (its dates are set
        # from the document itself where it is stored: adapters/facturx_documents.py).
        invariant=True,
        # Streams stored as they are, not deflated: zlib at reportlab's fixed level took 1.4 ms of a 7 ms page
        # (the two embedded font subsets, ~28 KB each). The PDF is 73 KB instead of 44 KB: nothing to S3 or an
        # email, a fifth of the time to every invoice.
        pageCompression=0,
    )
    width = A4[0] - 32 * mm
    story: list[object] = []

    head = _table(
        [
            [
                _block(document.seller, width * 0.55 - 2 * _PADDING),
                _lines([(document.title, _TITLE), (document.number, _RIGHT)], width * 0.45 - 2 * _PADDING),
            ]
        ],
        [("VALIGN", (0, 0), (-1, -1), "TOP")],
        colWidths=[width * 0.55, width * 0.45],
    )
    story += [head, Spacer(1, 6 * mm)]

    meta_style: list[Any] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    meta = [
        [_fitted(label, _BOLD, 32 * mm, (0, row), meta_style), _fitted(value, _BODY, 48 * mm, (1, row), meta_style)]
        for row, (label, value) in enumerate(document.meta)
    ]
    parties = _table(
        [
            [
                _table(meta, meta_style, colWidths=[32 * mm, 48 * mm]) if meta else "",
                _block(document.buyer, width * 0.5 - 8 - _PADDING),
            ]
        ],
        [("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (1, 0), (1, 0), 0.5, _RULE), ("LEFTPADDING", (1, 0), (1, 0), 8)],
        colWidths=[width * 0.5, width * 0.5],
    )
    story += [parties, Spacer(1, 6 * mm)]

    if document.headers is not None and document.sections:
        h = document.headers
        widths = [width * f for f in (0.38, 0.18, 0.07, 0.14, 0.07, 0.16)]
        headers = (h.description, h.period, h.quantity, h.unit_price, h.vat_rate, h.amount)
        fitted: list[Any] = []
        rows: list[list[Any]] = [
            [_fitted(text, _BOLD, widths[column], (column, 0), fitted) for column, text in enumerate(headers)]
        ]
        # Numbers are plain strings in right-aligned cells: a Paragraph each (parsing, wrapping) was half of
        # laying the page out, and a number never wraps.
        style: list[tuple[Any, ...]] = [
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, _INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ]
        for title, section_rows in document.sections:
            style += [("BACKGROUND", (0, len(rows)), (-1, len(rows)), _BAND), ("SPAN", (0, len(rows)), (-1, len(rows)))]
            rows.append([_fitted(title, _BOLD, width, (0, len(rows)), fitted), "", "", "", "", ""])
            for row in section_rows:
                description = (
                    _lines([(row.description, _BODY), (row.detail, _SMALL)], widths[0] - 2 * _PADDING)
                    if row.detail
                    else _fitted(row.description, _BODY, widths[0], (0, len(rows)), fitted)
                )
                rows.append(
                    [
                        description,
                        _fitted(row.period, _SMALL, widths[1], (1, len(rows)), fitted),
                        _text(row.quantity),
                        _text(row.unit_price),
                        _text(row.vat_rate),
                        _text(row.amount),
                    ]
                )
        story += [_table(rows, style + fitted, colWidths=widths, repeatRows=1), Spacer(1, 4 * mm)]

    labels: list[Any] = []
    totals = _table(
        [
            [_fitted(label, _BOLD if strong else _BODY, width * 0.32, (0, row), labels), _text(amount)]
            for row, (label, amount, strong) in enumerate(document.totals)
        ],
        [
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, _INK),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            *(
                ("FONTNAME", (1, row), (1, row), "Sans-Bold")
                for row, (*_, strong) in enumerate(document.totals)
                if strong
            ),
            *labels,
        ],
        colWidths=[width * 0.32, width * 0.18],
        hAlign="RIGHT",
    )
    story += [totals, Spacer(1, 6 * mm)]
    if document.stamp:
        story += [_lines([(document.stamp, _TITLE)], width), Spacer(1, 3 * mm)]
    if document.notes:
        story.append(_lines([(note, _SMALL) for note in document.notes], width))
    page.build(story)
    return out.getvalue()

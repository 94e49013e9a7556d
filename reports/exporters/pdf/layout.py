"""The briefing's page and the look of its text and tables: A4 portrait, margins, colours, paragraph styles
and the grid every table starts from."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from .text import BOLD, FONT, clean

PAGE_W, _PAGE_H = A4
MARGIN = 15 * mm
WIDTH = PAGE_W - 2 * MARGIN
GREY = colors.HexColor("#5a5a5a")
RULE = colors.HexColor("#b0b0b0")
HEAD_BG = colors.HexColor("#e8eef5")
TOTAL_BG = colors.HexColor("#f2f2f2")


def paragraph_styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=8.5, leading=11)
    return {
        "base": base,
        "service": ParagraphStyle("service", base, fontSize=9, textColor=GREY),
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=18, leading=22, spaceBefore=2),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=12, leading=15),
        "meta": ParagraphStyle("meta", base, fontSize=8, textColor=GREY, spaceAfter=4),
        "h2": ParagraphStyle(
            "h2", base, fontName=BOLD, fontSize=11.5, leading=14, spaceBefore=9, spaceAfter=4
        ),
        "h3": ParagraphStyle("h3", base, fontName=BOLD, fontSize=9, leading=12, spaceBefore=5, spaceAfter=2),
        "cell": ParagraphStyle("cell", base, fontSize=7, leading=8.5),
        "head": ParagraphStyle("head", base, fontName=BOLD, fontSize=6.8, leading=8),
        "headr": ParagraphStyle("headr", base, fontName=BOLD, fontSize=6.8, leading=8, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", base, fontSize=7, leading=9, textColor=GREY),
        "note": ParagraphStyle("note", base, fontSize=8, leading=10.5, spaceAfter=4),
    }


def para(text, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(clean(text)), style)


def grid_style(header_rows: int, *, total_row: bool = False, font_size: float = 7) -> list:
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("LEADING", (0, 0), (-1, -1), font_size + 1.5),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, GREY),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if total_row:
        commands += [
            ("FONTNAME", (0, -1), (-1, -1), BOLD),
            ("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG),
            ("LINEABOVE", (0, -1), (-1, -1), 0.6, GREY),
        ]
    return commands

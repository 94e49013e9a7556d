"""How the workbook writes a cell: its formats (made once), numbers as numbers and text as text, the marks of
a significant change, and sheet names Excel accepts."""

from __future__ import annotations

import re

import xlsxwriter
from django.utils import dateformat

RISE, FALL = "▲", "▼"
MARK_HEADER = f"{RISE}{FALL}"

# Excel refuses these in a sheet name, and a name longer than 31 characters; "History" is its own.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31

INT = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = "+0.0%;-0.0%;0.0%"


class CellFormats:
    """Every cell format, made once per workbook (XlsxWriter formats are costly to multiply)."""

    def __init__(self, book: xlsxwriter.Workbook):
        base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}

        def make(**options):
            return book.add_format(base | options)

        self.title = make(bold=True, font_size=14)
        self.subtitle = make(font_size=11)
        self.note = make(italic=True, font_color="#595959")
        self.heading = make(bold=True, font_size=11, font_color="#1F3864")
        self.header = make(
            bold=True, bg_color="#DCE6F1", border=1, border_color="#A6A6A6", text_wrap=True, align="center"
        )
        self.group = make(bold=True, bg_color="#B8CCE4", border=1, border_color="#A6A6A6", align="center")
        self.section = make(bold=True, bg_color="#F2F2F2")
        self.section_fill = make(bg_color="#F2F2F2")
        # Cell kinds, plain and bold (totals): text, integer, decimal, percentage, mark, hidden count.
        self.cells = {}
        for bold in (False, True):
            top = {"bold": True, "top": 1} if bold else {}
            self.cells[("text", bold)] = make(**top)
            self.cells[("indent", bold)] = make(indent=1, **top)
            self.cells[("int", bold)] = make(num_format=INT, **top)
            self.cells[("decimal", bold)] = make(num_format=DECIMAL, **top)
            self.cells[("percent", bold)] = make(num_format=PERCENT, **top)
            self.cells[("mark", bold)] = make(align="center", **top)
            self.cells[("hidden", bold)] = make(align="right", **top)


class Sheet:
    """A worksheet with the workbook's formats and one way of writing a cell."""

    def __init__(self, sheet, fmt: CellFormats):
        self.ws = sheet
        self.fmt = fmt

    def put(self, row: int, col: int, value, kind: str = "text", *, bold: bool = False) -> None:
        """Numbers as numbers, text as text (never a formula), nothing as a blank with the cell's format."""
        if value is None or value == "":
            self.ws.write_blank(row, col, None, self.fmt.cells[(kind, bold)])
        elif isinstance(value, str):
            # A number cell holding text is a hidden small count ("< 5"): right-aligned like the numbers.
            kind = kind if kind in ("text", "indent", "mark") else "hidden"
            self.ws.write_string(row, col, value, self.fmt.cells[(kind, bold)])
        else:
            if kind == "percent":
                value = round(value / 100, 3)
            self.ws.write_number(row, col, value, self.fmt.cells[(kind, bold)])

    def text(self, row: int, col: int, value, cell_format) -> None:
        self.ws.write_string(row, col, str(value), cell_format)

    def headers(self, row: int, col: int, labels) -> None:
        for offset, label in enumerate(labels):
            if label:
                self.ws.write_string(row, col + offset, str(label), self.fmt.header)
            else:
                self.ws.write_blank(row, col + offset, None, self.fmt.header)


def change_mark(comparison) -> str:
    """▲ / ▼ for a significant rise / fall (exact Poisson test, calls.statistics); nothing otherwise."""
    if comparison is None or comparison.significance != "significant":
        return ""
    if comparison.absolute_change > 0:
        return RISE
    return FALL if comparison.absolute_change < 0 else ""


def change_percent(comparison):
    if comparison is None or comparison.percent_change is None:
        return None
    return round(comparison.percent_change, 1)


def safe_sheet_name(name: str, used: set[str], *, fallback: str = "Sector") -> str:
    """`name` as Excel accepts it: no []:*?/\\, no quote at either end, ≤ 31 characters, not empty, and unique
    (case-insensitively) among `used`, to which it is added."""
    clean = _SHEET_FORBIDDEN.sub("_", name).strip().strip("'").strip()[:_SHEET_MAX] or fallback
    candidate, n = clean, 1
    while candidate.lower() in used:
        n += 1
        suffix = f" ({n})"
        candidate = clean[: _SHEET_MAX - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def month_label(month) -> str:
    return dateformat.format(month, "N Y")

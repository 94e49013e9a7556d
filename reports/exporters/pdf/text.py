"""The briefing's text: its font, the characters the font lacks, and numbers, changes, months and scopes
written as people of the report's language write them; an area's values as they may be shown (the CSV's
rows, so small counts come hidden).

Text is set in Bitstream Vera (shipped with ReportLab, so no system font is needed), which covers French. What it
lacks is never printed: `clean` replaces it (the narrow no-break space by a no-break space).
"""

from __future__ import annotations

import os
from datetime import date

import reportlab
from django.utils import translation
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ...selectors import WITHHELD_MARK, AreaFigures, MonthlyReport
from ..csv import area_rows

FONT, BOLD, ITALIC = "Vera", "VeraBd", "VeraIt"
SIGNIFICANT = "*"  # beside a significant change, in every table and note

_font_chars: frozenset[int] = frozenset()
# What the font lacks, written with what it has.
_SUBSTITUTES = {"\u202f": "\u00a0", "\u2009": " ", "\u2007": "\u00a0", "\u25b2": "+", "\u25bc": "\u2212"}


def register_fonts() -> None:
    """Bitstream Vera, once per process."""
    global _font_chars
    if _font_chars:
        return
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, file in (
        (FONT, "Vera.ttf"),
        (BOLD, "VeraBd.ttf"),
        (ITALIC, "VeraIt.ttf"),
        ("VeraBI", "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic="VeraBI")
    _font_chars = frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)


def clean(text) -> str:
    """The text with only characters the font has (ReportLab would print a blank box for the others)."""
    text = str(text)
    if all(ord(char) in _font_chars or char in "\n" for char in text):
        return text
    return "".join(
        char if ord(char) in _font_chars or char == "\n" else _SUBSTITUTES.get(char, "?") for char in text
    )


def _french() -> bool:
    return translation.get_language().startswith("fr")


def number_text(value, decimals: int | None = None) -> str:
    """A count as people of the language write it ("12 345" or "12,345"); text ("< 5") as it is; None (a month
    no import observed) as "no data"."""
    if isinstance(value, str):
        return value
    if value is None:
        return clean(_("no data"))
    if decimals is not None:
        value = round(value, decimals)  # number_format cuts the decimals, it does not round them
    return clean(number_format(value, decimals, use_l10n=True, force_grouping=True))


def percent_text(value: float | None, decimals: int | None = None) -> str:
    """ "+12.3%", "\u221212,3\u00a0%" in French; no decimal from 100 % up (it would add nothing but width)."""
    if value is None:
        return "—"
    if decimals is None:
        decimals = 0 if abs(value) >= 99.95 else 1
    value = round(value, decimals)  # number_format cuts the decimals, it does not round them
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "")
    figure = number_format(abs(value), decimals, use_l10n=True, force_grouping=True)
    return clean(f"{sign}{figure}{chr(0xA0) if _french() else ''}%")


def change_text(comparison) -> str:
    """% change, marked when significant; a dash when there is nothing to compare with."""
    if comparison is None or comparison.percent_change is None:
        return "—"
    mark = "" if comparison.is_noise else SIGNIFICANT
    return f"{percent_text(comparison.percent_change)}{mark}"


def month_name(month: date) -> str:
    """ "février 2025", "February 2025"."""
    return f"{MONTHS[month.month]} {month.year}"


def month_label(month: date) -> str:
    """A trend month on two lines: "fév." / "2025"."""
    return f"{MONTHS_AP[month.month]}\n{month.year}"


def scope_name(report: MonthlyReport) -> str:
    return _("Whole territory") if report.scope.kind == "territory" else report.scope_name


def area_values(report: MonthlyReport, area: AreaFigures) -> dict:
    """(metric, dimension) → (label, value as it may be shown), from the CSV's rows."""
    return {
        (metric, dimension): (label, value)
        for _section, metric, dimension, label, value, _cells in area_rows(report, area)
    }


def withheld_sentence(report: MonthlyReport) -> str:
    """What the mark of a withheld count means, when the report has one."""
    mark = WITHHELD_MARK
    if not any(
        value == mark
        for area in [*report.sectors, report.total]
        for *_rest, value, _c in area_rows(report, area)
    ):
        return ""
    return " " + _(
        "“%(mark)s”: a count withheld so that a hidden one cannot be worked out by subtraction."
    ) % {"mark": mark}

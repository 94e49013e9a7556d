"""The monthly report as a printable PDF briefing (A4 portrait) for a unit's management, in French or English.

In order: the header (service, title, scope, month, generation date); the key figures of the scope's total (911
calls by urgency against the previous month, the same month last year and the pre-programme baseline, year to
date; contacts, referrals, outreach, coverage); a map of the sectors coloured by the change in non-urgent calls
against the same month last year; the 13-month trend as a chart and as a table; one row per sector; the detail
of contacts and referrals for the total; notes on reading the figures. Each page has "Page X of Y" and the title.

Text is set in Bitstream Vera (shipped with ReportLab, so no system font is needed), which covers French. What it
lacks is never printed: `_clean` replaces it (the narrow no-break space by a no-break space). Counts drawn from
contact data go through `MonthlyReport.shown` (via csv.area_rows), so no true small count is ever written.

Built with `invariant=1` (no creation time, no random document id): the same data and generation date give the
same bytes.
"""

from __future__ import annotations

import os
from datetime import date
from functools import partial
from io import BytesIO
from xml.sax.saxutils import escape

import reportlab
from django.conf import settings
from django.utils import timezone, translation
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from officers.selectors import CoverageStatus

from ..selectors import CALL_CLASSES, WITHHELD_MARK, AreaFigures, MonthlyReport
from .csv import CALL_CLASS_LABELS, METRICS, area_rows
from .pdf_charts import SERIES_COLOURS, trend_chart
from .pdf_map import CLASS_BREAKS, MapArea, sector_map

FONT, BOLD, ITALIC = "Vera", "VeraBd", "VeraIt"
PAGE_W, _PAGE_H = A4
MARGIN = 15 * mm
WIDTH = PAGE_W - 2 * MARGIN
GREY = colors.HexColor("#5a5a5a")
RULE = colors.HexColor("#b0b0b0")
HEAD_BG = colors.HexColor("#e8eef5")
TOTAL_BG = colors.HexColor("#f2f2f2")
SIGNIFICANT = "*"

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


def _clean(text) -> str:
    """The text with only characters the font has (ReportLab would print a blank box for the others)."""
    text = str(text)
    if all(ord(char) in _font_chars or char in "\n" for char in text):
        return text
    return "".join(
        char if ord(char) in _font_chars or char == "\n" else _SUBSTITUTES.get(char, "?") for char in text
    )


# --- numbers and words -----------------------------------------------------------------------------------


def _french() -> bool:
    return translation.get_language().startswith("fr")


def _number(value, decimals: int | None = None) -> str:
    """A count as people of the language write it ("12 345" or "12,345"); text ("< 5") as it is."""
    if isinstance(value, str):
        return value
    if decimals is not None:
        value = round(value, decimals)  # number_format cuts the decimals, it does not round them
    return _clean(number_format(value, decimals, use_l10n=True, force_grouping=True))


def _percent(value: float | None, decimals: int | None = None) -> str:
    """ "+12.3%", "\u221212,3\u00a0%" in French; no decimal from 100 % up (it would add nothing but width)."""
    if value is None:
        return "—"
    if decimals is None:
        decimals = 0 if abs(value) >= 99.95 else 1
    value = round(value, decimals)  # number_format cuts the decimals, it does not round them
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "")
    figure = number_format(abs(value), decimals, use_l10n=True, force_grouping=True)
    return _clean(f"{sign}{figure}{chr(0xA0) if _french() else ''}%")


def _change(comparison) -> str:
    """% change, marked when significant; a dash when there is nothing to compare with."""
    if comparison is None or comparison.percent_change is None:
        return "—"
    mark = "" if comparison.is_noise else SIGNIFICANT
    return f"{_percent(comparison.percent_change)}{mark}"


def month_name(month: date) -> str:
    """ "février 2025", "February 2025"."""
    return f"{MONTHS[month.month]} {month.year}"


def month_label(month: date) -> str:
    """A trend month on two lines: "fév." / "2025"."""
    return f"{MONTHS_AP[month.month]}\n{month.year}"


def _title(report: MonthlyReport) -> str:
    return _clean(f"{_('Monthly report')} — {_scope_name(report)} — {month_name(report.month)}")


def _scope_name(report: MonthlyReport) -> str:
    return _("Whole territory") if report.scope.kind == "territory" else report.scope_name


# --- styles --------------------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
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


def _p(text, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(_clean(text)), style)


def _grid(header_rows: int, *, total_row: bool = False, font_size: float = 7) -> list:
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


# --- sections ------------------------------------------------------------------------------------------------


def _header(report: MonthlyReport, styles, generated_on: date) -> list:
    return [
        _p(settings.SERVICE_NAME, styles["service"]),
        _p(_("Monthly report"), styles["title"]),
        _p(f"{_scope_name(report)} — {month_name(report.month)}", styles["subtitle"]),
        _p(
            _("Generated on %(date)s. Figures for %(month)s, from the stored monthly counts and records.")
            % {"date": date_format(generated_on, "DATE_FORMAT"), "month": month_name(report.month)},
            styles["meta"],
        ),
    ]


def _key_calls(report: MonthlyReport, styles) -> list:
    """The scope's calls per urgency class against each reference, and the year to date."""
    head, headr = styles["head"], styles["headr"]
    year = report.month.year
    # Narrow column headers: words already translated short ("Écart").
    change, calls = pgettext("difference in calls", "Change"), _("Calls")
    rows = [
        [
            _p(_("911 calls"), head),
            Paragraph(f"{escape(_clean(MONTHS[report.month.month]))}<br/>{report.month.year}", headr),
            _p(_("Previous month"), head),
            "",
            _p(_("Same month last year"), head),
            "",
            _p(_("Pre-programme baseline (monthly mean)"), head),
            "",
            _p(_("Year to date"), head),
            "",
            "",
        ],
        [
            "",
            _p(calls, headr),
            _p(calls, headr),
            _p(change, headr),
            _p(calls, headr),
            _p(change, headr),
            _p(_("Mean"), headr),
            _p(change, headr),
            _p(str(year), headr),
            _p(str(year - 1), headr),
            _p(change, headr),
        ],
    ]
    for cls in CALL_CLASSES:
        figure = report.total.calls[cls]
        previous, last_year, baseline = figure.previous_month, figure.same_month_last_year, figure.baseline
        rows.append(
            [
                _clean(str(CALL_CLASS_LABELS[cls]).capitalize()),
                _number(figure.count),
                "—" if previous is None else _number(previous.reference_count),
                _change(previous),
                "—" if last_year is None else _number(last_year.reference_count),
                _change(last_year),
                "—" if baseline is None else _number(baseline.reference_mean, 1),
                _change(baseline),
                _number(figure.year_to_date),
                "—" if figure.last_year_to_date is None else _number(figure.last_year_to_date),
                _change(figure.year_to_date_comparison),
            ]
        )
    # Counts are short, the change columns' headers and values longer.
    # A territory's year to date runs to six digits ("505 231"): 15 mm holds them at 8 points.
    count, delta = 15 * mm, 17 * mm
    widths = [20 * mm, 17 * mm, count, delta, count, delta, count, delta, count, count, delta]
    style = [
        *_grid(2),
        ("SPAN", (0, 0), (0, 1)),
        ("SPAN", (2, 0), (3, 0)),
        ("SPAN", (4, 0), (5, 0)),
        ("SPAN", (6, 0), (7, 0)),
        ("SPAN", (8, 0), (10, 0)),
        ("VALIGN", (0, 0), (-1, 1), "BOTTOM"),
        ("FONTNAME", (1, 2), (1, -1), BOLD),
        ("FONTSIZE", (0, 2), (-1, -1), 8),
        ("LINEBEFORE", (2, 0), (2, -1), 0.4, RULE),
        ("LINEBEFORE", (4, 0), (4, -1), 0.4, RULE),
        ("LINEBEFORE", (6, 0), (6, -1), 0.4, RULE),
        ("LINEBEFORE", (8, 0), (8, -1), 0.4, RULE),
    ]
    table = Table(rows, colWidths=widths, style=TableStyle(style), repeatRows=2)
    legend = _p(
        _(
            "%(mark)s significant change (exact Poisson test, p < 0.05); a change without %(mark)s is within "
            "the usual month-to-month variation (noise). — nothing to compare with."
        )
        % {"mark": SIGNIFICANT},
        styles["small"],
    )
    return [_p(_("Key figures"), styles["h2"]), table, Spacer(1, 2), legend]


def _area_values(report: MonthlyReport, area: AreaFigures) -> dict:
    """(metric, dimension) → (label, value as it may be shown), from the CSV's rows."""
    return {
        (metric, dimension): (label, value)
        for _section, metric, dimension, label, value, _cells in area_rows(report, area)
    }


def _key_activity(report: MonthlyReport, values: dict, styles) -> list:
    left = [
        (METRICS["contacts"], values[("contacts", "")][1]),
        (METRICS["contacts_avoided_911"], values[("contacts_avoided_911", "")][1]),
        (METRICS["follow_ups_open"], values[("follow_ups_open", "")][1]),
        (METRICS["referrals_made"], values[("referrals_made", "")][1]),
        (METRICS["referrals_completed"], values[("referrals_completed", "")][1]),
    ]
    right = [
        (METRICS["activities"], values[("activities", "")][1]),
        (METRICS["attendance"], values[("attendance", "")][1]),
        (METRICS["campaigns_active"], values[("campaigns_active", "")][1]),
    ]
    right += [
        (f"{METRICS['coverage_days']} — {label}", values[("coverage_days", status)][1])
        for status, label in CoverageStatus.choices
    ]
    rows = []
    for index in range(max(len(left), len(right))):
        row = []
        for column in (left, right):
            label, value = column[index] if index < len(column) else ("", "")
            row += [_p(label, styles["cell"]) if label else "", _number(value) if label != "" else ""]
        rows.append(row)
    half = WIDTH / 2
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTNAME", (1, 0), (1, -1), BOLD),
        ("FONTNAME", (3, 0), (3, -1), BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("ALIGN", (3, 0), (3, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (1, len(left) - 1), 0.25, RULE),
        ("LINEBELOW", (2, 0), (3, len(right) - 1), 0.25, RULE),
        ("RIGHTPADDING", (1, 0), (1, -1), 12),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    table = Table(rows, colWidths=[half - 20 * mm, 20 * mm, half - 16 * mm, 16 * mm], style=TableStyle(style))
    return [_p(_("Contacts, referrals, outreach and coverage"), styles["h3"]), table]


def _map(report: MonthlyReport, styles) -> list:
    areas = []
    for area in report.sectors:
        delta = area.calls["non_urgent"].same_month_last_year
        change = None if delta is None else delta.percent_change
        areas.append(
            MapArea(_clean(area.code), area.geometry, change, noise=change is not None and delta.is_noise)
        )
    if not any(area.geometry for area in areas):
        return []
    a, b, c, d = (_percent(bound, 0) for bound in CLASS_BREAKS)
    labels = [
        _("%(value)s or less") % {"value": a},
        _("%(low)s to %(high)s") % {"low": a, "high": b},
        _("%(low)s to %(high)s") % {"low": b, "high": c},
        _("%(low)s to %(high)s") % {"low": c, "high": d},
        _("%(value)s or more") % {"value": d},
    ]
    drawing = sector_map(
        areas,
        width=WIDTH,
        height=(92 if len(areas) > 4 else 60) * mm,  # one or two sectors need no full-width map
        font=FONT,
        bold=BOLD,
        legend_title=[_clean(_("Non-urgent calls:")), _clean(_("change vs same month last year"))],
        class_labels=[_clean(label) for label in labels],
        noise_label=_clean(_("Not significant (noise)")),
        none_label=_clean(_("No comparison possible")),
    )
    title = _("Non-urgent calls by sector: change since %(month)s") % {
        "month": month_name(report.month.replace(year=report.month.year - 1))
    }
    note = _p(
        _(
            "Colours show significant changes only; a hatched sector changed within the usual variation; a "
            "grey one has no data for last year or had no non-urgent calls then."
        ),
        styles["small"],
    )
    return [KeepTogether([_p(title, styles["h2"]), drawing, note])]


def _trend(report: MonthlyReport, styles) -> list:
    points = report.total.trend
    if not points:
        return []
    names = [_("Urgent"), _("Non-urgent"), _("Other")]
    drawing = trend_chart(
        points,
        month_labels=[_clean(month_label(point.month)) for point in points],
        series_names=[_clean(name) for name in names],
        axis_title=_clean(_("Calls per month")),
        number=lambda value: _number(int(value)) if float(value).is_integer() else _number(value, 1),
        width=WIDTH,
        height=62 * mm,
        font=FONT,
    )
    rows = [[_p(_("Month"), styles["head"])] + [_clean(month_label(point.month)) for point in points]]
    for name, attribute in zip(names, ("urgent", "non_urgent", "other"), strict=True):
        rows.append([_clean(name)] + [_number(getattr(point, attribute)) for point in points])
    rows.append([_clean(_("Total"))] + [_number(point.total) for point in points])
    first = 20 * mm
    style = [
        *_grid(1, total_row=True, font_size=6.5),
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("ALIGN", (1, 0), (-1, 0), "RIGHT"),
    ]
    for row, colour in enumerate(SERIES_COLOURS, start=1):
        style.append(("LINEBEFORE", (0, row), (0, row), 3, colour))
    table = Table(rows, colWidths=[first] + [(WIDTH - first) / len(points)] * len(points), style=style)
    title = _("911 calls over 13 months — %(scope)s") % {"scope": _scope_name(report)}
    return [KeepTogether([_p(title, styles["h2"]), drawing, Spacer(1, 3), table])]


class _Rotated(Flowable):
    """A header cell's paragraph turned to read upwards: narrow numeric columns keep whole words."""

    def __init__(self, paragraph: Paragraph, length: float):
        super().__init__()
        self.paragraph, self.length = paragraph, length

    def wrap(self, available_width, available_height):
        self._width, self._height = self.paragraph.wrap(self.length, available_width)
        return self._height, self._width

    def draw(self):
        self.canv.saveState()
        self.canv.rotate(90)
        self.paragraph.drawOn(self.canv, 0, -self._height)
        self.canv.restoreState()


def _sector_table(report: MonthlyReport, styles) -> list:
    head = styles["head"]

    def up(text):
        return _Rotated(_p(text, head), 62)

    group = [_p(_("Sector"), head), "", _p(_("911 calls"), head), "", "", ""]
    group += [""] * 6 + [_p(_("Coverage days"), head), "", "", ""]
    columns = [
        _p(_("Code"), head),
        _p(_("Name"), head),
        *[up(CALL_CLASS_LABELS[cls]) for cls in CALL_CLASSES],
        up(_("non-urgent vs last year")),
        up(METRICS["contacts"]),
        up(_("911 avoided")),
        up(METRICS["referrals_made"]),
        up(METRICS["referrals_completed"]),
        up(METRICS["activities"]),
        up(_("Attendance")),
        *[up(label) for _status, label in CoverageStatus.choices],
    ]
    name_width = 28 * mm
    rows = [group, columns]
    for area in [*report.sectors, report.total]:
        values = _area_values(report, area)
        if area.kind == "total":
            code, name = _("Total"), _scope_name(report)
        else:
            code, name = area.code, area.name
        rows.append(
            [
                _clean(code),
                _fit(_clean(name), name_width - 5, FONT, 6.5),
                *[_number(area.calls[cls].count) for cls in CALL_CLASSES],
                _change(area.calls["non_urgent"].same_month_last_year),
                *[
                    _number(values[(metric, "")][1])
                    for metric in (
                        "contacts",
                        "contacts_avoided_911",
                        "referrals_made",
                        "referrals_completed",
                        "activities",
                        "attendance",
                    )
                ],
                *[_number(values[("coverage_days", status)][1]) for status in CoverageStatus.values],
            ]
        )
    code_width, change_width = 13 * mm, 17 * mm
    other = (WIDTH - code_width - name_width - change_width) / 13
    widths = [code_width, name_width, other, other, other, change_width] + [other] * 10
    style = [
        *_grid(2, total_row=True, font_size=6.5),
        ("ALIGN", (1, 0), (1, -1), "LEFT"),
        ("VALIGN", (0, 0), (-1, 1), "BOTTOM"),
        ("SPAN", (0, 0), (1, 0)),
        ("SPAN", (2, 0), (5, 0)),
        ("SPAN", (12, 0), (15, 0)),
        ("LINEBELOW", (2, 0), (5, 0), 0.4, RULE),
        ("LINEBELOW", (12, 0), (15, 0), 0.4, RULE),
    ]
    for column in (2, 6, 8, 10, 12):
        style.append(("LINEBEFORE", (column, 0), (column, -1), 0.4, RULE))
    for row in range(3, len(rows) - 1, 2):
        style.append(("BACKGROUND", (0, row), (-1, row), colors.HexColor("#f7f7f7")))
    table = Table(rows, colWidths=widths, style=TableStyle(style), repeatRows=2)
    note = _p(
        _(
            "Contacts and referrals from 1 to %(below)s are shown as “< %(threshold)s”. %(mark)s "
            "significant change. The total includes what no sector row shows (calls placed in no sector, "
            "sectors since deactivated, activities for the whole service)."
        )
        % {"below": report.threshold - 1, "threshold": report.threshold, "mark": SIGNIFICANT}
        + _withheld_sentence(report),
        styles["small"],
    )
    return [
        CondPageBreak(40 * mm),
        _p(_("Sectors"), styles["h2"]),
        table,
        Spacer(1, 2),
        note,
    ]


def _fit(text: str, width: float, font: str, size: float) -> str:
    """The text cut with an ellipsis to fit on one line."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _details(report: MonthlyReport, styles) -> list:
    """Contacts by channel and by category, referrals per partner (type), for the scope's total."""
    rows = list(area_rows(report, report.total))
    head, headr = styles["head"], styles["headr"]

    def two_columns(title, label_head, entries):
        data = [[_p(label_head, head), _p(_("Contacts"), headr)]]
        data += [[_p(label, styles["cell"]), _number(value)] for label, value in entries]
        table = Table(
            data, colWidths=[WIDTH / 2 - 26 * mm, 18 * mm], style=TableStyle(_grid(1)), hAlign="LEFT"
        )
        return [_p(title, styles["h3"]), table]

    channels = [
        (label, value) for _s, metric, _d, label, value, _c in rows if metric == "contacts_by_channel"
    ]
    categories = [
        (label, value) for _s, metric, _d, label, value, _c in rows if metric == "contacts_by_category"
    ]
    side_by_side = Table(
        [
            [
                two_columns(METRICS["contacts_by_channel"], _("Channel"), channels),
                two_columns(METRICS["contacts_by_category"], _("Category"), categories),
            ]
        ],
        colWidths=[WIDTH / 2, WIDTH / 2],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]),
    )

    referrals: dict[str, list] = {}  # dimension → [label, made, completed]
    totals = {}
    for _s, metric, dimension, label, value, _c in rows:
        if metric not in ("referrals_made", "referrals_completed"):
            continue
        if not dimension:
            totals[metric] = value
            continue
        entry = referrals.setdefault(dimension, [label, 0, 0])
        entry[1 if metric == "referrals_made" else 2] = value
    data = [[_p(_("Referred to"), head), _p(_("Made"), headr), _p(_("Completed"), headr)]]
    data += [
        [_p(label, styles["cell"]), _number(made), _number(done)] for label, made, done in referrals.values()
    ]
    data.append(
        [
            _clean(_("Total")),
            _number(totals.get("referrals_made", 0)),
            _number(totals.get("referrals_completed", 0)),
        ]
    )
    referral_table = Table(
        data,
        colWidths=[WIDTH / 2 - 26 * mm, 18 * mm, 18 * mm],
        style=TableStyle(_grid(1, total_row=True)),
        hAlign="LEFT",
    )
    title = _("Detail — %(scope)s") % {"scope": _scope_name(report)}
    return [
        CondPageBreak(60 * mm),
        _p(title, styles["h2"]),
        side_by_side,
        KeepTogether([_p(_("Referrals"), styles["h3"]), referral_table]),
    ]


def _withheld_sentence(report: MonthlyReport) -> str:
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


def _notes(report: MonthlyReport, styles) -> list:
    paragraphs = [
        (
            _("Comparisons."),
            _(
                "Each month's calls are compared with the previous month, with the same month last year (same "
                "season) and with the pre-programme baseline: the mean month over the 12 full months before the "
                "month the sector's programme started. A municipality has a baseline only when all its sectors "
                "share the same one; the whole territory has none. The year to date (January to the report's "
                "month) is compared with the same months last year. A dash means there is nothing to compare "
                "with: no data yet for the reference months, no programme start date, or no calls in the "
                "reference (a % change is then not defined)."
            ),
        ),
        (
            _("Significance."),
            _(
                "Calls vary from month to month even when nothing changes. Each change is tested with an exact "
                "conditional Poisson test for two counts, which allows for the number of months each count "
                "covers. A change marked %(mark)s is significant (p < 0.05): chance alone would rarely produce "
                "it. An unmarked change is within the usual variation and should be read as noise: +200%% on 1 "
                "to 3 calls means nothing. Calls are assumed to be independent events; one incident that "
                "produces many calls makes a change look firmer than it is."
            )
            % {"mark": SIGNIFICANT},
        ),
        (
            _("Small counts."),
            _(
                "Counts drawn from contact data (contacts, 911 avoided, follow-ups, channels, categories, "
                "referrals) from 1 to %(below)s are shown as “< %(threshold)s” so that nobody can be "
                "singled out. Zero is shown. Totals are the sums of the true counts, so a total may be shown "
                "while its parts are hidden."
            )
            % {"below": report.threshold - 1, "threshold": report.threshold}
            + _withheld_sentence(report),
        ),
        (
            _("Sources."),
            _(
                "911 calls: the stored monthly call counts per sector and urgency class, in the service's time "
                "zone (a call counts in the month it was received). Contacts, referrals, outreach activities and "
                "campaigns: the records entered by the community officers (referrals made in the month, and "
                "referrals completed in the month whenever made). Coverage: assignments and absences, day by "
                "day. The scope's total includes calls placed in no sector, sectors since deactivated and "
                "activities aimed at the whole service: it can exceed the sum of the sector rows."
            ),
        ),
    ]
    story = [CondPageBreak(50 * mm), _p(_("Notes"), styles["h2"])]
    for head, text in paragraphs:
        story.append(Paragraph(f"<b>{escape(_clean(head))}</b> {escape(_clean(text))}", styles["note"]))
    return story


# --- pages ---------------------------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """Draws "Page X of Y" and the report's title on every page, once the number of pages is known."""

    def __init__(self, *args, footer: str = "", page_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer, self._page_text, self._pages = footer, page_text, []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        count = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.saveState()
            self.setFont(FONT, 7)
            self.setFillColor(GREY)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.4)
            self.line(MARGIN, 11 * mm, PAGE_W - MARGIN, 11 * mm)
            self.drawString(MARGIN, 7.5 * mm, self._footer)
            self.drawRightString(PAGE_W - MARGIN, 7.5 * mm, self._page_text(self._pageNumber, count))
            self.restoreState()
            super().showPage()
        super().save()


def report_pdf(report: MonthlyReport, *, language: str, generated_on: date | None = None) -> bytes:
    """The report as a PDF briefing (bytes) in `language` ("fr" or "en"). `generated_on`: the date printed
    (default: today in the service's time zone)."""
    register_fonts()
    with translation.override(language):
        generated_on = generated_on or timezone.localdate()
        styles = _styles()
        title = _title(report)
        story = [
            *_header(report, styles, generated_on),
            *_key_calls(report, styles),
            *_key_activity(report, _area_values(report, report.total), styles),
            *_map(report, styles),
            *_trend(report, styles),
            *_sector_table(report, styles),
            *_details(report, styles),
            *_notes(report, styles),
        ]
        out = BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=16 * mm,
            title=title,
            author=settings.SERVICE_NAME,
            subject=_clean(
                _("911 calls, contacts, referrals, outreach and coverage for %(month)s")
                % {"month": month_name(report.month)}
            ),
            creator=settings.SERVICE_NAME,
            lang=language,
            invariant=1,
        )
        doc.build(story, canvasmaker=partial(_NumberedCanvas, footer=title, page_text=_page_text))
    return out.getvalue()


def _page_text(number: int, count: int) -> str:
    return _clean(_("Page %(number)s of %(count)s") % {"number": number, "count": count})

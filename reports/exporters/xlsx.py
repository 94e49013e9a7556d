"""The monthly report as a formatted XLSX workbook, for analysts to send on to management.

Sheets, in this order:

* Summary: title, when the file was made, the notes on small counts and significance; the scope's 911 calls
  with their comparisons (previous month, same month last year, baseline monthly mean, year to date) and its
  other key figures; then one row per sector (and the scope's total), frozen header and autofilter;
* Trend: the scope's calls over the 13 months up to the report's month, and a line chart of them;
* one sheet per sector of the scope, named after its code: its figures as the CSV gives them
  (`csv.area_rows`, grouped by section), its own 13-month table and chart.

Numbers are written as numbers (a fall is a negative percentage, not text); percentages are real percentages
("0.0%" format), rounded to 0.1 % as in the CSV. Counts drawn from contact data come through
`MonthlyReport.shown`: "< 5" is a text cell and the true count is written nowhere (no hidden cell, comment
or chart data: the charts show calls only). Text from people (sector names, codes) is written with
`write_string` and the workbook never turns text into formulas or links, so `=HYPERLINK(…)` stays text.
"""

from __future__ import annotations

import io
import re

import xlsxwriter
from django.conf import settings
from django.utils import dateformat, formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from officers.selectors import CoverageStatus

from ..selectors import CALL_CLASSES, WITHHELD_MARK, AreaFigures, CallFigures, MonthlyReport
from .csv import METRICS, area_rows

RISE, FALL = "▲", "▼"
MARK_HEADER = f"{RISE}{FALL}"

SECTIONS = {
    "calls": gettext_lazy("911 calls"),
    "contacts": gettext_lazy("Contacts"),
    "referrals": gettext_lazy("Referrals"),
    "outreach": gettext_lazy("Outreach"),
    "coverage": gettext_lazy("Coverage"),
}
CLASS_NAMES = {
    "total": gettext_lazy("All calls"),
    "urgent": gettext_lazy("Urgent"),
    "non_urgent": gettext_lazy("Non-urgent"),
}

# Excel refuses these in a sheet name, and a name longer than 31 characters; "History" is its own.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31

INT = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = "+0.0%;-0.0%;0.0%"

# Summary sheet's columns.
CODE_COL, NAME_COL, FIRST_FIGURE_COL = 0, 1, 2


class _Formats:
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


class _Sheet:
    """A worksheet with the workbook's formats and one way of writing a cell."""

    def __init__(self, sheet, fmt: _Formats):
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


# --- small helpers -----------------------------------------------------------------------------------------


def _mark(comparison) -> str:
    """▲ / ▼ for a significant rise / fall (exact Poisson test, calls.statistics); nothing otherwise."""
    if comparison is None or comparison.significance != "significant":
        return ""
    if comparison.absolute_change > 0:
        return RISE
    return FALL if comparison.absolute_change < 0 else ""


def _percent(comparison):
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


def _month_label(month) -> str:
    return dateformat.format(month, "N Y")


# --- the workbook ------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, report: MonthlyReport, book: xlsxwriter.Workbook, language: str):
        self.report = report
        self.book = book
        self.language = language
        self.fmt = _Formats(book)
        territory = report.scope.kind == "territory"
        self.scope_name = _("Whole territory") if territory else report.scope_name
        self.month_name = formats.date_format(report.month, "YEAR_MONTH_FORMAT")
        self.generated = formats.date_format(timezone.localtime(timezone.now()), "DATETIME_FORMAT")
        self.small_note = " ".join(
            (
                _("Counts from contact data below %(n)s are shown as “< %(n)s”.") % {"n": report.threshold},
                _("“%(mark)s”: a count withheld so that a hidden one cannot be worked out by subtraction.")
                % {"mark": WITHHELD_MARK},
            )
        )
        self.mark_note = _(
            "%(rise)s / %(fall)s: significant rise / fall (exact Poisson test, p < 0.05); no mark: a change "
            "that chance alone could produce. Baseline: mean monthly calls in the 12 months before the "
            "programme started."
        ) % {"rise": RISE, "fall": FALL}

    def write(self) -> None:
        used = {"history"}
        summary_name = safe_sheet_name(_("Summary"), used, fallback="Summary")
        trend_name = safe_sheet_name(_("Trend"), used, fallback="Trend")
        summary = _Sheet(self.book.add_worksheet(summary_name), self.fmt)
        trend = _Sheet(self.book.add_worksheet(trend_name), self.fmt)
        self._summary(summary)
        self._trend_sheet(trend, trend_name)
        for area in self.report.sectors:
            name = safe_sheet_name(area.code, used)
            self._sector_sheet(_Sheet(self.book.add_worksheet(name), self.fmt), name, area)
        summary.ws.activate()
        self._properties()

    def _properties(self) -> None:
        title = " — ".join([settings.SERVICE_NAME, _("Monthly report"), self.scope_name, self.month_name])
        self.book.set_properties(
            {
                "title": title,
                "subject": _("Monthly report: %(scope)s, %(month)s")
                % {
                    "scope": self.scope_name,
                    "month": self.month_name,
                },
                "author": settings.SERVICE_NAME,
                "company": settings.SERVICE_NAME,
                "category": _("Monthly report"),
                "keywords": _("911 calls, contacts, referrals, outreach, coverage"),
                "comments": f"{self.small_note} {self.mark_note}",
            }
        )
        self.book.set_custom_property("Language", self.language)
        self.book.set_custom_property("Month", self.report.month.strftime("%Y-%m"))

    def _title(self, sheet: _Sheet, title: str, subtitle: str = "") -> int:
        """Title, subtitle and notes at the top of a sheet; the next free row."""
        sheet.text(0, 0, title, self.fmt.title)
        subtitle = subtitle or " — ".join([settings.SERVICE_NAME, _("Monthly report"), self.month_name])
        sheet.text(1, 0, subtitle, self.fmt.subtitle)
        sheet.text(2, 0, _("Generated: %(when)s") % {"when": self.generated}, self.fmt.note)
        sheet.text(3, 0, self.small_note, self.fmt.note)
        sheet.text(4, 0, self.mark_note, self.fmt.note)
        return 6

    @staticmethod
    def _page(sheet: _Sheet, header_row: int) -> None:
        ws = sheet.ws
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row)

    # --- summary -------------------------------------------------------------------------------------------

    def _summary(self, sheet: _Sheet) -> None:
        report, fmt, ws = self.report, self.fmt, sheet.ws
        title = " — ".join([_("Monthly report"), self.scope_name, self.month_name])
        row = self._title(sheet, title, settings.SERVICE_NAME)

        # The scope's calls: one row per class, with every comparison and the year to date.
        sheet.text(row, 0, _("911 calls — %(scope)s") % {"scope": self.scope_name}, fmt.heading)
        row += 1
        sheet.headers(
            row,
            FIRST_FIGURE_COL,
            [
                _("This month"),
                _("Previous month"),
                _("% change"),
                MARK_HEADER,
                _("Same month last year"),
                _("% change"),
                MARK_HEADER,
                _("Baseline (monthly mean)"),
                _("% change"),
                MARK_HEADER,
                _("Year to date"),
                _("Last year to date"),
                _("% change"),
                MARK_HEADER,
            ],
        )
        sheet.headers(row, 0, [_("Calls"), ""])
        ws.set_row(row, 40)
        for cls in CALL_CLASSES:
            row += 1
            figure = report.total.calls[cls]
            sheet.text(row, 0, CLASS_NAMES[cls], fmt.cells[("text", False)])
            col = FIRST_FIGURE_COL
            sheet.put(row, col, figure.count, "int")
            for delta, reference_kind in (
                (figure.previous_month, "int"),
                (figure.same_month_last_year, "int"),
                (figure.baseline, "decimal"),
            ):
                reference = None
                if delta is not None:
                    reference = delta.reference_count if reference_kind == "int" else delta.reference_mean
                    reference = round(reference, 1)
                sheet.put(row, col + 1, reference, reference_kind)
                sheet.put(row, col + 2, _percent(delta), "percent")
                sheet.put(row, col + 3, _mark(delta), "mark")
                col += 3
            comparison = figure.year_to_date_comparison
            sheet.put(row, col + 1, figure.year_to_date, "int")
            sheet.put(row, col + 2, figure.last_year_to_date, "int")
            sheet.put(row, col + 3, _percent(comparison), "percent")
            sheet.put(row, col + 4, _mark(comparison), "mark")

        # The scope's other figures, in one row.
        row += 2
        sheet.text(
            row,
            0,
            _("Contacts, referrals, outreach and coverage — %(scope)s") % {"scope": self.scope_name},
            fmt.heading,
        )
        row += 1
        columns = self._other_columns()
        sheet.headers(row, FIRST_FIGURE_COL, [label for label, _kind, _get in columns])
        ws.set_row(row, 40)
        row += 1
        for offset, (_label, kind, get) in enumerate(columns):
            sheet.put(row, FIRST_FIGURE_COL + offset, get(report.total), kind)

        # One row per sector, then the scope's total.
        row += 2
        sheet.text(row, 0, _("By sector"), fmt.heading)
        row += 1
        columns = self._sector_columns()
        group_row, header_row = row, row + 1
        col = 0
        for group, members in columns:
            if group and len(members) > 1:
                ws.merge_range(group_row, col, group_row, col + len(members) - 1, str(group), fmt.group)
            elif group:
                ws.write_string(group_row, col, str(group), fmt.group)
            else:
                ws.write_blank(group_row, col, None, fmt.group)
            sheet.headers(header_row, col, [label for label, _kind, _get in members])
            col += len(members)
        last_col = col - 1
        ws.set_row(header_row, 54)
        row = header_row
        areas = list(report.sectors)
        if report.scope.kind != "sector":
            areas.append(report.total)
        for area in areas:
            row += 1
            bold = area.kind == "total"
            col = 0
            for _group, members in columns:
                for _label, kind, get in members:
                    sheet.put(row, col, get(area), kind, bold=bold)
                    col += 1
        ws.autofilter(header_row, 0, row - (1 if report.scope.kind != "sector" else 0), last_col)
        ws.freeze_panes(header_row + 1, FIRST_FIGURE_COL)
        row += 2
        if report.scope.kind == "territory":
            sheet.text(
                row,
                0,
                _(
                    "The territory's total counts every call (unplaced ones and those of sectors since "
                    "deactivated) and every activity, including those aimed at no sector: it can exceed the sum "
                    "of the sector rows."
                ),
                fmt.note,
            )
        elif report.scope.kind == "municipality":
            sheet.text(row, 0, _("The municipality's total is the sum of its active sectors."), fmt.note)

        ws.set_column(CODE_COL, CODE_COL, 12)
        ws.set_column(NAME_COL, NAME_COL, 28)
        ws.set_column(FIRST_FIGURE_COL, last_col, 11)
        self._page(sheet, header_row)

    def _other_columns(self):
        """(header, cell kind, value of an area) of the figures that are not calls."""
        shown = self.report.shown
        columns = [
            (_("Contacts"), "int", lambda a: shown(a.contacts)),
            (_("Would otherwise have called 911"), "int", lambda a: shown(a.contacts_avoided_911)),
            (_("Follow-ups open"), "int", lambda a: shown(a.follow_ups_open)),
            (_("Referrals made"), "int", lambda a: shown(a.referrals_made)),
            (_("Referrals completed"), "int", lambda a: shown(a.referrals_completed)),
            (_("Activities"), "int", lambda a: a.activities),
            (_("Attendance"), "int", lambda a: a.attendance),
            (_("Campaigns active"), "int", lambda a: a.campaigns_active),
        ]
        for status, label in CoverageStatus.choices:
            columns.append(
                (
                    _("Days: %(status)s") % {"status": label},
                    "int",
                    lambda a, status=status: a.coverage_days.get(status, 0),
                )
            )
        return columns

    def _sector_columns(self):
        """[(group header, [(header, cell kind, value of an area)])] of the summary's table of sectors."""

        def calls(cls):
            return lambda a: a.calls[cls].count

        def comparison(cls, attribute):
            return lambda a: _percent(getattr(a.calls[cls], attribute))

        def mark(cls, attribute):
            return lambda a: _mark(getattr(a.calls[cls], attribute))

        def with_comparisons(cls):
            members = [(_("Calls"), "int", calls(cls))]
            for attribute, header in (
                ("previous_month", _("% vs previous month")),
                ("same_month_last_year", _("% vs same month last year")),
                ("baseline", _("% vs baseline")),
            ):
                members.append((header, "percent", comparison(cls, attribute)))
                members.append((MARK_HEADER, "mark", mark(cls, attribute)))
            return members

        def code(area):
            return _("Total") if area.kind == "total" else area.code

        def name(area):
            return self.scope_name if area.kind == "total" else area.name

        others = self._other_columns()
        return [
            ("", [(_("Sector"), "text", code), (_("Name"), "text", name)]),
            (_("911 calls — all"), with_comparisons("total")),
            (_("911 calls — urgent"), [(_("Calls"), "int", calls("urgent"))]),
            (_("911 calls — non-urgent"), with_comparisons("non_urgent")),
            (_("Contacts"), others[:3]),
            (_("Referrals"), others[3:5]),
            (_("Outreach"), others[5:8]),
            (_("Coverage (days)"), [(label, kind, get) for label, kind, get in self._coverage_columns()]),
        ]

    @staticmethod
    def _coverage_columns():
        return [
            (label, "int", lambda a, status=status: a.coverage_days.get(status, 0))
            for status, label in CoverageStatus.choices
        ]

    # --- trend -------------------------------------------------------------------------------------------

    def _trend_table(self, sheet: _Sheet, area: AreaFigures, row: int, col: int) -> tuple[int, int]:
        """The area's 13 months (month, urgent, non-urgent, other, total) from (row, col): header row, last row."""
        sheet.headers(row, col, [_("Month"), _("Urgent"), _("Non-urgent"), _("Other"), _("Total")])
        first = row
        for point in area.trend:
            row += 1
            sheet.text(row, col, _month_label(point.month), self.fmt.cells[("text", False)])
            for offset, value in enumerate((point.urgent, point.non_urgent, point.other, point.total), 1):
                sheet.put(row, col + offset, value, "int")
        return first, row

    def _chart(self, name: str, area_label: str, header: int, last: int, col: int, *, small: bool):
        chart = self.book.add_chart({"type": "line"})
        for offset, colour in ((4, "#404040"), (2, "#2E75B6"), (1, "#C00000"), (3, "#A5A5A5")):
            chart.add_series(
                {
                    "name": [name, header, col + offset],
                    "categories": [name, header + 1, col, last, col],
                    "values": [name, header + 1, col + offset, last, col + offset],
                    "line": {"color": colour, "width": 2.25 if offset == 4 else 1.5},
                    "marker": {
                        "type": "circle",
                        "size": 4,
                        "fill": {"color": colour},
                        "border": {"none": True},
                    },
                }
            )
        chart.set_title(
            {
                "name": _("911 calls per month — %(area)s") % {"area": area_label},
                "name_font": {"size": 11 if small else 13, "bold": True},
            }
        )
        chart.set_x_axis({"name": _("Month"), "num_font": {"rotation": -45}})
        chart.set_y_axis({"name": _("Calls"), "min": 0, "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 560, "height": 300} if small else {"width": 760, "height": 420})
        return chart

    def _trend_sheet(self, sheet: _Sheet, name: str) -> None:
        row = self._title(sheet, _("911 calls per month — %(scope)s") % {"scope": self.scope_name})
        header, last = self._trend_table(sheet, self.report.total, row, 0)
        chart = self._chart(name, self.scope_name, header, last, 0, small=False)
        sheet.ws.insert_chart(header, 6, chart)
        sheet.ws.set_column(0, 0, 14)
        sheet.ws.set_column(1, 4, 11)
        sheet.ws.freeze_panes(header + 1, 0)
        self._page(sheet, header)

    # --- a sector ------------------------------------------------------------------------------------------

    def _sector_sheet(self, sheet: _Sheet, name: str, area: AreaFigures) -> None:
        fmt, ws = self.fmt, sheet.ws
        row = self._title(sheet, f"{area.code} — {area.name}")
        header = row
        sheet.headers(
            row,
            0,
            [
                _("Figure"),
                _("This month"),
                _("Previous month"),
                _("% change"),
                MARK_HEADER,
                _("Same month last year (or to date)"),
                _("% change"),
                MARK_HEADER,
                _("Baseline (monthly mean)"),
                _("% change"),
                MARK_HEADER,
            ],
        )
        ws.set_row(row, 40)
        section = None
        for part, metric, dimension, label, value, cells in area_rows(self.report, area):
            if part != section:
                section = part
                row += 1
                sheet.text(row, 0, capfirst(SECTIONS.get(part, part)), fmt.section)
                for col in range(1, 11):
                    ws.write_blank(row, col, None, fmt.section_fill)
            row += 1
            text = capfirst(str(METRICS.get(metric, metric)))
            if label:
                text = f"{text} — {label}"
            breakdown = bool(dimension) and part != "calls" and part != "coverage"
            sheet.put(row, 0, text, "indent" if breakdown else "text")
            sheet.put(row, 1, value, "int")
            marks = self._row_marks(area, metric, dimension)
            for group, kind in enumerate(("int", "int", "decimal")):
                reference, percent, _significance = cells[3 * group : 3 * group + 3]
                sheet.put(row, 2 + 3 * group, reference, kind)
                sheet.put(row, 3 + 3 * group, percent, "percent")
                sheet.put(row, 4 + 3 * group, marks[group], "mark")
        ws.set_column(0, 0, 52)
        ws.set_column(1, 10, 10)
        ws.set_column(4, 4, 5)
        ws.set_column(7, 7, 5)
        ws.set_column(10, 10, 5)
        ws.freeze_panes(header + 1, 1)
        self._page(sheet, header)

        # The sector's 13 months, beside its figures, with a small chart below them.
        trend_col = 12
        first, last = self._trend_table(sheet, area, header, trend_col)
        ws.set_column(trend_col, trend_col, 12)
        ws.set_column(trend_col + 1, trend_col + 4, 10)
        chart = self._chart(name, area.code, first, last, trend_col, small=True)
        ws.insert_chart(last + 2, trend_col, chart)

    @staticmethod
    def _row_marks(area: AreaFigures, metric: str, dimension: str) -> list[str]:
        """The marks of an area_rows row: only calls have comparisons (CSV columns' order)."""
        if metric not in ("calls", "calls_year_to_date") or dimension not in area.calls:
            return ["", "", ""]
        figure: CallFigures = area.calls[dimension]
        if metric == "calls":
            return [_mark(figure.previous_month), _mark(figure.same_month_last_year), _mark(figure.baseline)]
        return ["", _mark(figure.year_to_date_comparison), ""]


def report_xlsx(report: MonthlyReport, *, language: str) -> bytes:
    """The report as the bytes of an XLSX workbook, every text in `language` ("fr" or "en")."""
    buffer = io.BytesIO()
    with translation.override(language):
        book = xlsxwriter.Workbook(
            buffer,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        _Writer(report, book, language).write()
        book.close()
    return buffer.getvalue()

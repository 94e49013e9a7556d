"""A sector's sheet, named after its code: its figures as the CSV gives them (`csv.area_rows`, grouped by
section) with their comparisons, and its own 13-month table and chart."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...selectors import AreaFigures, CallFigures
from ..csv import METRICS, area_rows
from .cells import MARK_HEADER, Sheet, change_mark
from .trend import trend_chart, trend_table
from .workbook import ReportWorkbook

SECTIONS = {
    "calls": gettext_lazy("911 calls"),
    "contacts": gettext_lazy("Contacts"),
    "referrals": gettext_lazy("Referrals"),
    "outreach": gettext_lazy("Outreach"),
    "coverage": gettext_lazy("Coverage"),
}


def sector_sheet(wb: ReportWorkbook, sheet: Sheet, name: str, area: AreaFigures) -> None:
    fmt, ws = wb.fmt, sheet.ws
    row = wb.title(sheet, f"{area.code} — {area.name}")
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
    for part, metric, dimension, label, value, cells in area_rows(wb.report, area):
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
        marks = _row_marks(area, metric, dimension)
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
    wb.page(sheet, header)

    # The sector's 13 months, beside its figures, with a small chart below them.
    trend_col = 12
    first, last = trend_table(wb, sheet, area, header, trend_col)
    ws.set_column(trend_col, trend_col, 12)
    ws.set_column(trend_col + 1, trend_col + 4, 10)
    chart = trend_chart(wb, name, area.code, first, last, trend_col, small=True)
    ws.insert_chart(last + 2, trend_col, chart)


def _row_marks(area: AreaFigures, metric: str, dimension: str) -> list[str]:
    """The marks of an area_rows row: only calls have comparisons (CSV columns' order)."""
    if metric not in ("calls", "calls_year_to_date") or dimension not in area.calls:
        return ["", "", ""]
    figure: CallFigures = area.calls[dimension]
    if metric == "calls":
        return [
            change_mark(figure.previous_month),
            change_mark(figure.same_month_last_year),
            change_mark(figure.baseline),
        ]
    return ["", change_mark(figure.year_to_date_comparison), ""]

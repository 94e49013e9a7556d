"""The scope's (or a sector's) calls over the 13 months up to the report's month: a table and its line chart.
The Trend sheet holds the scope's; each sector's sheet holds its own beside its figures."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ...selectors import AreaFigures
from .cells import Sheet, month_label
from .workbook import ReportWorkbook


def trend_table(wb: ReportWorkbook, sheet: Sheet, area: AreaFigures, row: int, col: int) -> tuple[int, int]:
    """The area's 13 months (month, urgent, non-urgent, other, total) from (row, col): header row, last row."""
    sheet.headers(row, col, [_("Month"), _("Urgent"), _("Non-urgent"), _("Other"), _("Total")])
    first = row
    for point in area.trend:
        row += 1
        sheet.text(row, col, month_label(point.month), wb.fmt.cells[("text", False)])
        for offset, value in enumerate((point.urgent, point.non_urgent, point.other, point.total), 1):
            sheet.put(row, col + offset, value, "int")
    return first, row


def trend_chart(
    wb: ReportWorkbook, name: str, area_label: str, header: int, last: int, col: int, *, small: bool
):
    chart = wb.book.add_chart({"type": "line"})
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


def trend_sheet(wb: ReportWorkbook, sheet: Sheet, name: str) -> None:
    row = wb.title(sheet, _("911 calls per month — %(scope)s") % {"scope": wb.scope_name})
    header, last = trend_table(wb, sheet, wb.report.total, row, 0)
    chart = trend_chart(wb, name, wb.scope_name, header, last, 0, small=False)
    sheet.ws.insert_chart(header, 6, chart)
    sheet.ws.set_column(0, 0, 14)
    sheet.ws.set_column(1, 4, 11)
    sheet.ws.freeze_panes(header + 1, 0)
    wb.page(sheet, header)

"""The briefing's 13-month trend: stacked bars of urgent, non-urgent and other calls (reportlab.graphics).

Language-free: the caller gives the month labels, the series' names and the axis title.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from calls.selectors import MonthPoint

# Urgent, non-urgent, other: distinct in colour and in lightness (readable printed in grey).
SERIES_COLOURS = [colors.HexColor(c) for c in ("#b2182b", "#4393c3", "#bababa")]


def trend_chart(
    points: list[MonthPoint],
    *,
    month_labels: list[str],
    series_names: list[str],
    axis_title: str,
    number: Callable[[float], str],
    width: float,
    height: float,
    font: str,
) -> Drawing:
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    legend_height = 16
    chart.x, chart.y = 44, 26
    chart.width, chart.height = width - chart.x - 6, height - chart.y - legend_height - 4
    chart.data = [
        [point.urgent for point in points],
        [point.non_urgent for point in points],
        [point.other for point in points],
    ]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = month_labels
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -2
    chart.valueAxis.valueMin = 0
    # A month no import observed has no bar (reportlab leaves None out), and the table says "no data".
    if max((point.total or 0 for point in points), default=0) == 0:
        chart.valueAxis.valueMax = 1
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.labelTextFormat = number
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e0e0e0")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.barSpacing = 0
    chart.groupSpacing = 6
    chart.bars.strokeColor = None
    for index, colour in enumerate(SERIES_COLOURS):
        chart.bars[index].fillColor = colour
    drawing.add(chart)

    title = String(0, 0, axis_title, fontName=font, fontSize=7, textAnchor="middle")
    drawing.add(Group(title, transform=(0, 1, -1, 0, 9, chart.y + chart.height / 2)))
    # Legend, above the plot.
    x, y = chart.x, height - 10
    for colour, name in zip(SERIES_COLOURS, series_names, strict=True):
        drawing.add(Rect(x, y - 1, 8, 8, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 11, y, name, fontName=font, fontSize=7))
        x += 11 + stringWidth(name, font, 7) + 14
    return drawing

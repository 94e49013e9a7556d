"""The briefing's 911 calls in space and over time: the map of the sectors coloured by the change in
non-urgent calls against the same month last year, and the 13-month trend as a chart and as a table.

The drawings (map_drawing, chart_drawing) know no language: every word is given to them from here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from ...selectors import MonthlyReport
from .chart_drawing import SERIES_COLOURS, trend_chart
from .layout import WIDTH, grid_style, para
from .map_drawing import CLASS_BREAKS, MapArea, sector_map
from .text import BOLD, FONT, clean, month_label, month_name, number_text, percent_text, scope_name


def map_section(report: MonthlyReport, styles) -> list:
    areas = []
    for area in report.sectors:
        delta = area.calls["non_urgent"].same_month_last_year
        change = None if delta is None else delta.percent_change
        areas.append(
            MapArea(clean(area.code), area.geometry, change, noise=change is not None and delta.is_noise)
        )
    if not any(area.geometry for area in areas):
        return []
    a, b, c, d = (percent_text(bound, 0) for bound in CLASS_BREAKS)
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
        legend_title=[clean(_("Non-urgent calls:")), clean(_("change vs same month last year"))],
        class_labels=[clean(label) for label in labels],
        noise_label=clean(_("Not significant (noise)")),
        none_label=clean(_("No comparison possible")),
    )
    title = _("Non-urgent calls by sector: change since %(month)s") % {
        "month": month_name(report.month.replace(year=report.month.year - 1))
    }
    note = para(
        _(
            "Colours show significant changes only; a hatched sector changed within the usual variation; a "
            "grey one has no data for last year or had no non-urgent calls then."
        ),
        styles["small"],
    )
    return [KeepTogether([para(title, styles["h2"]), drawing, note])]


def trend_section(report: MonthlyReport, styles) -> list:
    points = report.total.trend
    if not points:
        return []
    names = [_("Urgent"), _("Non-urgent"), _("Other")]
    drawing = trend_chart(
        points,
        month_labels=[clean(month_label(point.month)) for point in points],
        series_names=[clean(name) for name in names],
        axis_title=clean(_("Calls per month")),
        number=lambda value: number_text(int(value)) if float(value).is_integer() else number_text(value, 1),
        width=WIDTH,
        height=62 * mm,
        font=FONT,
    )
    rows = [[para(_("Month"), styles["head"])] + [clean(month_label(point.month)) for point in points]]
    for name, attribute in zip(names, ("urgent", "non_urgent", "other"), strict=True):
        rows.append([clean(name)] + [number_text(getattr(point, attribute)) for point in points])
    rows.append([clean(_("Total"))] + [number_text(point.total) for point in points])
    first = 20 * mm
    style = [
        *grid_style(1, total_row=True, font_size=6.5),
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("ALIGN", (1, 0), (-1, 0), "RIGHT"),
    ]
    for row, colour in enumerate(SERIES_COLOURS, start=1):
        style.append(("LINEBEFORE", (0, row), (0, row), 3, colour))
    table = Table(rows, colWidths=[first] + [(WIDTH - first) / len(points)] * len(points), style=style)
    title = _("911 calls over 13 months — %(scope)s") % {"scope": scope_name(report)}
    return [KeepTogether([para(title, styles["h2"]), drawing, Spacer(1, 3), table])]

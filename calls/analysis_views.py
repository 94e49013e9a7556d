"""The analysts' view of 911 call deltas (staff only): a sortable table of sectors, a choropleth of the change,
a page per sector with its 24 months, and the same figures as CSV.

Every figure comes from calls.selectors (which read the monthly counts only); this module picks the filters,
orders the rows and formats numbers for the reader's language. The CSV carries the same rows in the same
order, unformatted.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import dateformat, formats
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from beats.models import Sector
from config.spreadsheets import neutralise_cell

from .counts import add_months
from .forms import COMPARISONS, DEFAULT_BASELINE_MONTHS, CallAnalysisForm
from .selectors import (
    Delta,
    MonthPoint,
    SectorDelta,
    call_counts_state,
    default_analysis_month,
    sector_deltas,
    sector_monthly_series,
)

SERIES_MONTHS = 24
PERMISSION = "calls.view_monthlycallcount"

# (key in the sort parameter, SectorDelta attribute, heading)
COMPARISON_COLUMNS = (
    ("prev", "previous_month", gettext_lazy("Previous month")),
    ("year", "same_month_last_year", gettext_lazy("Same month last year")),
    ("base", "baseline", gettext_lazy("Pre-programme baseline")),
)
COMPARISON_KEYS = {attribute: key for key, attribute, _heading in COMPARISON_COLUMNS}
DEFAULT_SORT = "code"


def _delta_value(attribute: str, field: str):
    def value(row: SectorDelta):
        delta = getattr(row, attribute)
        return None if delta is None else getattr(delta, field)

    return value


SORT_KEYS = {
    "code": lambda row: row.code,
    "name": lambda row: row.name.casefold(),
    "count": lambda row: row.count,
    "rate": lambda row: row.rate_per_thousand,
}
for _key, _attribute, _heading in COMPARISON_COLUMNS:
    SORT_KEYS[f"{_key}_ref"] = _delta_value(_attribute, "reference_mean")
    SORT_KEYS[f"{_key}_change"] = _delta_value(_attribute, "absolute_change")
    SORT_KEYS[f"{_key}_pct"] = _delta_value(_attribute, "percent_change")
    SORT_KEYS[f"{_key}_p"] = _delta_value(_attribute, "p_value")


def parse_sort(value: str | None) -> tuple[str, bool]:
    """The sort parameter ("count", "-year_pct") as (column, descending); an unknown one is the default."""
    value = (value or "").strip()
    descending = value.startswith("-")
    column = value.lstrip("-")
    if column not in SORT_KEYS:
        return DEFAULT_SORT, False
    return column, descending


def sort_rows(rows: list[SectorDelta], column: str, descending: bool) -> list[SectorDelta]:
    """Sectors by `column` (rows without a value last, in either direction; ties by code), then the unplaced
    calls and the whole territory, which stay at the bottom."""
    sectors = sorted((row for row in rows if row.kind == "sector"), key=lambda row: row.code)
    key = SORT_KEYS[column]
    with_value = [row for row in sectors if key(row) is not None]
    without = [row for row in sectors if key(row) is None]
    with_value.sort(key=key, reverse=descending)
    others = [row for row in rows if row.kind == "unplaced"] + [row for row in rows if row.kind == "total"]
    return with_value + without + others


@dataclass(frozen=True)
class Filters:
    month: date
    urgency: str
    category: object  # a CallCategory or None
    baseline_months: int
    map: str
    sort: str
    descending: bool

    def query(self, **changes) -> str:
        """The query string of these filters (with `changes`), for links that keep what is on screen."""
        values = {
            "month": self.month.strftime("%Y-%m"),
            "urgency": self.urgency,
            "category": self.category.pk if self.category else "",
            "baseline_months": self.baseline_months,
            "map": self.map,
            "sort": ("-" if self.descending else "") + self.sort,
        }
        values.update(changes)
        return urlencode({name: value for name, value in values.items() if value not in ("", None)})


def read_filters(request) -> tuple[CallAnalysisForm, Filters]:
    """The GET filters. A missing value is its default (shown in the form as if chosen); a bad one is its
    default too, and the form keeps the error to show beside what was typed."""
    data = request.GET.copy()
    defaults = {"baseline_months": str(DEFAULT_BASELINE_MONTHS), "map": COMPARISONS[0][0]}
    for name, value in defaults.items():
        if not data.get(name):
            data[name] = value
    if not data.get("month"):
        data["month"] = f"{default_analysis_month():%Y-%m}"
    form = CallAnalysisForm(data)
    form.is_valid()
    cleaned = form.cleaned_data
    sort, descending = parse_sort(request.GET.get("sort"))
    filters = Filters(
        month=cleaned.get("month") or default_analysis_month(),
        urgency=cleaned.get("urgency") or "",
        category=cleaned.get("category"),
        baseline_months=cleaned.get("baseline_months") or DEFAULT_BASELINE_MONTHS,
        map=cleaned.get("map") or COMPARISONS[0][0],
        sort=sort,
        descending=descending,
    )
    return form, filters


# --- Formatting for the reader's language ------------------------------------------------------------------


def number(value: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """A localised number with thousands separators (12 345,6 in French, 12,345.6 in English)."""
    if value is None:
        return "—"
    if decimals == 0:
        value = round(value)
    text = formats.number_format(value, decimals, force_grouping=True)
    if text.startswith("-"):
        text = "−" + text[1:]  # the minus sign, not a hyphen
    elif signed and value > 0:
        text = "+" + text
    return text


def _trimmed(value: float) -> int:
    """Decimals to show a reference: none for whole numbers (a month's count), one for a baseline's mean."""
    return 0 if float(value).is_integer() else 1


def p_value_text(p_value: float) -> str:
    """The p-value as "p = 0.042", or "p < 0.001" below what three decimals show (localised)."""
    if p_value < 0.001:
        return "p\u00a0<\u00a0" + formats.number_format(0.001, 3)
    return "p\u00a0=\u00a0" + formats.number_format(p_value, 3)


def _mark(delta: Delta) -> str:
    if delta.is_noise:
        return "noise"
    return "up" if delta.absolute_change > 0 else "down"


def comparison_cell(delta: Delta | None) -> dict:
    """What the table shows for one comparison of one row."""
    if delta is None:
        return {"delta": None}
    return {
        "delta": delta,
        "reference": number(delta.reference_mean, _trimmed(delta.reference_mean)),
        "change": number(delta.absolute_change, _trimmed(delta.absolute_change), signed=True),
        "percent": None
        if delta.percent_change is None
        else number(delta.percent_change, 1, signed=True) + "\u00a0%",
        "mark": _mark(delta),
        "p_value": p_value_text(delta.p_value),
    }


def table_row(row: SectorDelta) -> dict:
    return {
        "row": row,
        "url": reverse("staff:call-analysis-sector", kwargs={"code": row.code})
        if row.kind == "sector"
        else None,
        "count": number(row.count),
        "rate": number(row.rate_per_thousand, 2),
        "comparisons": [comparison_cell(getattr(row, attribute)) for _k, attribute, _h in COMPARISON_COLUMNS],
    }


COLUMN_LABELS = {
    "code": gettext_lazy("Code"),
    "name": gettext_lazy("Name"),
    "count": gettext_lazy("Calls"),
    "rate": gettext_lazy("Calls per 1,000 residents"),
    "ref": pgettext_lazy("what calls are compared with", "Reference"),
    "change": pgettext_lazy("difference in calls", "Change"),
    # xgettext:no-python-format (a plain percent sign, never formatted)
    "pct": gettext_lazy("% change"),
    "p": gettext_lazy("Significance"),
}


def header_cells(filters: Filters, base_url: str | None) -> list[dict]:
    """The table's column headers. With `base_url`, each is a link that sorts by its column (ascending first,
    then the other way) and the sorted one carries aria-sort."""
    cells = []
    for column in SORT_KEYS:
        part = column.rsplit("_", 1)[-1] if "_" in column else column
        current = column == filters.sort
        cell = {
            "column": column,
            "label": COLUMN_LABELS[part],
            "numeric": part not in ("code", "name", "p"),
            "group": part == "ref",
            "aria_sort": None,
            "url": None,
        }
        if base_url is not None:
            descending_next = current and not filters.descending
            cell["url"] = f"{base_url}?{filters.query(sort=('-' if descending_next else '') + column)}"
            if current:
                cell["aria_sort"] = "descending" if filters.descending else "ascending"
        cells.append(cell)
    return cells


# Bins of the map's diverging scale, in % change; a significant change falls in the first bin whose upper
# bound it does not exceed. Blues for fewer calls, oranges for more: readable by most colour-blind readers.
MAP_BINS = (
    (-50.0, "down-3", gettext_lazy("−50 % or less")),
    (-20.0, "down-2", gettext_lazy("−50 % to −20 %")),
    (0.0, "down-1", gettext_lazy("−20 % to 0 %")),
    (20.0, "up-1", gettext_lazy("0 % to +20 %")),
    (50.0, "up-2", gettext_lazy("+20 % to +50 %")),
    (math.inf, "up-3", gettext_lazy("+50 % or more")),
)
MAP_SPECIAL = (
    ("noise", gettext_lazy("Change not significant (noise)")),
    # xgettext:no-python-format (a plain percent sign, never formatted)
    ("undefined", gettext_lazy("% change not defined (no calls in the reference)")),
    ("none", gettext_lazy("No comparison (no data for the reference months)")),
)


def map_class(delta: Delta | None) -> str:
    if delta is None:
        return "none"
    if delta.percent_change is None:
        return "undefined"
    if delta.is_noise:
        return "noise"
    return next(name for bound, name, _label in MAP_BINS if delta.percent_change <= bound)


def map_data(rows: list[SectorDelta]) -> dict:
    """Per sector code: its page and, per comparison, its colour class and the words of its tooltip."""
    data = {}
    for row in rows:
        if row.kind != "sector":
            continue
        entry = {
            "url": reverse("staff:call-analysis-sector", kwargs={"code": row.code}),
            "count": number(row.count),
        }
        for attribute, _label in COMPARISONS:
            delta = getattr(row, attribute)
            cell = comparison_cell(delta)
            if delta is None:
                text = _("no comparison")
            elif cell["percent"] is None:
                # xgettext:no-python-format (a plain percent sign, never formatted)
                text = _("% change not defined")
            else:
                text = cell["percent"]
            if delta is not None and delta.is_noise:
                text = _("%(change)s, not significant") % {"change": text}
            entry[attribute] = {"class": map_class(delta), "text": text}
        data[row.code] = entry
    return data


def map_labels() -> dict:
    """The map's heading and accessible name for each comparison, for the script that switches between them."""
    return {
        attribute: {
            "heading": _("Change against the %(comparison)s") % {"comparison": label},
            "aria": _(
                "Map of the active sectors, coloured by their %% change in calls against the %(comparison)s. "
                "The table below gives the same figures."
            )
            % {"comparison": label},
        }
        for attribute, label in COMPARISONS
    }


def state_context() -> dict:
    state = call_counts_state()
    return {"counts_state": state}


@never_cache
@staff_member_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def call_analysis(request):
    """The sectors' call counts for a month against the previous month, last year and the baseline."""
    form, filters = read_filters(request)
    rows = sector_deltas(
        month=filters.month,
        urgency=filters.urgency or None,
        category=filters.category,
        baseline_months=filters.baseline_months,
    )
    ordered = sort_rows(rows, filters.sort, filters.descending)
    base_url = reverse("staff:call-analysis")
    return render(
        request,
        "calls/analysis.html",
        {
            "form": form,
            "filters": filters,
            "rows": [table_row(row) for row in ordered],
            "comparison_columns": COMPARISON_COLUMNS,
            "header_cells": header_cells(filters, base_url),
            "csv_url": f"{reverse('staff:call-analysis-csv')}?{filters.query()}",
            "map_data": map_data(rows),
            "map_bins": MAP_BINS,
            "map_special": MAP_SPECIAL,
            "map_label": dict(COMPARISONS)[filters.map],
            "features_url": reverse("api:sector-features"),
            "map_labels": map_labels(),
            "previous_month": add_months(filters.month, -1),
            "next_month": add_months(filters.month, 1),
            "previous_url": f"{base_url}?{filters.query(month=f'{add_months(filters.month, -1):%Y-%m}')}",
            "next_url": f"{base_url}?{filters.query(month=f'{add_months(filters.month, 1):%Y-%m}')}",
            "base_url": base_url,
            **state_context(),
        },
    )


def csv_response(header: list[str], rows: list[list], filename: str) -> HttpResponse:
    """CSV for a spreadsheet: UTF-8 with a BOM (Excel reads it right). Text cells that a spreadsheet would run as
    a formula are neutralised; numbers are written plainly (a dot for decimals, no grouping), so that −12 stays a
    number: they come from our own arithmetic, never from what someone typed."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for line in [header, *rows]:
        writer.writerow([_cell(cell) for cell in line])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("no booleans in the CSV")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    return neutralise_cell(str(value))


def significance_text(delta: Delta) -> str:
    if delta.is_noise:
        return _("not significant")
    return _("significant")


def kind_text(row: SectorDelta) -> str:
    return {
        "sector": pgettext("row of the calls table", "sector"),
        "unplaced": _("unplaced calls"),
        "total": _("whole territory"),
    }[row.kind]


@never_cache
@staff_member_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def call_analysis_csv(request):
    """The table on screen (same filters, same order) as CSV, numbers unformatted."""
    _form, filters = read_filters(request)
    rows = sort_rows(
        sector_deltas(
            month=filters.month,
            urgency=filters.urgency or None,
            category=filters.category,
            baseline_months=filters.baseline_months,
        ),
        filters.sort,
        filters.descending,
    )
    header = [
        pgettext("CSV column: sector, unplaced calls or whole territory", "Row"),
        _("Code"),
        _("Name"),
        _("Month"),
        _("Calls"),
        _("Calls per 1,000 residents"),
    ]
    for _key, _attribute, heading in COMPARISON_COLUMNS:
        header += [
            _("%(comparison)s: first month") % {"comparison": heading},
            _("%(comparison)s: last month") % {"comparison": heading},
            _("%(comparison)s: reference calls") % {"comparison": heading},
            _("%(comparison)s: reference monthly mean") % {"comparison": heading},
            _("%(comparison)s: change") % {"comparison": heading},
            _("%(comparison)s: %% change") % {"comparison": heading},
            _("%(comparison)s: p-value") % {"comparison": heading},
            _("%(comparison)s: significance") % {"comparison": heading},
        ]
    lines = []
    for row in rows:
        line = [
            kind_text(row),
            row.code,
            row.name,
            row.month.strftime("%Y-%m"),
            row.count,
            row.rate_per_thousand,
        ]
        for _key, attribute, _heading in COMPARISON_COLUMNS:
            delta = getattr(row, attribute)
            if delta is None:
                line += [""] * 8
                continue
            line += [
                delta.reference_first_month.strftime("%Y-%m"),
                delta.reference_last_month.strftime("%Y-%m"),
                delta.reference_count,
                delta.reference_mean,
                delta.absolute_change,
                delta.percent_change,
                delta.p_value,
                significance_text(delta),
            ]
        lines.append(line)
    filename = f"call-trends-{filters.month:%Y-%m}.csv"
    return csv_response(header, lines, filename)


# --- A sector's page and its chart ---------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 760, 320
CHART_MARGIN = {"left": 64, "right": 40, "top": 16, "bottom": 52}
SERIES_STYLE = (
    # (key, label, colour, dash pattern, marker): never colour alone — each line has its own dash and marker.
    ("urgent", gettext_lazy("Urgent"), "#a0001b", "", "circle"),
    ("non_urgent", gettext_lazy("Non-urgent"), "#0b4f8a", "8 4", "square"),
    ("other", gettext_lazy("Other or not mapped yet"), "#4a4a4a", "2 4", "triangle"),
)


def _nice_step(maximum: float, ticks: int = 5) -> int:
    raw = max(maximum, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return max(1, int(factor * magnitude))
    return max(1, int(10 * magnitude))


def month_label(month: date) -> str:
    """A month in full, in the reader's language ("janvier 2025")."""
    return dateformat.format(month, "F Y")


def axis_label(month: date) -> str:
    """A month abridged for the chart's axis ("janv. 2025", "Jan. 2025"): Django's "N", unambiguous in French
    where "M" writes both June and July "jui"."""
    return dateformat.format(month, "N Y")


def chart(points: list[MonthPoint]) -> dict:
    """Coordinates of a line chart of the months' urgent, non-urgent and other calls (drawn as inline SVG)."""
    left, top = CHART_MARGIN["left"], CHART_MARGIN["top"]
    width = CHART_WIDTH - left - CHART_MARGIN["right"]
    height = CHART_HEIGHT - top - CHART_MARGIN["bottom"]
    highest = max((max(p.urgent, p.non_urgent, p.other) for p in points), default=0)
    step = _nice_step(highest)
    top_value = max(step, math.ceil(highest / step) * step)
    count = len(points)

    def x(index: int) -> float:
        return round(left + (index * width / (count - 1) if count > 1 else width / 2), 1)

    def y(value: float) -> float:
        return round(top + height - value / top_value * height, 1)

    series = []
    for key, label, colour, dash, marker in SERIES_STYLE:
        coordinates = [(x(i), y(getattr(point, key))) for i, point in enumerate(points)]
        series.append(
            {
                "key": key,
                "label": label,
                "colour": colour,
                "dash": dash,
                "marker": marker,
                "points": " ".join(f"{cx},{cy}" for cx, cy in coordinates),
                "markers": [
                    {
                        "x": cx,
                        "y": cy,
                        "square_x": round(cx - 3.5, 1),
                        "square_y": round(cy - 3.5, 1),
                        "triangle": f"{cx},{cy - 4.5:.1f} {cx - 4.5:.1f},{cy + 3.5:.1f} {cx + 4.5:.1f},{cy + 3.5:.1f}",
                    }
                    for cx, cy in coordinates
                ],
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": left,
        "right": left + width,
        "top": top,
        "bottom": top + height,
        "y_ticks": [
            {"y": y(value), "label": number(value)} for value in range(0, int(top_value) + 1, int(step))
        ],
        "x_labels": [
            {"x": x(i), "label": axis_label(point.month)}
            for i, point in enumerate(points)
            if i % 3 == (count - 1) % 3
        ],
        "series": series,
    }


def _sector_series(sector: Sector, filters: Filters) -> list[MonthPoint]:
    return sector_monthly_series(sector, SERIES_MONTHS, end=filters.month)


@never_cache
@staff_member_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def call_analysis_sector(request, code: str):
    """One sector: its 24 months of urgent, non-urgent and other calls, and its row of the table."""
    sector = get_object_or_404(Sector.objects.without_geometry(), code=code)
    form, filters = read_filters(request)
    rows = sector_deltas(
        month=filters.month,
        urgency=filters.urgency or None,
        category=filters.category,
        baseline_months=filters.baseline_months,
    )
    row = next((row for row in rows if row.kind == "sector" and row.sector_id == sector.pk), None)
    points = _sector_series(sector, filters)
    return render(
        request,
        "calls/analysis_sector.html",
        {
            "sector": sector,
            "form": form,
            "filters": filters,
            "row": table_row(row) if row else None,
            "header_cells": header_cells(filters, None),
            "comparison_columns": COMPARISON_COLUMNS,
            "points": [
                {
                    "point": point,
                    "label": month_label(point.month),
                    "cells": [
                        number(point.urgent),
                        number(point.non_urgent),
                        number(point.other),
                        number(point.total),
                    ],
                }
                for point in points
            ],
            "first_month": points[0].month,
            "last_month": points[-1].month,
            "chart": chart(points),
            "back_url": f"{reverse('staff:call-analysis')}?{filters.query()}",
            "csv_url": f"{reverse('staff:call-analysis-sector-csv', kwargs={'code': sector.code})}?{filters.query()}",
            **state_context(),
        },
    )


@never_cache
@staff_member_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def call_analysis_sector_csv(request, code: str):
    """The sector's 24 months as CSV."""
    sector = get_object_or_404(Sector.objects.without_geometry(), code=code)
    _form, filters = read_filters(request)
    header = [_("Code"), _("Month"), _("Urgent"), _("Non-urgent"), _("Other or not mapped yet"), _("Total")]
    lines = [
        [sector.code, point.month.strftime("%Y-%m"), point.urgent, point.non_urgent, point.other, point.total]
        for point in _sector_series(sector, filters)
    ]
    return csv_response(header, lines, f"call-trends-{slugify(sector.code)}-{filters.month:%Y-%m}.csv")

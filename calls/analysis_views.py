"""The analysts' view of 911 call deltas (staff only): a sortable table of sectors, a choropleth of the change,
a page per sector with its 24 months, and the same figures as CSV.

Every figure comes from calls.selectors (which read the monthly counts only); calls.presentation orders the
rows and formats them for the reader's language. The CSV carries the same rows in the same order, unformatted.
"""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from beats.models import Sector
from common.months import add_months

from .forms import COMPARISONS
from .presentation.chart import chart
from .presentation.exports import csv_response, series_csv, table_csv
from .presentation.filters import Filters, read_filters
from .presentation.maps import MAP_BINS, MAP_SPECIAL, map_data, map_labels
from .presentation.sorting import COMPARISON_COLUMNS, sort_rows
from .presentation.table import header_cells, series_rows, table_row
from .selectors import MonthPoint, SectorDelta, call_counts_state, sector_deltas, sector_monthly_series

SERIES_MONTHS = 24
PERMISSION = "calls.view_monthlycallcount"


def _deltas(filters: Filters) -> list[SectorDelta]:
    return sector_deltas(
        month=filters.month,
        urgency=filters.urgency or None,
        category=filters.category,
        baseline_months=filters.baseline_months,
    )


def _sector_series(sector: Sector, filters: Filters) -> list[MonthPoint]:
    return sector_monthly_series(sector, SERIES_MONTHS, end=filters.month)


@never_cache
@staff_member_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def call_analysis(request: HttpRequest) -> HttpResponse:
    """The sectors' call counts for a month against the previous month, last year and the baseline."""
    form, filters = read_filters(request.GET)
    rows = _deltas(filters)
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
            "counts_state": call_counts_state(),
        },
    )


@never_cache
@staff_member_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def call_analysis_csv(request: HttpRequest) -> HttpResponse:
    """The table on screen (same filters, same order) as CSV, numbers unformatted."""
    _form, filters = read_filters(request.GET)
    header, lines = table_csv(sort_rows(_deltas(filters), filters.sort, filters.descending))
    return csv_response(header, lines, f"call-trends-{filters.month:%Y-%m}.csv")


@never_cache
@staff_member_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def call_analysis_sector(request: HttpRequest, code: str) -> HttpResponse:
    """One sector: its 24 months of urgent, non-urgent and other calls, and its row of the table."""
    sector = get_object_or_404(Sector.objects.without_geometry(), code=code)
    form, filters = read_filters(request.GET)
    row = next((row for row in _deltas(filters) if row.kind == "sector" and row.sector_id == sector.pk), None)
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
            "points": series_rows(points),
            "first_month": points[0].month,
            "last_month": points[-1].month,
            "chart": chart(points),
            "back_url": f"{reverse('staff:call-analysis')}?{filters.query()}",
            "csv_url": f"{reverse('staff:call-analysis-sector-csv', kwargs={'code': sector.code})}?{filters.query()}",
            "counts_state": call_counts_state(),
        },
    )


@never_cache
@staff_member_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def call_analysis_sector_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The sector's 24 months as CSV."""
    sector = get_object_or_404(Sector.objects.without_geometry(), code=code)
    _form, filters = read_filters(request.GET)
    header, lines = series_csv(sector, _sector_series(sector, filters))
    return csv_response(header, lines, f"call-trends-{slugify(sector.code)}-{filters.month:%Y-%m}.csv")

"""The report's coverage: days of the month in each status, from officers.selectors' day-by-day coverage."""

from __future__ import annotations

from datetime import date, timedelta

from beats.models import Sector
from common.months import month_bounds
from officers.selectors import CoverageStatus, coverage_between

from .figures import Areas, Scope


def coverage_figures(*, month: date, areas: Areas, scope: Scope, sectors: list[Sector]) -> None:
    """Days of the month in each coverage status (officers.selectors' day-by-day coverage)."""
    start, end = month_bounds(month)
    sector_id = sectors[0].pk if scope.kind == "sector" else None
    timeline = coverage_between(start.date(), end.date() - timedelta(days=1), sector_id=sector_id)
    for area in areas.values():
        area.coverage_days = {status: 0 for status in CoverageStatus.values}
    for rows in timeline.values():
        for row in rows:
            area = areas.get(row.sector.pk)
            if area is not None:
                area.coverage_days[row.status] += 1
                areas["total"].coverage_days[row.status] += 1

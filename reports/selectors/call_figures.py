"""The report's 911 calls, read from the stored monthly counts (MonthlyCallCount) and calls.selectors'
deltas, never from the raw calls: each area's month with its comparisons and year to date, and its 13-month
trend."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Sum

from beats.models import Sector
from calls.models import MonthlyCallCount, Urgency
from calls.observed import observed_months
from calls.selectors import Delta, MonthPoint, SectorDelta, sector_deltas
from calls.statistics import CountComparison, compare_counts
from common.months import add_months, month_range

from .figures import CALL_CLASSES, TREND_MONTHS, Areas, CallFigures, Scope


def _sum_deltas(count: int, deltas: list[Delta | None]) -> Delta | None:
    """A municipality's comparison from its sectors' (same reference months for all, or None)."""
    if not deltas or any(delta is None for delta in deltas):
        return None
    windows = {(delta.reference_first_month, delta.reference_last_month) for delta in deltas}
    if len(windows) != 1:
        return None
    first, last = windows.pop()
    months = len(month_range(first, last))
    reference = sum(delta.reference_count for delta in deltas)
    return Delta(
        reference_first_month=first,
        reference_last_month=last,
        reference_count=reference,
        reference_mean=reference / months,
        reference_rate_per_thousand=None,
        comparison=compare_counts(count, reference, reference_exposure=months),
    )


def call_figures(
    *, month: date, sectors: list[Sector], scope: Scope
) -> dict[str, dict[int | str, CallFigures]]:
    """{class: {sector id or "total": CallFigures}}: 3 sector_deltas (3 queries each) and 2 more queries."""
    ids = {sector.pk for sector in sectors}
    this_year = month_range(date(month.year, 1, 1), month)
    last_year = [add_months(m, -12) for m in this_year]
    # Months no import observed are no data: a year to date missing one is withheld, and so is its comparison.
    observed = set(observed_months())
    ytd: defaultdict[tuple[str, int | str | None, bool], int] = defaultdict(
        int
    )  # (class, sector id or "territory", this year?) → calls
    rows = (
        MonthlyCallCount.objects.filter(month__in=this_year + last_year)
        .order_by()
        .values_list("sector_id", "month", "urgency")
        .annotate(n=Sum("count"))
    )
    for sector_id, counted, urgency, n in rows:
        current = counted.year == month.year
        for cls in ("total", urgency):
            ytd[(cls, sector_id, current)] += n
            ytd[(cls, "territory", current)] += n
    has_this_year = observed.issuperset(this_year)
    has_last_year = has_this_year and observed.issuperset(last_year)

    def year_to_date(
        cls: str, keys: Iterable[int | str]
    ) -> tuple[int | None, int | None, CountComparison | None]:
        if not has_this_year:
            return None, None, None
        now = sum(ytd[(cls, key, True)] for key in keys)
        if not has_last_year:
            return now, None, None
        before = sum(ytd[(cls, key, False)] for key in keys)
        return now, before, compare_counts(now, before)

    result: dict[str, dict[int | str, CallFigures]] = {}
    for cls in CALL_CLASSES:
        urgency = None if cls == "total" else getattr(Urgency, cls.upper())
        deltas: list[SectorDelta] = sector_deltas(month=month, urgency=urgency)
        by_id = {row.sector_id: row for row in deltas if row.kind == "sector"}
        figures: dict[int | str, CallFigures] = {}
        for sector in sectors:
            row = by_id.get(sector.pk)
            if row is None:  # a deactivated sector asked for by code: its own counts, no comparisons
                count = (
                    sum(
                        MonthlyCallCount.objects.filter(
                            sector=sector, month=month, **({"urgency": urgency} if urgency else {})
                        ).values_list("count", flat=True)
                    )
                    if month in observed
                    else None
                )
                figures[sector.pk] = CallFigures(count, None, None, None, *year_to_date(cls, [sector.pk]))
                continue
            figures[sector.pk] = CallFigures(
                row.count,
                row.previous_month,
                row.same_month_last_year,
                row.baseline,
                *year_to_date(cls, [sector.pk]),
            )
        if scope.kind == "territory":
            row = next(row for row in deltas if row.kind == "total")
            figures["total"] = CallFigures(
                row.count,
                row.previous_month,
                row.same_month_last_year,
                row.baseline,
                *year_to_date(cls, ["territory"]),
            )
        elif scope.kind == "sector":
            figures["total"] = figures[sectors[0].pk]
        else:
            parts = [by_id[pk] for pk in ids]
            count = None if month not in observed else sum(part.count for part in parts)
            figures["total"] = CallFigures(
                count,
                _sum_deltas(count, [part.previous_month for part in parts]),
                _sum_deltas(count, [part.same_month_last_year for part in parts]),
                _sum_deltas(count, [part.baseline for part in parts]),
                *year_to_date(cls, ids),
            )
        result[cls] = figures
    return result


def call_trends(*, month: date, areas: Areas, scope: Scope, sector_ids: set[int]) -> None:
    """Each area's calls over the TREND_MONTHS months up to `month` (two queries: the observed months and the
    counts); a month no import observed is no data (its counts None), never zero. The territory's total counts
    every call (unplaced ones and deactivated sectors' too), a municipality's the sum of its sectors."""
    calendar = month_range(add_months(month, -(TREND_MONTHS - 1)), month)
    observed = set(observed_months())
    counts = MonthlyCallCount.objects.filter(month__gte=calendar[0], month__lte=month)
    if scope.kind != "territory":
        counts = counts.filter(sector_id__in=sector_ids)
    by_area: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))  # area → month → class
    for sector_id, counted, urgency, n in (
        counts.order_by().values_list("sector_id", "month", "urgency").annotate(n=Sum("count"))
    ):
        key = urgency if urgency in (Urgency.URGENT, Urgency.NON_URGENT) else "other"
        for area in {sector_id, "total"}:
            if area in areas:
                by_area[area][counted][key] += n
    for key, area in areas.items():
        monthly = by_area[key]
        area.trend = [
            MonthPoint(m, monthly[m][Urgency.URGENT], monthly[m][Urgency.NON_URGENT], monthly[m]["other"])
            if m in observed
            else MonthPoint(m, None, None, None)
            for m in calendar
        ]

"""Reads of the analysts' figures. They read MonthlyCallCount and Sector rows only, never the calls: their cost
grows with sectors × months, not with the number of calls (a test pins the queries).

The arithmetic is calls.statistics': these functions only gather the counts it needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beats.models import Sector
from common.months import add_months, month_range, month_start

from .models import CallCategory, CallCountsState, MonthlyCallCount, Urgency
from .observed import observed_months
from .statistics import (
    CountComparison,
    DiDResult,
    compare_counts,
    compare_to_baseline,
    difference_in_differences,
    rate_per_thousand,
)

RowKind = Literal["sector", "unplaced", "total"]


@dataclass(frozen=True, slots=True)
class Delta:
    """The month's count against one reference: a month, or the mean of the baseline months.

    `reference_count` is the reference months' total and `reference_mean` its monthly mean (equal for a single
    month). The change, % change (None when the reference is 0), p-value and significance are `comparison`'s.
    """

    reference_first_month: date
    reference_last_month: date
    reference_count: int
    reference_mean: float
    reference_rate_per_thousand: float | None
    comparison: CountComparison

    @property
    def absolute_change(self) -> float:
        return self.comparison.absolute_change

    @property
    def percent_change(self) -> float | None:
        return self.comparison.percent_change

    @property
    def p_value(self) -> float:
        return self.comparison.p_value

    @property
    def significance(self) -> str:
        return self.comparison.significance

    @property
    def is_noise(self) -> bool:
        return self.comparison.is_noise


@dataclass(frozen=True, slots=True)
class SectorDelta:
    """One row of the analysts' table: a sector, the unplaced calls, or the whole territory.

    `count` is None when the month is not observed (calls.observed: no import covered it; no data is not zero
    calls), and then every comparison too. A comparison is None when one of its reference months is not
    observed, and the baseline also when the sector has no programme start date or fewer than
    `baseline_months` observed months of data before it. Rates are None without a population (unplaced
    calls) or a count.
    """

    kind: RowKind
    sector_id: int | None
    code: str
    name: str
    population: int | None
    programme_started_on: date | None
    month: date
    count: int | None
    rate_per_thousand: float | None
    previous_month: Delta | None
    same_month_last_year: Delta | None
    baseline: Delta | None


def _filtered_counts(
    *, urgency: str | None, category: CallCategory | int | None
) -> QuerySet[MonthlyCallCount]:
    counts = MonthlyCallCount.objects.all()
    if urgency:
        counts = counts.filter(urgency=urgency)
    if category is not None:
        counts = counts.filter(category_id=getattr(category, "pk", category))
    return counts


def _delta(count: int, months: list[date], monthly: dict[date, int], population: int | None) -> Delta:
    total = sum(monthly.get(month, 0) for month in months)
    mean = total / len(months)
    if len(months) == 1:
        comparison = compare_counts(count, total)
    else:
        comparison = compare_to_baseline(count, [monthly.get(month, 0) for month in months], len(months))
    return Delta(
        reference_first_month=months[0],
        reference_last_month=months[-1],
        reference_count=total,
        reference_mean=mean,
        reference_rate_per_thousand=rate_per_thousand(mean, population),
        comparison=comparison,
    )


def sector_deltas(
    *,
    month: date,
    urgency: str | None = None,
    category: CallCategory | int | None = None,
    baseline_months: int = 12,
) -> list[SectorDelta]:
    """Every active sector's count for `month` against the previous month, the same month a year before and
    its pre-programme baseline (mean of the `baseline_months` full months before the month the programme
    started in); then a row for the unplaced calls and one for the whole territory (every count, including
    sectors since deactivated). Optionally only one urgency class or one category.

    Only observed months count (calls.observed): an unobserved month, current or reference, is no data.

    Three queries whatever the number of calls: the sectors, the observed months, the counts.
    """
    if baseline_months < 1:
        raise ValueError("a baseline needs at least one month")
    month = month_start(month)
    previous, last_year = add_months(month, -1), add_months(month, -12)
    sectors = list(
        Sector.objects.active()
        .order_by("code")
        .values_list("pk", "code", "name", "population", "programme_started_on")
    )
    # A month no import observed is no data, whatever the filter; an observed month without rows (for the
    # filter, or at all) is a real zero.
    observed = set(observed_months())

    def baseline_window(started_on: date | None) -> list[date] | None:
        if started_on is None:
            return None
        start = month_start(started_on)
        window = month_range(add_months(start, -baseline_months), add_months(start, -1))
        return window if observed.issuperset(window) else None

    windows = {pk: baseline_window(started_on) for pk, _, _, _, started_on in sectors}
    wanted = {month, previous, last_year}
    for window in windows.values():
        wanted.update(window or ())

    by_sector: dict[int | None, dict[date, int]] = defaultdict(dict)
    total: dict[date, int] = defaultdict(int)
    rows = (
        _filtered_counts(urgency=urgency, category=category)
        .filter(month__in=wanted)
        .order_by()
        .values_list("sector_id", "month")
        .annotate(n=Sum("count"))
    )
    for sector_id, counted_month, n in rows:
        by_sector[sector_id][counted_month] = n
        total[counted_month] += n

    def row(
        kind: RowKind,
        sector_id: int | None,
        code: str,
        name: str,
        population: int | None,
        started_on: date | None,
        monthly: dict[date, int],
        window: list[date] | None,
    ) -> SectorDelta:
        count = monthly.get(month, 0) if month in observed else None

        def against(months: list[date]) -> Delta | None:
            if count is None or not observed.issuperset(months):
                return None
            return _delta(count, months, monthly, population)

        return SectorDelta(
            kind=kind,
            sector_id=sector_id,
            code=code,
            name=name,
            population=population,
            programme_started_on=started_on,
            month=month,
            count=count,
            rate_per_thousand=None if count is None else rate_per_thousand(count, population),
            previous_month=against([previous]),
            same_month_last_year=against([last_year]),
            baseline=against(window) if window else None,
        )

    result = [
        row("sector", pk, code, name, population, started_on, by_sector.get(pk, {}), windows[pk])
        for pk, code, name, population, started_on in sectors
    ]
    result.append(
        row("unplaced", None, "", str(_("Unplaced calls")), None, None, by_sector.get(None, {}), None)
    )
    territory_population = sum(population for _, _, _, population, _ in sectors) or None
    result.append(row("total", None, "", str(_("Whole territory")), territory_population, None, total, None))
    return result


@dataclass(frozen=True, slots=True)
class MonthPoint:
    """One month of a sector's calls; every count None when the month is not observed (no data)."""

    month: date
    urgent: int | None
    non_urgent: int | None
    other: int | None  # "other" and not yet mapped

    @property
    def observed(self) -> bool:
        return self.urgent is not None

    @property
    def total(self) -> int | None:
        if not self.observed:
            return None
        return self.urgent + self.non_urgent + self.other


def sector_monthly_series(
    sector: Sector | int | None, months: int = 24, *, end: date | None = None
) -> list[MonthPoint]:
    """Urgent, non-urgent and other calls per month, the `months` months up to `end` (default: this month in
    the service's zone), oldest first, with zeros for observed months without calls and None for months no
    import observed (calls.observed). `sector` None: the unplaced calls. Two queries: the observed months
    (over the batches) and the counts."""
    last = month_start(end or timezone.localdate())
    calendar = month_range(add_months(last, -(months - 1)), last)
    sector_id = getattr(sector, "pk", sector)
    rows = (
        MonthlyCallCount.objects.filter(
            Q(sector__isnull=True) if sector_id is None else Q(sector_id=sector_id),
            month__gte=calendar[0],
            month__lte=last,
        )
        .order_by()
        .values_list("month", "urgency")
        .annotate(n=Sum("count"))
    )
    by_month: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for counted_month, urgency, n in rows:
        key = urgency if urgency in (Urgency.URGENT, Urgency.NON_URGENT) else "other"
        by_month[counted_month][key] += n
    observed = set(observed_months())
    return [
        MonthPoint(
            month=m,
            urgent=by_month[m][Urgency.URGENT],
            non_urgent=by_month[m][Urgency.NON_URGENT],
            other=by_month[m]["other"],
        )
        if m in observed
        else MonthPoint(month=m, urgent=None, non_urgent=None, other=None)
        for m in calendar
    ]


def programme_evaluation(
    *,
    treated: Iterable[Sector | int],
    comparison: Iterable[Sector | int],
    before: tuple[date, date],
    after: tuple[date, date],
    urgency: str | None = None,
    category: CallCategory | int | None = None,
    confidence: float = 0.95,
) -> DiDResult:
    """Difference-in-differences of programme ("treated") sectors against comparison sectors: calls in the
    `after` months against the `before` months (each a (first, last) pair of months, both included), per
    month of exposure. See calls.statistics.difference_in_differences for how to read it.

    Only observed months count (calls.observed): a window's unobserved months are left out of its sums and
    its exposure, and a window with no observed month is refused (ValueError). Two queries: the observed
    months and the counts."""
    treated_ids = [getattr(sector, "pk", sector) for sector in treated]
    comparison_ids = [getattr(sector, "pk", sector) for sector in comparison]
    if not treated_ids or not comparison_ids:
        raise ValueError("both groups need at least one sector")
    if set(treated_ids) & set(comparison_ids):
        raise ValueError("a sector cannot be in both groups")
    before_months = month_range(*before)
    after_months = month_range(*after)
    if set(before_months) & set(after_months):
        raise ValueError("the before and after windows overlap")
    observed = set(observed_months())
    before_months = [month for month in before_months if month in observed]
    after_months = [month for month in after_months if month in observed]
    if not before_months or not after_months:
        raise ValueError("a window has no observed month (no import covered it)")
    rows = (
        _filtered_counts(urgency=urgency, category=category)
        .filter(sector_id__in=treated_ids + comparison_ids, month__in=before_months + after_months)
        .order_by()
        .values_list("sector_id", "month")
        .annotate(n=Sum("count"))
    )
    after_set = set(after_months)
    sums: dict[tuple[int, bool], int] = defaultdict(int)
    for sector_id, counted_month, n in rows:
        sums[(sector_id, counted_month in after_set)] += n
    return difference_in_differences(
        [sums[(pk, False)] for pk in treated_ids],
        [sums[(pk, True)] for pk in treated_ids],
        [sums[(pk, False)] for pk in comparison_ids],
        [sums[(pk, True)] for pk in comparison_ids],
        treated_before_exposure=len(before_months),
        treated_after_exposure=len(after_months),
        control_before_exposure=len(before_months),
        control_after_exposure=len(after_months),
        confidence=confidence,
    )


def call_counts_state() -> CallCountsState | None:
    """When the counts were written and which sector map their calls were placed with."""
    return CallCountsState.objects.select_related("sector_map_version").filter(pk=1).first()


def default_analysis_month(*, today: date | None = None) -> date:
    """The month the analysts' view opens on: the last complete month (before this one, in the service's zone)
    that has counts; this month when no earlier month has any. One query."""
    current = month_start(today or timezone.localdate())
    latest = (
        MonthlyCallCount.objects.filter(month__lt=current)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return latest or current

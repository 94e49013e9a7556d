"""The monthly report's figures, for the whole territory, a municipality or a sector.

Read from stored aggregates and the other apps' selectors, never from the raw calls:

* 911 calls: calls.selectors.sector_deltas (previous month, same month last year, pre-programme baseline, with
  the significance of calls.statistics) over MonthlyCallCount, and one more read of MonthlyCallCount for the
  year to date;
* contacts and referrals: grouped counts of contacts.models (no free text, no identity). "Follow-ups open" are
  the month's contacts whose follow-up is not done when the report is built (the model keeps no date for
  "done"); referrals are counted per partner type (contacts.models.PartnerType), the social worker apart;
* outreach: activities that started in the month and campaigns running in it (outreach.models);
* coverage: officers.selectors.coverage_between, day by day.

What each total covers:

* a sector row: what is recorded for the sector;
* the territory total: everything, including unplaced calls, sectors since deactivated and activities aimed
  at no sector (that is why it can exceed the sum of the sector rows);
* a municipality total: the sum over its active sectors. Its calls have no baseline comparison unless every
  sector shares the same baseline window (their programmes may have started on different dates).

Numbers are true counts here. Small counts drawn from contact data are hidden only when written out
(`MonthlyReport.shown`): totals are the sums of the true counts, never of the hidden ones. A hidden count
must not be found again by subtraction (a total minus the parts shown), so where a group of counts adds up to
a shown total and exactly one of them is hidden, a second one is withheld too (`withhold_complements`: the
classic complementary suppression of statistical agencies), and written "x".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from beats.models import Sector
from beats.selectors import simplified_boundary
from calls.counts import add_months, month_bounds, month_range, month_start
from calls.models import MonthlyCallCount, Urgency
from calls.selectors import Delta, MonthPoint, SectorDelta, sector_deltas
from calls.statistics import CountComparison, compare_counts
from contacts.models import Contact, ContactCategory, Referral
from officers.selectors import CoverageStatus, coverage_between
from outreach.models import Activity, Campaign

ScopeKind = Literal["territory", "municipality", "sector"]
CALL_CLASSES = ("total", "urgent", "non_urgent")
WITHHELD_MARK = "x"


class Withheld(int):
    """A count withheld so that a small one next to it cannot be worked out by subtraction. It stays the
    true number for sums (int arithmetic returns plain ints); only `MonthlyReport.shown` writes it "x"."""

    __slots__ = ()


TREND_MONTHS = 13
SOCIAL_WORKER = "social_worker"


@dataclass(frozen=True, slots=True)
class Scope:
    """The whole territory, one municipality (by name) or one sector (by code)."""

    kind: ScopeKind
    code: str = ""

    @classmethod
    def territory(cls) -> Scope:
        return cls("territory")

    @classmethod
    def municipality(cls, name: str) -> Scope:
        return cls("municipality", name)

    @classmethod
    def sector(cls, code: str) -> Scope:
        return cls("sector", code)


@dataclass(frozen=True, slots=True)
class CallFigures:
    """One urgency class (or all calls) for the month, with its comparisons (None: no data to compare with)."""

    count: int
    previous_month: Delta | None
    same_month_last_year: Delta | None
    baseline: Delta | None
    year_to_date: int
    last_year_to_date: int | None
    year_to_date_comparison: CountComparison | None


@dataclass(frozen=True, slots=True)
class ReferralFigures:
    made: int = 0
    completed: int = 0


@dataclass(slots=True)
class AreaFigures:
    """A sector's figures, or the scope's total (`kind` "total")."""

    kind: Literal["sector", "total"]
    code: str
    name: str
    calls: dict[str, CallFigures] = field(default_factory=dict)  # keys: CALL_CLASSES
    contacts: int = 0
    contacts_avoided_911: int = 0
    follow_ups_open: int = 0
    contacts_by_channel: dict[str, int] = field(default_factory=dict)
    contacts_by_category: dict[str, int] = field(default_factory=dict)
    # Per partner type (contacts.models.PartnerType value), or SOCIAL_WORKER for the service's own.
    referrals: dict[str, ReferralFigures] = field(default_factory=dict)
    # Over every type: stored (not summed when written) so that a total can be withheld like any count.
    referrals_made: int = 0
    referrals_completed: int = 0
    activities: int = 0
    attendance: int = 0
    campaigns_active: int = 0
    coverage_days: dict[str, int] = field(default_factory=dict)  # keys: CoverageStatus values
    # The 13 months up to the report's month, oldest first (urgent, non-urgent, other; .total).
    trend: list[MonthPoint] = field(default_factory=list)
    # A sector's boundary, simplified for drawing (GeoJSON Polygon or MultiPolygon, WGS84); None for totals.
    geometry: dict | None = None


@dataclass(slots=True)
class MonthlyReport:
    month: date
    scope: Scope
    scope_name: str
    threshold: int
    sectors: list[AreaFigures]
    total: AreaFigures
    categories: dict[str, tuple[str, str]]  # slug → (French name, English name), in display order

    def shown(self, count: int) -> int | str:
        """A count drawn from contact data as it may be shown: "< 5" for 1 to 4 (the threshold - 1), "x" when
        withheld to protect such a count (see `withhold_complements`).

        Zero is shown: it singles nobody out."""
        if isinstance(count, Withheld):
            return WITHHELD_MARK
        if 0 < count < self.threshold:
            return f"< {self.threshold}"
        return count


# --- scope -----------------------------------------------------------------------------------------------


def _scope_sectors(scope: Scope) -> tuple[list[Sector], str]:
    sectors = Sector.objects.active().without_geometry().order_by("code")
    if scope.kind == "territory":
        return list(sectors), str(_("Whole territory"))
    if scope.kind == "municipality":
        found = list(sectors.filter(municipality=scope.code))
        if not found:
            raise Sector.DoesNotExist(f"no active sector in {scope.code!r}")
        return found, scope.code
    if scope.kind == "sector":
        sector = Sector.objects.without_geometry().get(code=scope.code)
        return [sector], str(sector)
    raise ValueError(f"unknown scope {scope.kind!r}")


def _drawn_boundaries(sectors: list[Sector]) -> list[dict]:
    """The sectors' boundaries simplified as for web maps (a report's map is small), in the sectors' order."""
    geometries = dict(Sector.objects.filter(pk__in=[s.pk for s in sectors]).values_list("pk", "geometry"))
    return [simplified_boundary(geometries[sector.pk]) for sector in sectors]


# --- calls -------------------------------------------------------------------------------------------------


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


def _call_figures(month: date, sectors: list[Sector], scope: Scope):
    """{class: {sector id or "total": CallFigures}}: 3 sector_deltas (3 queries each) and 2 more queries."""
    ids = {sector.pk for sector in sectors}
    this_year = month_range(date(month.year, 1, 1), month)
    last_year = [add_months(m, -12) for m in this_year]
    first_month = MonthlyCallCount.objects.order_by("month").values_list("month", flat=True).first()
    ytd = defaultdict(int)  # (class, sector id or "territory", this year?) → calls
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
    has_last_year = first_month is not None and last_year[0] >= first_month

    def year_to_date(cls: str, keys) -> tuple[int, int | None, CountComparison | None]:
        now = sum(ytd[(cls, key, True)] for key in keys)
        if not has_last_year:
            return now, None, None
        before = sum(ytd[(cls, key, False)] for key in keys)
        return now, before, compare_counts(now, before)

    result: dict[str, dict] = {}
    for cls in CALL_CLASSES:
        urgency = None if cls == "total" else getattr(Urgency, cls.upper())
        deltas: list[SectorDelta] = sector_deltas(month=month, urgency=urgency)
        by_id = {row.sector_id: row for row in deltas if row.kind == "sector"}
        figures = {}
        for sector in sectors:
            row = by_id.get(sector.pk)
            if row is None:  # a deactivated sector asked for by code: its own counts, no comparisons
                count = sum(
                    MonthlyCallCount.objects.filter(
                        sector=sector, month=month, **({"urgency": urgency} if urgency else {})
                    ).values_list("count", flat=True)
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
            count = sum(part.count for part in parts)
            figures["total"] = CallFigures(
                count,
                _sum_deltas(count, [part.previous_month for part in parts]),
                _sum_deltas(count, [part.same_month_last_year for part in parts]),
                _sum_deltas(count, [part.baseline for part in parts]),
                *year_to_date(cls, ids),
            )
        result[cls] = figures
    return result


def _trends(month: date, areas: dict, scope: Scope, sector_ids: set[int]) -> None:
    """Each area's calls over the TREND_MONTHS months up to `month` (one query). The territory's total counts
    every call (unplaced ones and deactivated sectors' too), a municipality's the sum of its sectors."""
    calendar = month_range(add_months(month, -(TREND_MONTHS - 1)), month)
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
            for m in calendar
        ]


# --- contacts and referrals ---------------------------------------------------------------------------------


def _contact_figures(month: date, areas: dict, scope_filter: Q, sector_ids: set[int]) -> None:
    start, end = month_bounds(month)
    contacts = Contact.objects.filter(scope_filter, when__gte=start, when__lt=end)
    total = areas["total"]
    rows = contacts.values("sector_id").annotate(
        n=Count("id"),
        avoided=Count("id", filter=Q(would_have_called_911=True)),
        open=Count("id", filter=Q(follow_up_done=False, follow_up_due__isnull=False)),
    )
    for row in rows:
        for area in (areas.get(row["sector_id"]), total):
            if area is not None:
                area.contacts += row["n"]
                area.contacts_avoided_911 += row["avoided"]
                area.follow_ups_open += row["open"]
    for sector_id, channel, n in (
        contacts.order_by().values_list("sector_id", "channel").annotate(Count("id"))
    ):
        for area in (areas.get(sector_id), total):
            if area is not None:
                area.contacts_by_channel[channel] = area.contacts_by_channel.get(channel, 0) + n
    # A contact with two categories counts in each (and once in every other figure).
    by_category = contacts.order_by().values_list("sector_id", "categories__slug").annotate(Count("id"))
    for sector_id, slug, n in by_category:
        for area in (areas.get(sector_id), total):
            if area is not None and slug:
                area.contacts_by_category[slug] = area.contacts_by_category.get(slug, 0) + n

    # Referrals made in the month, and referrals completed in the month (whenever they were made).
    referrals = Referral.objects.filter(
        Q(made_at__gte=start, made_at__lt=end) | Q(completed_at__gte=start, completed_at__lt=end),
    )
    if scope_filter:
        referrals = referrals.filter(contact__sector_id__in=sector_ids)
    rows = (
        referrals.order_by()
        .values_list("contact__sector_id", "partner__kind", "to_social_worker")
        .annotate(
            made=Count("id", filter=Q(made_at__gte=start, made_at__lt=end)),
            completed=Count(
                "id",
                filter=Q(status=Referral.Status.COMPLETED, completed_at__gte=start, completed_at__lt=end),
            ),
        )
    )
    for sector_id, partner_type, social_worker, made, completed in rows:
        key = SOCIAL_WORKER if social_worker else partner_type
        for area in (areas.get(sector_id), total):
            if area is not None:
                before = area.referrals.get(key, ReferralFigures())
                area.referrals[key] = ReferralFigures(before.made + made, before.completed + completed)
                area.referrals_made += made
                area.referrals_completed += completed


# --- outreach ----------------------------------------------------------------------------------------------


def _outreach_figures(month: date, areas: dict, scope: Scope, sector_ids: set[int]) -> None:
    """Activities that started in the month, held in or aimed at a sector (one activity may concern several);
    campaigns running on at least one day of the month, aimed at the sector or at the whole territory."""
    start, end = month_bounds(month)
    activities = Activity.objects.filter(starts_at__gte=start, starts_at__lt=end)
    concerned: dict[int, set[int]] = defaultdict(set)  # activity → sectors
    attendance: dict[int, int] = {}
    for pk, held_in, aimed_at, people in activities.values_list("pk", "sector_id", "sectors", "attendance"):
        attendance[pk] = people or 0
        concerned[pk].update(s for s in (held_in, aimed_at) if s is not None)
    total = areas["total"]
    for pk, sectors in concerned.items():
        for sector_id in sectors & sector_ids:
            areas[sector_id].activities += 1
            areas[sector_id].attendance += attendance[pk]
        if scope.kind == "territory" or sectors & sector_ids:
            total.activities += 1
            total.attendance += attendance[pk]

    last_day = end.date() - timedelta(days=1)
    campaigns = Campaign.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=month), starts_on__lte=last_day
    )
    targets: dict[int, set[int]] = defaultdict(set)
    for pk, sector_id in campaigns.values_list("pk", "sectors"):
        targets[pk].update(() if sector_id is None else (sector_id,))
    for sectors in targets.values():
        everywhere = not sectors
        for sector_id in sector_ids:
            if everywhere or sector_id in sectors:
                areas[sector_id].campaigns_active += 1
        if everywhere or scope.kind == "territory" or sectors & sector_ids:
            total.campaigns_active += 1


# --- coverage ----------------------------------------------------------------------------------------------


def _coverage_figures(month: date, areas: dict, scope: Scope, sectors: list[Sector]) -> None:
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


# --- small counts ------------------------------------------------------------------------------------------


def _cells(area: AreaFigures) -> dict[tuple, int]:
    """Every count of an area drawn from contact data, by (metric, dimension)."""
    cells = {
        ("contacts", ""): area.contacts,
        ("contacts_avoided_911", ""): area.contacts_avoided_911,
        ("follow_ups_open", ""): area.follow_ups_open,
    }
    cells.update({("channel", key): n for key, n in area.contacts_by_channel.items()})
    cells.update({("category", key): n for key, n in area.contacts_by_category.items()})
    cells[("referrals_made", "")] = area.referrals_made
    cells[("referrals_completed", "")] = area.referrals_completed
    for key, figures in area.referrals.items():
        cells[("referrals_made", key)] = figures.made
        cells[("referrals_completed", key)] = figures.completed
    return cells


def _withhold(area: AreaFigures, cell: tuple) -> None:
    metric, key = cell
    if metric in ("contacts", "contacts_avoided_911", "follow_ups_open") or not key:
        setattr(area, metric, Withheld(getattr(area, metric)))
    elif metric == "channel":
        area.contacts_by_channel[key] = Withheld(area.contacts_by_channel[key])
    elif metric == "category":
        area.contacts_by_category[key] = Withheld(area.contacts_by_category[key])
    else:
        figures = area.referrals[key]
        made, completed = figures.made, figures.completed
        if metric == "referrals_made":
            made = Withheld(made)
        else:
            completed = Withheld(completed)
        area.referrals[key] = ReferralFigures(made, completed)


def withhold_complements(report: MonthlyReport) -> None:
    """Withhold a second count wherever a hidden one could be recovered by subtraction.

    Groups that add up to a total written beside them: the scope's sectors for each contact count (the total
    row), an area's channels (its contacts: one channel per contact) and an area's referral types (its
    referrals of every type). Where a shown total has exactly one hidden part, the smallest other
    non-zero part is withheld too, and so is the smallest part of a withheld total whose parts are all shown;
    groups cross (a sector's channel is in two), so this runs until nothing
    changes. Categories are left out: a contact may have two, they do not add up to a total.
    """
    threshold = report.threshold

    def hidden(value: int) -> bool:
        return isinstance(value, Withheld) or 0 < value < threshold

    areas = [*report.sectors, report.total] if len(report.sectors) > 1 else [report.total]
    changed = True
    while changed:
        changed = False
        groups = []  # (total value, [(area, cell, value)])
        cells = {id(area): _cells(area) for area in areas}
        if len(report.sectors) > 1:
            for cell, value in cells[id(report.total)].items():
                groups.append(
                    (value, [(area, cell, cells[id(area)].get(cell, 0)) for area in report.sectors])
                )
        for area in areas:
            mine = cells[id(area)]
            groups.append(
                (mine[("contacts", "")], [(area, c, v) for c, v in mine.items() if c[0] == "channel"])
            )
            for metric in ("referrals_made", "referrals_completed"):
                parts = [(area, c, v) for c, v in mine.items() if c[0] == metric and c[1]]
                groups.append((mine[(metric, "")], parts))
        for total, parts in groups:
            hidden_parts = sum(hidden(value) for _area, _cell, value in parts)
            # A shown total with one hidden part gives it away; so do the parts of a withheld total, all shown.
            exposed = (not hidden(total) and hidden_parts == 1) or (
                isinstance(total, Withheld) and hidden_parts == 0
            )
            if not exposed:
                continue
            candidates = [part for part in parts if part[2] > 0 and not hidden(part[2])]
            if candidates:
                area, cell, _value = min(candidates, key=lambda part: part[2])
                _withhold(area, cell)
                changed = True
                break  # the cells changed: read them again


# --- the report --------------------------------------------------------------------------------------------


def monthly_report(*, month: date, scope: Scope) -> MonthlyReport:
    """Every figure of the month for the scope: one AreaFigures per active sector in it (code order; the
    sector itself for a sector scope) and one for the scope's total. See the module's docstring."""
    month = month_start(month)
    sectors, scope_name = _scope_sectors(scope)
    sector_ids = {sector.pk for sector in sectors}
    areas: dict = {
        sector.pk: AreaFigures("sector", sector.code, sector.name, geometry=geometry)
        for sector, geometry in zip(sectors, _drawn_boundaries(sectors), strict=True)
    }
    if scope.kind == "sector":
        total = AreaFigures("total", sectors[0].code, sectors[0].name)
    else:
        total = AreaFigures("total", scope.code, scope_name)
    areas["total"] = total

    calls = _call_figures(month, sectors, scope)
    for cls, figures in calls.items():
        for key, figure in figures.items():
            areas[key].calls[cls] = figure

    _trends(month, areas, scope, sector_ids)
    scope_filter = Q() if scope.kind == "territory" else Q(sector_id__in=sector_ids)
    _contact_figures(month, areas, scope_filter, sector_ids)
    _outreach_figures(month, areas, scope, sector_ids)
    _coverage_figures(month, areas, scope, sectors)

    categories = {
        slug: (name_fr, name_en)
        for slug, name_fr, name_en in ContactCategory.objects.order_by("position", "slug").values_list(
            "slug", "name_fr", "name_en"
        )
    }
    report = MonthlyReport(
        month=month,
        scope=scope,
        scope_name=scope_name,
        threshold=settings.REPORTS_SMALL_COUNT_THRESHOLD,
        sectors=[areas[sector.pk] for sector in sectors],
        total=total,
        categories=categories,
    )
    withhold_complements(report)
    return report

"""An evaluation's panel from the database: the stored monthly counts (never the calls), the observed months
(calls.observed) and the sector map (which sectors border which). The one module of calls.evaluation that
reads the database; everything it hands on is plain data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Sum
from django.utils.translation import gettext as _
from shapely import STRtree

from beats.geometry import parse_sector_geometry
from beats.models import Sector
from common.months import month_start

from ..models import CallCategory, MonthlyCallCount, Urgency
from ..observed import observed_months
from .panel import EvaluationError, EvaluationPanel, SectorSeries

# Two sectors border each other when their boundaries run together for more than about 5 m (in degrees: the
# sector map is WGS84); a shared corner, or a sliver from rounding, does not make neighbours.
BOUNDARY_TOLERANCE_DEGREES = 1e-5
SHARED_BOUNDARY_DEGREES = 5e-5


class UnknownSectors(EvaluationError):
    """Sector codes that name no active sector, or that contradict the group they were put in."""


def evaluation_panel(
    *,
    urgency: str | None = None,
    category: CallCategory | None = None,
    treated: Iterable[str] | None = None,
    comparison: Iterable[str] | None = None,
    first: date | None = None,
    last: date | None = None,
) -> EvaluationPanel:
    """The sector × observed-month panel of the active sectors' calls (one urgency class or one category, or
    all), from `first` to `last` (months, both included; default every observed month).

    Programme sectors are those with a programme start date (or the `treated` codes, each of which must have
    one), starting in the month their start date falls in; comparison sectors are those never in the
    programme (or the `comparison` codes, none of which may have a start date). Two queries and the map.
    """
    sectors = list(Sector.objects.active().order_by("code"))
    by_code = {sector.code: sector for sector in sectors}
    chosen_treated = _chosen(treated, by_code)
    chosen_comparison = _chosen(comparison, by_code)
    late = sorted(code for code in chosen_treated or () if by_code[code].programme_started_on is None)
    if late:
        raise UnknownSectors(
            _("Not in the programme (no start date): %(codes)s.") % {"codes": ", ".join(late)}
        )
    started = sorted(code for code in chosen_comparison or () if by_code[code].programme_started_on)
    if started:
        raise UnknownSectors(
            _("In the programme, so not a comparison sector: %(codes)s.") % {"codes": ", ".join(started)}
        )
    if chosen_treated is None:
        chosen_treated = {code for code, sector in by_code.items() if sector.programme_started_on}
    if chosen_comparison is None:
        chosen_comparison = {code for code, sector in by_code.items() if not sector.programme_started_on}
    included = [sector for sector in sectors if sector.code in chosen_treated | chosen_comparison]
    months = [
        month
        for month in observed_months()
        if (first is None or month >= month_start(first)) and (last is None or month <= month_start(last))
    ]
    counts = _counts(included, months=months, urgency=urgency, category=category)
    series = tuple(
        SectorSeries(
            code=sector.code,
            start=month_start(sector.programme_started_on) if sector.code in chosen_treated else None,
            counts={month: counts.get((sector.pk, month), 0) for month in months},
        )
        for sector in included
    )
    return EvaluationPanel(sectors=series, neighbours=sector_neighbours(included))


def sector_neighbours(sectors: list[Sector]) -> dict[str, frozenset[str]]:
    """Which of `sectors` share a stretch of boundary with which (by code)."""
    shapes = [parse_sector_geometry(sector.geometry) for sector in sectors]
    tree = STRtree([shape.buffer(BOUNDARY_TOLERANCE_DEGREES) for shape in shapes])
    neighbours: dict[str, set[str]] = defaultdict(set)
    for position, shape in enumerate(shapes):
        for other in tree.query(shape.boundary, predicate="intersects"):
            if other == position:
                continue
            shared = shape.boundary.intersection(tree.geometries[other]).length
            if shared > SHARED_BOUNDARY_DEGREES:
                neighbours[sectors[position].code].add(sectors[int(other)].code)
    return {sector.code: frozenset(neighbours[sector.code]) for sector in sectors}


def _chosen(codes: Iterable[str] | None, by_code: dict[str, Sector]) -> set[str] | None:
    if codes is None:
        return None
    chosen = {code.strip() for code in codes if code.strip()}
    unknown = sorted(chosen - set(by_code))
    if unknown:
        raise UnknownSectors(_("No active sector has the code %(codes)s.") % {"codes": ", ".join(unknown)})
    return chosen


def _counts(
    sectors: list[Sector], *, months: list[date], urgency: str | None, category: CallCategory | None
) -> dict[tuple[int, date], int]:
    rows = MonthlyCallCount.objects.filter(sector__in=sectors, month__in=months)
    if urgency:
        if urgency not in Urgency.values:
            raise ValueError(f"unknown urgency {urgency!r}")
        rows = rows.filter(urgency=urgency)
    if category is not None:
        rows = rows.filter(category=category)
    totals = rows.order_by().values_list("sector_id", "month").annotate(total=Sum("count"))
    return {(sector_id, month): total for sector_id, month, total in totals}

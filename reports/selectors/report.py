"""The monthly report put together: the scope's sectors, then every figure of the month for each of them
and for the scope's total (see the package's docstring for what each total covers)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beats.models import Sector
from beats.selectors import simplified_boundary
from common.months import month_start
from contacts.models import ContactCategory

from .call_figures import call_figures, call_trends
from .contact_figures import contact_figures
from .coverage_figures import coverage_figures
from .figures import AreaFigures, Areas, MonthlyReport, Scope
from .outreach_figures import outreach_figures
from .small_counts import withhold_complements


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


def monthly_report(*, month: date, scope: Scope) -> MonthlyReport:
    """Every figure of the month for the scope: one AreaFigures per active sector in it (code order; the
    sector itself for a sector scope) and one for the scope's total. See the module's docstring."""
    month = month_start(month)
    sectors, scope_name = _scope_sectors(scope)
    sector_ids = {sector.pk for sector in sectors}
    areas: Areas = {
        sector.pk: AreaFigures("sector", sector.code, sector.name, geometry=geometry)
        for sector, geometry in zip(sectors, _drawn_boundaries(sectors), strict=True)
    }
    if scope.kind == "sector":
        total = AreaFigures("total", sectors[0].code, sectors[0].name)
    else:
        total = AreaFigures("total", scope.code, scope_name)
    areas["total"] = total

    calls = call_figures(month=month, sectors=sectors, scope=scope)
    for cls, figures in calls.items():
        for key, figure in figures.items():
            areas[key].calls[cls] = figure

    call_trends(month=month, areas=areas, scope=scope, sector_ids=sector_ids)
    scope_filter = Q() if scope.kind == "territory" else Q(sector_id__in=sector_ids)
    contact_figures(month=month, areas=areas, scope_filter=scope_filter, sector_ids=sector_ids)
    outreach_figures(month=month, areas=areas, scope=scope, sector_ids=sector_ids)
    coverage_figures(month=month, areas=areas, scope=scope, sectors=sectors)

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

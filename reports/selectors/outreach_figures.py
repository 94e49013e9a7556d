"""The report's outreach: activities that started in the month and campaigns running in it (outreach.models)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Q

from common.months import month_bounds
from outreach.models import Activity, Campaign

from .figures import Areas, Scope


def outreach_figures(*, month: date, areas: Areas, scope: Scope, sector_ids: set[int]) -> None:
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

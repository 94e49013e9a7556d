"""What residents see of outreach: upcoming public activities, the sectors' public priorities, and a sector
page's outreach part, cached under the outreach version (outreach.signals). Staff notes are never read."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from contacts.models import Partner

from .models import Activity, PriorityStatus, SectorPriority
from .signals import outreach_version

if TYPE_CHECKING:
    from beats.models import Sector

SECTOR_PAGE_ACTIVITIES = 5
# Cached a little longer than it is shown: activities that end meanwhile are dropped when it is read.
_SECTOR_PAGE_CACHED = 12
_SECTOR_PAGE_TIMEOUT = 15 * 60
_PUBLIC_FIELDS = (
    "campaign__title_fr",
    "campaign__title_en",
    "title_fr",
    "title_en",
    "kind",
    "starts_at",
    "ends_at",
    "place_name",
    "sector",
    "planned_on",
    "released_on",
    "link",
    "is_public",
    "updated_at",
)


def upcoming_public_activities(
    *, sector: Sector | None = None, now: datetime.datetime | None = None
) -> QuerySet[Activity]:
    """Public activities not over yet, soonest first: the whole service's, or those held in or aimed at
    `sector`. Only the fields residents may see are loaded (never the notes)."""
    activities = Activity.objects.public().upcoming(now)
    if sector is not None:
        activities = activities.concerning(sector)
    return activities.select_related("campaign", "sector").only(
        *_PUBLIC_FIELDS, "sector__code", "sector__name"
    )


def sector_public_priorities(*, sector: Sector) -> QuerySet[SectorPriority]:
    """A sector's public priorities: open and in progress first (newest first), then done (latest first)."""
    return (
        SectorPriority.objects.public()
        .filter(sector=sector)
        .annotate(
            done_last=Case(
                When(status=PriorityStatus.DONE, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("done_last", "-resolved_on", "-raised_on", "pk")
        .defer("recorded_by")
    )


def sector_public_partners(*, sector: Sector) -> QuerySet[Partner]:
    return Partner.objects.public().serving(sector).order_by("name")


def sector_outreach_public(*, sector: Sector, now: datetime.datetime | None = None) -> dict:
    """The public sector page's outreach part: next activities, priorities, partners.

    Warm, it costs one cache read (the version) plus one; cold, three queries. The rows are cached, not the
    text, so that one entry serves both languages.
    """
    now = now or timezone.now()
    key = f"outreach:sector-page:v1:{sector.pk}:{outreach_version()}"
    cached = cache.get(key)
    if cached is None:
        cached = {
            "activities": list(upcoming_public_activities(sector=sector, now=now)[:_SECTOR_PAGE_CACHED]),
            "priorities": list(sector_public_priorities(sector=sector)),
            "partners": list(sector_public_partners(sector=sector)),
        }
        cache.set(key, cached, timeout=_SECTOR_PAGE_TIMEOUT)
    activities = [a for a in cached["activities"] if _not_over(a, now)][:SECTOR_PAGE_ACTIVITIES]
    return {**cached, "activities": activities}


def _not_over(activity: Activity, now: datetime.datetime) -> bool:
    return (activity.ends_at or activity.starts_at) >= now

"""Every write of outreach: campaigns, activities (placed in their sector), a series planned at once, the
sectors' priorities. Keyword-only and transactional; rows are validated (full_clean) before they are written,
so bad input is a translated ValidationError naming its field, never a database error."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from beats.index import get_sector_index
from common.months import shift_months

from .models import Activity, ActivityType, Campaign, SectorPriority

SERIES_MAX_RELEASES = 60
RELEASE_TIME = datetime.time(12, 0)


def activity_locate(*, activity: Activity) -> None:
    """The sector of the activity's place, from its coordinates (the point → sector index); none without."""
    if activity.lon is None or activity.lat is None:
        activity.sector = None
        return
    match = get_sector_index().locate(activity.lon, activity.lat)
    activity.sector_id = match.sector_id if match else None


@transaction.atomic
def activity_save(
    *,
    activity: Activity,
    sectors: Iterable | None = None,
    officers: Iterable | None = None,
    partners: Iterable | None = None,
) -> Activity:
    """Create or update an activity: validated, placed in its sector; the many-to-many given are replaced."""
    activity.full_clean()
    activity_locate(activity=activity)
    activity.save()
    if sectors is not None:
        activity.sectors.set(sectors)
    if officers is not None:
        activity.officers.set(officers)
    if partners is not None:
        activity.partners.set(partners)
    return activity


@transaction.atomic
def activity_record_release(*, activity: Activity, released_on: datetime.date, link: str = "") -> Activity:
    """A series release went out: its actual date and where to see it (it then stands on that date)."""
    activity.released_on = released_on
    activity.link = link or activity.link
    activity.starts_at = _at_release_time(released_on)
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def campaign_save(*, campaign: Campaign, sectors: Iterable | None = None) -> Campaign:
    campaign.full_clean()
    campaign.save()
    if sectors is not None:
        campaign.sectors.set(sectors)
    return campaign


@transaction.atomic
def campaign_plan_series(
    *,
    campaign: Campaign,
    first_date: datetime.date,
    count: int,
    interval_months: int = 1,
    title_pattern: str = "{campaign} — {number}",
    title_pattern_en: str | None = None,
    is_public: bool = True,
) -> list[Activity]:
    """One release planned every `interval_months` from `first_date`, `count` of them (e.g. a monthly video
    for a year). Titles come from the patterns, which may use {number}, {count}, {campaign} and {date}
    (the English one defaults to the French one over the campaign's English title).

    A release already planned for the same date in the campaign is kept as it is, so planning a series
    again (or extending it) adds only the missing dates. Returns the releases created.
    """
    errors = {}
    if not 1 <= count <= SERIES_MAX_RELEASES:
        errors["count"] = gettext("Plan between 1 and %(max)d releases.") % {"max": SERIES_MAX_RELEASES}
    if not 1 <= interval_months <= 12:
        errors["interval_months"] = gettext("The interval is between 1 and 12 months.")
    for name, pattern in (("title_pattern", title_pattern), ("title_pattern_en", title_pattern_en)):
        if pattern is not None:
            try:
                pattern.format(number=1, count=1, campaign="", date="")
            except (KeyError, IndexError, ValueError):
                errors[name] = gettext(
                    "The title may only use {number}, {count}, {campaign} and {date} between braces."
                )
    if errors:
        raise ValidationError(errors)
    title_pattern_en = title_pattern_en or title_pattern
    planned = set(campaign.activities.exclude(planned_on=None).values_list("planned_on", flat=True))
    sectors = list(campaign.sectors.all())
    created = []
    for position in range(count):
        day = shift_months(first_date, position * interval_months)
        if day in planned:
            continue
        values = {"number": position + 1, "count": count, "date": day.isoformat()}
        activity = Activity(
            campaign=campaign,
            kind=ActivityType.VIDEO_RELEASE,
            title_fr=title_pattern.format(campaign=campaign.title_fr, **values)[:200],
            title_en=title_pattern_en.format(campaign=campaign.title_en or campaign.title_fr, **values)[:200],
            starts_at=_at_release_time(day),
            planned_on=day,
            is_public=is_public,
        )
        created.append(activity_save(activity=activity, sectors=sectors))
    return created


@transaction.atomic
def priority_save(*, priority: SectorPriority, recorded_by: User | None = None) -> SectorPriority:
    """Record or update a sector's priority; who recorded it is kept from the first save."""
    if priority.recorded_by_id is None and recorded_by is not None:
        priority.recorded_by = recorded_by
    if priority.status == "done" and priority.resolved_on is None:
        priority.resolved_on = max(timezone.localdate(), priority.raised_on)
    priority.full_clean()
    priority.save()
    return priority


def _at_release_time(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, RELEASE_TIME))

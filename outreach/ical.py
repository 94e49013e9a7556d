"""The iCalendar (RFC 5545) feeds of public activities, built with the icalendar library.

Times are written in UTC (the "Z" form), which every calendar app reads without a VTIMEZONE; a release of a
video series is a whole-day event on its date. UIDs depend only on the activity and the site, so a calendar
that subscribed recognises the same event on every refresh, in either language. Staff notes are never read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from .models import Activity

PRODID = "-//Proximity//Community policing outreach//"


def activity_uid(activity: Activity, *, domain: str) -> str:
    return f"outreach-activity-{activity.pk}@{domain}"


def activities_calendar(
    activities: Iterable[Activity], *, name: str, domain: str, url_for, language: str
) -> bytes:
    """The feed as bytes (CRLF line ends, long lines folded). `url_for(activity)` is its page's address."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"{PRODID}{language.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for activity in activities:
        calendar.add_component(_event(activity, domain=domain, url=url_for(activity)))
    return calendar.to_ical()


def _event(activity: Activity, *, domain: str, url: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", activity_uid(activity, domain=domain))
    event.add("dtstamp", _utc(activity.updated_at))
    event.add("last-modified", _utc(activity.updated_at))
    if activity.is_dated:
        event.add("dtstart", activity.day)
        event.add("dtend", activity.day + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        event.add("dtstart", _utc(activity.starts_at))
        event.add("dtend", _utc(activity.ends_at or activity.starts_at))
    event.add("summary", activity.title)
    location = ", ".join(part for part in (activity.place_name, _sector_label(activity)) if part)
    if location:
        event.add("location", location)
    description = []
    if activity.campaign_id:
        description.append(gettext("Campaign: %(title)s") % {"title": activity.campaign.title})
    if activity.link:
        description.append(activity.link)
    if description:
        event.add("description", "\n".join(description))
    event.add("url", activity.link or url)
    event.add("status", "CONFIRMED")
    return event


def _sector_label(activity: Activity) -> str:
    if activity.sector_id is None:
        return ""
    return gettext("sector %(code)s") % {"code": activity.sector.code}


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, datetime.UTC)

"""Calendar-month arithmetic, written once for every app.

Two kinds of step, because the apps need both:

* whole months, named by their first day (`month_start`, `add_months`, `month_range`, `month_bounds`): the
  monthly counts, the analysts' pages, the reports and the statistics filters;
* the same day a number of months away (`shift_months`): a series of video releases, the retention cutoff.
  A day the target month does not have becomes that month's last day (31 January + 1 → 28 or 29 February).

Months are counted as `year * 12 + month - 1`, so negative steps and December → January need no special case.
"""

import calendar
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings

Day = TypeVar("Day", bound=date)


def service_zone() -> ZoneInfo:
    """The zone the service's months are counted in (settings.TIME_ZONE)."""
    return ZoneInfo(settings.TIME_ZONE)


def month_start(day: date) -> date:
    """The first day of `day`'s month (a date, also when given a datetime)."""
    return date(day.year, day.month, 1)


def add_months(month: date, months: int) -> date:
    """The first day of the month `months` after `month`'s (before it when negative); the day is dropped."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    """The months from `first` to `last`, both included, as first days; empty when `last` is before `first`."""
    first, last = month_start(first), month_start(last)
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return months


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) of a calendar month in the service's zone, as aware datetimes."""
    zone = service_zone()
    start = month_start(month)
    following = add_months(start, 1)
    return (
        datetime(start.year, start.month, 1, tzinfo=zone),
        datetime(following.year, following.month, 1, tzinfo=zone),
    )


def shift_months(day: Day, months: int) -> Day:
    """The same day (and time, for a datetime) `months` later, or earlier when negative; the target month's
    last day when it is shorter (31 January + 1 → 28 February, 31 March - 1 → 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))

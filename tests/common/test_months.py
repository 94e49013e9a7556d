"""Month arithmetic: whole months by their first day, and the same day some months away."""

import datetime
from datetime import date
from zoneinfo import ZoneInfo

from common.months import add_months, month_bounds, month_range, month_start, shift_months


def test_month_start_is_the_first_day_even_of_a_datetime():
    assert month_start(date(2026, 1, 31)) == date(2026, 1, 1)
    assert month_start(date(2026, 12, 1)) == date(2026, 12, 1)
    moment = datetime.datetime(2026, 2, 28, 23, 59, tzinfo=datetime.UTC)
    assert month_start(moment) == date(2026, 2, 1)
    assert type(month_start(moment)) is date


def test_add_months_gives_first_days_from_the_end_of_a_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 1)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 1)
    assert add_months(date(2026, 5, 15), 0) == date(2026, 5, 1)


def test_add_months_crosses_december_to_january_both_ways():
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)
    assert add_months(date(2026, 11, 1), 14) == date(2028, 1, 1)


def test_add_months_goes_back_by_negative_months_over_years():
    assert add_months(date(2026, 3, 1), -12) == date(2025, 3, 1)
    assert add_months(date(2026, 3, 1), -15) == date(2024, 12, 1)
    assert add_months(date(2026, 3, 1), -27) == date(2023, 12, 1)


def test_month_range_includes_both_ends_across_a_year():
    assert month_range(date(2025, 11, 20), date(2026, 2, 3)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert month_range(date(2026, 2, 1), date(2026, 2, 28)) == [date(2026, 2, 1)]
    assert month_range(date(2026, 3, 1), date(2026, 2, 1)) == []


def test_month_bounds_are_local_midnights_of_the_service_zone(settings):
    settings.TIME_ZONE = "America/Toronto"
    start, end = month_bounds(date(2026, 12, 17))
    assert start == datetime.datetime(2026, 12, 1, tzinfo=ZoneInfo("America/Toronto"))
    assert end == datetime.datetime(2027, 1, 1, tzinfo=ZoneInfo("America/Toronto"))
    # February of a leap year, and a month that begins in winter time and ends in summer time.
    start, end = month_bounds(date(2028, 2, 29))
    assert (start.date(), end.date()) == (date(2028, 2, 1), date(2028, 3, 1))
    start, end = month_bounds(date(2026, 3, 1))
    # (Same-zone subtraction ignores the offsets; in UTC the month is an hour short.)
    assert end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC) == datetime.timedelta(
        days=31, hours=-1
    )


def test_shift_months_keeps_the_day_or_takes_the_months_last():
    # Formerly outreach.services.add_months.
    assert shift_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)
    assert shift_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)


def test_shift_months_back_keeps_the_day_and_time_or_takes_the_months_last():
    # Formerly contacts.services.months_before(moment, n), now shift_months(moment, -n).
    moment = datetime.datetime(2026, 3, 31, 12, tzinfo=datetime.UTC)
    assert shift_months(moment, -1).date() == datetime.date(2026, 2, 28)
    assert shift_months(moment, -24).date() == datetime.date(2024, 3, 31)
    assert shift_months(moment, -15).date() == datetime.date(2024, 12, 31)
    assert shift_months(moment, -1) == datetime.datetime(2026, 2, 28, 12, tzinfo=datetime.UTC)


def test_shift_months_over_leap_years_and_december():
    assert shift_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert shift_months(date(2024, 2, 29), 48) == date(2028, 2, 29)
    assert shift_months(date(2027, 3, 29), -1) == date(2027, 2, 28)
    assert shift_months(date(2028, 3, 29), -1) == date(2028, 2, 29)
    assert shift_months(date(2026, 12, 31), 1) == date(2027, 1, 31)
    assert shift_months(date(2027, 1, 31), -1) == date(2026, 12, 31)
    assert shift_months(date(2026, 10, 31), -22) == date(2024, 12, 31)

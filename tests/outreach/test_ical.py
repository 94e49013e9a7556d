"""The iCalendar feeds, read back with the icalendar library as calendar apps would read them."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from outreach.models import ActivityType

from .conftest import at

pytestmark = [pytest.mark.django_db]


def feed_url(language="en", code=None):
    with translation.override(language):
        if code:
            return reverse("public:sector-calendar", kwargs={"code": code})
        return reverse("public:calendar")


def parse(response) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def activities(make_activity, two_sectors):
    centre, brossard = two_sectors
    return {
        "coffee": make_activity(
            title_fr="Café avec la police",
            title_en="Coffee with a cop",
            place_name="Parc Saint-Mark",
            lon=-73.495,
            lat=45.505,
            starts_at=at(7, 18),
            ends_at=at(7, 20),
            notes="SECRET staff note",
        ),
        "video": make_activity(
            title_fr="Capsule 3",
            title_en="Episode 3",
            kind=ActivityType.VIDEO_RELEASE,
            starts_at=at(20, 12),
            ends_at=None,
            planned_on=(at(20).date()),
            sectors=[centre],
            link="https://video.example/3",
        ),
        "private": make_activity(title_fr="Privé", title_en="Private", is_public=False, sectors=[centre]),
        "recent": make_activity(
            title_fr="Récent", title_en="Recent", starts_at=at(-3), ends_at=at(-3, 20), sectors=[centre]
        ),
        "past": make_activity(
            title_fr="Passé", title_en="Long past", starts_at=at(-40), ends_at=at(-40, 20), sectors=[centre]
        ),
        "brossard": make_activity(title_fr="Brossard", title_en="In Brossard", sectors=[brossard]),
    }


def test_the_service_feed_is_valid_icalendar(client, activities):
    response = client.get(feed_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in body.split(b"\r\n")), "lines are folded at 75 octets"
    assert b"\n" not in body.replace(b"\r\n", b"")
    calendar = parse(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Proximity//")
    found = events(calendar)
    # Upcoming, and those of the last 30 days: a subscribed calendar deletes what its feed drops.
    assert set(found) == {"Coffee with a cop", "Episode 3", "In Brossard", "Recent"}
    for event in found.values():
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL"):
            assert name in event, name
    assert b"SECRET" not in body and b"Private" not in body and b"Long past" not in body


def test_times_are_right_in_the_service_time_zone(client, activities):
    coffee = events(parse(client.get(feed_url())))["Coffee with a cop"]
    start, end = coffee.decoded("DTSTART"), coffee.decoded("DTEND")
    assert start.utcoffset() == datetime.timedelta(0)  # written in UTC, which needs no VTIMEZONE
    local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    assert start.astimezone(local).replace(tzinfo=None) == datetime.datetime.combine(
        at(7).date(), datetime.time(18)
    )
    assert end.astimezone(local).hour == 20
    assert str(coffee["LOCATION"]) == "Parc Saint-Mark, sector VL-01"


def test_a_release_is_a_whole_day_on_its_date(client, activities):
    video = events(parse(client.get(feed_url())))["Episode 3"]
    assert video.decoded("DTSTART") == at(20).date()
    assert video.decoded("DTEND") == at(21).date()
    assert str(video["URL"]) == "https://video.example/3"


def test_uids_are_stable_across_requests_and_languages(client, activities):
    first = parse(client.get(feed_url("en")))
    again = parse(client.get(feed_url("en")))
    french = parse(client.get(feed_url("fr")))
    uids = sorted(str(e["UID"]) for e in first.walk("VEVENT"))
    assert uids == sorted(str(e["UID"]) for e in again.walk("VEVENT"))
    assert uids == sorted(str(e["UID"]) for e in french.walk("VEVENT"))
    assert f"outreach-activity-{activities['coffee'].pk}@testserver" in uids


def test_the_feed_speaks_the_language_of_its_url(client, activities):
    french = events(parse(client.get(feed_url("fr"))))
    assert "Café avec la police" in french and "Coffee with a cop" not in french


def test_a_sectors_feed_has_only_its_public_upcoming_activities(client, activities):
    found = events(parse(client.get(feed_url(code="VL-01"))))
    assert set(found) == {"Coffee with a cop", "Episode 3", "Recent"}
    assert set(events(parse(client.get(feed_url(code="BR-01"))))) == {"In Brossard"}


def test_an_unknown_sectors_feed_is_not_found(client, two_sectors):
    assert client.get(feed_url(code="NOPE")).status_code == 404

"""The demo's outreach: a monthly video series, a police week with upcoming events, door-to-door rounds and
priorities; seeding twice adds nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from demo.outreach import SERIES_TITLE, demo_seed_outreach
from demo.services import demo_seed_officers, demo_seed_sectors
from outreach.models import Activity, ActivityType, Campaign, SectorPriority
from outreach.selectors import upcoming_public_activities

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("migration_data")]


@pytest.fixture
def seeded():
    demo_seed_sectors()
    demo_seed_officers()
    return demo_seed_outreach()


def test_the_demo_has_a_year_of_monthly_videos_past_ones_out(seeded):
    releases = Activity.objects.filter(campaign__title_fr=SERIES_TITLE).order_by("planned_on")
    assert releases.count() == 12
    assert all(r.kind == ActivityType.VIDEO_RELEASE for r in releases)
    today = timezone.localdate()
    past = [r for r in releases if r.planned_on < today]
    future = [r for r in releases if r.planned_on >= today]
    assert past and future
    assert all(r.released_on and r.link for r in past)
    assert not any(r.released_on or r.link for r in future)


def test_the_police_week_has_upcoming_public_events_in_several_sectors(seeded):
    upcoming = list(upcoming_public_activities().filter(kind=ActivityType.EVENT))
    assert len({activity.sector_id for activity in upcoming}) >= 5
    assert all(activity.sector_id for activity in upcoming), "each event's place lies in a sector"
    assert Activity.objects.filter(is_public=False, kind=ActivityType.EVENT).exists()
    assert Activity.objects.filter(kind=ActivityType.DOOR_TO_DOOR, attendance__gt=0).exists()


def test_a_few_sectors_have_public_priorities(seeded):
    sectors = set(SectorPriority.objects.public().values_list("sector__code", flat=True))
    assert len(sectors) >= 3


def test_seeding_again_adds_nothing(seeded):
    assert seeded["outreach_campaigns_created"] == 3
    before = (Campaign.objects.count(), Activity.objects.count(), SectorPriority.objects.count())
    again = demo_seed_outreach()
    assert set(again.values()) == {0}
    assert (Campaign.objects.count(), Activity.objects.count(), SectorPriority.objects.count()) == before


def test_the_demo_sector_page_shows_events_and_priorities(client, seeded):
    with translation.override("en"):
        path = reverse("public:sector", kwargs={"code": "VL-01"})
    html = client.get(path).content.decode()
    assert "Open house at the community station" in html
    assert "Cars speeding on Saint-Charles street" in html

"""What residents may see: only public activities, only those not over, per sector; public priorities."""

import datetime

import pytest

from contacts.models import Partner
from outreach.models import ActivityType, PriorityStatus, SectorPriority
from outreach.selectors import sector_outreach_public, sector_public_priorities, upcoming_public_activities

from .conftest import at

pytestmark = [pytest.mark.django_db]


def titles(activities):
    return [activity.title_fr for activity in activities]


def test_only_public_activities_not_over_yet_soonest_first(make_activity):
    make_activity(title_fr="plus tard", starts_at=at(10), ends_at=at(10, 20))
    make_activity(title_fr="bientôt", starts_at=at(1), ends_at=at(1, 20))
    make_activity(title_fr="privée", is_public=False)
    make_activity(title_fr="passée", starts_at=at(-2), ends_at=at(-2, 20))
    make_activity(title_fr="en cours", starts_at=at(0, 0), ends_at=at(1, 23))
    make_activity(title_fr="vidéo sortie", kind=ActivityType.VIDEO_RELEASE, starts_at=at(-1), ends_at=None)
    assert titles(upcoming_public_activities()) == ["en cours", "bientôt", "plus tard"]


def test_a_sectors_activities_are_those_held_there_or_aimed_at_it(make_activity, two_sectors):
    centre, brossard = two_sectors
    make_activity(title_fr="au centre", lon=-73.495, lat=45.505)
    make_activity(
        title_fr="pour Brossard et le centre", sectors=[brossard, centre], starts_at=at(4), ends_at=at(4, 20)
    )
    make_activity(title_fr="à Brossard", lon=-73.475, lat=45.505, starts_at=at(5), ends_at=at(5, 20))
    make_activity(title_fr="partout", starts_at=at(6), ends_at=at(6, 20))
    assert titles(upcoming_public_activities(sector=centre)) == ["au centre", "pour Brossard et le centre"]
    assert titles(upcoming_public_activities(sector=brossard)) == ["pour Brossard et le centre", "à Brossard"]


def test_the_public_selection_never_loads_the_staff_notes(make_activity):
    make_activity(notes="Informateur: M. X")
    [activity] = upcoming_public_activities()
    assert "notes" in activity.get_deferred_fields()


def test_a_sectors_public_priorities_open_ones_first(two_sectors):
    centre, brossard = two_sectors
    done = SectorPriority.objects.create(
        sector=centre,
        concern_fr="Vitesse",
        status=PriorityStatus.DONE,
        is_public=True,
        raised_on=datetime.date(2026, 1, 5),
        resolved_on=datetime.date(2026, 3, 1),
    )
    open_ = SectorPriority.objects.create(
        sector=centre, concern_fr="Parc", is_public=True, raised_on=datetime.date(2026, 2, 1)
    )
    SectorPriority.objects.create(sector=centre, concern_fr="Brouillon", is_public=False)
    SectorPriority.objects.create(sector=brossard, concern_fr="Ailleurs", is_public=True)
    assert list(sector_public_priorities(sector=centre)) == [open_, done]


def test_the_sector_page_part_is_cached_until_outreach_changes(
    make_activity, two_sectors, django_assert_num_queries
):
    centre, _ = two_sectors
    make_activity(title_fr="au centre", sectors=[centre])
    Partner.objects.create(name="Banque alimentaire", is_public=True)
    Partner.objects.create(name="Interne", is_public=False)
    with django_assert_num_queries(3):
        first = sector_outreach_public(sector=centre)
    with django_assert_num_queries(0):
        assert sector_outreach_public(sector=centre) == first
    assert titles(first["activities"]) == ["au centre"]
    assert [p.name for p in first["partners"]] == ["Banque alimentaire"]
    make_activity(title_fr="nouvelle", sectors=[centre], starts_at=at(8), ends_at=at(8, 20))
    assert titles(sector_outreach_public(sector=centre)["activities"]) == ["au centre", "nouvelle"]


def test_an_activity_ending_while_cached_is_dropped(make_activity, two_sectors):
    centre, _ = two_sectors
    make_activity(title_fr="ce soir", sectors=[centre], starts_at=at(0, 1), ends_at=at(0, 2))
    assert titles(sector_outreach_public(sector=centre, now=at(0, 0))["activities"]) == ["ce soir"]
    assert sector_outreach_public(sector=centre, now=at(0, 3))["activities"] == []

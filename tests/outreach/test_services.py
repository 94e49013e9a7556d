"""Campaigns, activities and priorities: series planning, placing in a sector, and bad input refused in words."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from outreach.models import Activity, ActivityType, Campaign, CampaignType, PriorityStatus, SectorPriority
from outreach.services import (
    activity_record_release,
    campaign_plan_series,
    campaign_save,
    priority_save,
)

from .conftest import at

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def video_campaign(two_sectors):
    return campaign_save(
        campaign=Campaign(
            title_fr="Capsules vidéo",
            title_en="Video shorts",
            kind=CampaignType.VIDEO_SERIES,
            starts_on=datetime.date(2026, 1, 31),
        ),
        sectors=[two_sectors[0]],
    )


def test_a_series_is_planned_one_release_a_month(video_campaign, two_sectors):
    releases = campaign_plan_series(
        campaign=video_campaign,
        first_date=datetime.date(2026, 1, 31),
        count=12,
        title_pattern="{campaign} — épisode {number} de {count}",
        title_pattern_en="{campaign} — episode {number} of {count}",
    )
    assert len(releases) == 12
    assert [r.planned_on for r in releases][:3] == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),  # a shorter month: its last day
        datetime.date(2026, 3, 31),
    ]
    assert releases[-1].planned_on == datetime.date(2026, 12, 31)
    first = releases[0]
    assert first.kind == ActivityType.VIDEO_RELEASE and first.is_public and first.released_on is None
    assert first.title_fr == "Capsules vidéo — épisode 1 de 12"
    assert first.title_en == "Video shorts — episode 1 of 12"
    assert list(first.sectors.all()) == [two_sectors[0]]


def test_planning_a_series_again_adds_only_the_missing_dates(video_campaign):
    campaign_plan_series(campaign=video_campaign, first_date=datetime.date(2026, 1, 31), count=6)
    added = campaign_plan_series(campaign=video_campaign, first_date=datetime.date(2026, 1, 31), count=12)
    assert len(added) == 6
    assert video_campaign.activities.count() == 12


def test_a_release_records_its_actual_date_and_link(video_campaign):
    [release] = campaign_plan_series(campaign=video_campaign, first_date=datetime.date(2026, 1, 31), count=1)
    activity_record_release(
        activity=release, released_on=datetime.date(2026, 2, 2), link="https://video.example/1"
    )
    release.refresh_from_db()
    assert release.planned_on == datetime.date(2026, 1, 31)
    assert release.released_on == datetime.date(2026, 2, 2)
    assert release.day == datetime.date(2026, 2, 2)
    assert release.link == "https://video.example/1"


@pytest.mark.parametrize(
    ("fields", "field", "english_message"),
    [
        ({"count": 0}, "count", "Plan between 1 and 60 releases."),
        ({"interval_months": 13}, "interval_months", "The interval is between 1 and 12 months."),
        ({"title_pattern": "{episode}"}, "title_pattern", "The title may only use"),
    ],
)
def test_a_bad_series_is_refused_in_words(video_campaign, english, fields, field, english_message):
    values = {"campaign": video_campaign, "first_date": datetime.date(2026, 1, 1), "count": 3, **fields}
    with pytest.raises(ValidationError) as error:
        campaign_plan_series(**values)
    assert english_message in error.value.message_dict[field][0]
    assert not Activity.objects.exists()


def test_an_activity_is_placed_in_the_sector_of_its_point(make_activity, two_sectors):
    inside_brossard = make_activity(lon=-73.475, lat=45.505)
    nowhere = make_activity(lon=-70.0, lat=45.0)
    no_point = make_activity()
    assert inside_brossard.sector == two_sectors[1]
    assert nowhere.sector is None and no_point.sector is None


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_end_before_the_start_is_refused_naming_the_field(make_activity, language):
    with translation.override(language), pytest.raises(ValidationError) as error:
        make_activity(starts_at=at(3, 18), ends_at=at(3, 17))
    assert list(error.value.message_dict) == ["ends_at"]
    # The message names both fields by their labels, in the language of the request.
    with translation.override(language):
        ends, starts = (
            str(Activity._meta.get_field("ends_at").verbose_name),
            str(Activity._meta.get_field("starts_at").verbose_name),
        )
    [message] = error.value.message_dict["ends_at"]
    assert ends.capitalize() in message and starts.capitalize() in message
    if language == "en":
        assert message == "“Ends” must not be before “Starts”."
    assert not Activity.objects.exists()


def test_a_campaign_or_a_priority_ending_before_it_starts_is_refused(two_sectors, english):
    with pytest.raises(ValidationError) as error:
        campaign_save(
            campaign=Campaign(
                title_fr="Semaine",
                kind=CampaignType.AWARENESS_WEEK,
                starts_on=datetime.date(2026, 5, 10),
                ends_on=datetime.date(2026, 5, 9),
            )
        )
    assert error.value.message_dict == {"ends_on": ["“End date” must not be before “Start date”."]}
    with pytest.raises(ValidationError) as error:
        priority_save(
            priority=SectorPriority(
                sector=two_sectors[0],
                concern_fr="Vitesse",
                raised_on=datetime.date(2026, 5, 10),
                resolved_on=datetime.date(2026, 5, 1),
            )
        )
    assert list(error.value.message_dict) == ["resolved_on"]


def test_the_database_refuses_what_slips_past_the_forms(make_activity):
    activity = make_activity()
    for change in (
        {"ends_at": activity.starts_at - datetime.timedelta(hours=1)},
        {"attendance": -1},
        {"notes": "x" * 4001},
        {"lon": -73.5, "lat": None},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Activity.objects.filter(pk=activity.pk).update(**change)


def test_oversized_text_is_refused_in_words(make_activity, english):
    with pytest.raises(ValidationError) as error:
        make_activity(notes="x" * 4001, title_fr="y" * 201)
    errors = error.value.message_dict
    assert errors["notes"] == ["Ensure this value has at most 4000 characters (it has 4001)."]
    assert errors["title_fr"] == ["Ensure this value has at most 200 characters (it has 201)."]


def test_an_event_needs_its_end_but_a_release_does_not(make_activity, english):
    with pytest.raises(ValidationError) as error:
        make_activity(ends_at=None)
    assert error.value.message_dict == {"ends_at": ["Give the time the activity ends."]}
    assert make_activity(kind=ActivityType.VIDEO_RELEASE, ends_at=None).pk


def test_half_a_point_is_refused(make_activity, english):
    with pytest.raises(ValidationError) as error:
        make_activity(lon=-73.5)
    assert error.value.message_dict == {
        "lat": ["Give both the longitude and the latitude of the place, or neither."]
    }


def test_a_priority_keeps_who_recorded_it_and_gets_a_done_date(two_sectors, django_user_model):
    first = django_user_model.objects.create_user("sup1")
    second = django_user_model.objects.create_user("sup2")
    priority = priority_save(
        priority=SectorPriority(sector=two_sectors[0], concern_fr="Vitesse rue King"), recorded_by=first
    )
    priority.status = PriorityStatus.DONE
    priority_save(priority=priority, recorded_by=second)
    priority.refresh_from_db()
    assert priority.recorded_by == first
    assert priority.resolved_on is not None


def test_the_constraints_exist_in_the_database():
    with connection.cursor() as cursor:
        names = {c for c in connection.introspection.get_constraints(cursor, "outreach_activity")}
    assert {"outreach_activity_ends_after_start", "outreach_activity_attendance_not_negative"} <= names

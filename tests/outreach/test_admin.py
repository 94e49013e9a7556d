"""Outreach in the admin: each role reaches exactly its pages; supervisors plan a series; errors land on forms."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from outreach.models import Activity, Campaign, CampaignType, SectorPriority

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("migration_data")]

PAGES = {
    "campaigns": ("admin:outreach_campaign_changelist", None),
    "campaign add": ("admin:outreach_campaign_add", None),
    "campaign": ("admin:outreach_campaign_change", "campaign"),
    "plan series": ("admin:outreach_campaign_plan_series", "campaign"),
    "activities": ("admin:outreach_activity_changelist", None),
    "activity add": ("admin:outreach_activity_add", None),
    "activity": ("admin:outreach_activity_change", "activity"),
    "priorities": ("admin:outreach_sectorpriority_changelist", None),
    "priority add": ("admin:outreach_sectorpriority_add", None),
    "priority": ("admin:outreach_sectorpriority_change", "priority"),
}
READ = {"campaigns", "campaign", "activities", "activity", "priorities", "priority"}
ALLOWED = {
    "Administrator": set(PAGES),
    "Supervisor": set(PAGES),
    "Officer": READ | {"activity add"},
    "Analyst": READ,
    "no group": set(),
}


@pytest.fixture
def objects(make_activity, two_sectors):
    campaign = Campaign.objects.create(
        title_fr="Semaine de la police",
        kind=CampaignType.AWARENESS_WEEK,
        starts_on=datetime.date(2026, 5, 10),
    )
    return {
        "campaign": campaign,
        "activity": make_activity(campaign=campaign, notes="staff note"),
        "priority": SectorPriority.objects.create(sector=two_sectors[0], concern_fr="Vitesse"),
    }


def page_url(objects, screen):
    name, needs = PAGES[screen]
    return reverse(name, args=[objects[needs].pk]) if needs else reverse(name)


def staff_member(role: str):
    user = get_user_model().objects.create_user(username=f"staff-{role}", is_staff=True)
    if role != "no group":
        user.groups.add(Group.objects.get(name=role))  # made by the migrations, not by the test
    return user


@pytest.mark.parametrize("screen", PAGES)
@pytest.mark.parametrize("role", ALLOWED)
def test_each_role_reaches_exactly_its_pages(client, objects, role, screen):
    client.force_login(staff_member(role))
    expected = 200 if screen in ALLOWED[role] else 403
    assert client.get(page_url(objects, screen)).status_code == expected, f"{role} on {screen}"


@pytest.mark.parametrize("screen", PAGES)
def test_someone_not_signed_in_is_sent_to_the_login_page(client, objects, screen):
    response = client.get(page_url(objects, screen))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(("role", "edits"), [("Supervisor", True), ("Officer", True), ("Analyst", False)])
def test_who_may_change_an_activity(client, objects, role, edits):
    client.force_login(staff_member(role))
    html = client.get(page_url(objects, "activity")).content.decode()
    assert ('name="title_fr"' in html) is edits


def test_a_supervisor_plans_a_monthly_series(client, objects):
    client.force_login(staff_member("Supervisor"))
    response = client.post(
        page_url(objects, "plan series"),
        {
            "first_date": "2026-01-15",
            "count": "12",
            "interval_months": "1",
            "title_pattern": "{campaign} — épisode {number}",
            "title_pattern_en": "{campaign} — episode {number}",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    releases = Activity.objects.filter(campaign=objects["campaign"], planned_on__isnull=False)
    assert releases.count() == 12
    assert releases.order_by("planned_on").last().planned_on == datetime.date(2026, 12, 15)


def test_a_bad_series_comes_back_with_its_error(client, objects):
    client.force_login(staff_member("Supervisor"))
    with_language = page_url(objects, "plan series").replace("/fr/", "/en/")
    response = client.post(
        with_language,
        {
            "first_date": "2026-01-15",
            "count": "3",
            "interval_months": "1",
            "title_pattern": "{oops}",
            "title_pattern_en": "x",
        },
    )
    assert response.status_code == 200
    assert "The title may only use" in response.content.decode()
    assert not Activity.objects.filter(planned_on__isnull=False).exists()


def test_the_admin_action_leads_to_the_series_page(client, objects):
    client.force_login(staff_member("Supervisor"))
    response = client.post(
        reverse("admin:outreach_campaign_changelist"),
        {"action": "plan_series", "_selected_action": [objects["campaign"].pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(objects, "plan series")


def test_an_activity_ending_before_it_starts_is_refused_on_the_form(client, objects, two_sectors):
    client.force_login(staff_member("Supervisor"))
    add = reverse("admin:outreach_activity_add").replace("/fr/", "/en/")
    start, end = at(3, 18), at(3, 17)
    response = client.post(
        add,
        {
            "title_fr": "Kiosque",
            "kind": "kiosk",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": "18:00",
            "ends_at_0": end.strftime("%Y-%m-%d"),
            "ends_at_1": "17:00",
            "lon": "-73.495",
            "lat": "45.505",
        },
    )
    assert response.status_code == 200
    assert "“Ends” must not be before “Starts”." in response.content.decode()
    response = client.post(
        add,
        {
            "title_fr": "Kiosque",
            "kind": "kiosk",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": "18:00",
            "ends_at_0": end.strftime("%Y-%m-%d"),
            "ends_at_1": "19:00",
            "lon": "-73.495",
            "lat": "45.505",
        },
    )
    assert response.status_code == 302
    assert Activity.objects.get(title_fr="Kiosque").sector == two_sectors[0]


def test_a_priority_saved_in_the_admin_records_who(client, objects, two_sectors):
    supervisor = staff_member("Supervisor")
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:outreach_sectorpriority_add"),
        {
            "sector": two_sectors[0].pk,
            "status": "open",
            "raised_on": "2026-03-01",
            "concern_fr": "Bruit au parc",
        },
    )
    assert response.status_code == 302
    assert SectorPriority.objects.get(concern_fr="Bruit au parc").recorded_by == supervisor

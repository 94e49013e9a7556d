"""The public side of outreach: the sector page's activities, priorities and partners, and the events page.
Nothing that is not public leaks, and staff notes never do."""

import pytest
from django.urls import reverse
from django.utils import translation

from contacts.models import Partner
from outreach.models import PriorityStatus, SectorPriority

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("migration_data")]


def url(name, language="en", query="", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs) + query


@pytest.fixture
def outreach(make_activity, two_sectors):
    centre, brossard = two_sectors
    make_activity(
        title_fr="Café avec la police",
        title_en="Coffee with a cop",
        place_name="Bibliothèque Claude-Henri-Grignon",
        lon=-73.495,
        lat=45.505,
        notes="SECRET staff note",
    )
    make_activity(title_fr="Kiosque privé", title_en="Private kiosk", is_public=False, sectors=[centre])
    make_activity(
        title_fr="Fête passée", title_en="Past party", starts_at=at(-5), ends_at=at(-5, 20), sectors=[centre]
    )
    make_activity(title_fr="Porte-à-porte DIX30", title_en="DIX30 door-to-door", sectors=[brossard])
    SectorPriority.objects.create(
        sector=centre,
        concern_fr="La vitesse rue Saint-Charles",
        concern_en="Speeding on Saint-Charles street",
        actions_fr="Opérations radar",
        actions_en="Radar checks every week",
        status=PriorityStatus.IN_PROGRESS,
        is_public=True,
    )
    SectorPriority.objects.create(sector=centre, concern_fr="Brouillon interne", concern_en="Internal draft")
    Partner.objects.create(
        name="Maison de la famille", is_public=True, phone="+14505550100", website="https://famille.example"
    )
    hidden = Partner.objects.create(name="Partenaire non public", is_public=False)
    elsewhere = Partner.objects.create(name="Partenaire de Brossard", is_public=True)
    elsewhere.sectors.set([brossard])
    hidden.sectors.set([centre])
    return centre


def test_the_sector_page_shows_next_events_priorities_and_partners(client, outreach):
    html = client.get(url("public:sector", code="VL-01")).content.decode()
    assert "Coffee with a cop" in html and "Bibliothèque Claude-Henri-Grignon" in html
    assert "Speeding on Saint-Charles street" in html and "Radar checks every week" in html
    assert "In progress" in html
    assert "Maison de la famille" in html and 'href="tel:+14505550100"' in html
    for hidden in (
        "SECRET",
        "Private kiosk",
        "Past party",
        "DIX30 door-to-door",
        "Internal draft",
        "Partenaire non public",
        "Partenaire de Brossard",
    ):
        assert hidden not in html, hidden


def test_the_sector_page_links_its_calendar_feed(client, outreach):
    html = client.get(url("public:sector", code="VL-01")).content.decode()
    feed = url("public:sector-calendar", code="VL-01")
    assert f'href="webcal://testserver{feed}"' in html
    assert f'href="http://testserver{feed}"' in html


def test_the_sector_page_speaks_french_by_default(client, outreach):
    html = client.get(url("public:sector", language="fr", code="VL-01")).content.decode()
    assert "Café avec la police" in html and "La vitesse rue Saint-Charles" in html
    assert "Coffee with a cop" not in html


def test_the_sector_page_is_warm_with_the_queries_it_had(client, outreach, django_assert_max_num_queries):
    client.get(url("public:sector", code="VL-01"))
    with django_assert_max_num_queries(5):  # the outreach part comes from the cache
        client.get(url("public:sector", code="VL-01"))


def test_an_edit_is_on_the_sector_page_at_once(client, outreach, make_activity):
    client.get(url("public:sector", code="VL-01"))
    make_activity(title_fr="Nouveau", title_en="Brand new", sectors=[outreach])
    assert "Brand new" in client.get(url("public:sector", code="VL-01")).content.decode()
    Partner.objects.get(name="Maison de la famille").delete()
    html = client.get(url("public:sector", code="VL-01")).content.decode()
    assert "Maison de la famille" not in html


def test_the_events_page_lists_upcoming_public_activities(client, outreach, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(url("public:events"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Coffee with a cop" in html and "DIX30 door-to-door" in html
    for hidden in ("SECRET", "Private kiosk", "Past party"):
        assert hidden not in html
    assert f'href="webcal://testserver{url("public:calendar")}"' in html


def test_the_events_page_filters_by_sector(client, outreach):
    html = client.get(url("public:events", query="?sector=BR-01")).content.decode()
    assert "DIX30 door-to-door" in html and "Coffee with a cop" not in html
    assert f"webcal://testserver{url('public:sector-calendar', code='BR-01')}" in html
    assert '<option value="BR-01" selected>' in html


def test_an_unknown_sector_shows_every_activity_and_says_so(client, outreach):
    html = client.get(url("public:events", query="?sector=NOPE")).content.decode()
    assert "This sector does not exist" in html
    assert "DIX30 door-to-door" in html and "Coffee with a cop" in html


def test_the_events_page_says_when_nothing_is_planned(client, two_sectors):
    html = client.get(url("public:events")).content.decode()
    assert "No public activity is planned for now." in html


def test_the_events_page_has_a_translated_path():
    assert url("public:events", language="en") == "/en/events/"
    assert url("public:events", language="fr").startswith("/fr/")

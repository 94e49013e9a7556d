"""A resident on a phone: types an address (with a typo), picks from an ambiguous list, calls the officer."""

import pytest
from django.utils import timezone

from beats.addresses.normalise import postal_code_key, street_key
from beats.models import CivicAddress
from officers.models import Assignment, Officer
from tests.beats.factories import SectorFactory, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def taschereau(migration_data):
    longueuil = SectorFactory(code="GP-01", name="Greenfield Park", geometry=square(-73.48, 45.48))
    brossard = SectorFactory(
        code="BR-01", name="Panama", municipality="Brossard", geometry=square(-73.47, 45.45)
    )
    for sector, first, phone in ((longueuil, "Emily", "+14505550111"), (brossard, "Minh", "+14505550122")):
        officer = Officer.objects.create(
            badge_number=phone[-3:],
            first_name=first,
            last_name="Officer",
            work_phone=phone,
            is_published=True,
        )
        Assignment.objects.create(officer=officer, sector=sector, starts_on=timezone.localdate())
    for municipality, lon, lat, postal in (
        ("Longueuil", -73.475, 45.485, "J4V 6W3"),
        ("Brossard", -73.465, 45.455, "J4W 5J1"),
    ):
        CivicAddress.objects.create(
            civic_number="3551",
            street="boulevard Taschereau",
            street_key=street_key("boulevard Taschereau"),
            municipality=municipality,
            postal_code=postal_code_key(postal),
            lon=lon,
            lat=lat,
        )


def test_a_resident_picks_their_address_and_reaches_the_officer(browser_page, live_server, taschereau):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/en/")
    page.fill("#address-query", "3551 av Taschereau")  # the street type is wrong: it is a boulevard
    page.click(".address-search button")
    page.wait_for_selector(".address-choices")
    choices = page.locator(".address-choices a")
    assert choices.count() == 2
    page.get_by_role("link", name="3551 boulevard Taschereau, Brossard J4W 5J1").click()
    page.wait_for_selector(".officer-card")
    assert "Your sector: Panama (BR-01)" in page.inner_text("#result")
    assert page.get_attribute(".officer-card a[href^='tel:']", "href") == "tel:+14505550122"
    assert page.problems == []

"""A resident on a phone finds their officer without typing: by their location, or by a click on the map;
and sees who covers when their officer is away."""

import datetime

import pytest
from django.utils import timezone

from officers.models import Absence, Assignment, Officer
from tests.beats.factories import SectorFactory, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def centre(migration_data):
    today = timezone.localdate()
    sector = SectorFactory(code="VL-01", name="Centre historique", geometry=square(-73.52, 45.53))
    julie = Officer.objects.create(
        badge_number="1",
        first_name="Julie",
        last_name="Tremblay",
        work_phone="+14505550142",
        is_published=True,
    )
    marc = Officer.objects.create(
        badge_number="2", first_name="Marc", last_name="Gagnon", work_phone="+14505550199", is_published=True
    )
    Assignment.objects.create(officer=julie, sector=sector, starts_on=today - datetime.timedelta(days=30))
    return {"sector": sector, "julie": julie, "marc": marc, "today": today}


def test_use_my_location_shows_the_officer_of_where_the_phone_is(browser_page, live_server, centre):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"longitude": -73.515, "latitude": 45.535})
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_selector(".officer-card")
    assert "Your sector: Centre historique (VL-01)" in page.inner_text("#result")
    assert page.get_attribute(".officer-card a[href^='tel:']", "href") == "tel:+14505550142"
    assert "lon=-73.515000" in page.url and "lat=45.535000" in page.url
    assert page.problems == []


def test_a_refused_location_says_so_and_the_search_box_still_works(browser_page, live_server, centre):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.context.clear_permissions()  # headless Chromium refuses geolocation unless granted
    page.goto(f"{live_server.url}/fr/")
    page.get_by_role("button", name="Utiliser ma position").click()
    status = page.locator("#locate-status")
    status.wait_for()
    page.wait_for_function("document.getElementById('locate-status').textContent.includes('adresse')")
    assert "Tapez plutôt votre adresse" in status.inner_text()
    assert page.get_by_role("button", name="Utiliser ma position").is_enabled()


def test_a_click_on_the_map_looks_up_that_point(browser_page, live_server, centre):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/en/")
    page.wait_for_selector("#sector-map[data-loaded='1']", state="attached")
    page.locator("#sector-map").scroll_into_view_if_needed()
    page.locator("#sector-map").click()  # the centre of the map: the map is fitted to the only sector
    page.wait_for_selector(".officer-card")
    assert "Your sector: Centre historique (VL-01)" in page.inner_text("#result")
    assert page.problems == []


def test_when_the_officer_is_away_the_resident_sees_who_covers_and_can_call_them(
    browser_page, live_server, centre
):
    today = centre["today"]
    Absence.objects.create(
        officer=centre["julie"],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=6),
        covering_officer=centre["marc"],
    )
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/en/?lon=-73.515&lat=45.535")
    notice = page.locator(".notice").inner_text()
    assert "Julie Tremblay is away until" in notice and "Marc Gagnon answers for the sector" in notice
    first_card = page.locator(".officer-card").first
    assert "Marc Gagnon" in first_card.inner_text()
    assert first_card.locator("a[href^='tel:']").get_attribute("href") == "tel:+14505550199"
    # The sector page says the same.
    page.get_by_role("link", name="More about the Centre historique sector").click()
    assert "Marc Gagnon answers for the sector" in page.locator(".notice").inner_text()
    assert page.problems == []


def test_the_home_page_weighs_under_300_kb_without_map_tiles(browser_page, live_server, centre):
    page = browser_page
    sizes = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto(f"{live_server.url}/fr/")
    page.wait_for_selector("#sector-map[data-loaded='1']", state="attached")
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    # Uncompressed, as the test server sends them; production compresses text files further.
    assert any(url.endswith("leaflet.js") for url in sizes), sorted(sizes)
    assert total <= 300 * 1024, sorted(sizes.items(), key=lambda item: -item[1])

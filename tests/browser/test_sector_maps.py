import json

import pytest
from django.contrib.auth import get_user_model

from beats.models import Sector
from tests.beats.factories import SectorFactory, square
from tests.conftest import STAFF_PASSWORD, enter_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_public_map_draws_every_sector_without_script_errors(browser_page, live_server):
    for n in range(3):
        SectorFactory(code=f"S{n}", geometry=square(-73.50 + 0.01 * n, 45.50))
    browser_page.goto(f"{live_server.url}/en/sectors/")
    browser_page.wait_for_selector("#sector-map[data-loaded]", state="attached", timeout=10_000)
    assert browser_page.get_attribute("#sector-map", "data-loaded") == "3"
    assert browser_page.locator("#sector-map path.leaflet-interactive").count() == 3
    assert browser_page.problems == []  # a CSP violation or a script error would show here


def test_the_language_switch_keeps_the_page(browser_page, live_server):
    browser_page.goto(f"{live_server.url}/en/sectors/")
    browser_page.get_by_role("button", name="Français").click()
    browser_page.wait_for_url("**/fr/**")
    assert browser_page.get_attribute("html", "lang") == "fr"
    assert browser_page.url.endswith("/fr/secteurs/")


def test_a_supervisor_draws_a_sector_in_the_admin(browser_page, live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    get_user_model().objects.create_superuser("sergeant", "sergeant@example.org", STAFF_PASSWORD)
    page = browser_page
    page.goto(f"{live_server.url}/en/admin/login/")
    page.fill("#id_username", "sergeant")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    enter_second_factor(page)
    page.goto(f"{live_server.url}/en/admin/beats/sector/add/")
    page.fill("#id_code", "DRAWN")
    page.fill("#id_name", "Drawn on the map")
    page.fill("#id_municipality", "Longueuil")

    page.click(".leaflet-draw-draw-polygon")
    map_box = page.locator("#id_geometry-map").bounding_box()
    cx, cy = map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2
    corners = [(cx - 60, cy - 40), (cx + 60, cy - 40), (cx + 60, cy + 40), (cx - 60, cy + 40)]
    for x, y in corners:
        page.mouse.click(x, y)
        page.wait_for_timeout(150)
    page.mouse.click(*corners[0])  # closes the ring
    page.wait_for_function("document.getElementById('id_geometry').value.includes('Polygon')")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/beats/sector/")

    sector = Sector.objects.get(code="DRAWN")
    assert sector.geometry["type"] in ("Polygon", "MultiPolygon")
    rings = json.dumps(sector.geometry["coordinates"])
    assert rings.count("[") >= 6  # at least a closed ring of four corners
    assert page.problems == []

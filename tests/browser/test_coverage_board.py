"""The coverage board in Chromium: the map draws every sector in its status colour, with no script or CSP error,
and the page passes axe's WCAG 2.1 AA checks in French and English (one sign-in, both languages in turn)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from officers.models import Absence, Assignment, Officer
from tests.beats.factories import SectorFactory, square
from tests.browser.test_accessibility import LANGUAGES, violations
from tests.conftest import STAFF_PASSWORD, enter_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def territory():
    """Four sectors side by side, one per status today (in the site's time zone)."""
    today = timezone.localdate()
    month_ago, next_week = today - datetime.timedelta(days=30), today + datetime.timedelta(days=7)
    sectors = {
        code: SectorFactory(code=code, name=name, geometry=square(-73.50 + 0.01 * n, 45.50))
        for n, (code, name) in enumerate(
            [("COV", "Centre"), ("BAK", "Vieux-Port"), ("AWY", "Collectivité"), ("VAC", "Parc")]
        )
    }
    people = {
        name: Officer.objects.create(badge_number=f"B{n}", first_name=name, last_name="Tremblay")
        for n, name in enumerate(["Alice", "Bob", "Carole", "David"])
    }
    for code, name in [("COV", "Alice"), ("BAK", "Bob"), ("AWY", "David")]:
        Assignment.objects.create(officer=people[name], sector=sectors[code], starts_on=month_ago)
    Absence.objects.create(
        officer=people["Bob"], starts_on=today, ends_on=next_week, covering_officer=people["Carole"]
    )
    Absence.objects.create(officer=people["David"], starts_on=today, ends_on=next_week)
    return sectors


def open_board(page, live_server, settings, language="en"):
    sign_in(page, live_server, settings, language)
    show_board(page, live_server, language)


def sign_in(page, live_server, settings, language="en"):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    get_user_model().objects.create_superuser("sergeant", "sergeant@example.org", STAFF_PASSWORD)
    with translation.override(language):
        login = reverse("admin:login")
    page.goto(live_server.url + login)
    page.fill("#id_username", "sergeant")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    enter_second_factor(page)
    page.wait_for_url("**/admin/")


def show_board(page, live_server, language="en"):
    with translation.override(language):
        board = reverse("staff:coverage")
    page.goto(live_server.url + board)
    page.wait_for_selector("#coverage-map[data-loaded]", state="attached", timeout=10_000)


def fill_of(page, code: str) -> str:
    return page.eval_on_selector(f'#coverage-map path[data-code="{code}"]', "e => getComputedStyle(e).fill")


def test_the_map_colours_every_sector_by_its_coverage(
    browser_page, live_server, settings, territory, tmp_path
):
    page = browser_page
    open_board(page, live_server, settings)

    assert page.get_attribute("#coverage-map", "data-loaded") == "4"
    assert page.locator("#coverage-map path.leaflet-interactive.coverage-sector").count() == 4
    statuses = {
        code: page.get_attribute(f'#coverage-map path[data-code="{code}"]', "data-status")
        for code in territory
    }
    assert statuses == {"COV": "covered", "BAK": "backup", "AWY": "away", "VAC": "vacant"}
    fills = {code: fill_of(page, code) for code in territory}
    assert fills["COV"] == "rgb(30, 123, 52)"  # --coverage-covered, the legend's colour
    assert fills["VAC"] == "rgb(176, 0, 32)"  # --coverage-vacant
    assert len(set(fills.values())) == 4
    page.screenshot(path=str(tmp_path / "coverage-board.png"), full_page=True)
    assert page.problems == []  # a CSP violation or a script error would show here


def test_the_tooltip_says_who_residents_reach(browser_page, live_server, settings, territory):
    page = browser_page
    open_board(page, live_server, settings)

    page.hover('#coverage-map path[data-code="BAK"]')
    tooltip = page.locator(".leaflet-tooltip", has_text="BAK")
    tooltip.wait_for()
    assert " ".join(tooltip.inner_text().split()) == (
        "BAK Vieux-Port Covered by a backup Residents reach: Carole Tremblay"
    )
    page.hover('#coverage-map path[data-code="VAC"]')
    tooltip = page.locator(".leaflet-tooltip", has_text="VAC")
    tooltip.wait_for()
    assert " ".join(tooltip.inner_text().split()) == "VAC Parc Vacant Residents reach: nobody"
    assert page.problems == []


def test_choosing_a_day_in_the_form_shows_that_day(browser_page, live_server, settings, territory):
    page = browser_page
    open_board(page, live_server, settings)
    before = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()

    page.fill("#coverage-day", before)
    page.click(".coverage-day-form button[type=submit]")
    page.wait_for_url(f"**?on={before}")
    page.wait_for_selector("#coverage-map[data-loaded]", state="attached", timeout=10_000)

    # Before any assignment started, every sector was vacant.
    assert page.locator('#coverage-map path[data-status="vacant"]').count() == 4
    assert page.problems == []


def test_the_coverage_board_has_no_wcag_violation(browser_page, live_server, settings, territory):
    sign_in(browser_page, live_server, settings, LANGUAGES[0])
    found = {}
    for language in LANGUAGES:  # signed in once: the language is the URL's prefix
        show_board(browser_page, live_server, language)
        assert browser_page.get_attribute("html", "lang") == language
        found[language] = violations(browser_page)
    assert found == {key: [] for key in found}

"""WCAG 2.1 AA checks with axe-core, in Chromium, on the pages residents and supervisors see.

Each test walks its pages in French and in English in one browser session, on one set of rows (a transactional
database is slow to set up), and collects axe's findings by language and page: a failure names both.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from tests.beats.factories import SectorFactory, square
from tests.conftest import STAFF_PASSWORD, enter_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ("fr", "en")
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG_21_AA)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}× e.g. {violation['nodes'][0]['target']})"
        for violation in results.response["violations"]
    ]


@pytest.fixture
def sectors():
    SectorFactory(code="VL-01", name="Centre", borough="Vieux-Longueuil", geometry=square(-73.50, 45.50))
    SectorFactory(code="BR-01", name="DIX30", municipality="Brossard", geometry=square(-73.49, 45.50))


def test_public_pages_have_no_wcag_violation(browser_page, live_server, sectors):
    found = {}
    for language in LANGUAGES:
        for name in ("public:home", "public:sectors", "public:team"):
            with translation.override(language):
                path = reverse(name)
            browser_page.goto(live_server.url + path)
            browser_page.wait_for_load_state("networkidle")
            found[language, name] = violations(browser_page)
    assert found == {key: [] for key in found}


def test_the_staff_territory_page_has_no_wcag_violation(browser_page, live_server, sectors, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    get_user_model().objects.create_superuser("sergeant", "sergeant@example.org", STAFF_PASSWORD)
    with translation.override(LANGUAGES[0]):
        login = reverse("admin:login")
    browser_page.goto(live_server.url + login)
    browser_page.fill("#id_username", "sergeant")
    browser_page.fill("#id_password", STAFF_PASSWORD)
    browser_page.click("input[type=submit]")
    enter_second_factor(browser_page)
    found = {}
    for language in LANGUAGES:  # signed in once: the language is the URL's prefix
        with translation.override(language):
            territory = reverse("staff:territory")
        browser_page.goto(live_server.url + territory)
        browser_page.wait_for_selector("#sector-map[data-loaded]", state="attached")
        assert browser_page.get_attribute("html", "lang") == language
        found[language] = violations(browser_page)
    assert found == {key: [] for key in found}


def test_a_sector_page_has_no_wcag_violation(browser_page, live_server, sectors, migration_data):
    from django.utils import timezone

    from officers.models import Assignment, Officer

    officer = Officer.objects.create(
        badge_number="7", first_name="Amina", last_name="Haddad", work_phone="+14505550177", is_published=True
    )
    Assignment.objects.create(officer=officer, sector_id=sectors_pk("VL-01"), starts_on=timezone.localdate())
    found = {}
    for language in LANGUAGES:
        with translation.override(language):
            path = reverse("public:sector", kwargs={"code": "VL-01"})
        browser_page.goto(live_server.url + path)
        browser_page.wait_for_selector("#sector-map[data-loaded='2']", state="attached")
        assert "Amina Haddad" in browser_page.inner_text("main"), language
        found[language] = violations(browser_page)
    assert found == {key: [] for key in found}


def sectors_pk(code):
    from beats.models import Sector

    return Sector.objects.get(code=code).pk


def test_the_sector_list_is_reachable_by_keyboard_alone(browser_page, live_server, sectors):
    browser_page.goto(f"{live_server.url}/en/sectors/")
    browser_page.keyboard.press("Tab")
    focused = browser_page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("document.activeElement.id") == "main"


def test_the_lookup_result_has_no_wcag_violation(browser_page, live_server, migration_data):
    from django.utils import timezone

    from beats.addresses.normalise import street_key
    from beats.models import CivicAddress
    from officers.models import Assignment, Officer

    sector = SectorFactory(code="VL-01", name="Centre", geometry=square(-73.52, 45.53))
    officer = Officer.objects.create(
        badge_number="1",
        first_name="Julie",
        last_name="Tremblay",
        work_phone="+14505550142",
        is_published=True,
    )
    Assignment.objects.create(officer=officer, sector=sector, starts_on=timezone.localdate())
    CivicAddress.objects.create(
        civic_number="150",
        street="rue Saint-Charles Ouest",
        street_key=street_key("rue Saint-Charles Ouest"),
        municipality="Longueuil",
        lon=-73.515,
        lat=45.535,
    )
    found = {}
    for language in LANGUAGES:
        with translation.override(language):
            path = reverse("public:home")
        browser_page.goto(f"{live_server.url}{path}?q=150+st-charles+o")
        assert browser_page.locator("a[href='tel:+14505550142']").count() == 1, language
        found[language] = violations(browser_page)
    assert found == {key: [] for key in found}

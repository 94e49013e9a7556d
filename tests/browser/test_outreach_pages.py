"""The public outreach parts in Chromium: the sector page (activities, priorities, partners) and the events
page pass axe's WCAG 2.1 AA checks in French and English, without console errors or CSP violations. Each test walks
both languages in turn on one set of rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from contacts.models import Partner
from outreach.models import Activity, ActivityType, PriorityStatus, SectorPriority
from outreach.services import activity_save
from tests.beats.factories import SectorFactory, square
from tests.browser.test_accessibility import LANGUAGES, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def outreach():
    centre = SectorFactory(
        code="VL-01", name="Centre", borough="Vieux-Longueuil", geometry=square(-73.50, 45.50)
    )
    SectorFactory(code="BR-01", name="DIX30", municipality="Brossard", geometry=square(-73.49, 45.50))
    activity_save(
        activity=Activity(
            title_fr="Café avec la police",
            title_en="Coffee with a cop",
            kind=ActivityType.EVENT,
            starts_at=at(3, 18),
            ends_at=at(3, 20),
            place_name="Bibliothèque",
            lon=-73.495,
            lat=45.505,
            is_public=True,
        )
    )
    activity_save(
        activity=Activity(
            title_fr="Capsule 4",
            title_en="Episode 4",
            kind=ActivityType.VIDEO_RELEASE,
            starts_at=at(10, 12),
            planned_on=at(10, 12).date(),
            is_public=True,
        ),
        sectors=[centre],
    )
    SectorPriority.objects.create(
        sector=centre,
        concern_fr="La vitesse rue Saint-Charles",
        concern_en="Speeding on Saint-Charles street",
        actions_fr="Opérations radar",
        actions_en="Radar checks",
        status=PriorityStatus.DONE,
        raised_on=timezone.localdate() - datetime.timedelta(days=90),
        resolved_on=timezone.localdate() - datetime.timedelta(days=10),
        is_public=True,
    )
    Partner.objects.create(
        name="Maison de la famille", is_public=True, phone="+14505550100", website="https://famille.example"
    )
    return centre


def test_the_sector_page_with_outreach_has_no_wcag_violation(browser_page, live_server, outreach):
    found = {}
    for language in LANGUAGES:
        with translation.override(language):
            path = reverse("public:sector", kwargs={"code": "VL-01"})
        browser_page.goto(live_server.url + path)
        browser_page.wait_for_selector("#sector-map[data-loaded='2']", state="attached")
        main = browser_page.inner_text("main")
        assert ("Coffee with a cop" if language == "en" else "Café avec la police") in main, language
        assert "Maison de la famille" in main, language
        assert browser_page.locator("a[href^='webcal://']").count() == 1, language
        found[language] = violations(browser_page)
        assert browser_page.problems == [], language
    assert found == {key: [] for key in found}


def test_the_events_page_has_no_wcag_violation(browser_page, live_server, outreach):
    found = {}
    for language in LANGUAGES:
        with translation.override(language):
            path = reverse("public:events")
        browser_page.goto(live_server.url + path)
        assert browser_page.locator(".activity").count() == 2, language
        found[language, "all"] = violations(browser_page)
        # The filter works without JavaScript: choose a sector and submit.
        browser_page.select_option("#events-sector", "BR-01")
        browser_page.click(".events-filter button")
        browser_page.wait_for_url("**sector=BR-01")
        assert browser_page.locator(".activity").count() == 0, language
        found[language, "BR-01"] = violations(browser_page)
        assert browser_page.problems == [], language
    assert found == {key: [] for key in found}

"""The issue's "done when", on the demo data as `make demo` seeds it: a resident on a phone types a demo
address with the wrong street type and reaches the officer who answers for that sector today, in French and
in English; the photo loads; the API gives the same officer. The demo is seeded once (it is slow): the
resident's walk is done in French, then in English, in the same browser session."""

import json

import pytest
from django.utils import timezone

from beats.addresses.search import EXACT, address_search
from beats.index import get_sector_index
from beats.models import CivicAddress
from demo.services import demo_seed
from officers.selectors import CoverageStatus, coverage_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WRONG_TYPE = {"rue": "avenue", "boulevard": "rue", "chemin": "boul.", "avenue": "rue"}


@pytest.fixture
def demo(migration_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEMO_CONTACTS = 300  # the tour is the public site's: contacts only slow the seeding down
    demo_seed(admin_username="admin", admin_password="a-long-demo-password-2026")


def typo_address():
    """A demo address on a street that exists with one type only, typed with another type, in a sector whose
    primary officer is at work (so the expected officer is the sector's own)."""
    covered = {
        c.sector.pk: c for c in coverage_on(timezone.localdate()) if c.status == CoverageStatus.COVERED
    }
    for address in CivicAddress.objects.order_by("municipality", "street", "civic_number"):
        street_type, _, name = address.street.partition(" ")
        if street_type not in WRONG_TYPE:
            continue
        typed = f"{address.civic_number} {WRONG_TYPE[street_type]} {name}, {address.municipality}"
        match = get_sector_index().locate(address.lon, address.lat)
        result = address_search(typed)
        if match and match.sector_id in covered and result.kind == EXACT and result.matches[0] == address:
            return typed, covered[match.sector_id]
    raise AssertionError("the demo has no address for this tour")


WORDING = [
    # language, the search button, the result's heading, the call link
    ("fr", "Trouver mon policier", "Votre secteur", "Appeler le"),
    ("en", "Find my officer", "Your sector", "Call"),
]


def test_a_resident_types_a_demo_address_with_a_typo_and_reaches_the_officer(browser_page, live_server, demo):
    typed, coverage = typo_address()
    officer = coverage.primary
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    for language, button, your_sector, call in WORDING:
        page.goto(f"{live_server.url}/{language}/")
        page.fill("#address-query", typed)
        page.get_by_role("button", name=button).click()
        page.wait_for_selector(".officer-card")
        result = page.inner_text("#result")
        assert f"{your_sector}" in result and f"({coverage.sector.code})" in result, language
        card = page.locator(".officer-card").first
        assert officer.full_name in card.inner_text(), language
        call_link = card.get_by_role("link", name=f"{call} {officer.work_phone_display}")
        assert call_link.get_attribute("href") == f"tel:{officer.work_phone}", language
        photo = card.locator("img")
        photo.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())

        api = page.request.get(f"{live_server.url}/api/v1/lookup", params={"q": typed, "lang": language})
        assert api.status == 200, language
        answer = json.loads(api.body())
        assert answer["sector"]["code"] == coverage.sector.code, language
        assert answer["officers"][0]["name"] == officer.full_name, language
        assert page.problems == [], language

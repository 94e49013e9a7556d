"""An analyst reads the call trends in Chromium: the map colours the sectors by their change, a header sorts the
table, a sector opens its page with the chart; axe finds no WCAG 2.1 AA violation, in French and in English (one
sign-in, both languages walked in turn on the same counts)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from calls.models import MonthlyCallCount, Urgency
from tests.beats.factories import SectorFactory, square
from tests.browser.test_accessibility import LANGUAGES, violations
from tests.calls.observing import observe
from tests.conftest import STAFF_PASSWORD, enter_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def put(sector, month: date, n: int, urgency=Urgency.NON_URGENT):
    MonthlyCallCount.objects.create(sector=sector, month=month, urgency=urgency, count=n)
    observe(month)  # the import these counts stand for


@pytest.fixture
def counts(migration_data):
    up = SectorFactory(code="VL-01", name="Centre", population=4000, geometry=square(-73.50, 45.50))
    down = SectorFactory(code="VL-02", name="Est", population=2000, geometry=square(-73.49, 45.50))
    noise = SectorFactory(code="BR-01", name="DIX30", population=1000, geometry=square(-73.48, 45.50))
    for month in range(1, 13):
        put(up, date(2024, month, 1), 20 + month)
        put(up, date(2024, month, 1), 4, Urgency.URGENT)
        put(down, date(2024, month, 1), 60)
        put(noise, date(2024, month, 1), 1)
    put(up, date(2025, 1, 1), 200)
    put(up, date(2025, 1, 1), 30, Urgency.URGENT)
    put(down, date(2025, 1, 1), 10)
    put(noise, date(2025, 1, 1), 3)
    put(None, date(2025, 1, 1), 4)


def sign_in(page, live_server, settings, language):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    user = get_user_model().objects.create_user("analyst", password=STAFF_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Analyst"))
    with translation.override(language):
        login = reverse("admin:login")
    page.goto(live_server.url + login)
    page.fill("#id_username", "analyst")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    enter_second_factor(page)
    page.wait_for_url("**/admin/")


def test_an_analyst_reads_the_call_trends_on_the_map_the_table_and_a_sectors_chart(
    browser_page, live_server, settings, counts, tmp_path
):
    page = browser_page
    sign_in(page, live_server, settings, LANGUAGES[0])
    found = {}
    for language in LANGUAGES:  # signed in once: the language is the URL's prefix
        read_the_call_trends(page, live_server, language, tmp_path, found)
    assert found == {key: [] for key in found}


def read_the_call_trends(page, live_server, language: str, tmp_path, found: dict) -> None:
    """The walk in one language; axe's findings go to `found` by (language, page)."""
    with translation.override(language):
        trends = reverse("staff:call-analysis")
    page.goto(f"{live_server.url}{trends}?month=2025-01")
    page.wait_for_selector("#analysis-map[data-loaded='3']", state="attached")
    assert page.get_attribute("html", "lang") == language

    # The map colours each sector by its change against the previous month (the default).
    classes = {
        code: page.get_attribute(f'#analysis-map path[data-code="{code}"]', "data-class")
        for code in ("VL-01", "VL-02", "BR-01")
    }
    assert classes == {"VL-01": "up-3", "VL-02": "down-3", "BR-01": "noise"}, language
    fills = {code: page.get_attribute(f'#analysis-map path[data-code="{code}"]', "fill") for code in classes}
    assert fills["VL-01"] == "#b35806" and fills["VL-02"] == "#542788", language
    assert fills["BR-01"] == "url(#analysis-hatch-noise)", language
    # Choosing another comparison recolours the map at once (the form also works without the script).
    page.select_option("#id_map", "same_month_last_year")
    assert page.get_attribute('#analysis-map path[data-code="VL-01"]', "data-class") == "up-3", language
    assert page.get_attribute("#analysis-map", "data-comparison") == "same_month_last_year", language
    page.select_option("#id_map", "previous_month")
    page.screenshot(path=str(tmp_path / f"call-trends-{language}.png"), full_page=True)
    found[language, "trends"] = violations(page)

    # Sorting by a header: most calls first on the second click.
    def table_codes():
        return page.eval_on_selector_all(
            "#analysis-table tbody tr[data-kind='sector']", "rows => rows.map(r => r.dataset.code)"
        )

    assert table_codes() == ["BR-01", "VL-01", "VL-02"], language
    page.click('th[data-column="count"] a')
    page.wait_for_selector('th[data-column="count"][aria-sort="ascending"]')
    assert table_codes() == ["BR-01", "VL-02", "VL-01"], language
    page.click('th[data-column="count"] a')
    page.wait_for_selector('th[data-column="count"][aria-sort="descending"]')
    assert table_codes() == ["VL-01", "VL-02", "BR-01"], language
    rows = page.eval_on_selector_all("#analysis-table tbody tr", "rows => rows.map(r => r.dataset.kind)")
    assert rows[-2:] == ["unplaced", "total"], language

    # A sector from the table: its chart of 24 months and their table.
    page.click('#analysis-table tr[data-code="VL-01"] th a')
    page.wait_for_selector("#analysis-chart svg[role='img']")
    assert page.locator("#analysis-chart polyline").count() == 3, language
    assert page.locator("#analysis-series tbody tr").count() == 24, language
    assert page.inner_text('#analysis-series tr[data-month="2025-01"] td:last-child').strip() == "230", (
        language
    )
    page.screenshot(path=str(tmp_path / f"call-trends-sector-{language}.png"), full_page=True)
    found[language, "sector"] = violations(page)

    # And from the map: a click on a sector opens its page.
    page.go_back()
    page.wait_for_selector("#analysis-map[data-loaded='3']", state="attached")
    page.click('#analysis-map path[data-code="VL-02"]', force=True)
    page.wait_for_selector("#analysis-chart")
    assert "VL-02" in page.inner_text("h1"), language
    assert page.problems == [], language  # a CSP violation or a script error would show here

"""An analyst generates a monthly report in Chromium: the page follows the real worker by itself (static
script, no CSP violation), then offers the file; axe finds no WCAG 2.1 AA violation, in French and in
English, on the form, while the report runs and once it is done. One sign-in: the form is scanned in both
languages while the list is empty, then a report is generated in each language in turn."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from calls.models import MonthlyCallCount, Urgency
from reports.models import GeneratedReport
from reports.tasks import generate_reports_task
from tests.beats.factories import SectorFactory, square
from tests.browser.test_accessibility import LANGUAGES, violations
from tests.browser.test_call_analysis import sign_in
from tests.calls.observing import observe
from tests.reports.test_tasks import QUEUE
from tests.workers import real_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def counts(migration_data):
    centre = SectorFactory(code="VL-01", name="Centre", geometry=square(-73.50, 45.50))
    dix30 = SectorFactory(code="BR-01", name="DIX30", municipality="Brossard", geometry=square(-73.49, 45.50))
    observe(date(2024, 12, 1), date(2025, 1, 1))  # the import these counts stand for
    for month in (date(2024, 12, 1), date(2025, 1, 1)):
        for sector, n in ((centre, 12), (dix30, 3)):
            MonthlyCallCount.objects.create(sector=sector, month=month, urgency=Urgency.NON_URGENT, count=n)


def test_an_analyst_generates_a_report_and_downloads_it(
    browser_page, live_server, settings, counts, monkeypatch, tmp_path
):
    page = browser_page
    settings.MEDIA_ROOT = tmp_path / "media"
    sign_in(page, live_server, settings, LANGUAGES[0])
    found = {}
    for language in LANGUAGES:  # signed in once: the language is the URL's prefix
        with translation.override(language):
            reports = reverse("staff:reports")
        page.goto(live_server.url + reports)
        assert page.get_attribute("html", "lang") == language
        found[language, "form"] = violations(page)  # the form: labels, fieldsets, the empty list
    for language in LANGUAGES:
        generate_and_download(page, live_server, monkeypatch, tmp_path, language, found)
    assert found == {key: [] for key in found}


def generate_and_download(page, live_server, monkeypatch, tmp_path, language: str, found: dict) -> None:
    """One CSV report in `language`, from the form to its file; axe's findings go to `found` by (language, page).
    The reports of the languages walked before it stay in the list, done."""
    with translation.override(language):
        reports = reverse("staff:reports")
    earlier = list(GeneratedReport.objects.values_list("pk", flat=True))

    sent = []  # what the page sends, held until the worker is there (never to the shared default queue)
    monkeypatch.setattr(generate_reports_task, "delay", lambda *args: sent.append(args))
    page.goto(live_server.url + reports)
    page.select_option("#id_month", "2025-01")
    page.select_option("#id_scope", "territory")
    # CSV in the page's language only: the other formats have tests of their own.
    page.uncheck("#id_formats_1")
    page.uncheck("#id_formats_2")
    page.uncheck("#id_languages_1" if language == "fr" else "#id_languages_0")
    page.click("#report-start")

    # No worker yet: the report waits, and the page says so (with a progress bar and a Refresh link).
    page.wait_for_selector('#report-live[data-pending="true"]')
    report = GeneratedReport.objects.exclude(pk__in=earlier).get()
    assert (report.status, report.format, report.language) == ("queued", "csv", language)
    assert page.locator(f'tr[data-report="{report.pk}"] progress').count() == 1, language
    assert page.locator("#report-refresh").is_visible(), language
    found[language, "queued"] = violations(page)

    with real_worker(monkeypatch, generate_reports_task, queue=QUEUE):
        generate_reports_task.delay(*sent[0])  # now to the test's own queue
        # The script follows the report and reloads the page once it is done.
        page.wait_for_selector(f'tr[data-report="{report.pk}"] .report-download', timeout=30_000)

    report.refresh_from_db()
    assert report.status == "done", language
    row = page.locator(f'tr[data-report="{report.pk}"]')
    assert row.get_attribute("data-status") == "done", language
    assert page.locator("#report-refresh").count() == 0, language
    page.screenshot(path=str(tmp_path / f"reports-{language}.png"), full_page=True)
    found[language, "done"] = violations(page)

    with page.expect_download() as download:
        row.locator(".report-download").click()
    assert download.value.suggested_filename == report.file_name, language
    data = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert data.startswith(b"\xef\xbb\xbf") and b"VL-01" in data, language
    assert page.problems == [], language  # a CSP violation or a script error would show here

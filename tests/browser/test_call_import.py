"""An analyst imports a dispatch export in Chromium: the batch page follows the real worker's import by itself
(static script, no CSP violation) and shows the final counters and the quality panel."""

import datetime
import importlib

import pytest
from django.urls import reverse
from django.utils import translation

from calls.models import Call, ImportBatch, ImportProfile
from calls.tasks import calls_import_task
from demo.cad_export import write_demo_cad
from tests.browser.test_accessibility import violations
from tests.calls.test_tasks import QUEUE
from tests.conftest import STAFF_PASSWORD, enter_second_factor
from tests.workers import real_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROWS = 300


@pytest.fixture
def demo_export(tmp_path):
    path = tmp_path / "longueuil-2024-q1.csv"
    with path.open("wb") as out:
        write_demo_cad(out, rows=ROWS, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 3, 31))
    return path


@pytest.fixture
def demo_profile():
    """The shipped profile of the demo's export, made again if a transactional test flushed it away."""
    profiles = importlib.import_module("calls.migrations.0002_shipped_profiles").PROFILES
    name = "longueuil-cad-demo"
    return ImportProfile.objects.get_or_create(name=name, defaults=profiles[name])[0]


def test_an_analyst_uploads_an_export_and_sees_it_imported(
    browser_page, live_server, settings, make_staff, demo_export, demo_profile, monkeypatch, tmp_path
):
    page = browser_page
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    settings.MEDIA_ROOT = tmp_path / "media"
    make_staff("analyst", "calls.add_importbatch", "calls.view_importbatch")
    with translation.override("en"):
        login, imports = reverse("admin:login"), reverse("staff:call-imports")
    page.goto(live_server.url + login)
    page.fill("#id_username", "analyst")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    enter_second_factor(page)
    page.wait_for_url("**/admin/")

    sent = []  # what the upload sends, held until the worker is there (never to the shared default queue)
    monkeypatch.setattr(calls_import_task, "delay", sent.append)
    page.goto(live_server.url + imports)
    assert violations(page) == []  # WCAG 2.1 AA, the upload form included
    page.set_input_files("#id_file", str(demo_export))
    page.select_option("#id_profile", label=demo_profile.name)
    page.check("#id_mode_0")  # all or nothing
    page.click("#import-form [type=submit]")

    # No worker yet: the batch waits, and its page says so.
    page.wait_for_selector('#import-progress[data-finished="false"]')
    assert page.inner_text('[data-field="status_label"]') == "queued"
    assert sent == [ImportBatch.objects.get().pk]

    with real_worker(monkeypatch, calls_import_task, queue=QUEUE):
        calls_import_task.delay(*sent)  # now to the test's own queue
        # The script follows the import and reloads the page once it is finished.
        page.wait_for_selector('#import-progress[data-finished="true"]', state="attached", timeout=30_000)
        page.wait_for_selector("#import-quality")

    assert page.inner_text('[data-field="status_label"]') == "succeeded"
    assert page.inner_text('[data-counter="rows_read"]') == str(ROWS)
    assert page.inner_text('[data-counter="imported"]') == str(ROWS)
    assert page.inner_text('[data-counter="rejected"]') == "0"
    assert Call.objects.count() == ROWS
    page.screenshot(path=str(tmp_path / "call-import.png"), full_page=True)
    assert violations(page) == []
    assert page.problems == []  # a CSP violation or a script error would show here

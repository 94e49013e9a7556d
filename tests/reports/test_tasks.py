"""The reports' Celery tasks: a request run by a real worker (figures equal to the raw rows), the monthly
schedule (its crontab, and its run on the 1st: last month's reports and one notice to the analysts)."""

import io
import re
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from calls.models import Urgency
from config.celery import app
from reports.models import GeneratedReport
from reports.tasks import generate_reports_task, monthly_reports_task
from tests.reports.conftest import MONTH
from tests.reports.test_csv import parse
from tests.reports.test_pdf import expected_row, row_pattern, text_of
from tests.reports.test_selectors import raw_calls
from tests.reports.test_xlsx import sector_table
from tests.workers import private_queue, real_worker

pytestmark = pytest.mark.django_db

QUEUE = private_queue("reports")


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def wait_until_finished(client, ids, timeout=60):
    url = reverse("staff:report-status")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get(url, {"id": ids}).json()
        if not data["pending"]:
            return data["reports"]
        time.sleep(0.2)
    pytest.fail(f"the reports did not finish in {timeout} s: {data}")


def analyst(username, email="", *, active=True, group="Analyst"):
    user = get_user_model().objects.create_user(
        username=username, email=email, is_staff=True, is_active=active
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_writes_the_requested_territory_report_in_every_format(
    client, activity_data, unit, monkeypatch
):
    requester = analyst("analyst", "analyste@example.org")
    client.force_login(requester)

    with real_worker(monkeypatch, generate_reports_task, queue=QUEUE):
        response = client.post(
            reverse("staff:reports"),
            {
                "month": "2025-02",
                "scope": "territory",
                "formats": ["csv", "xlsx", "pdf"],
                "languages": ["en"],
            },
        )
        assert response.status_code == 302
        reports = {report.format: report for report in GeneratedReport.objects.all()}
        states = wait_until_finished(client, [report.pk for report in reports.values()])

    assert {(state["status"], state["progress"], state["error"]) for state in states} == {("done", 100, "")}
    for report in reports.values():
        report.refresh_from_db()
        assert report.requested_by == requester
    report = reports["csv"]
    rows = parse(default_storage.open(report.file).read())
    totals = {
        row["dimension"]: row["value"]
        for row in rows
        if (row["area_type"], row["metric"]) == ("total", "calls")
    }
    assert totals == {
        "total": str(raw_calls(None, None, [MONTH])),
        "urgent": str(raw_calls(None, Urgency.URGENT, [MONTH])),
        "non_urgent": str(raw_calls(None, Urgency.NON_URGENT, [MONTH])),
    }
    contacts = {
        row["area_code"]: row["value"]
        for row in rows
        if row["metric"] == "contacts" and row["area_type"] == "sector"
    }
    assert (contacts["A-01"], contacts["B-01"]) == ("14", "< 5")  # B-01's 3 contacts are hidden
    # C-01's 6 are withheld ("x") so that B-01's 3 cannot be found by subtraction from the total.
    assert contacts["C-01"] == "x"
    (total,) = [row["value"] for row in rows if (row["area_type"], row["metric"]) == ("total", "contacts")]
    assert total == str(len(activity_data["contacts"])) == "23"

    # The workbook and the briefing the worker wrote carry the same figures, counted again from the raw rows.
    book = load_workbook(io.BytesIO(default_storage.open(reports["xlsx"].file).read()))
    table = sector_table(book["Summary"], "A-01")
    assert table["Total"][("911 calls — all", "Calls")] == raw_calls(None, None, [MONTH])
    assert table["Total"][("911 calls — urgent", "Calls")] == raw_calls(None, Urgency.URGENT, [MONTH])
    assert [table[code][("Contacts", "Contacts")] for code in ("A-01", "B-01", "C-01", "Total")] == [
        14,
        "< 5",
        "x",
        23,
    ]
    text = text_of(default_storage.open(reports["pdf"].file).read())
    for sector in (unit["a"], unit["b"], unit["c"], None):
        start = "Total Whole territory" if sector is None else f"{sector.code} {sector.name}"
        assert re.search(row_pattern(start, expected_row(sector)), text), start
    # One notice, to the requester, once the whole request is done.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["analyste@example.org"]


def test_the_monthly_schedule_exists_after_the_migrations(settings):
    task = PeriodicTask.objects.select_related("crontab").get(name="Monthly reports (last month)")

    assert task.task == "reports.tasks.monthly_reports_task"
    assert task.enabled
    crontab = task.crontab
    assert (
        crontab.minute,
        crontab.hour,
        crontab.day_of_month,
        crontab.month_of_year,
        crontab.day_of_week,
    ) == (
        "0",
        "6",
        "1",
        "*",
        "*",
    )
    assert str(crontab.timezone) == settings.TIME_ZONE
    # The task the schedule names exists in the worker's registry.
    assert task.task in app.tasks


def test_the_generation_task_is_acked_late_with_the_settings_time_limits(settings):
    assert generate_reports_task.acks_late is True
    assert generate_reports_task.soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert generate_reports_task.time_limit == settings.CELERY_TASK_TIME_LIMIT


def test_the_schedule_builds_last_months_reports_and_mails_the_analysts_once(unit, settings):
    settings.REPORTS_SCHEDULED_FORMATS = ["csv"]
    settings.REPORTS_SCHEDULED_LANGUAGES = ["fr", "en"]
    analyst("ana", "ana@example.org")
    analyst("bob", "bob@example.org")
    analyst("gone", "gone@example.org", active=False)
    analyst("nomail")
    analyst("sup", "sup@example.org", group="Supervisor")
    first_of_march = datetime(2025, 3, 1, 6, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))

    with time_machine.travel(first_of_march, tick=False):
        written = monthly_reports_task()

    reports = GeneratedReport.objects.order_by("scope_kind", "scope_code", "language")
    assert written == 6
    assert {(r.month, r.scope_kind, r.scope_code, r.format, r.language) for r in reports} == {
        (MONTH, kind, code, "csv", language)
        for kind, code in (("territory", ""), ("municipality", "Brossard"), ("municipality", "Longueuil"))
        for language in ("fr", "en")
    }
    assert all(r.status == "done" and r.requested_by is None for r in reports)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.recipients()) == ["ana@example.org", "bob@example.org"]
    assert message.to == []  # in Bcc: the analysts do not see each other's addresses
    assert message.body.count("CSV") == 12  # six reports, listed in French then in English


def test_the_schedule_on_the_first_of_january_reports_december(unit, settings):
    settings.REPORTS_SCHEDULED_FORMATS = ["csv"]
    settings.REPORTS_SCHEDULED_LANGUAGES = ["en"]
    with time_machine.travel(datetime(2025, 1, 1, 6, 0, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False):
        monthly_reports_task()
    assert set(GeneratedReport.objects.values_list("month", flat=True)) == {date(2024, 12, 1)}


# --- settings ----------------------------------------------------------------------------------------------

SETTINGS_PROBE = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({
    "formats": settings.REPORTS_SCHEDULED_FORMATS,
    "languages": settings.REPORTS_SCHEDULED_LANGUAGES,
    "backend": settings.EMAIL_BACKEND,
    "host": settings.EMAIL_HOST,
    "port": settings.EMAIL_PORT,
    "tls": settings.EMAIL_USE_TLS,
    "site": settings.SITE_URL,
}))
"""


def probe(**changes):
    from tests.config.test_settings import environment, run

    return run(["-c", SETTINGS_PROBE], environment(**changes))


def test_the_defaults_print_mails_and_schedule_every_format_and_language():
    import json

    result = probe(
        EMAIL_URL=None,
        REPORTS_SCHEDULED_FORMATS=None,
        REPORTS_SCHEDULED_LANGUAGES=None,
        SITE_URL=None,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["backend"] == "django.core.mail.backends.console.EmailBackend"
    assert (values["formats"], values["languages"]) == (["csv", "xlsx", "pdf"], ["fr", "en"])
    assert values["site"] == "http://localhost:8000"


def test_an_smtp_url_and_a_narrower_schedule_are_read_from_the_environment():
    import json

    result = probe(
        EMAIL_URL="smtp+tls://sender:secret@mail.example.org:587",
        REPORTS_SCHEDULED_FORMATS="pdf,csv",
        REPORTS_SCHEDULED_LANGUAGES="fr",
        SITE_URL="https://proximite.example/",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["host"], values["port"], values["tls"]) == ("mail.example.org", 587, True)
    assert (values["formats"], values["languages"]) == (["pdf", "csv"], ["fr"])
    assert values["site"] == "https://proximite.example"


def test_unknown_formats_or_languages_stop_the_service():
    for name, value in (
        ("REPORTS_SCHEDULED_FORMATS", "csv,docx"),
        ("REPORTS_SCHEDULED_LANGUAGES", "fr,de"),
        ("SITE_URL", "proximite.example"),
    ):
        result = probe(**{name: value})
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and name in result.stderr


def test_a_request_the_broker_refuses_is_marked_failed_instead_of_waiting_queued(monkeypatch, caplog):
    from reports.selectors import Scope
    from reports.services.lifecycle import reports_queue
    from reports.tasks import generate_reports_later

    def refused(*args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(generate_reports_task, "delay", refused)
    (report,) = reports_queue(
        month=MONTH, scope=Scope.territory(), formats=["csv"], languages=["en"], requested_by=None
    )

    generate_reports_later([report.pk])

    report.refresh_from_db()
    assert (report.status, report.error_code) == (GeneratedReport.Status.FAILED, "not_started")
    assert report.finished_at is not None
    assert f"reports [{report.pk}] could not be started" in caplog.text

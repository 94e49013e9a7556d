"""The reports page: who reaches it (every role the migrations made × every view), the start form and its
errors, the list and its live status, the download and its headers."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation

from calls.counts import counts_recompute
from calls.models import Urgency
from reports.models import GeneratedReport, ReportDownload
from reports.services import reports_delete
from reports.tasks import generate_reports_task
from tests.beats.factories import SectorFactory
from tests.calls.observing import observe
from tests.calls.test_counts import make_call, make_type
from tests.conftest import StaffClient
from tests.reports.conftest import MONTH, local

pytestmark = pytest.mark.django_db

ROLES = {
    "officer": "Officer",
    "analyst": "Analyst",
    "supervisor": "Supervisor",
    "administrator": "Administrator",
    "privacy": "Privacy officer",
}
ALLOWED = {"analyst", "supervisor", "administrator"}


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    """What the page would send to the broker (never the shared one in these tests)."""
    queued = []
    monkeypatch.setattr(generate_reports_task, "delay", lambda *args: queued.append(args))
    return queued


@pytest.fixture
def counted(db):
    """Two sectors in two municipalities, calls in January and February 2025."""
    first = SectorFactory(code="A-01", name="Centre")
    SectorFactory(code="B-01", name="Sud", municipality="Brossard")
    kind = make_type("U1", Urgency.URGENT)
    observe(date(2025, 1, 1), date(2025, 2, 1))  # the import these calls stand for
    make_call(local(2025, 1, 10, 12), call_type=kind, sector=first)
    make_call(local(2025, 2, 10, 12), call_type=kind, sector=first)
    counts_recompute()


def staff_in(role: str):
    user = get_user_model().objects.create_user(username=f"staff-{role}", is_staff=True)
    user.groups.add(Group.objects.get(name=ROLES[role]))
    return user


def done_report(**fields) -> GeneratedReport:
    values = {
        "month": MONTH,
        "scope_kind": "territory",
        "format": "csv",
        "language": "en",
        "status": "done",
        "progress": 100,
        "step": "done",
        "requested_at": timezone.now(),
        "finished_at": timezone.now(),
        "file_name": "monthly-report-territory-2025-02.en.csv",
    }
    values.update(fields)
    report = GeneratedReport.objects.create(**values)
    if report.status == "done":
        report.file = default_storage.save(
            f"reports/2025-02/x/{report.file_name}", ContentFile(b"\xef\xbb\xbfa,b\r\n")
        )
        report.size = 8
        report.save()
    return report


def english(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


VIEWS = {
    "list": lambda report: ("get", english("staff:reports"), {}),
    "start": lambda report: (
        "post",
        english("staff:reports"),
        {"month": "2025-02", "scope": "territory", "formats": ["csv"], "languages": ["fr"]},
    ),
    "status": lambda report: ("get", english("staff:report-status"), {"id": report.pk}),
    "download": lambda report: ("get", english("staff:report-download", report.pk), {}),
    "again": lambda report: ("post", english("staff:report-again", report.pk), {}),
    "admin list": lambda report: ("get", english("admin:reports_generatedreport_changelist"), {}),
}
SUCCESS = {"list": 200, "start": 302, "status": 200, "download": 200, "again": 302, "admin list": 200}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_the_reports_or_not(client, counted, role, view):
    report = done_report()
    client.force_login(staff_in(role))
    method, url, data = VIEWS[view](report)

    response = getattr(client, method)(url, data)

    assert response.status_code == (SUCCESS[view] if role in ALLOWED else 403), f"{role} on {view}"


@pytest.mark.parametrize("view", VIEWS)
def test_someone_not_signed_in_is_sent_to_the_login_page(client, counted, view):
    method, url, data = VIEWS[view](done_report())
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("view", ["list", "status", "download"])
def test_a_password_alone_opens_nothing(counted, view):
    client = StaffClient()
    client.force_login(staff_in("analyst"), second_factor=False)
    method, url, data = VIEWS[view](done_report())
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert "two-factor" in response["Location"]


def test_the_download_is_an_attachment_never_cached_nor_sniffed(client, counted):
    report = done_report()
    client.force_login(staff_in("analyst"))

    response = client.get(english("staff:report-download", report.pk))

    assert b"".join(response.streaming_content) == b"\xef\xbb\xbfa,b\r\n"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="monthly-report-territory-2025-02.en.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache


@pytest.mark.parametrize("status", ["queued", "running", "failed"])
def test_a_report_not_done_has_nothing_to_download(client, counted, status):
    report = done_report(status=status, file_name="")
    client.force_login(staff_in("analyst"))
    assert client.get(english("staff:report-download", report.pk)).status_code == 404
    assert client.get(english("staff:report-download", report.pk + 99)).status_code == 404


def test_a_pdf_is_served_as_a_pdf(client, counted):
    report = done_report(format="pdf", file_name="monthly-report-territory-2025-02.en.pdf")
    client.force_login(staff_in("supervisor"))
    response = client.get(english("staff:report-download", report.pk))
    assert response["Content-Type"] == "application/pdf"


def test_starting_a_report_queues_one_task_for_the_whole_request(
    client, counted, sent, django_capture_on_commit_callbacks
):
    user = staff_in("analyst")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            english("staff:reports"),
            {
                "month": "2025-01",
                "scope": "municipality:Brossard",
                "formats": ["csv", "pdf"],
                "languages": ["fr", "en"],
            },
        )

    assert response.status_code == 302
    reports = GeneratedReport.objects.all()
    assert reports.count() == 4
    assert {(r.month, r.scope_kind, r.scope_code, r.status, r.requested_by_id) for r in reports} == {
        (date(2025, 1, 1), "municipality", "Brossard", "queued", user.pk)
    }
    assert len(sent) == 1 and sorted(sent[0][0]) == sorted(r.pk for r in reports)


def test_the_form_starts_on_last_month_with_every_format_and_language(client, counted):
    client.force_login(staff_in("analyst"))
    with translation.override("en"):
        page = client.get(english("staff:reports"))
    form = page.context["form"]
    assert form.fields["month"].choices == [("2025-02", "February 2025"), ("2025-01", "January 2025")]
    html = page.content.decode()
    assert "<fieldset" in html and "<legend>Formats</legend>" in html and "<legend>Languages</legend>" in html
    boxes = re.findall(r'<input type="checkbox"[^>]*>', html)
    assert len(boxes) == 5 and all(" checked" in box for box in boxes)
    assert re.search(r'<option value="2025-02" selected>February 2025</option>', html)
    assert re.search(r'<option value="territory" selected>Whole territory</option>', html)
    assert '<optgroup label="Municipalities">' in html and '<optgroup label="Sectors">' in html
    assert 'value="sector:A-01"' in html and 'value="municipality:Brossard"' in html


BAD = [
    ({"month": "1999-01"}, "Month: there are no call counts for 1999-01."),
    ({"month": ""}, "Month: choose the month to report on."),
    ({"scope": "sector:ZZ-99"}, "Scope: there is no sector ZZ-99."),
    ({"scope": "municipality:Atlantis"}, "Scope: the municipality Atlantis has no active sector."),
    ({"scope": "everything"}, "Scope: choose the whole territory, a municipality or a sector."),
    ({"formats": []}, "Formats: choose at least one format."),
    ({"formats": ["docx"]}, "Formats: docx is not a format of the report."),
    ({"languages": []}, "Languages: choose at least one language."),
    ({"languages": ["de"]}, "Languages: de is not a language of the report."),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_input_is_refused_with_an_error_naming_the_field(client, counted, change, message):
    client.force_login(staff_in("analyst"))
    data = {"month": "2025-02", "scope": "territory", "formats": ["csv"], "languages": ["en"]}
    data.update(change)

    response = client.post(english("staff:reports"), data)

    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert GeneratedReport.objects.count() == 0


def test_a_report_being_generated_is_not_started_twice(client, counted):
    done_report(status="running", started_at=timezone.now(), file_name="")
    client.force_login(staff_in("analyst"))

    response = client.post(
        english("staff:reports"),
        {"month": "2025-02", "scope": "territory", "formats": ["csv"], "languages": ["en"]},
    )

    assert response.status_code == 200
    assert "is being generated already" in response.content.decode()
    assert GeneratedReport.objects.get().status == "running"


def test_the_list_shows_status_progress_errors_and_downloads(client, counted):
    done = done_report()
    running = done_report(status="running", progress=40, step="render", language="fr", file_name="")
    failed = done_report(
        status="failed",
        step="failed",
        format="pdf",
        error_code="sector_gone",
        error_detail="ZZ-99",
        file_name="",
    )
    client.force_login(staff_in("analyst"))

    with translation.override("en"):
        html = client.get(english("staff:reports")).content.decode()

    assert "<caption>Generated reports, newest month first</caption>" in html
    assert 'aria-live="polite"' in html
    assert f'<tr data-report="{running.pk}" data-status="running">' in html
    assert '<progress max="100" value="40"' in html
    assert "writing the file (40 %)" in html
    assert "Sector ZZ-99 no longer exists." in html
    assert english("staff:report-download", done.pk) in html
    assert english("staff:report-download", failed.pk) not in html
    assert 'id="report-refresh"' in html  # without JavaScript: a Refresh link
    assert "reports/js/report-status" in html
    assert "by the monthly schedule" in html
    assert html.count('class="report-again"') == 2  # finished ones only


def test_nothing_pending_no_script(client, counted):
    done_report()
    client.force_login(staff_in("supervisor"))
    html = client.get(english("staff:reports")).content.decode()
    assert "report-status.js" not in html and 'id="report-refresh"' not in html


def test_the_list_filters_by_month_and_scope(client, counted):
    done_report()
    done_report(month=date(2025, 1, 1), file_name="january.csv")
    done_report(
        scope_kind="municipality", scope_code="Brossard", scope_name="Brossard", file_name="brossard.csv"
    )
    client.force_login(staff_in("analyst"))
    url = english("staff:reports")

    def listed(query):
        return {(r.month, r.scope_code) for r, _state in client.get(url, query).context["reports"]}

    assert len(listed({})) == 3
    assert listed({"filter-month": "2025-01"}) == {(date(2025, 1, 1), "")}
    assert listed({"filter-scope": "municipality:Brossard"}) == {(MONTH, "Brossard")}
    assert listed({"filter-scope": "territory", "filter-month": "2025-02"}) == {(MONTH, "")}
    # Newest month first.
    months = [r.month for r, _state in client.get(url).context["reports"]]
    assert months == sorted(months, reverse=True)


def test_the_status_endpoint_tells_the_script_what_changed(client, counted):
    running = done_report(status="running", progress=40, step="render", file_name="")
    done = done_report(language="fr", file_name="rapport.csv")
    client.force_login(staff_in("analyst"))

    data = client.get(english("staff:report-status"), {"id": [running.pk, done.pk, "x"]}).json()
    assert data == {"reports": [], "pending": False}  # a bad id: nothing
    data = client.get(english("staff:report-status"), {"id": [running.pk, done.pk]}).json()

    assert data["pending"] is True
    first, second = data["reports"]
    assert (first["id"], first["status"], first["progress"], first["finished"]) == (
        running.pk,
        "running",
        40,
        False,
    )
    assert (second["status"], second["finished"]) == ("done", True)


def test_run_again_resets_the_row(client, counted, sent, django_capture_on_commit_callbacks):
    report = done_report(status="failed", error_code="unexpected", file_name="")
    user = staff_in("supervisor")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(english("staff:report-again", report.pk))

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.error_code, report.requested_by) == ("queued", "", user)
    assert sent == [([report.pk], True)]


def test_the_navigation_links_to_the_reports_for_those_who_may_see_them(client, counted):
    client.force_login(staff_in("analyst"))
    assert english("staff:reports") in client.get(english("staff:territory")).content.decode()
    client.force_login(staff_in("officer"))
    assert english("staff:reports") not in client.get(english("staff:territory")).content.decode()


def test_the_admin_lists_reports_read_only_and_runs_them_again(
    client, counted, sent, django_capture_on_commit_callbacks
):
    report = done_report()
    client.force_login(staff_in("administrator"))
    url = english("admin:reports_generatedreport_changelist")

    assert client.get(english("admin:reports_generatedreport_change", report.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "run_again", "_selected_action": [report.pk]})

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "queued"
    assert sent == [([report.pk], True)]
    # Read only: no add, no change, no delete.
    assert client.post(english("admin:reports_generatedreport_change", report.pk), {}).status_code == 403
    assert client.get(english("admin:reports_generatedreport_delete", report.pk)).status_code == 403


def test_a_field_in_error_points_to_its_message(client, counted):
    client.force_login(staff_in("analyst"))
    html = client.post(
        english("staff:reports"),
        {"month": "2025-02", "scope": "sector:ZZ-99", "formats": ["csv"], "languages": ["en"]},
    ).content.decode()
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_scope_error"' in html
    assert 'id="id_scope_error"' in html
    assert 'role="alert"' in html and 'href="#id_scope"' in html


def test_without_a_broker_the_demo_generates_within_the_request(
    client, counted, monkeypatch, django_capture_on_commit_callbacks
):
    from config.celery import app

    monkeypatch.undo()  # the real delay, run eagerly as in `make demo` (no Redis)
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    client.force_login(staff_in("analyst"))
    url = english("staff:reports")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url, {"month": "2025-02", "scope": "territory", "formats": ["csv"], "languages": ["fr", "en"]}
            )
    finally:
        app.conf.task_always_eager = saved

    assert response.status_code == 302
    assert set(GeneratedReport.objects.values_list("status", flat=True)) == {"done"}
    html = client.get(url).content.decode()
    assert html.count('class="report-download"') == 2


def test_the_list_does_not_query_per_report(client, counted):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff_in("analyst"))
    url = english("staff:reports")
    done_report()
    client.get(url)  # sessions, permissions cached: what follows counts the page alone
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for month in range(1, 10):
        done_report(month=date(2024, month, 1), file_name=f"{month}.csv", requested_by=staff_in_named(month))
    with CaptureQueriesContext(connection) as ten:
        client.get(url)
    assert len(ten) == len(one)


def staff_in_named(n):
    return get_user_model().objects.create_user(username=f"requester-{n}", is_staff=True)


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_page_says_the_reports_are_ready(client, counted, monkeypatch):
    """In `make demo` the reports are written inside the request (Celery eager, committed at once): the message
    says they are ready rather than promising an e-mail."""
    from config.celery import app

    monkeypatch.undo()  # the real delay, run eagerly as in `make demo` (no Redis)
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    client.force_login(staff_in("analyst"))
    url = english("staff:reports")
    try:
        response = client.post(
            url,
            {"month": "2025-02", "scope": "territory", "formats": ["csv", "pdf"], "languages": ["en"]},
            follow=True,
        )
    finally:
        app.conf.task_always_eager = saved

    assert set(GeneratedReport.objects.values_list("status", flat=True)) == {"done"}
    html = response.content.decode()
    assert "2 reports are ready: download them from the list below." in html
    assert "being generated" not in html


def test_each_download_is_audited_and_the_trail_cannot_be_rewritten(client, counted):
    report = done_report(sha256="ab" * 32)
    user = staff_in("analyst")
    client.force_login(user)

    for _ in range(2):
        assert client.get(english("staff:report-download", report.pk)).status_code == 200
    assert client.get(english("staff:report-download", report.pk + 99)).status_code == 404

    trail = list(ReportDownload.objects.order_by("id"))
    assert [(row.user, row.report, row.file_name, row.sha256) for row in trail] == [
        (user, report, report.file_name, "ab" * 32)
    ] * 2
    with pytest.raises(PermissionError):
        trail[0].save()
    with pytest.raises(PermissionError):
        trail[0].delete()
    # The report and its file may go; the trail keeps which file it was.
    reports_delete([report])
    assert list(ReportDownload.objects.values_list("report", "file_name")) == [(None, report.file_name)] * 2


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_download_trail_is_for_administrators_and_the_privacy_officer(client, counted, role):
    client.force_login(staff_in(role))

    response = client.get(reverse("admin:reports_reportdownload_changelist"))

    assert response.status_code == (200 if role in ("administrator", "privacy") else 403)

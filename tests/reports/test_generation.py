"""Generating the report's files (reports.services), without a worker: the request's rows, the file written and
replaced, failures shown on the row, progress, the parameters kept, file names, the notice, the schedule's
scopes. The task runs in the test's process here; tests/reports/test_tasks.py runs it in a real worker."""

import hashlib
from datetime import date

import pytest
from django.core import mail
from django.core.files.storage import default_storage

from beats.models import Sector
from calls.counts import counts_recompute
from calls.models import Urgency
from reports import services
from reports.models import GeneratedReport
from reports.selectors import Scope
from reports.services import (
    ReportBusy,
    lifecycle,
    monthly_reports_due,
    report_file_name,
    report_generate,
    reports_notify,
    reports_request,
)
from reports.tasks import generate_reports_later, generate_reports_task
from tests.beats.factories import SectorFactory
from tests.calls.test_counts import make_call, make_type
from tests.reports.conftest import MONTH, local
from tests.reports.test_csv import parse
from tests.reports.test_selectors import raw_calls

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def inline(monkeypatch, django_capture_on_commit_callbacks):
    """The request's task run right here when the request commits (never sent to the shared broker)."""
    sent = []

    def delay(report_ids, notify=True):
        sent.append(list(report_ids))
        return generate_reports_task(report_ids, notify)

    monkeypatch.setattr(generate_reports_task, "delay", delay)

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            reports = reports_request(**kwargs, start=generate_reports_later)
        for report in reports:
            report.refresh_from_db()
        return reports

    run.sent = sent
    return run


def request_csv(inline, user=None, scope=None, **kwargs):
    values = {
        "month": MONTH,
        "scope": scope or Scope.territory(),
        "formats": ["csv"],
        "languages": ["en"],
        "requested_by": user,
    }
    values.update(kwargs)
    return inline(**values)


def stored_files(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_a_request_writes_a_csv_whose_figures_are_the_raw_rows(inline, activity_data, unit, private_storage):
    (report,) = request_csv(inline)

    assert (report.status, report.progress, report.step) == ("done", 100, "done")
    assert report.error_message == ""
    assert report.file.startswith("reports/2025-02/")
    data = default_storage.open(report.file).read()
    assert (report.size, report.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert report.file_name == "monthly-report-territory-2025-02.en.csv"
    rows = parse(data)

    def value(area_code, metric, dimension="", area_type="sector"):
        (row,) = [
            r
            for r in rows
            if (r["area_type"], r["area_code"], r["metric"], r["dimension"])
            == (area_type, area_code, metric, dimension)
        ]
        return row["value"]

    for cls, urgency in (("total", None), ("urgent", Urgency.URGENT), ("non_urgent", Urgency.NON_URGENT)):
        assert value("", "calls", cls, "total") == str(raw_calls(None, urgency, [MONTH]))
        for key in "abc":
            assert value(unit[key].code, "calls", cls) == str(raw_calls({unit[key].pk}, urgency, [MONTH]))
    contacts = [c for c in activity_data["contacts"]]
    assert value("", "contacts", "", "total") == str(len(contacts)) == "23"
    assert value("A-01", "contacts") == "14"
    assert value("B-01", "contacts") == "< 5"  # 3 contacts: hidden
    assert stored_files(private_storage) == [report.file]
    assert report.started_at <= report.finished_at
    assert report.parameters["small_count_threshold"] == 5
    assert report.parameters["sectors"] == ["A-01", "B-01", "C-01"]
    assert report.parameters["scope"] == {"kind": "territory", "code": "", "name": "Whole territory"}


def test_running_the_same_report_again_replaces_its_file(inline, unit, private_storage, make_staff):
    (first,) = request_csv(inline)
    old_file, old_sum = first.file, first.sha256
    make_call(local(2025, 2, 14, 12), call_type=make_type("X1", Urgency.URGENT), sector=unit["a"])
    counts_recompute(months=[MONTH])

    (again,) = request_csv(inline, user=make_staff("analyst"))

    assert again.pk == first.pk
    assert GeneratedReport.objects.count() == 1
    assert again.status == "done" and again.requested_by.username == "analyst"
    assert again.sha256 != old_sum
    assert again.file != old_file
    assert stored_files(private_storage) == [again.file]  # the old file is gone, no orphan


def test_the_same_data_gives_the_same_file(inline, unit):
    (first,) = request_csv(inline)
    checksum = first.sha256
    (again,) = request_csv(inline)
    assert again.sha256 == checksum


def test_a_request_makes_one_row_per_format_and_language_and_sends_one_task(inline, unit, monkeypatch):
    def csv_only(report, *, fmt, language):
        return f"{fmt} {language} {report.month}".encode()

    monkeypatch.setattr(lifecycle, "render", csv_only)
    reports = inline(
        month=date(2025, 2, 17),
        scope=Scope.municipality("Longueuil"),
        formats=["csv", "xlsx", "pdf"],
        languages=["fr", "en"],
        requested_by=None,
    )

    assert len(reports) == 6 and len(inline.sent) == 1
    assert sorted(inline.sent[0]) == sorted(r.pk for r in reports)
    assert {(r.format, r.language) for r in reports} == {
        (f, lang) for f in ("csv", "xlsx", "pdf") for lang in ("fr", "en")
    }
    assert all(r.month == MONTH and r.status == "done" for r in reports)
    names = {r.file_name for r in reports}
    assert "monthly-report-longueuil-2025-02.en.pdf" in names
    assert all(
        name.endswith((".fr.csv", ".en.csv", ".fr.xlsx", ".en.xlsx", ".fr.pdf", ".en.pdf")) for name in names
    )


def test_a_report_already_being_generated_is_refused(inline, unit, english):
    GeneratedReport.objects.create(
        month=MONTH,
        scope_kind="territory",
        format="csv",
        language="en",
        status="running",
        requested_at=local(2025, 3, 1, 8),
        started_at=__import__("django.utils.timezone").utils.timezone.now(),
    )

    with pytest.raises(ReportBusy) as refused:
        request_csv(inline, formats=["csv", "pdf"])

    assert "is being generated already" in refused.value.message
    assert inline.sent == []
    assert GeneratedReport.objects.count() == 1  # nothing queued: the whole request was refused


def test_a_report_left_running_by_a_dead_worker_can_run_again(inline, unit):
    GeneratedReport.objects.create(
        month=MONTH,
        scope_kind="territory",
        format="csv",
        language="en",
        status="running",
        requested_at=local(2025, 3, 1, 8),
        started_at=local(2025, 3, 1, 8),
    )
    (report,) = request_csv(inline)
    assert report.status == "done"


def test_a_deleted_sector_fails_with_a_message_naming_it(inline, unit, private_storage, english):
    SectorFactory(code="E-01", name="Nouveau")
    (report,) = request_csv(inline, scope=Scope.sector("E-01"))
    assert report.status == "done" and report.scope_label == "Sector E-01 — Nouveau"
    kept = report.file

    Sector.objects.filter(code="E-01").delete()
    (failed,) = request_csv(inline, scope=Scope.sector("E-01"))

    assert (failed.pk, failed.status, failed.step, failed.error_code) == (
        report.pk,
        "failed",
        "failed",
        "sector_gone",
    )
    assert failed.error_message == "Sector E-01 no longer exists."
    assert failed.finished_at is not None
    assert stored_files(private_storage) == [kept]  # the last good file stays; nothing new left behind


def test_an_error_after_the_file_is_written_leaves_no_file_behind(
    inline, unit, private_storage, monkeypatch, english
):
    def broken(report, figures):
        raise OSError("disk full")

    monkeypatch.setattr(lifecycle, "_parameters", broken)
    (report,) = request_csv(inline)

    assert report.status == "failed" and report.error_code == "storage"
    assert report.error_message == "The file could not be saved: the file storage is unavailable."
    assert report.file == ""
    assert stored_files(private_storage) == []


def test_a_format_not_available_fails_with_a_message(inline, unit, monkeypatch, english):
    def missing(report, *, fmt, language):
        raise ImportError("no module named reports.exporters.pdf")

    monkeypatch.setattr(lifecycle, "render", missing)
    (report,) = request_csv(inline, formats=["pdf"])
    assert report.error_message == "The PDF format cannot be produced on this server yet."


def test_progress_is_written_as_the_report_goes(unit, monkeypatch):
    report = GeneratedReport.objects.create(
        month=MONTH, scope_kind="territory", format="csv", language="fr", requested_at=local(2025, 3, 1)
    )
    seen = []
    progress = lifecycle._progress

    def spy(report, step, value):
        progress(report, step, value)
        seen.append(GeneratedReport.objects.values_list("step", "progress").get(pk=report.pk))

    monkeypatch.setattr(lifecycle, "_progress", spy)
    report_generate(report)

    assert seen == [("render", 40), ("save", 80)]
    report.refresh_from_db()
    assert (report.step, report.progress, report.status) == ("done", 100, "done")
    # Already done: a second delivery of the task does nothing.
    assert report_generate(report).finished_at == report.finished_at


def test_file_names_follow_the_language_and_scope():
    assert report_file_name(month=MONTH, scope=Scope.territory(), fmt="pdf", language="en") == (
        "monthly-report-territory-2025-02.en.pdf"
    )
    assert report_file_name(month=MONTH, scope=Scope.sector("A-01"), fmt="xlsx", language="en") == (
        "monthly-report-sector-a-01-2025-02.en.xlsx"
    )
    assert report_file_name(
        month=MONTH, scope=Scope.municipality("Saint-Jean-sur-Richelieu"), fmt="csv", language="fr"
    ).endswith("saint-jean-sur-richelieu-2025-02.fr.csv")


def test_the_requester_gets_one_notice_in_french_then_english(inline, unit, make_staff, settings):
    settings.SITE_URL = "https://proximite.example"
    user = make_staff("analyst")
    user.email = "analyste@example.org"
    user.save()

    reports = request_csv(inline, user=user, languages=["fr", "en"])

    assert len(reports) == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["analyste@example.org"]
    assert " / Monthly reports ready" in message.subject
    french, english = message.body.split("\n---\n")
    assert "https://proximite.example/fr/" in french
    assert "https://proximite.example/en/staff/reports/" in english
    assert "Whole territory, February 2025, CSV, French: done" in english
    assert english.count("CSV") == 2
    # No figures: only names, statuses and the link.
    assert not any(
        char.isdigit() for line in english.splitlines() for char in line.replace("2025", "").split("http")[0]
    )


def test_a_requester_without_an_email_gets_nothing(unit, make_staff):
    user = make_staff("analyst")
    report = GeneratedReport.objects.create(
        month=MONTH,
        scope_kind="territory",
        format="csv",
        language="fr",
        requested_at=local(2025, 3, 1),
        requested_by=user,
        status="done",
    )
    assert reports_notify([report]) == 0
    assert mail.outbox == []


def test_the_schedule_reports_last_month_on_the_territory_and_each_municipality(unit):
    month, scopes = monthly_reports_due(today=date(2025, 3, 1))

    assert month == MONTH
    # D-01 (inactive) is in Longueuil too; Brossard has C-01.
    assert scopes == [Scope.territory(), Scope.municipality("Brossard"), Scope.municipality("Longueuil")]
    assert monthly_reports_due(date(2025, 1, 31))[0] == date(2024, 12, 1)


def test_all_three_formats_are_generated_in_both_languages(inline, activity_data, unit, private_storage):
    reports = request_csv(inline, formats=["csv", "xlsx", "pdf"], languages=["fr", "en"])

    assert [(r.format, r.language, r.status, r.error_message) for r in reports] == [
        (fmt, language, "done", "") for fmt in ("csv", "xlsx", "pdf") for language in ("fr", "en")
    ]
    starts = {"csv": b"\xef\xbb\xbf", "xlsx": b"PK\x03\x04", "pdf": b"%PDF-"}
    for report in reports:
        data = default_storage.open(report.file).read()
        assert data.startswith(starts[report.format]), report.file_name
        assert report.size == len(data) > 0
    assert len(stored_files(private_storage)) == 6


def test_deleting_a_report_deletes_its_file(
    inline, unit, private_storage, django_capture_on_commit_callbacks
):
    (report,) = request_csv(inline)
    assert stored_files(private_storage) == [report.file]

    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_delete(GeneratedReport.objects.all()) == 1

    assert stored_files(private_storage) == []
    assert not GeneratedReport.objects.exists()


def test_a_worker_whose_claim_was_taken_over_keeps_nothing(unit, private_storage, monkeypatch):
    report = GeneratedReport.objects.create(
        month=MONTH, scope_kind="territory", format="csv", language="en", requested_at=local(2025, 3, 1)
    )
    parameters = lifecycle._parameters

    def taken_over(report, figures):
        # Meanwhile another worker found the claim stale and took the report over.
        GeneratedReport.objects.filter(pk=report.pk).update(started_at=local(2025, 3, 2))
        return parameters(report, figures)

    monkeypatch.setattr(lifecycle, "_parameters", taken_over)
    report = report_generate(report)

    assert (report.status, report.file) == ("running", "")
    assert stored_files(private_storage) == []

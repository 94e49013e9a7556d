"""The staff pages of the call imports: who reaches them, the upload form, the batch page and its JSON, the error
report, and the demo's path where Celery runs the import inside the request."""

import csv
import importlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from calls.models import Call, CallType, ImportBatch
from calls.services.batches import PROGRESS_KEY
from common.spreadsheets import neutralise_cell
from config.celery import app

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

GOOD_ROWS = [[f"N{n}", "2024-03-01 10:00:00", "10-50", "label", "2", "911", "", "", ""] for n in range(3)]


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def roles(migration_data):
    """The roles of officers 0003 with the calls permissions of calls 0003 (made again after a flush)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module("calls.migrations.0003_batch_upload")
    state = MigrationLoader(connection).project_state(("calls", "0003_batch_upload"))
    migration.grant(state.apps, None)


def member_of(role: str):
    user = get_user_model().objects.create_user(username=f"staff-{role}", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def batch(saved_profile):
    return ImportBatch.objects.create(
        profile=saved_profile(),
        file_name="export.csv",
        status=ImportBatch.Status.REJECTED,
        rows_read=10,
        rejected=2,
        without_coordinates=5,
        outside_territory=1,
        sector_disagreement=2,
        error_report='line,field,value,reason\r\n3,time,=HYPERLINK("http://x"),bad time\r\n',
        failure_message="Bad rows were found, so nothing was imported (all or nothing).",
    )


def page_urls(batch):
    return {
        "list": reverse("staff:call-imports"),
        "batch": reverse("staff:call-import", args=[batch.pk]),
        "progress": reverse("staff:call-import-progress", args=[batch.pk]),
        "report": reverse("staff:call-import-report", args=[batch.pk]),
    }


@pytest.mark.parametrize("view_name", ["list", "batch", "progress", "report"])
@pytest.mark.parametrize(
    ("role", "expected"),
    [("Administrator", 200), ("Supervisor", 200), ("Analyst", 200), ("Officer", 403), (None, 302)],
)
def test_who_reaches_the_import_pages(client, roles, batch, view_name, role, expected):
    if role:
        client.force_login(member_of(role))
    response = client.get(page_urls(batch)[view_name])
    assert response.status_code == expected, f"{role} on {view_name}"
    if role is None:
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_who_may_read_but_not_import_get_no_form_and_cannot_post(client, make_staff, saved_profile):
    client.force_login(make_staff("reader", "calls.view_importbatch"))
    assert 'id="import-form"' not in client.get(reverse("staff:call-imports")).content.decode()
    upload = SimpleUploadedFile("calls.csv", csv_bytes(GOOD_ROWS))
    response = client.post(reverse("staff:call-imports"), {"file": upload, "profile": saved_profile().pk})
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_admin_header_links_to_the_imports_for_those_who_may_see_them(client, roles):
    client.force_login(member_of("Analyst"))
    assert reverse("staff:call-imports") in client.get(reverse("admin:index")).content.decode()
    client.force_login(member_of("Officer"))
    assert reverse("staff:call-imports") not in client.get(reverse("admin:index")).content.decode()


@pytest.fixture
def analyst(client, make_staff):
    client.force_login(make_staff("analyst", "calls.add_importbatch", "calls.view_importbatch"))
    return client


def post_upload(client, profile, *, name="calls.csv", data=None, **fields):
    values = {"profile": profile.pk, "mode": "all_or_nothing", **fields}
    values["file"] = SimpleUploadedFile(name, data if data is not None else csv_bytes(GOOD_ROWS))
    with translation.override("en"):
        url = reverse("staff:call-imports")
    return client.post(url, values)


@pytest.mark.parametrize(
    ("name", "fields", "setting", "message"),
    [
        ("calls.txt", {}, None, "Only CSV (.csv) and Excel (.xlsx) files can be imported"),
        ("calls.csv", {}, 10, "files up to 10\xa0bytes can be imported"),
        ("calls.csv", {"mode": "threshold"}, None, "Give the share of bad rows that may be skipped."),
        ("calls.csv", {"mode": "threshold", "max_bad_percent": "120"}, None, "less than or equal to 100"),
    ],
)
def test_a_bad_upload_is_refused_with_a_reason(
    analyst, saved_profile, settings, name, fields, setting, message
):
    if setting:
        settings.CALLS_IMPORT_MAX_UPLOAD_BYTES = setting
    response = post_upload(analyst, saved_profile(), name=name, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.fixture
def eager():
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def test_without_a_broker_the_import_runs_in_the_request_and_the_page_shows_it_finished(
    analyst, saved_profile, eager, django_capture_on_commit_callbacks, private_storage
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_upload(analyst, saved_profile())
    assert len(callbacks) == 1

    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("staff:call-import", args=[batch.pk])
    assert (batch.status, batch.created, batch.language, batch.upload) == ("succeeded", 3, "en", "")
    assert Call.objects.count() == 3
    assert not any(private_storage.rglob("*.csv"))  # deleted once imported
    html = analyst.get(response["Location"]).content.decode()
    assert 'data-finished="true"' in html and 'data-counter="imported">3<' in html
    assert "calls/js/import-progress" not in html  # nothing left to follow
    assert 'id="import-quality"' in html


def test_an_upload_is_stored_privately_and_queued_after_commit(analyst, saved_profile, private_storage):
    sent = []
    from calls import views

    original = views.calls_import_task
    try:
        views.calls_import_task = type("Spy", (), {"delay": staticmethod(sent.append)})
        response = post_upload(analyst, saved_profile(), name="Export mars.csv")
    finally:
        views.calls_import_task = original

    batch = ImportBatch.objects.get()
    # Captured by the test transaction: nothing is sent before the batch and its file are committed.
    assert sent == []
    assert batch.status == "queued"
    assert batch.upload == f"calls/uploads/{batch.pk}/Export_mars.csv"
    assert (private_storage / batch.upload).read_bytes() == csv_bytes(GOOD_ROWS)
    assert batch.file_name == "Export mars.csv"
    html = analyst.get(response["Location"]).content.decode()
    assert 'data-finished="false"' in html and "calls/js/import-progress" in html
    assert f'href="{response["Location"]}" id="import-refresh"' in html


def test_a_broker_that_refuses_the_task_fails_the_batch(
    analyst, saved_profile, django_capture_on_commit_callbacks, monkeypatch
):
    from calls import views

    def refuse(batch_id):
        raise ConnectionError("broker away")

    monkeypatch.setattr(views.calls_import_task, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(analyst, saved_profile())

    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and "could not be started" in batch.failure_message
    assert batch.upload  # kept for another try


def test_the_json_gives_the_running_counters_from_the_cache(analyst, saved_profile):
    batch = ImportBatch.objects.create(profile=saved_profile(), file_name="x.csv", status="running")
    cache.set(
        PROGRESS_KEY.format(batch_id=batch.pk),
        {"rows_read": 5000, "created": 4000, "updated": 10, "unchanged": 900, "rejected": 90},
    )

    data = analyst.get(reverse("staff:call-import-progress", args=[batch.pk])).json()

    assert data == {
        "id": batch.pk,
        "status": "running",
        "status_label": "en cours",
        "finished": False,
        "rows_read": 5000,
        "created": 4000,
        "updated": 10,
        "unchanged": 900,
        "rejected": 90,
        "imported": 4910,
    }
    html = analyst.get(reverse("staff:call-import", args=[batch.pk])).content.decode()
    assert 'data-counter="rows_read">5\xa0000<' in html  # grouped as French writes numbers


def test_the_json_of_a_finished_batch_gives_its_own_counters(analyst, batch):
    cache.set(PROGRESS_KEY.format(batch_id=batch.pk), {"rows_read": 1, "created": 1})  # stale

    data = analyst.get(reverse("staff:call-import-progress", args=[batch.pk])).json()

    assert (data["finished"], data["rows_read"], data["rejected"], data["imported"]) == (True, 10, 2, 0)


def test_the_batch_page_shows_the_quality_panel_and_the_report_link(analyst, batch):
    html = analyst.get(reverse("staff:call-import", args=[batch.pk])).content.decode()

    assert reverse("staff:call-import-report", args=[batch.pk]) in html
    assert "50,0" in html and "10,0" in html and "20,0" in html  # without coordinates, outside, disagreement
    assert "nothing was imported" in html


def test_the_list_shows_recent_batches(analyst, batch):
    html = analyst.get(reverse("staff:call-imports")).content.decode()
    assert f'data-batch="{batch.pk}"' in html and "export.csv" in html


def test_the_error_report_is_an_attachment_safe_for_spreadsheets(analyst, batch):
    batch.error_report = (
        "line,field,value,reason\r\n"
        '3,time,"=HYPERLINK(""http://evil"",""x"")",bad\r\n'
        "4,x,+1,bad\r\n5,y,-2,bad\r\n6,id,@SUM(A1),bad\r\n"
        '7,id,"\tx",bad\r\n8,id,"\rx",bad\r\n9,id,plain,bad\r\n'
    )
    batch.save()

    response = analyst.get(reverse("staff:call-import-report", args=[batch.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="import-{batch.pk}-errors.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    values = [row[2] for row in csv.reader(io.StringIO(text[1:]))][1:]
    assert values == [
        '\'=HYPERLINK("http://evil","x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "plain",
    ]


def test_a_batch_without_errors_has_no_report(analyst, batch):
    batch.error_report = ""
    batch.save()
    assert analyst.get(reverse("staff:call-import-report", args=[batch.pk])).status_code == 404


def test_cells_are_neutralised_only_when_they_look_like_formulas():
    assert neutralise_cell("=1+1") == "'=1+1"
    assert neutralise_cell("a=1") == "a=1"
    assert neutralise_cell("") == ""
    assert neutralise_cell(None) == ""


def test_counters_are_grouped_by_thousands_in_the_page_language(analyst, saved_profile):
    batch = ImportBatch.objects.create(
        profile=saved_profile(), file_name="big.csv", status="succeeded", rows_read=1234567, created=1234000
    )
    with translation.override("en"):
        english = analyst.get(reverse("staff:call-import", args=[batch.pk])).content.decode()
        listing = analyst.get(reverse("staff:call-imports")).content.decode()
    assert 'data-counter="rows_read">1,234,567<' in english
    assert "<td>1,234,000</td>" in listing


@pytest.fixture
def failed_batch(saved_profile, private_storage):
    path = f"calls/uploads/{999}/calls.csv"
    (private_storage / "calls/uploads/999").mkdir(parents=True)
    (private_storage / path).write_bytes(csv_bytes(GOOD_ROWS))
    return ImportBatch.objects.create(
        profile=saved_profile(name="retried", source="retried-cad"),
        file_name="calls.csv",
        status="failed",
        upload=path,
        failure_message="The import stopped on an error, and nothing was kept: OperationalError: gone",
    )


def test_a_failed_batch_runs_again_from_its_kept_file(
    analyst, failed_batch, eager, django_capture_on_commit_callbacks
):
    page = analyst.get(reverse("staff:call-import", args=[failed_batch.pk])).content.decode()
    assert 'id="import-retry"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst.post(reverse("staff:call-import-retry", args=[failed_batch.pk]))
    assert response.status_code == 302
    failed_batch.refresh_from_db()
    # Without a broker the task ran inside the request, from the kept file.
    assert failed_batch.status == "succeeded" and failed_batch.created == 3
    assert failed_batch.failure_message == ""
    assert Call.objects.count() == 3
    # Done: no second run, no button.
    assert 'id="import-retry"' not in analyst.get(response["Location"]).content.decode()
    analyst.post(reverse("staff:call-import-retry", args=[failed_batch.pk]))
    failed_batch.refresh_from_db()
    assert failed_batch.status == "succeeded"


def test_a_batch_that_did_not_fail_or_lost_its_file_cannot_run_again(analyst, batch, failed_batch):
    for candidate in (batch, failed_batch):
        if candidate is failed_batch:
            ImportBatch.objects.filter(pk=failed_batch.pk).update(upload="calls/uploads/999/gone.csv")
        with translation.override("en"):
            url = reverse("staff:call-import-retry", args=[candidate.pk])
        response = analyst.post(url, follow=True)
        assert "cannot be started again" in response.content.decode()
    assert ImportBatch.objects.get(pk=batch.pk).status == "rejected"
    assert ImportBatch.objects.get(pk=failed_batch.pk).status == "failed"


def test_only_those_who_may_import_may_retry(client, make_staff, failed_batch):
    client.force_login(make_staff("reader", "calls.view_importbatch"))
    assert (
        'id="import-retry"'
        not in client.get(reverse("staff:call-import", args=[failed_batch.pk])).content.decode()
    )
    assert client.post(reverse("staff:call-import-retry", args=[failed_batch.pk])).status_code == 403
    assert client.get(reverse("staff:call-import-retry", args=[failed_batch.pk])).status_code in (403, 405)
    failed_batch.refresh_from_db()
    assert failed_batch.status == "failed"


def test_the_batch_page_lists_the_call_types_left_to_map(client, make_staff, batch):
    source = batch.profile.source
    CallType.objects.create(source=source, code="ZZ9", label="NEW CODE", urgency="unmapped")
    CallType.objects.create(source=source, code="A1", label="mapped", urgency="urgent")
    CallType.objects.create(source="elsewhere", code="B2", label="other source", urgency="unmapped")
    url = reverse("staff:call-import", args=[batch.pk])

    client.force_login(make_staff("mapper", "calls.view_importbatch", "calls.change_calltype"))
    html = client.get(url).content.decode()
    assert 'id="import-unmapped"' in html and "<code>ZZ9</code> — NEW CODE" in html
    # As the page writes codes (a bare "B2" may stand in a random CSRF token).
    assert "<code>A1</code>" not in html and "<code>B2</code>" not in html
    assert f"?source__exact={source}&amp;urgency__exact=unmapped" in html

    client.force_login(make_staff("reader", "calls.view_importbatch"))
    html = client.get(url).content.decode()
    assert "ZZ9" in html and "urgency__exact" not in html  # told, but not sent where they cannot go

    CallType.objects.filter(code="ZZ9").update(urgency="other")
    assert 'id="import-unmapped"' not in client.get(url).content.decode()


def test_the_admins_add_button_of_batches_leads_to_the_upload_page(client, make_staff):
    client.force_login(make_staff("importer", "calls.view_importbatch", "calls.add_importbatch"))
    response = client.get(reverse("admin:calls_importbatch_add"))
    assert response.status_code == 302 and response["Location"] == reverse("staff:call-imports")
    assert (
        reverse("admin:calls_importbatch_add")
        in client.get(reverse("admin:calls_importbatch_changelist")).content.decode()
    )

    client.force_login(make_staff("reader", "calls.view_importbatch"))
    assert client.get(reverse("admin:calls_importbatch_add")).status_code == 403

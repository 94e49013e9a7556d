"""The import task: a stored upload run by the service, once, in its uploader's language, with live progress;
and the whole path through a real Celery worker on a queue of its own."""

import csv
import io
import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from calls.models import Call, ImportBatch, MonthlyCallCount
from calls.services import batches, chunks, ingest, upsert
from calls.services.batches import PROGRESS_KEY, upload_path
from calls.services.ingest import calls_import
from calls.tasks import calls_import_task
from tests.workers import private_queue, real_worker

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

QUEUE = private_queue("calls")


def rows(count, *, start=0, bad=()):
    return [
        [
            f"N{n}",
            "not a time" if n in bad else "2024-03-01 10:00:00",
            "10-50",
            "label",
            "2",
            "911",
            "",
            "",
            "",
        ]
        for n in range(start, start + count)
    ]


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def queued(saved_profile):
    """A queued batch whose file waits in the storage, as the upload page leaves it."""
    profile = saved_profile()

    def make(data: bytes, *, name="calls.csv", language="", **fields) -> ImportBatch:
        batch = ImportBatch.objects.create(
            profile=profile, file_name=name, language=language, size=len(data), **fields
        )
        batch.upload = default_storage.save(upload_path(batch.pk, name), ContentFile(data))
        batch.save(update_fields=["upload"])
        return batch

    return make


def test_the_service_reports_its_counters_after_each_chunk(saved_profile, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 3)
    seen = []

    batch = calls_import(
        profile=saved_profile(),
        file=io.BytesIO(csv_bytes(rows(8, bad={4}))),
        file_name="calls.csv",
        mode=ImportBatch.Mode.THRESHOLD,
        max_bad_percent=50,
        progress=seen.append,
    )

    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert [(c["rows_read"], c["created"], c["rejected"]) for c in seen] == [(3, 3, 0), (6, 5, 1), (8, 7, 1)]
    assert set(seen[0]) >= {"rows_read", "created", "updated", "unchanged", "rejected", "without_coordinates"}


def test_the_task_imports_the_stored_file_and_deletes_it(queued, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 2)
    batch = queued(csv_bytes(rows(5)))
    cached = []
    report = batches._report_progress

    def spy(batch_id, counters):
        report(batch_id, counters)
        cached.append(cache.get(PROGRESS_KEY.format(batch_id=batch_id))["rows_read"])

    monkeypatch.setattr(batches, "_report_progress", spy)

    assert calls_import_task(batch.pk) == ImportBatch.Status.SUCCEEDED

    batch.refresh_from_db()
    assert (batch.status, batch.rows_read, batch.created) == (ImportBatch.Status.SUCCEEDED, 5, 5)
    assert cached == [2, 4, 5]  # in the cache while the import's transaction was still open
    assert cache.get(PROGRESS_KEY.format(batch_id=batch.pk)) is None
    assert batch.upload == "" and not default_storage.listdir(f"calls/uploads/{batch.pk}")[1]
    assert Call.objects.count() == 5


def test_a_batch_already_done_is_not_run_again(queued, monkeypatch):
    batch = queued(csv_bytes(rows(3)), status=ImportBatch.Status.SUCCEEDED, rows_read=3, created=3)
    monkeypatch.setattr(ingest, "calls_import", lambda **kwargs: pytest.fail("imported twice"))

    assert calls_import_task(batch.pk) == ImportBatch.Status.SUCCEEDED
    batch.status = ImportBatch.Status.REJECTED
    batch.save()
    assert calls_import_task(batch.pk) == ImportBatch.Status.REJECTED

    batch.refresh_from_db()
    assert (batch.rows_read, batch.created) == (3, 3)
    assert calls_import_task(batch.pk + 1000) is None  # no such batch: nothing to do


def test_a_rejected_batch_loses_its_file_and_reports_in_the_uploaders_language(queued):
    english = queued(csv_bytes(rows(3, bad={1})), language="en")
    french = queued(csv_bytes(rows(3, bad={1})), language="fr")

    for batch in (english, french):
        assert calls_import_task(batch.pk) == ImportBatch.Status.REJECTED
        batch.refresh_from_db()
        assert batch.upload == ""

    assert next(csv.reader(io.StringIO(english.error_report))) == ["line", "field", "value", "reason"]
    assert next(csv.reader(io.StringIO(french.error_report)))[0] == "ligne"
    assert "all or nothing" in english.failure_message
    assert Call.objects.count() == 0


def test_a_failed_batch_keeps_its_file_and_runs_again(queued, monkeypatch):
    batch = queued(csv_bytes(rows(4)))

    def refuse(self, rows):
        raise RuntimeError("database away")

    with monkeypatch.context() as patch:
        patch.setattr(upsert.ChunkWriter, "write_rows", refuse)
        with pytest.raises(RuntimeError):
            calls_import_task(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert default_storage.exists(batch.upload)
    assert Call.objects.count() == 0

    assert calls_import_task(batch.pk) == ImportBatch.Status.SUCCEEDED
    batch.refresh_from_db()
    assert (batch.created, batch.failure_message, batch.upload) == (4, "", "")


def test_a_batch_whose_file_is_gone_fails_with_a_reason(queued, english):
    batch = queued(csv_bytes(rows(2)), language="en")
    default_storage.delete(batch.upload)

    assert calls_import_task(batch.pk) == ImportBatch.Status.FAILED
    batch.refresh_from_db()
    assert "no longer available" in batch.failure_message


def test_progress_survives_a_cache_that_is_down(queued, monkeypatch):
    batch = queued(csv_bytes(rows(3)))

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(batches.cache, "set", down)
    monkeypatch.setattr(batches.cache, "delete", down)

    assert calls_import_task(batch.pk) == ImportBatch.Status.SUCCEEDED


def test_the_task_is_acked_late_with_the_settings_time_limits(settings):
    assert calls_import_task.acks_late is True
    assert calls_import_task.soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert calls_import_task.time_limit == settings.CELERY_TASK_TIME_LIMIT


# --- A real worker -----------------------------------------------------------------------------------------


@pytest.fixture
def worker(monkeypatch):
    with real_worker(monkeypatch, calls_import_task, queue=QUEUE) as worker:
        yield worker


def wait_until_finished(client, url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get(url).json()
        if data["finished"]:
            return data
        time.sleep(0.2)
    pytest.fail(f"the import did not finish in {timeout} s: {data}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_imports_an_uploaded_file(client, make_staff, saved_profile, worker, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 4)
    profile = saved_profile()
    client.force_login(make_staff("analyst", "calls.add_importbatch", "calls.view_importbatch"))
    upload = ContentFile(csv_bytes(rows(10, bad={7})), name="export.csv")

    response = client.post(
        reverse("staff:call-imports"),
        {"file": upload, "profile": profile.pk, "mode": "threshold", "max_bad_percent": "20"},
    )

    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("staff:call-import", args=[batch.pk])
    data = wait_until_finished(client, reverse("staff:call-import-progress", args=[batch.pk]))
    assert data["status"] == "succeeded"
    assert (data["rows_read"], data["imported"], data["created"], data["rejected"]) == (10, 9, 9, 1)
    assert Call.objects.count() == 9
    batch.refresh_from_db()
    assert batch.upload == ""


def _database_url() -> str:
    """The test database's URL, for a process of its own."""
    settings_dict = connection.settings_dict
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a worker process needs a shared database server"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_import_leaves_nothing_and_the_task_runs_again_to_one_result(
    queued, private_storage, settings
):
    """A worker process gets SIGKILL while the batch is half written (its progress says chunks are in the
    database): nothing of the batch is kept. Run again (as Redis does with an unacknowledged task once its
    visibility timeout is over), the batch imports every row exactly once."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs the Redis broker of the suite (REDIS_URL)")
    total = 120_000
    batch = queued(csv_bytes(rows(total)))
    queue = f"{QUEUE}-killed"
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(private_storage),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-P", "solo", "-c", "1"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        calls_import_task.apply_async([batch.pk], queue=queue)
        deadline = time.monotonic() + 90
        progress = None
        while time.monotonic() < deadline and process.poll() is None:
            progress = cache.get(PROGRESS_KEY.format(batch_id=batch.pk))
            if progress and progress["created"] >= chunks.CHUNK_SIZE:
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"the worker never reported a written chunk: {progress}")
        assert progress["rows_read"] < total  # killed half-way, not after the end
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.RUNNING  # what the killed worker last committed
    assert Call.objects.count() == 0
    assert not MonthlyCallCount.objects.exists()
    assert batch.upload and default_storage.exists(batch.upload)

    assert calls_import_task.apply(args=[batch.pk]).get() == ImportBatch.Status.SUCCEEDED
    batch.refresh_from_db()
    assert (batch.rows_read, batch.created, batch.updated) == (total, total, 0)
    assert Call.objects.count() == total
    assert sum(MonthlyCallCount.objects.values_list("count", flat=True)) == total

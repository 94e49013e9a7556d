"""An import batch's lifecycle: every write of an ImportBatch row, and its live progress.

queued (an upload stored, the import started once committed) → running → succeeded, rejected or failed; a failed
batch keeps its upload and can be queued again. calls.services.ingest runs the import and records each step
here; the staff pages, the task, the command and the admin only call these functions and the import.

An uploaded file waits in the default storage under UPLOAD_DIR/<batch id>/ until the worker reads it. Nothing
serves that folder (config/urls.py serves officers' photos only), so it is never reachable by a URL. It is
deleted once the batch succeeded or was rejected (the outcome is final: the same file would give the same one
again) and kept after a failure (a crash, a time limit, the database away) so that the batch can run again
from the same file.

How a queued batch is started is its caller's to say (`start`: the staff pages send the Celery task): this
module does not import calls.tasks, which imports the services.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import partial
from pathlib import PurePath

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from ..models import ImportBatch, ImportProfile

logger = logging.getLogger(__name__)

UPLOAD_DIR = "calls/uploads"
# While a batch runs, its counters live only inside the import's open transaction: the progress callback copies
# them to the cache, where the batch's page reads them. They are gone once the batch row holds the result.
PROGRESS_KEY = "calls:import-progress:{batch_id}"
PROGRESS_TIMEOUT = 24 * 60 * 60
# Outcomes that stand: running such a batch again would give the same result.
FINAL = (ImportBatch.Status.SUCCEEDED, ImportBatch.Status.REJECTED)

# Sends the import of a batch (by id) on its way: the Celery task's `delay`.
Starter = Callable[[int], object]
# Called after each chunk with the counters so far.
Progress = Callable[[dict[str, int]], None]


def upload_path(batch_id: int, file_name: str) -> str:
    return f"{UPLOAD_DIR}/{batch_id}/{get_valid_filename(file_name) or 'upload'}"


# --- Creating and starting ------------------------------------------------------------------------------------


def batch_create(
    *,
    profile: ImportProfile,
    file_name: str,
    uploaded_by: AbstractBaseUser | None = None,
    mode: str = ImportBatch.Mode.ALL_OR_NOTHING,
    max_bad_percent: float | Decimal = 0,
    size: int = 0,
    language: str = "",
) -> ImportBatch:
    """A queued batch for a file (committed on its own when called outside a transaction)."""
    return ImportBatch.objects.create(
        profile=profile,
        file_name=file_name[:255],
        size=size,
        uploaded_by=uploaded_by,
        mode=mode,
        max_bad_percent=Decimal(str(max_bad_percent)),
        language=language,
    )


def batch_queue(
    *,
    profile: ImportProfile,
    upload: File,
    uploaded_by: AbstractBaseUser | None,
    mode: str,
    max_bad_percent: float | Decimal,
    language: str,
    start: Starter,
) -> ImportBatch:
    """Store the upload privately and create its batch (queued); `start` is called once both are committed."""
    with transaction.atomic():
        batch = batch_create(
            profile=profile,
            file_name=PurePath(upload.name).name,
            size=upload.size,
            uploaded_by=uploaded_by,
            mode=mode,
            max_bad_percent=max_bad_percent,
            language=language,
        )
        batch.upload = default_storage.save(upload_path(batch.pk, batch.file_name), upload)
        batch.save(update_fields=["upload"])
        transaction.on_commit(partial(_start, start, batch.pk))
    return batch


def batch_retry(*, batch: ImportBatch, start: Starter) -> bool:
    """Queue a failed batch again from its kept upload; False when it cannot run again (not failed, or the file
    is gone). The status moves only from failed, so a double click queues it once."""
    if not batch.upload or not default_storage.exists(batch.upload):
        return False
    with transaction.atomic():
        requeued = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.FAILED).update(
            status=ImportBatch.Status.QUEUED, started_at=None, finished_at=None, failure_message=""
        )
        if requeued:
            transaction.on_commit(partial(_start, start, batch.pk))
    return bool(requeued)


def _start(start: Starter, batch_id: int) -> None:
    # Without Redis (the demo) Celery runs the task right here, inside the request; the batch page then shows
    # the finished batch. A failed import has marked its batch failed already; only a broker that refused the
    # message leaves it queued, and then nothing would ever run it.
    try:
        start(batch_id)
    except Exception:
        logger.exception("import of batch %s could not be started", batch_id)
        ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
            status=ImportBatch.Status.FAILED,
            finished_at=timezone.now(),
            failure_message=_("The import could not be started; the file is kept: try again later."),
        )


# --- Running ----------------------------------------------------------------------------------------------------


def batch_upload_available(batch: ImportBatch) -> bool:
    return bool(batch.upload) and default_storage.exists(batch.upload)


def batch_mark_running(*, batch: ImportBatch) -> None:
    """The import begins: committed on its own, so that a worker lost mid-import leaves the batch running."""
    batch.status = ImportBatch.Status.RUNNING
    batch.started_at = timezone.now()
    batch.failure_message = ""  # a run after a failure starts afresh
    batch.save(update_fields=["status", "started_at", "failure_message"])


def batch_finish(
    *,
    batch: ImportBatch,
    status: str,
    failure_message: str = "",
    counters: Mapping[str, int] | None = None,
    error_report: str | None = None,
) -> None:
    """Record the import's outcome: its status and message, and (when it got as far as reading) its counters and
    error report; with the facts of the file the import noted on the batch (checksum, size, map version)."""
    batch.status = status
    batch.failure_message = failure_message
    for name, value in (counters or {}).items():
        setattr(batch, name, value)
    if error_report is not None:
        batch.error_report = error_report
    batch.finished_at = timezone.now()
    batch.save()


def batch_fail(*, batch: ImportBatch, message: str) -> None:
    """A batch that cannot run at all (its upload is gone): failed, with the reason."""
    batch.status = ImportBatch.Status.FAILED
    batch.finished_at = timezone.now()
    batch.failure_message = message
    batch.save(update_fields=["status", "finished_at", "failure_message"])


def batch_discard_upload(*, batch: ImportBatch) -> None:
    """Delete the stored upload of a batch whose outcome stands; a storage that refuses only logs."""
    if not batch.upload:
        return
    try:
        default_storage.delete(batch.upload)
    except OSError:
        logger.warning("stored upload of batch %s not deleted", batch.pk, exc_info=True)
        return
    batch.upload = ""
    batch.save(update_fields=["upload"])


# --- Progress ---------------------------------------------------------------------------------------------------


def import_progress(batch_id: int) -> dict[str, int] | None:
    """The counters the running import of this batch last reported, if any (None when the cache is down)."""
    try:
        return cache.get(PROGRESS_KEY.format(batch_id=batch_id))
    except Exception:  # the cache only helps: a page without live counters still works
        logger.warning("import progress unavailable for batch %s", batch_id, exc_info=True)
        return None


def progress_reporter(batch_id: int) -> Progress:
    """The import's progress callback for this batch: its counters go to the cache, for the batch's page."""
    return lambda counters: _report_progress(batch_id, counters)


def progress_forget(batch_id: int) -> None:
    """The batch row holds the result now: its live counters go."""
    try:
        cache.delete(PROGRESS_KEY.format(batch_id=batch_id))
    except Exception:
        logger.warning("import progress not cleared for batch %s", batch_id, exc_info=True)


def _report_progress(batch_id: int, counters: dict[str, int]) -> None:
    try:
        cache.set(PROGRESS_KEY.format(batch_id=batch_id), counters, PROGRESS_TIMEOUT)
    except Exception:  # an import must never stop because its progress could not be shown
        logger.warning("import progress not recorded for batch %s", batch_id, exc_info=True)


def batch_periods_recompute() -> int:
    """Every succeeded batch's period (placed_from, placed_until) read again from the placed calls that record
    it as their last batch; returns the batches updated. For when placements changed after the import (a new
    sector map: calls.counts.calls_replace) or by hand (`manage.py recompute_call_stats`). A call re-imported
    unchanged keeps its first batch, which then covers its month. One UPDATE."""
    from ..models import Call

    placed = Call.objects.filter(batch=OuterRef("pk"), sector__isnull=False).order_by().values("batch")
    return ImportBatch.objects.filter(status=ImportBatch.Status.SUCCEEDED).update(
        placed_from=Subquery(placed.annotate(first=Min("received_at")).values("first")),
        placed_until=Subquery(placed.annotate(last=Max("received_at")).values("last")),
    )

"""Celery entry points of the calls app: each loads its rows by id and calls a service."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from .models import ImportBatch
from .services import calls_import

logger = logging.getLogger(__name__)

# --- Imports of uploaded files ----------------------------------------------------------------------------
# An uploaded file waits in the default storage under UPLOAD_DIR/<batch id>/ until the worker reads it. Nothing
# serves that folder (config/urls.py serves officers' photos only), so it is never reachable by a URL. It is
# deleted once the batch succeeded or was rejected (the outcome is final: the same file would give the same
# one again) and kept after a failure (a crash, a time limit, the database away) so that the batch can run
# again from the same file.
UPLOAD_DIR = "calls/uploads"
# While a batch runs, its counters live only inside the import's open transaction: the progress callback copies
# them to the cache, where the batch's page reads them. They are gone once the batch row holds the result.
PROGRESS_KEY = "calls:import-progress:{batch_id}"
PROGRESS_TIMEOUT = 24 * 60 * 60
DONE = (ImportBatch.Status.SUCCEEDED, ImportBatch.Status.REJECTED)


def upload_path(batch_id: int, file_name: str) -> str:
    return f"{UPLOAD_DIR}/{batch_id}/{get_valid_filename(file_name) or 'upload'}"


def import_progress(batch_id: int) -> dict[str, int] | None:
    """The counters the running import of this batch last reported, if any (None when the cache is down)."""
    try:
        return cache.get(PROGRESS_KEY.format(batch_id=batch_id))
    except Exception:  # the cache only helps: a page without live counters still works
        logger.warning("import progress unavailable for batch %s", batch_id, exc_info=True)
        return None


def _report_progress(batch_id: int, counters: dict[str, int]) -> None:
    try:
        cache.set(PROGRESS_KEY.format(batch_id=batch_id), counters, PROGRESS_TIMEOUT)
    except Exception:  # an import must never stop because its progress could not be shown
        logger.warning("import progress not recorded for batch %s", batch_id, exc_info=True)


def _forget_progress(batch_id: int) -> None:
    try:
        cache.delete(PROGRESS_KEY.format(batch_id=batch_id))
    except Exception:
        logger.warning("import progress not cleared for batch %s", batch_id, exc_info=True)


def discard_upload(batch: ImportBatch) -> None:
    if not batch.upload:
        return
    try:
        default_storage.delete(batch.upload)
    except OSError:
        logger.warning("stored upload of batch %s not deleted", batch.pk, exc_info=True)
        return
    batch.upload = ""
    batch.save(update_fields=["upload"])


# acks_late: a worker lost mid-import (killed, machine gone) leaves the message to another worker. That is
# safe because running a batch twice is: nothing of it is kept unless it succeeds (one transaction), calls are
# upserted by (source, incident number), and a batch that succeeded or was rejected is not run again.
@shared_task(
    acks_late=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def calls_import_task(batch_id: int) -> str | None:
    """Import the stored upload of a queued batch; returns the batch's status (None: no such batch)."""
    batch = ImportBatch.objects.select_related("profile").filter(pk=batch_id).first()
    if batch is None:
        return None
    if batch.status in DONE:
        return batch.status  # delivered again, or asked twice: its outcome stands
    # The report and messages are written in the uploader's language, whichever worker runs the import.
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        if not batch.upload or not default_storage.exists(batch.upload):
            batch.status = ImportBatch.Status.FAILED
            batch.finished_at = timezone.now()
            batch.failure_message = _("The uploaded file is no longer available: upload it again.")
            batch.save(update_fields=["status", "finished_at", "failure_message"])
            return batch.status
        batch.failure_message = ""  # a run after a failure starts afresh
        try:
            with default_storage.open(batch.upload, "rb") as file:
                calls_import(
                    profile=batch.profile,
                    file=file,
                    file_name=batch.file_name,
                    batch=batch,
                    progress=lambda counters: _report_progress(batch_id, counters),
                )
        finally:
            _forget_progress(batch_id)
    if batch.status in DONE:
        discard_upload(batch)
    return batch.status


# --- Monthly counts and re-placement --------------------------------------------------------------------------
# Both are safe to run twice: they replace whole months of counts, and re-placement only touches calls still
# placed with another map version.


@shared_task(soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT, time_limit=settings.CELERY_TASK_TIME_LIMIT)
def calls_counts_recompute_task(
    months: list[str] | None = None, call_type_ids: list[int] | None = None
) -> int:
    """Recompute monthly counts: of the months given ("YYYY-MM-DD"), of the months holding calls of the call
    types given (reclassified), or — with neither, as the nightly schedule runs it — re-place the calls left on
    an older sector map and then recompute every month. Returns the number of months recomputed (0: all)."""
    from datetime import date

    from .counts import calls_replace, counts_recompute, counts_recompute_for_call_types

    if call_type_ids:
        return len(counts_recompute_for_call_types(call_type_ids=call_type_ids))
    if months:
        wanted = [date.fromisoformat(month) for month in months]
        counts_recompute(months=wanted)
        return len(set(wanted))
    calls_replace()
    counts_recompute()
    return 0


@shared_task(soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT, time_limit=settings.CELERY_TASK_TIME_LIMIT)
def calls_replace_task(sector_map_version_id: int | None = None) -> int | None:
    """Re-place the calls with the current sector map and recompute the months that moved.

    Enqueued once per new SectorMapVersion: a task for a version that is no longer the newest returns at once
    (None), since the task of the newest does the work. Returns how many calls changed sector.
    """
    from beats.models import SectorMapVersion

    from .counts import calls_replace

    if sector_map_version_id is not None:
        newest = SectorMapVersion.objects.order_by("-id").values_list("id", flat=True).first()
        if newest != sector_map_version_id:
            return None
    return calls_replace().moved

"""Celery entry points of the calls app: each loads its rows by id and calls a service."""

from datetime import date

from celery import shared_task
from django.conf import settings

from beats.models import SectorMapVersion

from .counts import calls_replace, counts_recompute, counts_recompute_for_call_types
from .models import ImportBatch
from .services.ingest import calls_import_upload


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
    return calls_import_upload(batch=batch)


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
    if sector_map_version_id is not None:
        newest = SectorMapVersion.objects.order_by("-id").values_list("id", flat=True).first()
        if newest != sector_map_version_id:
            return None
    return calls_replace().moved

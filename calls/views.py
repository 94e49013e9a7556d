"""Staff pages of the call imports: upload a file, follow its batch live, read its quality, get its report."""

import csv
import io
import logging
from functools import partial
from pathlib import PurePath
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.spreadsheets import neutralise_cell

from .forms import ImportUploadForm, max_upload_bytes
from .models import CallType, ImportBatch, Urgency
from .tasks import calls_import_task, import_progress, upload_path

logger = logging.getLogger(__name__)

RECENT_BATCHES = 25
UNMAPPED_EXAMPLES = 10
COUNTERS = ("rows_read", "created", "updated", "unchanged", "rejected")


def _queue_import(form: ImportUploadForm, user) -> ImportBatch:
    """Store the upload privately and create its batch (queued); the task is sent once both are committed."""
    upload = form.cleaned_data["file"]
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            profile=form.cleaned_data["profile"],
            file_name=PurePath(upload.name).name[:255],
            size=upload.size,
            uploaded_by=user,
            mode=form.cleaned_data["mode"],
            max_bad_percent=form.cleaned_data["max_bad_percent"],
            language=translation.get_language() or "",
        )
        batch.upload = default_storage.save(upload_path(batch.pk, batch.file_name), upload)
        batch.save(update_fields=["upload"])
        transaction.on_commit(partial(_start_import, batch.pk))
    return batch


def _start_import(batch_id: int) -> None:
    # Without Redis (the demo) Celery runs the task right here, inside the request; the batch page then shows
    # the finished batch. A failed import has marked its batch failed already; only a broker that refused the
    # message leaves it queued, and then nothing would ever run it.
    try:
        calls_import_task.delay(batch_id)
    except Exception:
        logger.exception("import of batch %s could not be started", batch_id)
        ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
            status=ImportBatch.Status.FAILED,
            finished_at=timezone.now(),
            failure_message=_("The import could not be started; the file is kept: try again later."),
        )


def _retry_import(batch: ImportBatch) -> bool:
    """Queue a failed batch again from its kept upload; False when it cannot run again (not failed, or the file
    is gone). The status moves only from failed, so a double click queues it once."""
    if not batch.upload or not default_storage.exists(batch.upload):
        return False
    with transaction.atomic():
        requeued = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.FAILED).update(
            status=ImportBatch.Status.QUEUED, started_at=None, finished_at=None, failure_message=""
        )
        if requeued:
            transaction.on_commit(partial(_start_import, batch.pk))
    return bool(requeued)


def _progress(batch: ImportBatch) -> dict:
    """Status and counters: while the batch runs, the ones its import last reported; then the batch's own."""
    counters = {name: getattr(batch, name) for name in COUNTERS}
    running = batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)
    if running:
        reported = import_progress(batch.pk) or {}
        counters.update({name: reported[name] for name in COUNTERS if isinstance(reported.get(name), int)})
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_label": str(batch.get_status_display()),
        "finished": not running,
        **counters,
        "imported": counters["created"] + counters["updated"] + counters["unchanged"],
    }


def _unmapped_call_types(batch: ImportBatch) -> dict | None:
    """The call types of the batch's source still waiting for an analyst to map them, and where to map them."""
    unmapped = CallType.objects.filter(source=batch.profile.source, urgency=Urgency.UNMAPPED)
    count = unmapped.count()
    if not count:
        return None
    query = urlencode({"source__exact": batch.profile.source, "urgency__exact": Urgency.UNMAPPED})
    return {
        "count": count,
        "examples": list(unmapped.order_by("code").values_list("code", "label")[:UNMAPPED_EXAMPLES]),
        "url": f"{reverse('admin:calls_calltype_changelist')}?{query}",
    }


def _quality(batch: ImportBatch) -> list[dict]:
    rows = [
        (_("Without coordinates"), batch.without_coordinates),
        (_("Outside the territory"), batch.outside_territory),
        (_("Sector differs from the source's sector code"), batch.sector_disagreement),
        (_("Unplaced (no sector at all)"), batch.unplaced),
    ]
    return [{"label": label, "count": count, "percent": batch.percent(count)} for label, count in rows]


@never_cache
@staff_member_required
@permission_required("calls.view_importbatch", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_list(request):
    """The upload form (for those who may import) and the recent batches."""
    can_upload = request.user.has_perm("calls.add_importbatch")
    form = None
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            batch = _queue_import(form, request.user)
            return redirect("staff:call-import", batch_id=batch.pk)
    elif can_upload:
        form = ImportUploadForm()
    batches = ImportBatch.objects.select_related("profile", "uploaded_by")[:RECENT_BATCHES]
    return render(
        request,
        "calls/imports.html",
        {"form": form, "batches": batches, "max_upload_bytes": max_upload_bytes()},
    )


@never_cache
@staff_member_required
@permission_required("calls.view_importbatch", raise_exception=True)
@require_GET
def import_detail(request, batch_id: int):
    """One batch: its progress (live with JavaScript, as of loading without), quality and error report."""
    batch = get_object_or_404(ImportBatch.objects.select_related("profile", "uploaded_by"), pk=batch_id)
    progress = _progress(batch)
    can_retry = (
        batch.status == ImportBatch.Status.FAILED
        and bool(batch.upload)
        and request.user.has_perm("calls.add_importbatch")
    )
    return render(
        request,
        "calls/import.html",
        {
            "batch": batch,
            "progress": progress,
            "quality": _quality(batch) if progress["finished"] and batch.rows_read else None,
            "can_retry": can_retry,
            "unmapped": _unmapped_call_types(batch) if progress["finished"] else None,
        },
    )


@never_cache
@staff_member_required
@permission_required("calls.add_importbatch", raise_exception=True)
@require_POST
def import_retry(request, batch_id: int):
    """Run a failed batch again from the file it kept (a crash, a time limit, the database away)."""
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    if _retry_import(batch):
        messages.success(request, _("The import was started again."))
    else:
        messages.error(request, _("This import cannot be started again: upload the file again."))
    return redirect("staff:call-import", batch_id=batch.pk)


@never_cache
@staff_member_required
@permission_required("calls.view_importbatch", raise_exception=True)
@require_GET
def import_progress_json(request, batch_id: int):
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    return JsonResponse(_progress(batch))


@never_cache
@staff_member_required
@permission_required("calls.view_importbatch", raise_exception=True)
@require_GET
def import_report(request, batch_id: int):
    """The batch's bad rows as CSV, for a spreadsheet: BOM (Excel reads UTF-8), no cell runs as a formula."""
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    if not batch.error_report:
        raise Http404
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(batch.error_report)):
        writer.writerow([neutralise_cell(cell) for cell in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
    return response

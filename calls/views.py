"""Staff pages of the call imports: upload a file, follow its batch live, read its quality, get its report."""

import csv
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.spreadsheets import neutralise_cell

from .forms import ImportUploadForm, max_upload_bytes
from .models import CallType, ImportBatch, Urgency
from .services.batches import batch_queue, batch_retry, import_progress
from .tasks import calls_import_task

RECENT_BATCHES = 25
UNMAPPED_EXAMPLES = 10
COUNTERS = ("rows_read", "created", "updated", "unchanged", "rejected")


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
def import_list(request: HttpRequest) -> HttpResponse:
    """The upload form (for those who may import) and the recent batches."""
    can_upload = request.user.has_perm("calls.add_importbatch")
    form = None
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            batch = batch_queue(
                profile=form.cleaned_data["profile"],
                upload=form.cleaned_data["file"],
                uploaded_by=request.user,
                mode=form.cleaned_data["mode"],
                max_bad_percent=form.cleaned_data["max_bad_percent"],
                language=translation.get_language() or "",
                start=calls_import_task.delay,
            )
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
def import_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
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
def import_retry(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Run a failed batch again from the file it kept (a crash, a time limit, the database away)."""
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    if batch_retry(batch=batch, start=calls_import_task.delay):
        messages.success(request, _("The import was started again."))
    else:
        messages.error(request, _("This import cannot be started again: upload the file again."))
    return redirect("staff:call-import", batch_id=batch.pk)


@never_cache
@staff_member_required
@permission_required("calls.view_importbatch", raise_exception=True)
@require_GET
def import_progress_json(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    return JsonResponse(_progress(batch))


@never_cache
@staff_member_required
@permission_required("calls.view_importbatch", raise_exception=True)
@require_GET
def import_report(request: HttpRequest, batch_id: int) -> HttpResponse:
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

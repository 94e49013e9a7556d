"""The analysts' reports page: start a report, follow its generation, download its file.

Only roles with the reports permissions (analysts, supervisors, administrators) reach these views; the staff
second factor is required by accounts.middleware for the whole "staff" namespace.
"""

import logging

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import ReportFilterForm, ReportRequestForm
from .models import GeneratedReport
from .services import ReportBusy, report_download_record, report_request_again, reports_request
from .tasks import generate_reports_later

logger = logging.getLogger(__name__)

VIEW = "reports.view_generatedreport"
ADD = "reports.add_generatedreport"
LISTED = 200
PENDING = (GeneratedReport.Status.QUEUED, GeneratedReport.Status.RUNNING)


def report_state(report: GeneratedReport) -> dict:
    """What the page shows of a report's generation (the JSON endpoint and the first rendering alike)."""
    return {
        "id": report.pk,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "step": report.step,
        "step_label": str(report.get_step_display()),
        "progress": report.progress,
        "finished": report.finished,
        "error": report.error_message,
    }


def _listed(filters: ReportFilterForm):
    reports = GeneratedReport.objects.select_related("requested_by")
    if filters.is_valid():
        if filters.cleaned_data.get("month"):
            reports = reports.filter(month=filters.cleaned_data["month"])
        scope = filters.cleaned_data.get("scope")
        if scope is not None:
            reports = reports.filter(scope_kind=scope.kind, scope_code=scope.code)
    return list(reports[:LISTED])


@never_cache
@staff_member_required
@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def report_list(request):
    """The generated reports (newest month first, filtered by month and scope) and the form that starts one."""
    can_add = request.user.has_perm(ADD)
    form = None
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        form = ReportRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                reports = reports_request(
                    month=data["month"],
                    scope=data["scope"],
                    formats=data["formats"],
                    languages=data["languages"],
                    requested_by=request.user,
                    start=generate_reports_later,
                )
            except ReportBusy as busy:
                form.add_error(None, busy)
            else:
                # Without a broker (the demo) the reports were written inside this request: say so.
                finished = GeneratedReport.objects.filter(
                    pk__in=[report.pk for report in reports], status=GeneratedReport.Status.DONE
                ).count()
                if finished == len(reports):
                    text = ngettext(
                        "%(count)d report is ready: download it from the list below.",
                        "%(count)d reports are ready: download them from the list below.",
                        finished,
                    )
                else:
                    text = ngettext(
                        "%(count)d report is being generated; you will get an e-mail when it is ready.",
                        "%(count)d reports are being generated; you will get an e-mail when they are ready.",
                        len(reports),
                    )
                messages.success(request, text % {"count": len(reports)})
                return redirect("staff:reports")
    elif can_add:
        form = ReportRequestForm()
    months = list(GeneratedReport.objects.order_by("-month").values_list("month", flat=True).distinct())
    filters = ReportFilterForm(request.GET or None, months=months, prefix="filter")
    reports = _listed(filters)
    return render(
        request,
        "reports/list.html",
        {
            "form": form,
            "filters": filters,
            "reports": [(report, report_state(report)) for report in reports],
            "pending": any(report.status in PENDING for report in reports),
            "status_codes": GeneratedReport.Status,
        },
    )


@never_cache
@staff_member_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def report_status(request):
    """The state of the reports asked for (?id=1&id=2), for the page's script."""
    try:
        ids = [int(value) for value in request.GET.getlist("id")[:LISTED]]
    except ValueError:
        ids = []
    reports = GeneratedReport.objects.filter(pk__in=ids).order_by("pk")
    states = [report_state(report) for report in reports]
    return JsonResponse({"reports": states, "pending": any(not state["finished"] for state in states)})


@never_cache
@staff_member_required
@permission_required(ADD, raise_exception=True)
@require_POST
def report_again(request, report_id: int):
    """Run one report again (its file is replaced once the new one is written)."""
    report = get_object_or_404(GeneratedReport, pk=report_id)
    try:
        report_request_again(report=report, requested_by=request.user, start=generate_reports_later)
    except ReportBusy as busy:
        messages.error(request, busy.message)
    else:
        messages.success(request, _("The report is being generated again."))
    return redirect("staff:reports")


@never_cache
@staff_member_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def report_download(request, report_id: int):
    """A finished report's file, as an attachment; 404 while it is not done."""
    report = get_object_or_404(GeneratedReport, pk=report_id, status=GeneratedReport.Status.DONE)
    if not report.file:
        raise Http404
    try:
        file = default_storage.open(report.file, "rb")
    except (FileNotFoundError, OSError):
        logger.warning("file of report %s is missing from the storage", report.pk)
        raise Http404 from None
    report_download_record(report=report, user=request.user)
    logger.info("report %s (%s) downloaded by user %s", report.pk, report.file_name, request.user.pk)
    response = FileResponse(
        file, as_attachment=True, filename=report.file_name, content_type=report.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

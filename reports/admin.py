"""The generated reports in the admin: read only, with "run again" (the schedule is django-celery-beat's)."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import GeneratedReport, ReportDownload
from .services import ReportBusy, report_request_again, reports_delete
from .tasks import generate_reports_later


@admin.register(GeneratedReport)
class GeneratedReportAdmin(admin.ModelAdmin):
    list_display = ["month", "scope_kind", "scope_code", "format", "language", "status", "finished_at"]
    list_filter = ["status", "format", "language", "scope_kind", "month"]
    search_fields = ["scope_code", "scope_name", "file_name", "sha256"]
    date_hierarchy = "month"
    list_select_related = ["requested_by"]
    actions = ["run_again"]
    readonly_fields = ["error_message"]

    # Files are only written by the worker, and started from the reports page (where "add" leads).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("staff:reports")

    # Deleting a report (superusers only: no role has the permission) deletes its file too.
    def delete_model(self, request, obj):
        reports_delete([obj])

    def delete_queryset(self, request, queryset):
        reports_delete(queryset)

    @admin.display(description=_("error"))
    def error_message(self, obj):
        return obj.error_message

    @admin.action(description=_("Generate the selected reports again"), permissions=["run"])
    def run_again(self, request, queryset):
        started, busy = 0, []
        for report in queryset:
            try:
                report_request_again(report=report, requested_by=request.user, start=generate_reports_later)
            except ReportBusy as error:
                busy.append(error.message)
            else:
                started += 1
        if started:
            self.message_user(
                request,
                ngettext(
                    "%(count)d report is being generated again.",
                    "%(count)d reports are being generated again.",
                    started,
                )
                % {"count": started},
                messages.SUCCESS,
            )
        for message in busy:
            self.message_user(request, message, messages.WARNING)

    def has_run_permission(self, request):
        return request.user.has_perm("reports.add_generatedreport")


@admin.register(ReportDownload)
class ReportDownloadAdmin(admin.ModelAdmin):
    """The audit trail of downloads: read-only for everyone, never deleted through the application."""

    list_display = ["at", "user", "file_name", "sha256"]
    list_filter = ["at"]
    search_fields = ["file_name", "user__username", "sha256"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

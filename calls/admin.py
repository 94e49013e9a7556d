from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Call, CallCategory, CallType, ImportBatch, ImportProfile, MonthlyCallCount


@admin.register(CallCategory)
class CallCategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_fr", "name_en"]
    search_fields = ["slug", "name_fr", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(CallType)
class CallTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "source", "category", "urgency"]
    list_editable = ["category", "urgency"]
    list_filter = ["urgency", "source", "category"]
    search_fields = ["code", "label"]
    list_select_related = ["category"]
    readonly_fields = ["created_at"]


@admin.register(ImportProfile)
class ImportProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "file_format", "encoding", "delimiter", "coordinates_epsg"]
    search_fields = ["name", "source", "description"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "source", "description"]}),
        (_("File"), {"fields": ["file_format", "encoding", "delimiter", "decimal_comma"]}),
        (
            _("Columns"),
            {
                "fields": [
                    "incident_number_column",
                    "received_at_column",
                    "received_at_format",
                    "time_zone",
                    "call_type_code_column",
                    "call_type_label_column",
                    "priority_column",
                    "origin_column",
                    "origin_mapping",
                    "x_column",
                    "y_column",
                    "coordinates_epsg",
                    "source_sector_column",
                ]
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "file_name",
        "profile",
        "status",
        "rows_read",
        "created",
        "updated",
        "rejected",
    ]
    list_filter = ["status", "profile"]
    search_fields = ["file_name", "checksum"]
    list_select_related = ["profile"]
    exclude = ["error_report"]
    readonly_fields = ["report_link"]

    # Files are uploaded on the staff page, which runs the import in a worker and follows it live: the admin's
    # "add" button leads there, for those who may import.
    def has_add_permission(self, request):
        return request.user.has_perm("calls.add_importbatch")

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect("staff:call-imports")

    @admin.display(description=_("error report"))
    def report_link(self, batch):
        if not batch.error_report:
            return "—"
        url = reverse("admin:calls_importbatch_report", args=[batch.pk])
        return format_html('<a href="{}" download>{}</a>', url, _("Download the error report (CSV)"))

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [path("<int:batch_id>/report/", report, name="calls_importbatch_report"), *super().get_urls()]

    def report_view(self, request, batch_id):
        batch = get_object_or_404(ImportBatch, pk=batch_id)
        if not self.has_view_permission(request, batch) or not batch.error_report:
            raise Http404
        response = HttpResponse(batch.error_report, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
        return response


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ["incident_number", "source", "received_at", "call_type", "origin", "sector", "placement"]
    list_filter = ["source", "origin", "placement", "call_type__urgency"]
    search_fields = ["incident_number"]
    list_select_related = ["call_type", "sector"]
    date_hierarchy = "received_at"
    show_full_result_count = False
    raw_id_fields = ["call_type", "sector", "batch", "sector_map_version"]


@admin.register(MonthlyCallCount)
class MonthlyCallCountAdmin(ReadOnlyAdmin):
    """Read only: the counts are derived from the calls (manage.py recompute_call_stats rebuilds them)."""

    list_display = ["month", "sector", "urgency", "category", "count"]
    list_filter = ["urgency", "category", "month"]
    list_select_related = ["sector", "category"]
    date_hierarchy = "month"

    def has_delete_permission(self, request, obj=None):
        return False

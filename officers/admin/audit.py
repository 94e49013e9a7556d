"""The audit trail of assignments and absences, read-only for everyone."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import CoverageChange


@admin.register(CoverageChange)
class CoverageChangeAdmin(admin.ModelAdmin):
    """Read-only for everyone: rows are written by the services and never edited."""

    list_display = ["at", "actor", "action", "officer", "sector_code", "summary"]
    list_filter = ["action", "at"]
    search_fields = [
        "summary",
        "officer__badge_number",
        "officer__first_name",
        "officer__last_name",
        "sector__code",
        "actor__username",
    ]
    date_hierarchy = "at"
    list_select_related = ["actor", "officer", "sector"]
    fields = ["at", "actor", "action", "officer", "sector", "summary"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("actor", "officer", "sector")
            .defer("sector__geometry")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("sector"), ordering="sector__code")
    def sector_code(self, obj):
        return obj.sector.code if obj.sector else None

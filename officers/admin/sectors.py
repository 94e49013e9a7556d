"""The sector page of beats, extended with its officers (beats never imports officers)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beats import admin as beats_admin
from beats.models import Sector

from ..models import Assignment, CoverageChange
from ..selectors import CoverageStatus, coverage_on
from .shared import (
    ReadOnlyInline,
    _can_see_changes,
    _changes_block,
)


class SectorAssignmentInline(ReadOnlyInline):
    model = Assignment
    fk_name = "sector"
    fields = ["officer", "role", "starts_on", "ends_on", "assigned_by", "note"]
    readonly_fields = fields
    ordering = ["-starts_on"]
    verbose_name_plural = _("assignments, current and past")

    def get_queryset(self, request):
        # The sector too: each row is labelled with the assignment's description.
        return (
            super()
            .get_queryset(request)
            .select_related("officer", "sector", "assigned_by")
            .defer("sector__geometry")
        )


admin.site.unregister(Sector)


@admin.register(Sector)
class SectorAdmin(beats_admin.SectorAdmin):
    """beats' sector page plus who covers the sector: its assignments and today's coverage."""

    inlines = [SectorAssignmentInline]
    change_form_template = "admin/officers/sector/change_form.html"
    readonly_fields = [*beats_admin.SectorAdmin.readonly_fields, "coverage_today", "recent_changes"]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets
        fields = []
        if request.user.has_perm("officers.view_coverage"):
            fields.append("coverage_today")
        if _can_see_changes(request):
            fields.append("recent_changes")
        if fields:
            fieldsets.insert(1, (_("Coverage"), {"fields": fields}))
        return fieldsets

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        if request.user.has_perm("officers.add_assignment") and request.user.has_perm(
            "officers.change_assignment"
        ):
            query = urlencode({"sector": object_id})
            extra_context["reassign_url"] = f"{reverse('admin:officers_assignment_reassign')}?{query}"
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("coverage today"))
    def coverage_today(self, obj):
        if not obj.is_active:
            return gettext("Inactive sector: nobody covers it.")
        today = timezone.localdate()
        row = next(iter(coverage_on(today, sector_id=obj.pk)), None)
        if row is None:
            return None
        values = {"status": CoverageStatus(row.status).label}
        if row.status == CoverageStatus.COVERED:
            text = gettext("%(status)s: %(primary)s, primary officer.") % {
                **values,
                "primary": row.primary.full_name,
            }
        elif row.status == CoverageStatus.BACKUP:
            text = gettext("%(status)s: %(covering)s, while %(primary)s is away until %(end)s.") % {
                **values,
                "covering": row.covering.full_name,
                "primary": row.primary.full_name,
                "end": row.absence.ends_on.isoformat(),
            }
        elif row.status == CoverageStatus.AWAY:
            text = gettext("%(status)s: %(primary)s is away until %(end)s and nobody covers.") % {
                **values,
                "primary": row.primary.full_name,
                "end": row.absence.ends_on.isoformat(),
            }
        else:
            text = gettext("%(status)s: no primary officer today.") % values
        if row.secondary:
            text += " " + gettext("Secondary officers present: %(names)s.") % {
                "names": ", ".join(officer.full_name for officer in row.secondary)
            }
        return text

    @admin.display(description=_("recent coverage changes"))
    def recent_changes(self, obj):
        return _changes_block(
            CoverageChange.objects.filter(sector=obj),
            more_url=f"{reverse('admin:officers_coveragechange_changelist')}?sector__id__exact={obj.pk}",
        )

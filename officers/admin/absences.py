"""Absences and who covers; the private reason only for those who may change absences."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..forms import (
    AbsenceForm,
)
from ..models import Absence
from ..services.absences import absence_cancel, absence_plan, absence_update
from .shared import (
    AbsenceStatusFilter,
    ServiceWritesMixin,
    _adopt,
    _can_see_changes,
    _changes_block,
    _Refused,
)


@admin.register(Absence)
class AbsenceAdmin(ServiceWritesMixin, admin.ModelAdmin):
    form = AbsenceForm
    list_filter = [AbsenceStatusFilter]
    search_fields = [
        "officer__badge_number",
        "officer__first_name",
        "officer__last_name",
        "covering_officer__first_name",
        "covering_officer__last_name",
    ]
    date_hierarchy = "starts_on"
    list_select_related = ["officer", "covering_officer"]
    ordering = ["-starts_on"]

    @staticmethod
    def _sees_reason(request, obj=None) -> bool:
        """The reason is private: for those who manage absences (and whoever records a new one)."""
        if request.user.has_perm("officers.change_absence"):
            return True
        return obj is None and request.user.has_perm("officers.add_absence")

    def get_list_display(self, request):
        columns = ["officer", "starts_on", "ends_on", "covering_officer"]
        # The private column: only for those who manage absences.
        return [*columns, "reason"] if request.user.has_perm("officers.change_absence") else columns

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("officer", "covering_officer")

    def get_fieldsets(self, request, obj=None):
        fields = ["officer", "starts_on", "ends_on", "covering_officer"]
        if self._sees_reason(request, obj):
            fields.append("reason")
        fieldsets = [(None, {"fields": fields})]
        if obj is not None:
            record = ["recorded_by", "created_at"]
            if _can_see_changes(request):
                record.append("recent_changes")
            fieldsets.append((_("Record"), {"fields": record}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        # An absence stays the absence of the same officer; plan another one for someone else.
        return ["officer", "recorded_by", "created_at", "recent_changes"] if obj is not None else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)  # ?officer=<id> preselects the officer
        initial.setdefault("starts_on", timezone.localdate())
        return initial

    def save_model(self, request, obj, form, change):
        # obj carries the form's values (and the recorded reason when the form has no reason field).
        try:
            if change:
                absence_update(
                    absence=obj,
                    starts_on=obj.starts_on,
                    ends_on=obj.ends_on,
                    covering_officer=obj.covering_officer,
                    reason=obj.reason,
                    actor=request.user,
                )
            else:
                planned = absence_plan(
                    officer=obj.officer,
                    starts_on=obj.starts_on,
                    ends_on=obj.ends_on,
                    covering_officer=obj.covering_officer,
                    reason=obj.reason,
                    actor=request.user,
                )
                _adopt(obj, planned)
        except ValidationError as error:
            raise _Refused(error) from error

    def delete_model(self, request, obj):
        absence_cancel(absence=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for absence in queryset.select_related("officer", "covering_officer"):
                absence_cancel(absence=absence, actor=request.user)

    @admin.display(description=_("recorded by"))
    def recorded_by(self, obj):
        return obj.created_by.get_username() if obj.created_by else None

    @admin.display(description=_("recent coverage changes"))
    def recent_changes(self, obj):
        return _changes_block(
            obj.changes.all(),
            more_url=f"{reverse('admin:officers_coveragechange_changelist')}?absence__id__exact={obj.pk}",
        )

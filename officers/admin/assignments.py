"""Assignments: history kept (ended, never deleted), conflicts refused, sectors reassigned."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..forms import (
    AssignmentAddForm,
    AssignmentChangeForm,
    SectorReassignForm,
)
from ..models import Assignment
from ..services.assignments import assignment_create, assignment_end, assignment_update_note, sector_reassign
from .shared import (
    AssignmentMunicipalityFilter,
    AssignmentStatusFilter,
    ServiceWritesMixin,
    _adopt,
    _can_see_changes,
    _changes_block,
    _Refused,
)


@admin.register(Assignment)
class AssignmentAdmin(ServiceWritesMixin, admin.ModelAdmin):
    list_display = ["officer", "sector_code", "role", "starts_on", "ends_on", "assigned_by", "note"]
    list_filter = ["role", AssignmentStatusFilter, AssignmentMunicipalityFilter]
    search_fields = [
        "officer__badge_number",
        "officer__first_name",
        "officer__last_name",
        "sector__code",
        "sector__name",
        "note",
    ]
    date_hierarchy = "starts_on"
    list_select_related = ["officer", "sector", "assigned_by"]
    ordering = ["-starts_on", "sector__code"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("officer", "sector", "assigned_by")
            .defer("sector__geometry")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AssignmentAddForm if obj is None else AssignmentChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": ["officer", "sector", "role", "starts_on", "ends_on", "note"]})]
        if obj is not None:
            record = ["assigned_by", "created_at"]
            if _can_see_changes(request):
                record.append("recent_changes")
            fieldsets.append((_("Record"), {"fields": record}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # History is kept: once recorded, only the last day and the note change.
        return ["officer", "sector", "role", "starts_on", "assigned_by", "created_at", "recent_changes"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)  # ?officer=<id> preselects the officer
        initial.setdefault("starts_on", timezone.localdate())
        return initial

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if not change:
                created = assignment_create(
                    officer=data["officer"],
                    sector=data["sector"],
                    role=data["role"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    note=data["note"],
                    actor=request.user,
                )
                _adopt(obj, created)
                return
            # The form has copied the new values onto obj: the services start from the recorded row.
            recorded = Assignment.objects.select_related("officer", "sector").get(pk=obj.pk)
            if "ends_on" in form.changed_data:
                recorded = assignment_end(assignment=recorded, ends_on=data["ends_on"], actor=request.user)
            if "note" in form.changed_data:
                assignment_update_note(assignment=recorded, note=data["note"], actor=request.user)
        except ValidationError as error:
            raise _Refused(error) from error

    def get_urls(self):
        extra = [
            path(
                "reassign/",
                self.admin_site.admin_view(self.reassign_view),
                name="officers_assignment_reassign",
            )
        ]
        return extra + super().get_urls()

    def _may_reassign(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        if self._may_reassign(request):
            extra_context["reassign_url"] = reverse("admin:officers_assignment_reassign")
        return super().changelist_view(request, extra_context=extra_context)

    def reassign_view(self, request):
        """Give a sector to another primary officer from a date, through
        officers.services.assignments.sector_reassign."""
        if not self._may_reassign(request):
            raise PermissionDenied
        initial = {key: request.GET[key] for key in ("sector", "officer") if key in request.GET}
        form = SectorReassignForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            sector, officer, starts_on = data["sector"], data["officer"], data["starts_on"]
            previous = (
                Assignment.objects.on(starts_on)
                .filter(sector=sector, role=Assignment.Role.PRIMARY)
                .select_related("officer")
                .first()
            )
            try:
                sector_reassign(
                    sector=sector, officer=officer, starts_on=starts_on, actor=request.user, note=data["note"]
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                values = {"sector": sector.code, "new": officer.full_name, "start": starts_on.isoformat()}
                if previous is not None:
                    previous.refresh_from_db(fields=["ends_on"])
                    message = gettext(
                        "Sector %(sector)s: %(new)s is the primary officer from %(start)s; "
                        "the assignment of %(old)s ends on %(end)s."
                    ) % {**values, "old": previous.officer.full_name, "end": previous.ends_on.isoformat()}
                else:
                    message = (
                        gettext(
                            "Sector %(sector)s: %(new)s is the primary officer from %(start)s "
                            "(the sector had no primary officer then)."
                        )
                        % values
                    )
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:officers_assignment_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reassign a sector"),
            "form": form,
        }
        return TemplateResponse(request, "admin/officers/assignment/reassign.html", context)

    @admin.display(description=_("sector"), ordering="sector__code")
    def sector_code(self, obj):
        return obj.sector.code

    @admin.display(description=_("recent coverage changes"))
    def recent_changes(self, obj):
        return _changes_block(
            obj.changes.all(),
            more_url=f"{reverse('admin:officers_coveragechange_changelist')}?assignment__id__exact={obj.pk}",
        )

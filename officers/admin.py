"""The supervisors' workspace: officers, assignments, absences and their audit trail, in the Django admin.

Thin entry points: the forms (officers.forms) check what the services will check so that errors land on the
form, and every write goes through officers.services, which audits it. Assignments are history: they are
ended, never deleted. The sector page of beats is extended here (beats never imports officers).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beats import admin as beats_admin
from beats.models import Sector

from .forms import (
    AbsenceForm,
    AssignmentAddForm,
    AssignmentChangeForm,
    OfficerAdminForm,
    SectorReassignForm,
)
from .models import Absence, Assignment, CoverageChange, Officer
from .phones import normalise_phone
from .selectors import CoverageStatus, coverage_on
from .services import (
    absence_cancel,
    absence_plan,
    absence_update,
    assignment_create,
    assignment_end,
    assignment_update_note,
    officer_save,
    sector_reassign,
)

RECENT_CHANGES = 10


# --- shared pieces ----------------------------------------------------------------------------------------


class _Refused(Exception):
    """A service refused a write that its form had accepted (a concurrent change in between)."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.messages = error.messages


class ServiceWritesMixin:
    """save_model calls a service. Should the service refuse what the form accepted, the whole request is
    rolled back and the page comes back saying why, instead of a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            for message in refused.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def _adopt(obj, saved) -> None:
    """Make the admin's unsaved instance the row a service created, for the log and the redirect."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


def _changes_block(changes, *, more_url: str):
    """The latest coverage changes as a short list, with a link to all of them."""
    rows = list(changes.select_related("actor").order_by("-at", "-id")[:RECENT_CHANGES])
    if not rows:
        return gettext("No change recorded yet.")
    items = format_html_join(
        "",
        "<li>{} — {} — {}</li>",
        (
            (
                formats.date_format(timezone.localtime(change.at), "SHORT_DATETIME_FORMAT"),
                change.actor.get_username() if change.actor else gettext("unknown"),
                change.summary,
            )
            for change in rows
        ),
    )
    return format_html(
        '<ul class="coverage-changes">{}</ul><p><a href="{}">{}</a></p>',
        items,
        more_url,
        gettext("All changes"),
    )


def _can_see_changes(request) -> bool:
    return request.user.has_perm("officers.view_coveragechange")


class ReadOnlyInline(admin.TabularInline):
    """Rows shown for context; they change through their own admin pages, which audit every change."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MunicipalityFilter(admin.SimpleListFilter):
    title = _("municipality")
    parameter_name = "municipality"

    def lookups(self, request, model_admin):
        names = Sector.objects.order_by("municipality").values_list("municipality", flat=True).distinct()
        return [(name, name) for name in names]


class OfficerMunicipalityFilter(MunicipalityFilter):
    title = _("municipality (current sector)")

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        current = Assignment.objects.on(timezone.localdate()).filter(sector__municipality=self.value())
        return queryset.filter(pk__in=current.values("officer_id"))


class AssignmentMunicipalityFilter(MunicipalityFilter):
    def queryset(self, request, queryset):
        return queryset.filter(sector__municipality=self.value()) if self.value() else queryset


class DateRangeStatusFilter(admin.SimpleListFilter):
    """Rows in force today, starting later, or over — by their first and last day."""

    title = _("status")
    parameter_name = "status"
    labels: tuple = ()  # labels for: in force, later, over

    def lookups(self, request, model_admin):
        return list(zip(("current", "upcoming", "ended"), self.labels, strict=True))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.on(today)
        if self.value() == "upcoming":
            return queryset.filter(starts_on__gt=today)
        if self.value() == "ended":
            return queryset.filter(ends_on__lt=today)
        return queryset


class AssignmentStatusFilter(DateRangeStatusFilter):
    labels = (_("Current"), _("Future"), _("Ended"))


class AbsenceStatusFilter(DateRangeStatusFilter):
    labels = (_("Current"), _("Upcoming"), _("Past"))


# --- officers ---------------------------------------------------------------------------------------------


class OfficerAssignmentInline(ReadOnlyInline):
    model = Assignment
    fk_name = "officer"
    fields = ["sector", "role", "starts_on", "ends_on", "note"]
    readonly_fields = fields
    ordering = ["-starts_on"]

    def get_queryset(self, request):
        # The officer too: each row is labelled with the assignment's description.
        return super().get_queryset(request).select_related("officer", "sector").defer("sector__geometry")


class OfficerAbsenceInline(ReadOnlyInline):
    model = Absence
    fk_name = "officer"
    # A summary: the private reason stays on the absence's own page.
    fields = ["starts_on", "ends_on", "covering_officer"]
    readonly_fields = fields
    ordering = ["-starts_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("officer", "covering_officer")


@admin.register(Officer)
class OfficerAdmin(ServiceWritesMixin, admin.ModelAdmin):
    form = OfficerAdminForm
    list_display = [
        "thumbnail",
        "badge_number",
        "name",
        "role",
        "phone",
        "is_published",
        "is_active",
        "current_sectors",
    ]
    list_display_links = ["badge_number", "name"]
    list_filter = ["role", "is_published", "is_active", "languages", OfficerMunicipalityFilter]
    search_fields = ["badge_number", "first_name", "last_name", "work_phone", "work_email"]
    ordering = ["last_name", "first_name"]
    readonly_fields = ["photo_preview", "created_at", "updated_at", "recent_changes"]
    inlines = [OfficerAssignmentInline, OfficerAbsenceInline]

    def get_queryset(self, request):
        current = (
            Assignment.objects.on(timezone.localdate())
            .select_related("sector")
            .defer("sector__geometry")
            .order_by("role", "sector__code")
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_assignments"))
        )

    def get_fieldsets(self, request, obj=None):
        editable = obj is None or self.has_change_permission(request, obj)
        card = ["photo_preview"] if obj is not None else []
        card += ["new_photo"] if editable else []
        card += [
            "work_phone",
            "work_email",
            "languages",
            ("patrols_on_foot", "patrols_by_bike", "patrols_by_car"),
            "bio_fr",
            "bio_en",
            "is_published",
        ]
        fieldsets = [
            (_("Identity"), {"fields": ["badge_number", "first_name", "last_name", "role"]}),
            (_("Public card"), {"fields": card}),
            (_("Account"), {"fields": ["user", "is_active"]}),
        ]
        if obj is not None:
            record = ["created_at", "updated_at"]
            if _can_see_changes(request):
                record.append("recent_changes")
            fieldsets.append((_("Record"), {"fields": record}))
        return fieldsets

    def get_inlines(self, request, obj):
        # Assignments and absences are added on their own pages (links at the top of the officer's page).
        return self.inlines if obj is not None else []

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # A phone number as people type it ("450 555-0100") finds the stored international form.
        if sum(character.isdigit() for character in search_term) >= 7:
            try:
                phone = normalise_phone(search_term)
            except ValidationError:
                phone = ""
            if phone:
                results = results | queryset.filter(work_phone=phone)
        return results, may_have_duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        links = {}
        query = urlencode({"officer": object_id})
        if request.user.has_perm("officers.add_assignment"):
            links["assign_url"] = f"{reverse('admin:officers_assignment_add')}?{query}"
        if request.user.has_perm("officers.add_absence"):
            links["absence_url"] = f"{reverse('admin:officers_absence_add')}?{query}"
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **links})

    def save_model(self, request, obj, form, change):
        try:
            officer_save(
                officer=obj,
                photo=form.cleaned_data.get("new_photo"),
                languages=form.cleaned_data.get("languages"),
            )
        except ValidationError as error:
            raise _Refused(error) from error

    def save_related(self, request, form, formsets, change):
        # officer_save has written the languages; the model form must not write them again.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        if not obj.photo_small:
            return None
        return format_html('<img src="{}" alt="{}" width="48">', obj.photo_small.url, obj.full_name)

    @admin.display(description=_("photo"))
    def photo_preview(self, obj):
        if obj is None or not obj.photo_medium:
            return gettext("No photo yet.")
        return format_html('<img src="{}" alt="{}">', obj.photo_medium.url, obj.full_name)

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, obj):
        return obj.full_name

    @admin.display(description=_("phone"), ordering="work_phone")
    def phone(self, obj):
        return obj.work_phone_display or None

    @admin.display(description=_("current sectors"))
    def current_sectors(self, obj):
        assignments = getattr(obj, "current_assignments", None)
        if assignments is None:  # not the list: read them
            assignments = (
                Assignment.objects.on(timezone.localdate()).filter(officer=obj).select_related("sector")
            )
        if not assignments:
            return None
        return ", ".join(f"{a.sector.code} ({a.get_role_display().lower()})" for a in assignments)

    @admin.display(description=_("recent coverage changes"))
    def recent_changes(self, obj):
        return _changes_block(
            CoverageChange.objects.filter(officer=obj),
            more_url=f"{reverse('admin:officers_coveragechange_changelist')}?officer__id__exact={obj.pk}",
        )


# --- assignments ------------------------------------------------------------------------------------------


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
        """Give a sector to another primary officer from a date, through officers.services.sector_reassign."""
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


# --- absences ---------------------------------------------------------------------------------------------


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


# --- the audit trail --------------------------------------------------------------------------------------


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


# --- the sector page, with its officers -------------------------------------------------------------------


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
        row = next((row for row in coverage_on(today) if row.sector.pk == obj.pk), None)
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

"""The officers' pages: identity, public card (photo, phone, languages), their assignments and absences."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..forms import (
    OfficerAdminForm,
)
from ..models import Absence, Assignment, CoverageChange, Officer
from ..phones import normalise_phone
from ..services.officers import officer_save
from .shared import (
    OfficerMunicipalityFilter,
    ReadOnlyInline,
    ServiceWritesMixin,
    _can_see_changes,
    _changes_block,
    _Refused,
)


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

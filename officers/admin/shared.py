"""Pieces the admin pages of officers share: service-backed saving, read-only inlines, filters."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beats.models import Sector

from ..models import Assignment

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

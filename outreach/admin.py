"""Outreach in the Django admin: supervisors manage campaigns, activities and sector priorities; officers
record activities. Thin entry points: every write goes through outreach.services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .forms import PlanSeriesForm
from .models import Activity, Campaign, SectorPriority
from .services import activity_save, campaign_plan_series, campaign_save, priority_save


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ["title_fr", "kind", "starts_at", "planned_on", "released_on", "link", "is_public"]
    show_change_link = True
    can_delete = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "kind", "starts_on", "ends_on", "activity_count"]
    list_filter = ["kind", "starts_on"]
    search_fields = ["title_fr", "title_en", "description_fr", "description_en"]
    filter_horizontal = ["sectors"]
    date_hierarchy = "starts_on"
    inlines = [ActivityInline]
    actions = ["plan_series"]
    readonly_fields = ["plan_series_link"]
    fieldsets = [
        (None, {"fields": ["title_fr", "title_en", "kind", "starts_on", "ends_on"]}),
        (_("Description"), {"fields": ["description_fr", "description_en", "goals"]}),
        (_("Where"), {"fields": ["sectors"]}),
        (_("Series"), {"fields": ["plan_series_link"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(activity_total=Count("activities"))

    @admin.display(description=_("activities"), ordering="activity_total")
    def activity_count(self, obj):
        return obj.activity_total

    @admin.display(description=_("plan a series"))
    def plan_series_link(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Save the campaign first.")
        url = reverse("admin:outreach_campaign_plan_series", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Plan a series of releases at once"))

    def save_model(self, request, obj, form, change):
        campaign_save(campaign=obj)

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/plan-series/",
                self.admin_site.admin_view(self.plan_series_view),
                name="outreach_campaign_plan_series",
            )
        ]
        return extra + super().get_urls()

    @admin.action(description=_("Plan a series of releases for the selected campaign"), permissions=["add"])
    def plan_series(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Select exactly one campaign to plan a series."), messages.WARNING
            )
            return None
        return redirect("admin:outreach_campaign_plan_series", queryset.get().pk)

    def plan_series_view(self, request, pk):
        campaign = get_object_or_404(Campaign, pk=pk)
        if not request.user.has_perm("outreach.add_activity") or not self.has_change_permission(
            request, campaign
        ):
            raise PermissionDenied
        form = PlanSeriesForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                created = campaign_plan_series(campaign=campaign, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(
                    request,
                    ngettext("%(count)d release planned.", "%(count)d releases planned.", len(created))
                    % {"count": len(created)},
                    messages.SUCCESS,
                )
                return redirect("admin:outreach_campaign_change", campaign.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Plan a series of releases"),
            "campaign": campaign,
            "form": form,
        }
        return TemplateResponse(request, "outreach/admin/plan_series.html", context)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "kind", "starts_at", "place_name", "sector", "is_public", "attendance"]
    list_filter = ["is_public", "kind", "campaign", "sector"]
    search_fields = ["title_fr", "title_en", "place_name"]
    list_select_related = ["sector"]
    filter_horizontal = ["sectors", "officers", "partners"]
    date_hierarchy = "starts_at"
    readonly_fields = ["sector", "created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # a link typed without its scheme
    fieldsets = [
        (None, {"fields": ["campaign", "title_fr", "title_en", "kind", "starts_at", "ends_at", "is_public"]}),
        (
            _("Place"),
            {
                "fields": ["place_name", "lon", "lat", "sector", "sectors"],
                "description": _(
                    "With coordinates, the sector of the place is found when the activity is saved."
                ),
            },
        ),
        (_("Who"), {"fields": ["officers", "partners", "attendance"]}),
        (_("Series release"), {"fields": ["planned_on", "released_on", "link"]}),
        (_("Staff notes"), {"fields": ["notes"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        activity_save(activity=obj)  # the many-to-many follow in save_related


@admin.register(SectorPriority)
class SectorPriorityAdmin(admin.ModelAdmin):
    list_display = ["sector", "short_concern", "status", "raised_on", "resolved_on", "is_public"]
    list_filter = ["status", "is_public", "sector"]
    search_fields = ["concern_fr", "concern_en", "actions_fr", "actions_en", "sector__code", "sector__name"]
    list_select_related = ["sector"]
    readonly_fields = ["recorded_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["sector", "status", "raised_on", "resolved_on", "is_public"]}),
        (_("You said"), {"fields": ["concern_fr", "concern_en"]}),
        (_("We did"), {"fields": ["actions_fr", "actions_en"]}),
        (_("History"), {"fields": ["recorded_by", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("you said"))
    def short_concern(self, obj):
        return obj.concern if len(obj.concern) <= 80 else obj.concern[:79] + "…"

    def save_model(self, request, obj, form, change):
        priority_save(priority=obj, recorded_by=request.user)

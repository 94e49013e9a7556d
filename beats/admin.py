import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import SectorAdminForm, SectorImportForm
from .models import CivicAddress, Sector, SectorMapVersion
from .selectors import territory_topology_problems
from .services import (
    SectorImportOptions,
    sector_save,
    sectors_deactivate,
    sectors_export_geojson,
    sectors_import_geojson,
)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    form = SectorAdminForm
    list_display = [
        "code",
        "name",
        "municipality",
        "borough",
        "population",
        "programme_started_on",
        "is_active",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["is_active", "municipality", "borough"]
    search_fields = ["code", "name", "municipality", "borough"]
    ordering = ["code"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["export_geojson", "deactivate"]
    change_list_template = "admin/beats/sector/change_list.html"
    fieldsets = [
        (None, {"fields": ["code", "name", "municipality", "borough", "population"]}),
        (_("Programme"), {"fields": ["programme_started_on", "is_active"]}),
        (_("Boundary"), {"fields": ["geometry"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        # The list never draws boundaries: leave the heavy column in the database.
        queryset = super().get_queryset(request)
        return (
            queryset if request.resolver_match.url_name.endswith("_change") else queryset.without_geometry()
        )

    def save_model(self, request, obj, form, change):
        sector_save(sector=obj)

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="beats_sector_import"),
            path("export/", self.admin_site.admin_view(self.export_all_view), name="beats_sector_export"),
        ]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        problems = territory_topology_problems()
        if problems:
            messages.warning(
                request,
                ngettext(
                    "The territory has %(count)d overlap or gap between active sectors: see the territory check.",
                    "The territory has %(count)d overlaps or gaps between active sectors: see the territory check.",
                    len(problems),
                )
                % {"count": len(problems)},
            )
        extra_context = {
            **(extra_context or {}),
            "features_url": reverse("api:sector-features") + "?include_inactive=1",
        }
        return super().changelist_view(request, extra_context=extra_context)

    def import_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = SectorImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            options = SectorImportOptions(
                code_property=data["code_property"],
                name_property=data["name_property"] or None,
                municipality_property=data["municipality_property"] or None,
                borough_property=data["borough_property"] or None,
                population_property=data["population_property"] or None,
                programme_start_property=data["programme_start_property"] or None,
                default_municipality=data["default_municipality"],
                source_crs=data["source_crs"] or None,
                deactivate_missing=data["deactivate_missing"],
            )
            try:
                result = sectors_import_geojson(source=data["file"], options=options)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _(
                        "Import done: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                        "%(deactivated)d deactivated (source CRS %(crs)s)."
                    )
                    % {
                        "created": len(result.created),
                        "updated": len(result.updated),
                        "unchanged": len(result.unchanged),
                        "deactivated": len(result.deactivated),
                        "crs": result.source_crs,
                    },
                )
                return redirect("admin:beats_sector_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import sectors from GeoJSON"),
            "form": form,
        }
        return TemplateResponse(request, "admin/beats/sector/import.html", context)

    def export_all_view(self, request):
        return self._geojson_response(Sector.objects.all())

    @admin.action(description=_("Export the selected sectors as GeoJSON"), permissions=["view"])
    def export_geojson(self, request, queryset):
        return self._geojson_response(queryset)

    @admin.action(description=_("Deactivate the selected sectors"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = sectors_deactivate(queryset=queryset)
        self.message_user(
            request, ngettext("%d sector deactivated.", "%d sectors deactivated.", count) % count
        )

    @staticmethod
    def _geojson_response(queryset):
        # The changelist's queryset defers the geometry; export reads it in the same single query.
        sectors = Sector.objects.filter(pk__in=queryset.values("pk"))
        body = json.dumps(sectors_export_geojson(queryset=sectors), ensure_ascii=False)
        response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="sectors.geojson"'
        return response


@admin.register(SectorMapVersion)
class SectorMapVersionAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "reason"]
    readonly_fields = ["created_at", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CivicAddress)
class CivicAddressAdmin(admin.ModelAdmin):
    """The address index residents search; filled by `manage.py import_addresses` from open data."""

    list_display = ["civic_number", "street", "municipality", "postal_code", "lon", "lat", "source"]
    list_filter = ["municipality", "source"]
    search_fields = ["civic_number", "street", "street_key", "postal_code"]
    ordering = ["municipality", "street_key", "civic_number"]
    readonly_fields = ["street_key"]
    show_full_result_count = False  # the index holds hundreds of thousands of rows

    def save_model(self, request, obj, form, change):
        from .addresses.normalise import postal_code_key, street_key

        obj.street_key = street_key(obj.street)
        obj.postal_code = postal_code_key(obj.postal_code)
        super().save_model(request, obj, form, change)

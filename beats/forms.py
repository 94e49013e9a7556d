import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletAdminWidget
from leaflet.templatetags.leaflet_tags import leaflet_map

from .geometry import geometry_to_geojson, parse_sector_geometry
from .models import Sector

MAX_BOUNDARY_FILE_BYTES = 20 * 1024 * 1024


class SectorGeometryWidget(LeafletAdminWidget):
    """django-leaflet's drawing widget without inline scripts, so that the CSP stays strict.

    The stock template initialises the map in an inline <script>; ours passes the same settings as JSON
    data and `beats/js/geometry-widget.js` does the rest.
    """

    template_name = "beats/widgets/geometry.html"
    geom_type = "MULTIPOLYGON"

    @property
    def media(self):
        return super().media + forms.Media(js=["beats/js/geometry-widget.js"])

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        map_options = leaflet_map(context["id_map"], creatediv=False)
        context["with_forms"] = True
        context["config_id"] = f"{context['id_css']}-config"
        context["widget_config"] = {
            "fieldid": context["id_css"],
            "modifiable": context["modifiable"],
            "geom_type": context["widget"]["attrs"]["geom_name"],
            "srid": 4326,
            "djoptions": json.loads(map_options["djoptions"]),
        }
        return context


class SectorAdminForm(forms.ModelForm):
    class Meta:
        model = Sector
        fields = [
            "code",
            "name",
            "municipality",
            "borough",
            "population",
            "programme_started_on",
            "is_active",
            "geometry",
        ]
        widgets = {"geometry": SectorGeometryWidget}

    def clean_geometry(self):
        return geometry_to_geojson(parse_sector_geometry(self.cleaned_data["geometry"]))


class SectorImportForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file"), help_text=_("A FeatureCollection of Polygon or MultiPolygon features.")
    )
    code_property = forms.CharField(label=_("Code property"), initial="code", max_length=64)
    name_property = forms.CharField(label=_("Name property"), initial="name", max_length=64, required=False)
    municipality_property = forms.CharField(
        label=_("Municipality property"), initial="municipality", max_length=64, required=False
    )
    borough_property = forms.CharField(label=_("Borough property"), max_length=64, required=False)
    population_property = forms.CharField(label=_("Population property"), max_length=64, required=False)
    programme_start_property = forms.CharField(
        label=_("Programme start property"),
        max_length=64,
        required=False,
        help_text=_("Dates as YYYY-MM-DD."),
    )
    default_municipality = forms.CharField(
        label=_("Municipality when the file has none"), max_length=120, required=False
    )
    source_crs = forms.CharField(
        label=_("Source coordinate system"),
        max_length=64,
        required=False,
        help_text=_("Leave empty for WGS84 or the file's own; for example EPSG:32188 (MTM zone 8, Quebec)."),
    )
    deactivate_missing = forms.BooleanField(
        label=_("Deactivate sectors missing from the file"), required=False, initial=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BOUNDARY_FILE_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB."),
                params={"size": round(upload.size / 1e6, 1), "limit": MAX_BOUNDARY_FILE_BYTES // 1_000_000},
            )
        return upload

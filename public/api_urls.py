"""/api/v1/: the public API (mounted in config/urls.py outside the language prefixes; ?lang= or
Accept-Language choose the language). Every route here is described in public/openapi.py."""

from django.urls import path, re_path

from . import api

app_name = "api"

urlpatterns = [
    path("", api.index, name="index"),
    path("lookup", api.lookup, name="lookup"),
    path("sectors.geojson", api.sector_features, name="sector-features"),
    path("sectors/locate", api.locate, name="sector-locate"),
    path("sectors/<str:code>", api.sector, name="sector"),
    path("officers", api.officers, name="officers"),
    path("openapi.json", api.openapi, name="openapi"),
    # Last: anything else under /api/v1/ is a JSON 404, not the site's HTML page.
    re_path(r"^(?P<path>.*)$", api.not_found),
]

from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("sectors.geojson", api.sector_features, name="sector-features"),
    path("sectors/locate", api.locate, name="sector-locate"),
]

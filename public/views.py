from django.shortcuts import render
from django.urls import reverse

from beats.models import Sector


def home(request):
    return render(request, "public/home.html")


def sectors(request):
    """Every active sector on a map and, for those who do not use the map, in a list by municipality."""
    sectors = Sector.objects.active().without_geometry().order_by("municipality", "borough", "code")
    return render(
        request,
        "public/sectors.html",
        {"sectors": sectors, "features_url": reverse("api:sector-features")},
    )

"""Staff pages about the territory."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from .models import Sector
from .selectors import territory_topology_problems


@never_cache
@staff_member_required
@permission_required("beats.view_sector", raise_exception=True)
def territory(request):
    """The map of all sectors with the overlaps and gaps between active ones."""
    sectors = Sector.objects.without_geometry().order_by("municipality", "code")
    problems = territory_topology_problems()
    problem_features = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"kind": p.kind, "codes": p.codes}, "geometry": p.geometry}
            for p in problems
        ],
    }
    return render(
        request,
        "staff/territory.html",
        {
            "sectors": sectors,
            "problems": problems,
            "problem_features": problem_features,
            "tolerance_m2": settings.SECTOR_TOPOLOGY_TOLERANCE_M2,
            "features_url": reverse("api:sector-features") + "?include_inactive=1",
        },
    )

"""Read-only JSON endpoints about the territory (the public site's maps and partners' lookups)."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .index import BOUNDARY, INSIDE, NEARBY, get_sector_index
from .models import Sector
from .selectors import sector_map_features

RULE_NAMES = {INSIDE: "inside", BOUNDARY: "boundary", NEARBY: "nearby"}


@require_GET
def sector_features(request):
    include_inactive = request.GET.get("include_inactive") == "1"
    if include_inactive and not request.user.has_perm("beats.view_sector"):
        raise PermissionDenied
    response = JsonResponse(sector_map_features(include_inactive=include_inactive))
    response["Content-Type"] = "application/geo+json"
    return response


@require_GET
def locate(request):
    try:
        lon = float(request.GET["lon"])
        lat = float(request.GET["lat"])
    except (KeyError, ValueError):
        return JsonResponse({"error": _("Give the point as lon and lat in decimal degrees.")}, status=400)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return JsonResponse({"error": _("lon must be within -180..180 and lat within -90..90.")}, status=400)
    match = get_sector_index().locate(lon, lat)
    if match is None:
        return JsonResponse(
            {"sector": None, "message": _("This point is outside our territory.")}, status=404
        )
    sector = Sector.objects.only("code", "name", "municipality", "borough").get(pk=match.sector_id)
    return JsonResponse(
        {
            "sector": {
                "code": sector.code,
                "name": sector.name,
                "municipality": sector.municipality,
                "borough": sector.borough,
            },
            "rule": RULE_NAMES[match.rule],
        }
    )

from django.conf import settings


def service(request):
    """What every page shows: the service's name, its non-emergency number and the map tiles."""
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "SERVICE_NON_EMERGENCY_PHONE": settings.SERVICE_NON_EMERGENCY_PHONE,
        "SERVICE_NON_EMERGENCY_TEL": "".join(
            c for c in settings.SERVICE_NON_EMERGENCY_PHONE if c.isdigit() or c == "+"
        ),
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION,
        "GEOCODER_ATTRIBUTION": settings.GEOCODER_ATTRIBUTION,
    }

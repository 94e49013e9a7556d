from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from beats.models import Sector
from officers.models import Assignment, Officer
from officers.selectors import coverage_on

from .lookup import FOUND, INVALID, Lookup, lookup_address, lookup_point, lookup_query
from .vcard import officer_vcard, vcard_filename


def home(request):
    """The search box, and below it the answer: the resident's sector and who they reach today."""
    lookup = None
    query = request.GET.get("q", "")
    if "address" in request.GET:
        lookup = lookup_address(_int(request.GET["address"]))
    elif "lon" in request.GET or "lat" in request.GET:
        lon, lat = _float(request.GET.get("lon")), _float(request.GET.get("lat"))
        if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            lookup = Lookup(INVALID, error=gettext("These coordinates are not a place on Earth."))
        else:
            lookup = lookup_point(lon, lat)
    elif "q" in request.GET:
        lookup = lookup_query(query)
    if lookup is not None and lookup.officers:
        prefetch_related_objects(lookup.officers, "languages")
    status = 400 if lookup is not None and lookup.outcome == INVALID else 200
    return render(
        request,
        "public/home.html",
        {
            "lookup": lookup,
            "query": query[:200],
            "features_url": reverse("api:sector-features"),
            "lookup_url": reverse("public:home"),
        },
        status=status,
    )


def _int(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 12 else 0


def _float(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if value == value else None  # NaN is not a coordinate


def sectors(request):
    """Every active sector on a map and, for those who do not use the map, in a list by municipality."""
    sectors = Sector.objects.active().without_geometry().order_by("municipality", "borough", "code")
    return render(
        request,
        "public/sectors.html",
        {"sectors": sectors, "features_url": reverse("api:sector-features")},
    )


def team(request):
    """Every officer who consented to be published, with their sector today, like the service's own page."""
    today = timezone.localdate()
    officers = list(
        Officer.objects.published()
        .prefetch_related(
            "languages",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.on(today).filter(sector__is_active=True).select_related("sector"),
                to_attr="current_assignments",
            ),
        )
        .order_by("last_name", "first_name")
    )
    return render(request, "public/team.html", {"officers": officers})


def sector(request, code):
    """One sector: where it lies, and who its residents reach today and who else serves it."""
    sector = get_object_or_404(Sector.objects.active().without_geometry(), code=code)
    [coverage] = coverage_on(timezone.localdate(), sector_id=sector.pk)
    officers = Lookup(FOUND, sector=sector, coverage=coverage).officers
    prefetch_related_objects(officers, "languages")
    return render(
        request,
        "public/sector.html",
        {
            "sector": sector,
            "coverage": coverage,
            "officers": officers,
            "features_url": reverse("api:sector-features"),
        },
    )


def officer_vcard_download(request, pk):
    """A published officer's contact card, for the resident's phone; nobody else's."""
    officer = get_object_or_404(Officer.objects.published(), pk=pk)
    today = timezone.localdate()
    sector_names = [
        f"{assignment.sector.code} {assignment.sector.name}"
        for assignment in Assignment.objects.on(today)
        .filter(officer=officer, sector__is_active=True)
        .select_related("sector")
        .order_by("sector__code")
    ]
    card = officer_vcard(officer, sector_names=sector_names, role_label=officer.get_role_display())
    response = HttpResponse(card, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{vcard_filename(officer)}"'
    return response

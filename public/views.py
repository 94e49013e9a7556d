import datetime

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext

from beats.models import Sector
from officers.models import Assignment, Officer
from officers.selectors import coverage_on
from outreach.ical import activities_calendar
from outreach.selectors import sector_outreach_public, upcoming_public_activities

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
            "outreach": sector_outreach_public(sector=sector),
            **_feed_links(request, reverse("public:sector-calendar", kwargs={"code": sector.code})),
        },
    )


EVENTS_PAGE_SIZE = 100
FEED_KEEPS_PAST = datetime.timedelta(days=30)


def events(request):
    """The upcoming public activities of the whole service, or of one sector (?sector=CODE)."""
    sectors = list(Sector.objects.active().without_geometry().only("code", "name").order_by("code"))
    chosen = next((s for s in sectors if s.code == request.GET.get("sector")), None)
    activities = list(upcoming_public_activities(sector=chosen)[:EVENTS_PAGE_SIZE])
    if chosen is not None:
        feed = reverse("public:sector-calendar", kwargs={"code": chosen.code})
    else:
        feed = reverse("public:calendar")
    return render(
        request,
        "public/events.html",
        {
            "sectors": sectors,
            "chosen": chosen,
            "activities": activities,
            "unknown_sector": "sector" in request.GET and request.GET["sector"] != "" and chosen is None,
            **_feed_links(request, feed),
        },
    )


def calendar_feed(request, code=None):
    """The iCalendar feed of upcoming public activities, of the service or of one sector, in the URL's language."""
    sector = None
    if code is not None:
        sector = get_object_or_404(Sector.objects.active().without_geometry(), code=code)
        name = gettext("%(service)s — activities in sector %(code)s") % {
            "service": settings.SERVICE_NAME,
            "code": sector.code,
        }
    else:
        name = gettext("%(service)s — community activities") % {"service": settings.SERVICE_NAME}
    events_url = request.build_absolute_uri(reverse("public:events"))
    # The last weeks' too: a subscribed calendar deletes what its feed no longer lists.
    since = timezone.now() - FEED_KEEPS_PAST
    body = activities_calendar(
        upcoming_public_activities(sector=sector, now=since),
        name=name,
        domain=request.get_host().split(":")[0],
        url_for=lambda activity: f"{events_url}#activity-{activity.pk}",
        language=get_language() or settings.LANGUAGE_CODE,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = f"{sector.code if sector else 'activities'}.ics"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=900"
    return response


def _feed_links(request, path: str) -> dict:
    """The feed's address to download, and the same as webcal:// for calendar apps to subscribe to."""
    url = request.build_absolute_uri(path)
    return {"feed_url": url, "feed_webcal_url": "webcal://" + url.split("://", 1)[1]}


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

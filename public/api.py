"""The read-only public API (/api/v1/): a resident's sector and who answers there today, sectors, officers.

What every endpoint shares (methods, rate limit, language, strict parameters, JSON errors, ETags) is
`endpoint()` in public/endpoint.py; this module holds what each one answers.

The warm lookup by point costs no query and, beside the rate limit's one round trip to Redis, at most one
cache read a second: the answers are held per process while the coverage version holds (see _point_answer).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beats.index import BOUNDARY, INSIDE, NEARBY, get_sector_index
from beats.models import Sector
from beats.selectors import sector_map_features, sector_map_version
from officers.signals import coverage_version

from .endpoint import (
    ApiError,
    Prepared,
    accept_language,
    endpoint,
    error_response,
    prepare,
    read_address_id,
    read_coordinate,
    read_query_text,
)
from .lookup import CHOOSE_ADDRESS, FOUND, INVALID, NOT_FOUND, OUTSIDE, lookup_address, lookup_query
from .openapi import openapi_document
from .selectors import address_public, published_officers_answer, sector_public_answer

API_VERSION = "1.0.0"

# How long browsers and shared caches may keep an answer (seconds).
MAX_AGE_LOOKUP = 60
MAX_AGE_SECTOR = 300
MAX_AGE_MAP = 3600
MAX_AGE_STATIC = 3600


# --- the endpoints ---------------------------------------------------------------------------------------


@endpoint(max_age=MAX_AGE_STATIC)
def index(request):
    """What this API offers, with links; cheap on purpose (also the floor of the benchmark)."""
    return _index_body(request.build_absolute_uri("/"))


@functools.lru_cache(maxsize=8)
def _index_body(base_url: str) -> Prepared:
    links = {
        name: base_url.rstrip("/") + reverse(f"api:{name}")
        for name in ("lookup", "sector-features", "officers", "openapi")
    }
    links["sector"] = base_url.rstrip("/") + reverse("api:sector", kwargs={"code": "CODE"}).replace(
        "CODE", "{code}"
    )
    return prepare({"name": "Proximity", "version": API_VERSION, "links": links})


@endpoint(params=("lon", "lat", "q", "address"), max_age=MAX_AGE_LOOKUP)
def lookup(request):
    """A point, an address typed by a resident or an address picked from a list → the sector and who answers."""
    query = request.GET
    given = [
        name
        for name, present in (
            ("lon", "lon" in query or "lat" in query),
            ("q", "q" in query),
            ("address", "address" in query),
        )
        if present
    ]
    if not given:
        raise ApiError(
            "missing_parameter", _("Give a point (lon and lat), an address (q) or an address id (address).")
        )
    if len(given) > 1:
        raise ApiError(
            "conflicting_parameters",
            _("Give only one of: a point (lon and lat), an address (q), an address id (address)."),
            field=given[1],
        )
    today = timezone.localdate()
    base_url = request.build_absolute_uri("/")
    if given[0] == "lon":
        lon, lat = read_coordinate(query, "lon", 180), read_coordinate(query, "lat", 90)
        return _point_answer(lon, lat, day=today, base_url=base_url)

    if given[0] == "q":
        result = lookup_query(read_query_text(query["q"]))
    else:
        result = lookup_address(read_address_id(query["address"]))
    if result.outcome == INVALID:
        raise ApiError("invalid_query", result.error, field="q")
    answer = None
    if result.outcome == FOUND:
        answer = sector_public_answer(
            sector_id=result.sector.pk, day=today, base_url=base_url, coverage=result.coverage
        )
    return _lookup_body(
        result.outcome if result.outcome != FOUND or answer else OUTSIDE,
        answer=answer,
        address=result.address,
        choices=result.choices,
    )


# This process's index and serialised answers, valid while the coverage version (which also moves with every
# sector edit, officers/signals.py) stays the same: a warm lookup by point then costs no query, and reads the
# version from the cache at most once a second. So an edit made in another process reaches this one's
# answers within a second (this process's own edits at once) — well inside the minute for which the answer
# itself may be kept by browsers and shared caches (MAX_AGE_LOOKUP). Bounded: a few thousand sectors × days
# × languages × hosts at most.
_point_state: dict = {}
MAX_LOCAL_ANSWERS = 2000
COVERAGE_RECHECK_SECONDS = 1.0


def _current_point_state():
    """(version, sector index, this process's prepared bodies) for the current coverage version."""
    version = coverage_version(max_age=COVERAGE_RECHECK_SECONDS)
    state = _point_state.get("current")
    if state is None or state[0] != version:
        state = (version, get_sector_index(), {})
        _point_state["current"] = state
    return state


def _point_answer(lon: float, lat: float, *, day, base_url: str) -> Prepared:
    _version, index, bodies = _current_point_state()
    match = index.locate(lon, lat)
    key = (match.sector_id if match else None, day, translation.get_language(), base_url)
    prepared = bodies.get(key)
    if prepared is None:
        answer = None
        if match is not None:
            answer = sector_public_answer(
                sector_id=match.sector_id, day=day, base_url=base_url, map_version=index.version
            )
        prepared = prepare(_lookup_body(FOUND if answer else OUTSIDE, answer=answer))
        if len(bodies) < MAX_LOCAL_ANSWERS:
            bodies[key] = prepared
    return prepared


@endpoint(params=("include_inactive",), max_age=MAX_AGE_MAP, content_type="application/geo+json")
def sector_features(request):
    """Every active sector as a light GeoJSON FeatureCollection (the site's maps draw it)."""
    include_inactive = request.GET.get("include_inactive") == "1"
    if include_inactive and not request.user.has_perm("beats.view_sector"):
        raise ApiError("forbidden", _("Inactive sectors are for staff only."), status=403)
    version = sector_map_version()
    key = f"public:api:sector-features:v{version}:{int(include_inactive)}"
    prepared = cache.get(key)
    if prepared is None:
        prepared = prepare(sector_map_features(include_inactive=include_inactive), "application/geo+json")
        cache.set(key, prepared, timeout=24 * 3600)
    return prepared


@endpoint(max_age=MAX_AGE_SECTOR, content_type="application/geo+json")
def sector(request, code: str):
    """One active sector as a GeoJSON Feature: its simplified boundary, who answers today, its team."""
    index = get_sector_index()
    indexed = next((s for s in index.sectors if s.code == code), None)
    feature = answer = None
    if indexed is not None:
        feature = next((f for f in sector_map_features()["features"] if f["id"] == code), None)
    if feature is not None:
        answer = sector_public_answer(
            sector_id=indexed.id,
            day=timezone.localdate(),
            base_url=request.build_absolute_uri("/"),
            map_version=index.version,
        )
    if answer is None:
        raise ApiError("not_found", _("There is no active sector with this code."), field="code", status=404)
    return {
        "type": "Feature",
        "id": code,
        "geometry": feature["geometry"],
        "properties": {
            **feature["properties"],
            "url": answer["sector"]["url"],
            "availability": answer["availability"],
            "officers": answer["officers"],
        },
    }


@endpoint(max_age=MAX_AGE_LOOKUP)
def officers(request):
    """Every officer who consented to be published, with the sectors they serve today."""
    return {
        "officers": published_officers_answer(
            day=timezone.localdate(), base_url=request.build_absolute_uri("/")
        )
    }


@endpoint(max_age=MAX_AGE_STATIC, content_type="application/vnd.oai.openapi+json")
def openapi(request):
    return openapi_document(server_url=request.build_absolute_uri("/api/v1"))


RULE_NAMES = {INSIDE: "inside", BOUNDARY: "boundary", NEARBY: "nearby"}


@endpoint(params=("lon", "lat"), max_age=MAX_AGE_LOOKUP)
def locate(request):
    """The sector of a point, nothing more (kept for partners who used it before /lookup)."""
    lon, lat = read_coordinate(request.GET, "lon", 180), read_coordinate(request.GET, "lat", 90)
    _version, index, bodies = _current_point_state()
    match = index.locate(lon, lat)
    if match is None:
        raise ApiError("outside", _("This point is outside our territory."), status=404)
    key = ("locate", match.sector_id, match.rule)
    prepared = bodies.get(key)
    if prepared is None:
        sector = Sector.objects.only("code", "name", "municipality", "borough").get(pk=match.sector_id)
        prepared = prepare(
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
        if len(bodies) < MAX_LOCAL_ANSWERS:
            bodies[key] = prepared
    return prepared


def not_found(request, path: str = ""):
    """Any other address under /api/v1/: a JSON 404, like the rest of the API."""
    with translation.override(accept_language(request)):
        return error_response(
            ApiError("not_found", _("There is nothing at this address of the API."), status=404)
        )


# --- responses -------------------------------------------------------------------------------------------


OUTCOME_MESSAGES = {
    # The same words as the public pages (templates/public/home.html).
    OUTSIDE: gettext_lazy(
        "This place is outside the territory we serve. For a police matter that is not an emergency, call %(number)s."
    ),
    NOT_FOUND: gettext_lazy(
        "We could not find this address. Check the civic number and the street, try your postal code, or call %(number)s."
    ),
    CHOOSE_ADDRESS: gettext_lazy("Several addresses match. Pick yours:"),
}
NOT_LISTED = gettext_lazy(
    "The officers of this sector are not listed publicly. For a matter that is not an emergency, call %(number)s."
)


def _lookup_body(outcome: str, *, answer: dict | None = None, address=None, choices=()) -> dict:
    number = settings.SERVICE_NON_EMERGENCY_PHONE
    message = OUTCOME_MESSAGES.get(outcome)
    if outcome == FOUND and not answer["officers"]:
        message = NOT_LISTED
    return {
        "outcome": outcome,
        "message": str(message) % {"number": number} if message else None,
        "address": address_public(address) if address is not None else None,
        "sector": answer["sector"] if answer else None,
        "availability": answer["availability"] if answer else None,
        "officers": answer["officers"] if answer else [],
        "choices": [address_public(choice) for choice in choices],
        "non_emergency_phone": {
            "display": number,
            "tel": "".join(c for c in number if c.isdigit() or c == "+"),
        },
    }

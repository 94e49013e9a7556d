"""The read-only public API (/api/v1/): a resident's sector and who answers there today, sectors, officers.

Every endpoint goes through `endpoint()`: GET, HEAD and OPTIONS only; a per-client rate limit; the language
from ?lang= or Accept-Language (the language cookie is ignored: shared caches vary on Accept-Language only);
strict parameters (an unknown, repeated or malformed one is a 400 that names it, never a 500); JSON errors
`{"error": {"code", "message", "field"}}`; a strong ETag with 304 answers, and Cache-Control.

The warm lookup by point costs no query and, beside the rate limit's one round trip to Redis, at most one
cache read a second: the answers are held per process while the coverage version holds (see _point_answer).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header

from beats.index import BOUNDARY, INSIDE, NEARBY, get_sector_index
from beats.models import Sector
from beats.selectors import sector_map_features, sector_map_version
from officers.signals import coverage_version

from .lookup import CHOOSE_ADDRESS, FOUND, INVALID, NOT_FOUND, OUTSIDE, lookup_address, lookup_query
from .openapi import openapi_document
from .ratelimit import rate_limit_hit
from .selectors import address_public, published_officers_answer, sector_public_answer

API_VERSION = "1.0.0"
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_QUERY_LENGTH = 200
# Addresses never hold these; in a query they are someone testing for injection, not a resident.
FORBIDDEN_IN_QUERY = set("<>{}[]`\\")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$")
_ADDRESS_ID = re.compile(r"^[0-9]{1,12}$")

API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"

# How long browsers and shared caches may keep an answer (seconds).
MAX_AGE_LOOKUP = 60
MAX_AGE_SECTOR = 300
MAX_AGE_MAP = 3600
MAX_AGE_STATIC = 3600


class ApiError(Exception):
    def __init__(self, code: str, message, *, field: str | None = None, status: int = 400):
        super().__init__(code)
        self.code, self.message, self.field, self.status = code, str(message), field, status


@dataclass(frozen=True)
class Prepared:
    """A body already serialised (and cached as such), with its ETag."""

    body: bytes
    etag: str
    content_type: str = "application/json"


def endpoint(*, params: tuple[str, ...] = (), max_age: int, content_type: str = "application/json"):
    """The common behaviour of every API view (see the module's docstring). The view returns JSON-able data
    or a `Prepared` body, or raises ApiError."""
    allowed = frozenset((*params, "lang"))

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ALLOWED_METHODS:
                with translation.override(_accept_language(request)):
                    response = _error(
                        ApiError(
                            "method_not_allowed",
                            _("This API only reads: use GET, HEAD or OPTIONS."),
                            status=405,
                        )
                    )
                response["Allow"] = ", ".join(ALLOWED_METHODS)
                return response
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = ", ".join(ALLOWED_METHODS)
                return response
            limit = rate_limit_hit(request)
            language = _accept_language(request)
            with translation.override(language):
                try:
                    if limit is not None and not limit.allowed:
                        raise ApiError(
                            "rate_limited",
                            _("Too many requests. Try again in %(seconds)d seconds.")
                            % {"seconds": limit.reset},
                            status=429,
                        )
                    language = _check_params(request, allowed) or language
                    translation.activate(language)
                    result = view(request, *args, **kwargs)
                    response = _ok(request, result, max_age=max_age, content_type=content_type)
                except ApiError as error:
                    response = _error(error)
            if limit is not None:
                for header, value in limit.headers().items():
                    response[header] = value
                if not limit.allowed:
                    response["Retry-After"] = str(limit.reset)
            response["Content-Language"] = language
            # JSON is never a page: nothing may load from it or frame it (OWASP's advice for APIs). Being
            # set here, the site's page policy is not built for API answers (config/middleware.py).
            response["Content-Security-Policy"] = API_CONTENT_SECURITY_POLICY
            patch_vary_headers(response, ("Accept-Language",))
            return response

        wrapper.api_params = allowed
        return wrapper

    return decorate


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
    return _prepare({"name": "Proximity", "version": API_VERSION, "links": links})


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
        lon, lat = _coordinate(query, "lon", 180), _coordinate(query, "lat", 90)
        return _point_answer(lon, lat, day=today, base_url=base_url)

    if given[0] == "q":
        result = lookup_query(_query_text(query["q"]))
    else:
        result = lookup_address(_address_id(query["address"]))
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
        prepared = _prepare(_lookup_body(FOUND if answer else OUTSIDE, answer=answer))
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
        prepared = _prepare(sector_map_features(include_inactive=include_inactive), "application/geo+json")
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
    lon, lat = _coordinate(request.GET, "lon", 180), _coordinate(request.GET, "lat", 90)
    _version, index, bodies = _current_point_state()
    match = index.locate(lon, lat)
    if match is None:
        raise ApiError("outside", _("This point is outside our territory."), status=404)
    key = ("locate", match.sector_id, match.rule)
    prepared = bodies.get(key)
    if prepared is None:
        sector = Sector.objects.only("code", "name", "municipality", "borough").get(pk=match.sector_id)
        prepared = _prepare(
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
    with translation.override(_accept_language(request)):
        return _error(ApiError("not_found", _("There is nothing at this address of the API."), status=404))


# --- parameters ------------------------------------------------------------------------------------------


def _check_params(request, allowed: frozenset) -> str | None:
    """Unknown and repeated parameters are refused; returns the language asked with ?lang=, if any."""
    for name in request.GET:
        if name not in allowed:
            raise ApiError(
                "unknown_parameter", _("Unknown parameter: %(name)s.") % {"name": name[:40]}, field=name[:40]
            )
        if len(request.GET.getlist(name)) > 1:
            raise ApiError("repeated_parameter", _("Give this parameter only once."), field=name)
    language = request.GET.get("lang")
    if language is None:
        return None
    if language not in dict(settings.LANGUAGES):
        raise ApiError(
            "invalid_language",
            _("The language must be one of: %(languages)s.")
            % {"languages": ", ".join(dict(settings.LANGUAGES))},
            field="lang",
        )
    return language


def _accept_language(request) -> str:
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header[:200]) if header else ():
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _coordinate(query, name: str, bound: int) -> float:
    text = query.get(name)
    if text is None or not text.strip():
        raise ApiError(
            "missing_parameter", _("Give the point as lon and lat in decimal degrees."), field=name
        )
    text = text.strip()
    if len(text) > 32 or not _NUMBER.match(text):
        raise ApiError(
            "invalid_coordinate", _("Give the point as lon and lat in decimal degrees."), field=name
        )
    value = float(text)
    if not math.isfinite(value) or not -bound <= value <= bound:
        raise ApiError(
            "coordinate_out_of_range",
            _("lon must be within -180..180 and lat within -90..90."),
            field=name,
        )
    return value


def _query_text(text: str) -> str:
    if not text.strip():
        raise ApiError(
            "empty_query", _("Type an address, for example “150 rue Saint-Charles Ouest”."), field="q"
        )
    if len(text) > MAX_QUERY_LENGTH:
        raise ApiError(
            "query_too_long",
            _("This address is too long: %(max)d characters at most.") % {"max": MAX_QUERY_LENGTH},
            field="q",
        )
    if "\ufffd" in text:
        # What Django makes of bytes that are not UTF-8.
        raise ApiError("invalid_encoding", _("The address must be text encoded in UTF-8."), field="q")
    if any(c in FORBIDDEN_IN_QUERY or unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") for c in text):
        raise ApiError(
            "invalid_characters", _("This address contains characters that addresses never have."), field="q"
        )
    return text


def _address_id(text: str) -> int:
    if not _ADDRESS_ID.match(text.strip()):
        raise ApiError("invalid_address_id", _("The address id must be a whole number."), field="address")
    return int(text)


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


def _prepare(data, content_type: str = "application/json") -> Prepared:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    return Prepared(body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"', content_type)


def _ok(request, result, *, max_age: int, content_type: str) -> HttpResponse:
    prepared = result if isinstance(result, Prepared) else _prepare(result, content_type)
    if _etag_matches(request.META.get("HTTP_IF_NONE_MATCH"), prepared.etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(
            b"" if request.method == "HEAD" else prepared.body,
            content_type=f"{prepared.content_type}; charset=utf-8"
            if prepared.content_type == "application/json"
            else prepared.content_type,
        )
        if request.method == "HEAD":
            response["Content-Length"] = str(len(prepared.body))
    response["ETag"] = prepared.etag
    # The staff-only layer (inactive sectors) must not land in a shared cache.
    scope = "private" if request.GET.get("include_inactive") == "1" else "public"
    response["Cache-Control"] = f"{scope}, max-age={max_age}"
    return response


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    # If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" matches "x".
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def _error(error: ApiError) -> HttpResponse:
    body = {"error": {"code": error.code, "message": error.message, "field": error.field}}
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False).encode(),
        content_type="application/json; charset=utf-8",
        status=error.status,
    )
    response["Cache-Control"] = "no-store"
    return response

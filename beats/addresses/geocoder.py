"""An optional outside geocoder (Nominatim's API) behind the same interface as `address_search`.

Off unless GEOCODER_URL is set. The public lookup asks it only when our own address index finds nothing,
and gets back an `AddressSearchResult` like the one `address_search` returns, so pages and API stay as they
are. Choices made here, so that they are not rediscovered the hard way:

* Its answers are not ours and may be personal (a resident's own address), so they are never saved in the
  database: they are `GeocodedAddress` objects, read like a `CivicAddress` (`lon`, `lat`, `str()`), with
  `pk = None`, which the address-choice list links by coordinates (``?lon=…&lat=…``) instead of by id.
* Each answer is cached for a day under a hash of the normalised query, the language and the geocoder's
  settings: never the address itself in a key, and never in a log (warnings name the failure only).
* The same rules as our own search: when the resident typed a civic number, only results that have one
  count (a street's centre is a guess, not their address); one result is an answer when a number was
  typed (or only a postal code), otherwise the resident picks from the list.
* Results outside the viewbox (GEOCODER_VIEWBOX, else the active sectors' bounds) are dropped even though
  the request asks the geocoder to keep to it (``bounded=1``).
* Any failure — timeout, refused connection, HTTP error, a body that is not Nominatim's JSON — reads as
  "nothing found": residents then see the usual "Address not found" with the non-emergency number.
* Nominatim's public instance allows one request a second: requests are spaced GEOCODER_MIN_INTERVAL apart
  in each process, and one that would wait longer than GEOCODER_TIMEOUT is skipped (nothing found). With
  several web processes, use a private instance in production (README, settings).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from http.client import HTTPException
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from beats.index import get_sector_index

from .normalise import ParsedQuery, parse_query, place_key, postal_code_key
from .search import CHOOSE, EXACT, NONE, AddressSearchResult

__all__ = ["GeocodedAddress", "geocoder_enabled", "geocoder_search", "parse_viewbox"]

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 60 * 60
MAX_RESPONSE_BYTES = 1_000_000
MAX_RESULTS = 5
_PLACE_KEYS = ("city", "town", "village", "municipality", "hamlet")

_throttle_lock = threading.Lock()
_next_slot = 0.0  # time.monotonic() before which this process sends no request


@dataclass(frozen=True)
class GeocodedAddress:
    """An address the outside geocoder found: never saved, hence no primary key."""

    lon: float
    lat: float
    label: str
    civic_number: str = ""
    street: str = ""
    municipality: str = ""
    postal_code: str = ""

    pk = None  # read by templates: a choice without a pk is linked by its coordinates

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Viewbox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lon: float, lat: float) -> bool:
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat

    def as_param(self) -> str:
        return f"{self.min_lon:.6f},{self.min_lat:.6f},{self.max_lon:.6f},{self.max_lat:.6f}"


def geocoder_enabled() -> bool:
    return bool(settings.GEOCODER_URL)


def parse_viewbox(text: str) -> Viewbox | None:
    """ "lon1,lat1,lon2,lat2" (any two opposite corners) → a Viewbox; "" → None; ValueError when malformed."""
    if not text or not text.strip():
        return None
    values = [float(part) for part in text.split(",")]
    if len(values) != 4 or not all(math.isfinite(value) for value in values):
        raise ValueError("GEOCODER_VIEWBOX must be four numbers: lon1,lat1,lon2,lat2")
    lon1, lat1, lon2, lat2 = values
    if not (-180 <= lon1 <= 180 and -180 <= lon2 <= 180 and -90 <= lat1 <= 90 and -90 <= lat2 <= 90):
        raise ValueError("GEOCODER_VIEWBOX must be longitudes and latitudes in degrees (WGS84)")
    return Viewbox(min(lon1, lon2), min(lat1, lat2), max(lon1, lon2), max(lat1, lat2))


def _sectors_viewbox() -> Viewbox | None:
    """The active sectors' bounds, widened by the boundary tolerance (a point that close still belongs)."""
    index = get_sector_index()
    if not len(index):
        return None
    bounds = [sector.geometry.bounds for sector in index.sectors]
    min_lon, min_lat = min(b[0] for b in bounds), min(b[1] for b in bounds)
    max_lon, max_lat = max(b[2] for b in bounds), max(b[3] for b in bounds)
    margin_lat = settings.SECTOR_BOUNDARY_TOLERANCE_M / 111_320.0
    margin_lon = margin_lat / max(math.cos(math.radians((min_lat + max_lat) / 2)), 0.01)
    return Viewbox(min_lon - margin_lon, min_lat - margin_lat, max_lon + margin_lon, max_lat + margin_lat)


def _viewbox() -> Viewbox | None:
    return parse_viewbox(settings.GEOCODER_VIEWBOX) or _sectors_viewbox()


def _cache_key(parsed: ParsedQuery, language: str, viewbox: Viewbox | None) -> str:
    # The normalised query, never the raw text, and only as a hash: the key holds no address.
    normalised = [
        parsed.number or "",
        parsed.street,
        parsed.postal_code or "",
        place_key(parsed.municipality or ""),
        language,
        settings.GEOCODER_URL,
        settings.GEOCODER_COUNTRY_CODES,
        viewbox.as_param() if viewbox else "",
    ]
    digest = hashlib.sha256("\x1f".join(normalised).encode()).hexdigest()
    return f"geocoder:v1:{digest}"


def _wait_for_slot() -> bool:
    """Space requests GEOCODER_MIN_INTERVAL apart in this process; False when the wait would be too long."""
    global _next_slot
    interval = settings.GEOCODER_MIN_INTERVAL
    if interval <= 0:
        return True
    with _throttle_lock:
        now = time.monotonic()
        slot = max(now, _next_slot)
        if slot - now > settings.GEOCODER_TIMEOUT:
            return False
        _next_slot = slot + interval
    if slot > now:
        time.sleep(slot - now)
    return True


def _fetch(query: str, language: str, viewbox: Viewbox | None) -> list | None:
    """The geocoder's JSON answer, or None on any failure (logged without the query)."""
    params = {
        "q": query,
        "format": "jsonv2",
        "limit": MAX_RESULTS,
        "addressdetails": 1,
    }
    if settings.GEOCODER_COUNTRY_CODES:
        params["countrycodes"] = settings.GEOCODER_COUNTRY_CODES
    if viewbox is not None:
        params["viewbox"] = viewbox.as_param()
        params["bounded"] = 1
    if urlsplit(settings.GEOCODER_URL).scheme not in ("http", "https"):
        logger.warning("outside geocoder skipped: GEOCODER_URL is not an http(s) address")
        return None
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked just above (no file:)
        f"{settings.GEOCODER_URL}?{urlencode(params)}",
        headers={
            "User-Agent": settings.GEOCODER_USER_AGENT,
            "Accept-Language": language,
            "Accept": "application/json",
        },
    )
    if not _wait_for_slot():
        logger.warning("outside geocoder skipped: requests are coming faster than GEOCODER_MIN_INTERVAL")
        return None
    try:
        with urllib.request.urlopen(request, timeout=settings.GEOCODER_TIMEOUT) as response:  # noqa: S310
            body = response.read(MAX_RESPONSE_BYTES + 1)
        if len(body) > MAX_RESPONSE_BYTES:
            raise ValueError("response too large")
        answer = json.loads(body)
        if not isinstance(answer, list):
            raise ValueError("not a list of places")
        return answer
    except urllib.error.HTTPError as error:
        # Never the URL or the error's text: the URL holds what the resident typed.
        logger.warning("outside geocoder failed: HTTP %s", error.code)
    except (OSError, HTTPException, ValueError) as error:
        reason = getattr(error, "reason", None)
        logger.warning(
            "outside geocoder failed: %s%s",
            type(error).__name__,
            f" ({type(reason).__name__})" if isinstance(reason, BaseException) else "",
        )
    return None


def _candidate(place) -> GeocodedAddress | None:
    """One place of Nominatim's jsonv2 answer as a GeocodedAddress; None when it is not one."""
    if not isinstance(place, dict):
        return None
    try:
        lon, lat = float(place["lon"]), float(place["lat"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    details = place.get("address") if isinstance(place.get("address"), dict) else {}
    number = str(details.get("house_number") or "").strip()
    street = str(details.get("road") or "").strip()
    municipality = next((str(details[key]) for key in _PLACE_KEYS if details.get(key)), "")
    postal = postal_code_key(str(details.get("postcode") or ""))
    if street and municipality:
        # Written like our own addresses (CivicAddress.__str__).
        label = f"{number} {street}".strip() + f", {municipality}"
        label += f" {postal[:3]} {postal[3:]}" if postal else ""
    else:
        label = str(place.get("display_name") or "").strip()
        if label.endswith(", Canada"):
            label = label[: -len(", Canada")]
    if not label:
        return None
    return GeocodedAddress(
        lon=lon,
        lat=lat,
        label=label,
        civic_number=number,
        street=street,
        municipality=municipality,
        postal_code=postal,
    )


def _candidates(query: str, parsed: ParsedQuery) -> list[GeocodedAddress] | None:
    """Candidates for the query, from the cache or the geocoder; None when the geocoder failed."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    viewbox = _viewbox()
    key = _cache_key(parsed, language, viewbox)
    cached = cache.get(key)
    if cached is not None:
        return [GeocodedAddress(**fields) for fields in cached]
    answer = _fetch(query, language, viewbox)
    if answer is None:
        return None  # failures are not cached: the next resident may be luckier
    found = [candidate for candidate in map(_candidate, answer) if candidate is not None]
    inside = [c for c in found if viewbox is None or viewbox.contains(c.lon, c.lat)]
    if len(inside) < len(found):
        logger.warning(
            "outside geocoder: %d of %d results outside the viewbox dropped",
            len(found) - len(inside),
            len(found),
        )
    if parsed.number:
        inside = [candidate for candidate in inside if candidate.civic_number]
    cache.set(key, [asdict(candidate) for candidate in inside], CACHE_SECONDS)
    return inside


def geocoder_search(query: str, *, parsed: ParsedQuery | None = None) -> AddressSearchResult:
    """Ask the outside geocoder; kind NONE when it is off, fails or finds nothing (never raises for it).

    Raises AddressQueryError like `address_search` when the text cannot be searched (unless `parsed`, the
    parse the caller already made, is given).
    """
    if parsed is None:
        parsed = parse_query(query)
    if not geocoder_enabled():
        return AddressSearchResult(kind=NONE, matches=[], query=parsed)
    candidates = _candidates(query, parsed) or []
    if not candidates:
        return AddressSearchResult(kind=NONE, matches=[], query=parsed)
    answers = parsed.number is not None or not parsed.street
    kind = EXACT if len(candidates) == 1 and answers else CHOOSE
    return AddressSearchResult(kind=kind, matches=candidates, query=parsed)

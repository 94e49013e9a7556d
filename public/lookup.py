"""From what a resident gives (an address, a point, a picked address) to their sector and who they reach today."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from beats.addresses.geocoder import geocoder_enabled, geocoder_search
from beats.addresses.normalise import AddressQueryError
from beats.addresses.search import CHOOSE, EXACT, NONE, address_search
from beats.index import get_sector_index
from beats.models import CivicAddress, Sector
from officers.selectors import SectorCoverage, coverage_on

FOUND, CHOOSE_ADDRESS, NOT_FOUND, OUTSIDE, INVALID = "found", "choose", "not_found", "outside", "invalid"


@dataclass
class Lookup:
    outcome: str
    address: CivicAddress | None = None
    sector: Sector | None = None
    coverage: SectorCoverage | None = None
    choices: list[CivicAddress] = field(default_factory=list)
    error: str = ""

    @property
    def officers(self):
        """Who to show residents, published officers only: who they reach today, then the sector's others."""
        if self.coverage is None:
            return []
        people = [self.coverage.contact, self.coverage.primary, *self.coverage.secondary]
        seen, shown = set(), []
        for officer in people:
            if officer is not None and officer.is_published and officer.pk not in seen:
                seen.add(officer.pk)
                shown.append(officer)
        return shown


def lookup_query(query: str) -> Lookup:
    """Our own address index first; when it finds nothing, the outside geocoder if one is configured.

    The geocoder's addresses are never saved: they come as `GeocodedAddress` (no pk), which the page's
    choice list links by coordinates instead of by address id.
    """
    try:
        result = address_search(query)
    except AddressQueryError as error:
        return Lookup(INVALID, error=str(error))
    if result.kind == NONE and geocoder_enabled():
        result = geocoder_search(query, parsed=result.query)
    if result.kind == EXACT:
        return lookup_point(result.matches[0].lon, result.matches[0].lat, address=result.matches[0])
    if result.kind == CHOOSE:
        return Lookup(CHOOSE_ADDRESS, choices=result.matches)
    return Lookup(NOT_FOUND)


def lookup_address(address_id: int) -> Lookup:
    address = CivicAddress.objects.filter(pk=address_id).first()
    if address is None:
        return Lookup(NOT_FOUND)
    return lookup_point(address.lon, address.lat, address=address)


def lookup_point(lon: float, lat: float, *, address: CivicAddress | None = None) -> Lookup:
    match = get_sector_index().locate(lon, lat)
    if match is None:
        return Lookup(OUTSIDE, address=address)
    [coverage] = coverage_on(timezone.localdate(), sector_id=match.sector_id)
    return Lookup(FOUND, address=address, sector=coverage.sector, coverage=coverage)

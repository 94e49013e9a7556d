"""What the public API says about a sector and its officers, as JSON-able dicts, cached per coverage version.

Only what officers consented to publish (security checklist, "Privacy"): name, role, photo, work phone and
e-mail, languages, patrol modes, and the sector's availability; never the reason of an absence, never an
unpublished officer, not even by name.

Answers are cached under the day, the language, the site's address (URLs in them are absolute), the
coverage version (officers.signals: moves on every officer, assignment, absence or language change) and
the sector map version, so an edit is seen by the very next request and nothing is ever stale.
"""

from __future__ import annotations

import datetime
from urllib.parse import urljoin

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

from beats.addresses.geocoder import GeocodedAddress
from beats.models import CivicAddress, Sector
from beats.selectors import sector_map_version
from officers.models import Assignment, Officer
from officers.selectors import CoverageStatus, SectorCoverage, coverage_on
from officers.signals import coverage_version

from .lookup import FOUND, Lookup

ANSWER_TIMEOUT = 24 * 3600  # the key changes with the day anyway


def sector_public_answer(
    *,
    sector_id: int,
    day: datetime.date,
    base_url: str,
    map_version: int | None = None,
    coverage: SectorCoverage | None = None,
) -> dict | None:
    """{"sector", "availability", "officers"} for an active sector on `day`; None when it is not active.

    Warm, it costs no query (one cache read, plus one for the map version when not given). `coverage`,
    when the caller already has it, saves computing it again on a miss.
    """
    if map_version is None:
        map_version = sector_map_version()
    key = (
        f"public:sector-answer:{sector_id}:{day.isoformat()}:{get_language()}:{base_url}"
        f":c{coverage_version()}:m{map_version}"
    )
    answer = cache.get(key)
    if answer is None:
        if coverage is None:
            found = coverage_on(day, sector_id=sector_id)
            if not found:
                return None
            coverage = found[0]
        officers = Lookup(FOUND, sector=coverage.sector, coverage=coverage).officers
        prefetch_related_objects(officers, "languages")
        answer = {
            "sector": sector_public(coverage.sector, base_url=base_url),
            "availability": availability_public(coverage),
            "officers": [officer_public(officer, base_url=base_url) for officer in officers],
        }
        cache.set(key, answer, timeout=ANSWER_TIMEOUT)
    return answer


def published_officers_answer(*, day: datetime.date, base_url: str) -> list[dict]:
    """Every published officer with the active sectors they serve on `day` (three queries cold, none warm)."""
    key = f"public:officers:{day.isoformat()}:{get_language()}:{base_url}:c{coverage_version()}"
    answer = cache.get(key)
    if answer is None:
        officers = (
            Officer.objects.published()
            .prefetch_related(
                "languages",
                Prefetch(
                    "assignments",
                    queryset=Assignment.objects.on(day)
                    .filter(sector__is_active=True)
                    .select_related("sector")
                    .order_by("sector__code"),
                    to_attr="current_assignments",
                ),
            )
            .order_by("last_name", "first_name", "pk")
        )
        answer = [
            {
                **officer_public(officer, base_url=base_url),
                "sectors": [
                    {
                        **sector_public(assignment.sector, base_url=base_url),
                        "role_in_sector": assignment.role,
                        "role_in_sector_label": str(assignment.get_role_display()),
                    }
                    for assignment in officer.current_assignments
                ],
            }
            for officer in officers
        ]
        cache.set(key, answer, timeout=ANSWER_TIMEOUT)
    return answer


def sector_public(sector: Sector, *, base_url: str) -> dict:
    url = _reverse_or_none("public:sector", code=sector.code)
    return {
        "code": sector.code,
        "name": sector.name,
        "municipality": sector.municipality,
        "borough": sector.borough,
        "url": urljoin(base_url, url) if url else None,
    }


def availability_public(coverage: SectorCoverage) -> dict:
    """The sector's status today and, when its officer is away, until when and who answers meanwhile."""
    primary, cover, absence = coverage.primary, coverage.covering, coverage.absence
    primary_shown = primary is not None and primary.is_published
    cover_shown = cover is not None and cover.is_published
    away_until = absence.ends_on if absence is not None else None
    message = None
    if coverage.status == CoverageStatus.BACKUP and away_until is not None:
        until = date_format(away_until, "j F Y")
        if primary_shown and cover_shown:
            # The same words as the public pages (templates/public/_availability.html).
            message = gettext(
                "%(primary)s is away until %(until)s. Meanwhile, %(cover)s answers for the sector."
            ) % {"primary": primary.full_name, "until": until, "cover": cover.full_name}
        else:
            message = gettext(
                "The sector's officer is away until %(until)s. Meanwhile, a backup answers for the sector."
            ) % {"until": until}
    elif coverage.status in (CoverageStatus.AWAY, CoverageStatus.VACANT):
        message = gettext(
            "Your sector's officer cannot be reached at the moment. For a matter that is not an emergency, call %(number)s."
        ) % {"number": settings.SERVICE_NON_EMERGENCY_PHONE}
    return {
        "status": str(coverage.status),
        "label": str(CoverageStatus(coverage.status).label),
        "away_until": away_until.isoformat() if away_until is not None else None,
        "covered_by": {"id": cover.pk, "name": cover.full_name}
        if cover_shown and coverage.status == CoverageStatus.BACKUP
        else None,
        "message": message,
    }


def officer_public(officer: Officer, *, base_url: str) -> dict:
    """A published officer's public card. The caller makes sure `officer.is_published`."""
    vcard = _reverse_or_none("public:officer-vcard", pk=officer.pk)
    return {
        "id": officer.pk,
        "name": officer.full_name,
        "role": officer.role,
        "role_label": str(officer.get_role_display()),
        "photo_url": urljoin(base_url, officer.photo_medium.url) if officer.photo_medium else None,
        "phone": {"e164": officer.work_phone, "display": officer.work_phone_display}
        if officer.work_phone
        else None,
        "email": officer.work_email or None,
        "languages": [{"code": language.code, "name": str(language)} for language in officer.languages.all()],
        "patrol_modes": [
            {"code": code, "label": label}
            for code, on, label in (
                ("foot", officer.patrols_on_foot, gettext("on foot")),
                ("bike", officer.patrols_by_bike, gettext("by bike")),
                ("car", officer.patrols_by_car, gettext("by car")),
            )
            if on
        ],
        "vcard_url": urljoin(base_url, vcard) if vcard else None,
    }


def address_public(address: CivicAddress | GeocodedAddress) -> dict:
    """A CivicAddress, or an address from the outside geocoder (no id: follow it up by its point)."""
    postal = address.postal_code or ""
    if isinstance(address, CivicAddress) and len(postal) == 6:
        postal = f"{postal[:3]} {postal[3:]}"
    return {
        "id": address.pk,
        "label": str(address),
        "postal_code": postal,
        "lon": round(address.lon, 6),
        "lat": round(address.lat, 6),
    }


def _reverse_or_none(name: str, **kwargs: object) -> str | None:
    # The sector page and the vCard download belong to the public site; the API links them when they exist.
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None

"""Writes to the territory: saving, importing and exporting sectors."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import BinaryIO

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from pyproj import Transformer

from .geometry import CoordinateTransform, geometry_to_geojson, parse_sector_geometry
from .models import Sector
from .sources import WGS84, area_of_use, load_feature_collection, source_crs

MAX_IMPORT_ERRORS = 20
MAX_POPULATION = 2**31 - 1


@dataclass
class SectorImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    source_crs: str = "EPSG:4326"


class SectorImportError(ValidationError):
    """The whole import was refused; `.messages` names each bad feature (index and reason)."""


@dataclass(frozen=True)
class SectorImportOptions:
    code_property: str = "code"
    name_property: str | None = "name"
    municipality_property: str | None = "municipality"
    borough_property: str | None = None
    population_property: str | None = None
    programme_start_property: str | None = None  # ISO dates, e.g. 2024-09-01
    source_crs: str | None = None  # None: the file's "crs" member, else WGS84 (RFC 7946)
    default_municipality: str = ""
    deactivate_missing: bool = False


def sector_save(*, sector: Sector) -> Sector:
    """Validate and save one sector: every single-sector write (the admin's form, later the API) comes here."""
    sector.geometry = geometry_to_geojson(parse_sector_geometry(sector.geometry))
    sector.full_clean(exclude=["geometry"])
    sector.save()
    return sector


def sectors_import_geojson(
    *, source: BinaryIO | bytes | str | dict, options: SectorImportOptions
) -> SectorImportResult:
    """Create or update sectors by code from a GeoJSON FeatureCollection, all or nothing.

    Every feature is checked before anything is written; any bad feature refuses the whole file with the
    feature's index (0-based, as in the file) and the reason. Re-importing the same file changes nothing.
    """
    collection = load_feature_collection(source, error=SectorImportError)
    if not collection["features"]:
        raise SectorImportError(_("The FeatureCollection has no features."))
    crs = source_crs(options.source_crs, collection, error=SectorImportError)
    transform = None
    if not crs.equals(WGS84, ignore_axis_order=True):
        transform = Transformer.from_crs(crs, WGS84, always_xy=True).transform
    result = SectorImportResult(source_crs=crs.to_string())

    rows, errors = _parse_features(collection["features"], options, transform, area_of_use(crs))
    if errors:
        raise SectorImportError(errors)

    with transaction.atomic():
        existing = {
            sector.code: sector for sector in Sector.objects.select_for_update().filter(code__in=rows)
        }
        for code, values in rows.items():
            sector = existing.get(code)
            if sector is None:
                Sector.objects.create(code=code, **{"name": code, **values})
                result.created.append(code)
                continue
            changed = [name for name, value in values.items() if getattr(sector, name) != value]
            if not changed:
                result.unchanged.append(code)
                continue
            for name in changed:
                setattr(sector, name, values[name])
            sector.save()
            result.updated.append(code)
        if options.deactivate_missing:
            missing = Sector.objects.active().exclude(code__in=rows)
            result.deactivated = sorted(missing.values_list("code", flat=True))
            sectors_deactivate(queryset=missing)
    return result


def sectors_deactivate(*, queryset: QuerySet[Sector]) -> int:
    """Take sectors off the map without deleting them (their history stays); returns how many changed."""
    count = 0
    with transaction.atomic():
        for sector in queryset.filter(is_active=True).select_for_update():
            sector.is_active = False
            # save(), not update(): the signal moves the sector map version on.
            sector.save(update_fields=["is_active", "updated_at"])
            count += 1
    return count


def sectors_export_geojson(*, queryset: QuerySet[Sector] | None = None) -> dict:
    """All sectors (or the given ones) as a GeoJSON FeatureCollection, the format `import_sectors` reads."""
    sectors = (queryset if queryset is not None else Sector.objects.all()).order_by("code")
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": sector.code,
                "properties": sector.geojson_properties(),
                "geometry": sector.geometry,
            }
            for sector in sectors
        ],
    }


# --- helpers ----------------------------------------------------------------------------------------------


def _parse_features(
    features: list,
    options: SectorImportOptions,
    transform: CoordinateTransform | None,
    area: tuple[float, float, float, float] | None,
) -> tuple[dict[str, dict], list[str]]:
    rows: dict[str, dict] = {}
    errors: list[str] = []

    def fail(index: int, message: str) -> None:
        errors.append(_("Feature %(index)s: %(reason)s") % {"index": index, "reason": message})

    for index, feature in enumerate(features):
        if len(errors) >= MAX_IMPORT_ERRORS:
            errors.append(_("Too many errors; stopped reading at feature %(index)s.") % {"index": index})
            break
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            fail(index, _("not a GeoJSON Feature."))
            continue
        properties = feature.get("properties") or {}
        code = str(properties.get(options.code_property) or "").strip()
        if not code:
            fail(index, _("no value in the code property “%(name)s”.") % {"name": options.code_property})
            continue
        if code in rows:
            fail(index, _("code “%(code)s” appears twice in the file.") % {"code": code})
            continue
        if len(code) > Sector._meta.get_field("code").max_length:
            fail(index, _("code “%(code)s” is too long.") % {"code": code})
            continue
        try:
            geometry = parse_sector_geometry(feature.get("geometry"), transform=transform)
        except ValidationError as error:
            fail(index, " ".join(error.messages))
            continue
        if area is not None and not shapely.box(*area).contains(geometry):
            # Degrees read as metres (or the wrong zone) still give valid-looking lon/lat, far from home.
            fail(
                index,
                _(
                    "once transformed, the boundary lies near %(point)s, outside the area where the source CRS "
                    "is used; is the source CRS right?"
                )
                % {"point": "({:.5f}, {:.5f})".format(*geometry.representative_point().coords[0])},
            )
            continue
        values = {"geometry": geometry_to_geojson(geometry), "is_active": True}
        # Only the attributes the file carries are written: a re-import never blanks what a supervisor set.
        for attribute, property_name in (
            ("name", options.name_property),
            ("municipality", options.municipality_property),
            ("borough", options.borough_property),
        ):
            text = _text(properties, property_name)
            if text:
                values[attribute] = text[:120]
        if "municipality" not in values and options.default_municipality:
            values["municipality"] = options.default_municipality
        population = _text(properties, options.population_property)
        if population:
            # Whole numbers only, with the thousands spaces French files use ("27 480") or a ".0" tail.
            digits = re.sub(r"[\s\u00a0\u202f]", "", population).removesuffix(".0")
            if not digits.isdigit() or int(digits) > MAX_POPULATION:
                fail(index, _("population “%(value)s” is not a whole number.") % {"value": population})
                continue
            values["population"] = int(digits)
        start = _text(properties, options.programme_start_property)
        if start:
            try:
                values["programme_started_on"] = datetime.date.fromisoformat(start[:10])
            except ValueError:
                fail(index, _("programme start “%(value)s” is not a date (YYYY-MM-DD).") % {"value": start})
                continue
        rows[code] = values
    return rows, errors


def _text(properties: dict, name: str | None) -> str:
    if not name:
        return ""
    value = properties.get(name)
    return "" if value is None else str(value).strip()

"""What every import into the territory reads the same way: GeoJSON feature collections and the coordinate
reference system (CRS) of a file, with the area where that CRS is meant to be used."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pyproj import CRS
from pyproj.exceptions import CRSError

WGS84 = CRS.from_epsg(4326)


def load_feature_collection(source: Any, *, error: type[ValidationError] = ValidationError) -> dict:
    """A GeoJSON FeatureCollection from a dict, text, bytes or a binary file; `error` names what is wrong."""
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as problem:
            raise error(_("The file is not UTF-8 text (GeoJSON must be UTF-8).")) from problem
    if isinstance(source, str):
        try:
            source = json.loads(source)
        except json.JSONDecodeError as problem:
            raise error(
                _("The file is not valid JSON (line %(line)s, column %(column)s): %(reason)s.")
                % {"line": problem.lineno, "column": problem.colno, "reason": problem.msg}
            ) from problem
    if not isinstance(source, dict) or source.get("type") != "FeatureCollection":
        raise error(_("The file is not a GeoJSON FeatureCollection."))
    if not isinstance(source.get("features"), list):
        raise error(_("The FeatureCollection has no features."))
    return source


def source_crs(
    requested: str | None, collection: dict | None = None, *, error: type[ValidationError] = ValidationError
) -> CRS:
    """The CRS asked for, else a GeoJSON file's own (the 2008 draft's named CRS), else WGS84 (RFC 7946)."""
    name = requested or _named_crs(collection) or "EPSG:4326"
    try:
        return CRS.from_user_input(name)
    except CRSError as problem:
        raise error(
            _("Unknown coordinate reference system “%(crs)s”. Give an EPSG code such as EPSG:32188.")
            % {"crs": name}
        ) from problem


def area_of_use(crs: CRS) -> tuple[float, float, float, float] | None:
    """Where a projected CRS is meant to be used, in lon/lat with a one-degree margin (None: anywhere).

    Degrees read as metres (or the wrong zone) still give valid-looking lon/lat, far from home: this catches it.
    """
    if crs.equals(WGS84, ignore_axis_order=True) or crs.area_of_use is None:
        return None
    west, south, east, north = crs.area_of_use.bounds
    return west - 1, south - 1, east + 1, north + 1


def _named_crs(collection: dict | None) -> str | None:
    member = (collection or {}).get("crs")
    properties = member.get("properties") if isinstance(member, dict) else None
    return properties.get("name") if isinstance(properties, dict) else None

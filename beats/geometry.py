"""Sector boundaries: parse, transform and validate GeoJSON geometries with shapely.

Every path that writes a sector boundary (admin form, import, API) goes through `parse_sector_geometry`, so
that a bad boundary is refused with the same translated message naming the problem and where it is.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

POLYGONAL_TYPES = ("Polygon", "MultiPolygon")

# A coordinate transformation applied to (x, y) arrays, returning (lon, lat) arrays.
CoordinateTransform = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def parse_sector_geometry(value: Any, *, transform: CoordinateTransform | None = None) -> BaseGeometry:
    """Return a valid shapely (Multi)Polygon in WGS84 lon/lat, or raise ValidationError saying what is wrong.

    `value` is a GeoJSON geometry as a dict or a JSON string. With `transform`, its coordinates are in a
    source CRS and are transformed before the lon/lat checks.
    """
    data = _load(value)
    geometry_type = data.get("type")
    if geometry_type not in POLYGONAL_TYPES:
        raise ValidationError(
            _(
                "Geometry type “%(type)s” is not allowed: a sector boundary must be a Polygon or a MultiPolygon."
            ),
            code="wrong_type",
            params={"type": geometry_type or _("none")},
        )
    coordinates = data.get("coordinates")
    polygons = [coordinates] if geometry_type == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise ValidationError(_("The boundary has no coordinates."), code="empty")
    for polygon_number, rings in enumerate(polygons, start=1):
        _check_polygon_structure(rings, polygon_number)

    geometry = shapely.force_2d(shape(data))
    if transform is not None:
        geometry = shapely.transform(geometry, lambda xy: np.column_stack(transform(xy[:, 0], xy[:, 1])))
    _check_lon_lat_range(geometry)
    # The hull, not the area: a bow tie's two lobes cancel out to zero area but it is a crossing, not empty.
    if geometry.is_empty or geometry.convex_hull.area == 0:
        raise ValidationError(_("The boundary is empty: it encloses no area."), code="empty")
    if not geometry.is_valid:
        raise ValidationError(_explain_invalid(geometry), code="invalid")
    return shapely.orient_polygons(geometry)


def geometry_to_geojson(geometry: BaseGeometry) -> dict:
    """GeoJSON dict of a shapely geometry, with lists (not tuples) so that it round-trips through JSON."""
    return json.loads(json.dumps(mapping(geometry)))


def _load(value: Any) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("The boundary is not valid JSON (line %(line)s, column %(column)s): %(reason)s."),
                code="json",
                params={"line": error.lineno, "column": error.colno, "reason": error.msg},
            ) from error
    if not isinstance(value, dict):
        raise ValidationError(_("The boundary must be a GeoJSON geometry object."), code="wrong_type")
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    return value


def _check_polygon_structure(rings: Any, polygon_number: int) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValidationError(
            _("Polygon %(polygon)s has no rings."), code="structure", params={"polygon": polygon_number}
        )
    for ring_number, ring in enumerate(rings, start=1):
        where = {"polygon": polygon_number, "ring": ring_number}
        if not isinstance(ring, list):
            raise ValidationError(
                _("Polygon %(polygon)s, ring %(ring)s is not a list of positions."),
                code="structure",
                params=where,
            )
        for point_number, position in enumerate(ring, start=1):
            if not (
                isinstance(position, list | tuple)
                and len(position) in (2, 3)
                and all(
                    isinstance(c, Real) and not isinstance(c, bool) and math.isfinite(c) for c in position
                )
            ):
                raise ValidationError(
                    _(
                        "Polygon %(polygon)s, ring %(ring)s, point %(point)s is not a [longitude, latitude] pair."
                    ),
                    code="structure",
                    params={**where, "point": point_number},
                )
        if len(ring) < 4:
            raise ValidationError(
                _(
                    "Polygon %(polygon)s, ring %(ring)s has %(count)s positions; "
                    "a closed ring needs at least 4."
                ),
                code="too_few_points",
                params={**where, "count": len(ring)},
            )
        if list(ring[0][:2]) != list(ring[-1][:2]):
            raise ValidationError(
                _(
                    "Polygon %(polygon)s, ring %(ring)s is not closed: it starts at %(start)s "
                    "and ends at %(end)s."
                ),
                code="not_closed",
                params={**where, "start": _point(ring[0]), "end": _point(ring[-1])},
            )


def _check_lon_lat_range(geometry: BaseGeometry) -> None:
    coordinates = shapely.get_coordinates(geometry)
    bad_lon = np.flatnonzero(np.abs(coordinates[:, 0]) > 180)
    bad_lat = np.flatnonzero(np.abs(coordinates[:, 1]) > 90)
    if bad_lon.size or bad_lat.size:
        first = coordinates[min([*bad_lon[:1], *bad_lat[:1]])]
        raise ValidationError(
            _(
                "Coordinates %(point)s are not a longitude and latitude in WGS84 (-180 to 180, -90 to 90). "
                "If the file is in a projected system, give its source CRS (for example EPSG:32188)."
            ),
            code="out_of_range",
            params={"point": _point(first)},
        )


_REASON_AT = re.compile(r"^(?P<reason>[^\[]+)\[(?P<x>[-\d.eE+]+) (?P<y>[-\d.eE+]+)\]$")


def _explain_invalid(geometry: BaseGeometry) -> str:
    reason = shapely.is_valid_reason(geometry)
    match = _REASON_AT.match(reason)
    kind = (match["reason"] if match else reason).strip().lower()
    where = _point((float(match["x"]), float(match["y"]))) if match else "?"
    messages = {
        "self-intersection": _("The boundary crosses itself at %(point)s."),
        "ring self-intersection": _("A ring of the boundary touches itself at %(point)s."),
        "hole lies outside shell": _("A hole of the boundary lies outside its outer ring, near %(point)s."),
        "nested holes": _("A hole of the boundary lies inside another hole, near %(point)s."),
        "interior is disconnected": _("A hole cuts the boundary in two pieces near %(point)s."),
        "nested shells": _("One part of the boundary lies inside another part, near %(point)s."),
        "duplicate rings": _("The boundary repeats the same ring, near %(point)s."),
        "too few points": _("A ring of the boundary has too few distinct points, near %(point)s."),
    }
    template = messages.get(kind, _("The boundary is not a valid polygon (%(reason)s) near %(point)s."))
    return template % {"point": where, "reason": kind}


def _point(position) -> str:
    return f"({position[0]:.6f}, {position[1]:.6f})"

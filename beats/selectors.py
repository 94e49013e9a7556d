"""Reads of the territory shared by the admin, the staff pages, the public pages and the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.core.cache import cache
from pyproj import CRS, Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .geometry import geometry_to_geojson
from .models import Sector, SectorMapVersion

# Five metres: invisible at street zoom, and it cuts a real beat file's weight several times over.
WEB_SIMPLIFY_METRES = 5.0


def sector_map_version() -> int | None:
    return SectorMapVersion.objects.order_by("-id").values_list("id", flat=True).first()


def sector_map_features(*, include_inactive: bool = False) -> dict:
    """Sectors as a light GeoJSON FeatureCollection for web maps: simplified, cached per map version."""
    key = f"beats:map-features:v{sector_map_version()}:{int(include_inactive)}"
    features = cache.get(key)
    if features is None:
        sectors = Sector.objects.all() if include_inactive else Sector.objects.active()
        features = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": sector.code,
                    "properties": sector.geojson_properties(),
                    "geometry": simplified_boundary(sector.geometry),
                }
                for sector in sectors.order_by("code")
            ],
        }
        cache.set(key, features, timeout=24 * 3600)
    return features


def simplified_boundary(geometry: dict) -> dict:
    """A boundary simplified to WEB_SIMPLIFY_METRES for drawing (web maps, report maps)."""
    polygon = shape(geometry)
    tolerance = WEB_SIMPLIFY_METRES / 111_320.0
    simpler = shapely.simplify(polygon, tolerance, preserve_topology=True)
    return geometry_to_geojson(shapely.set_precision(simpler, 1e-6) if simpler.is_valid else polygon)


@dataclass(frozen=True)
class TopologyProblem:
    kind: str  # "overlap" or "gap"
    codes: tuple[str, ...]
    area_m2: float
    lon: float
    lat: float
    geometry: dict


def territory_topology_problems(*, tolerance_m2: float | None = None) -> list[TopologyProblem]:
    """Overlaps between active sectors and holes in the territory larger than the tolerance, largest first.

    A hole is an area enclosed by active sectors that belongs to none of them: a resident there would
    reach nobody.
    """
    if tolerance_m2 is None:
        tolerance_m2 = settings.SECTOR_TOPOLOGY_TOLERANCE_M2
    sectors = list(Sector.objects.active().values_list("code", "geometry"))
    if not sectors:
        return []
    codes = [code for code, _geometry in sectors]
    geometries = np.array([shape(geometry) for _code, geometry in sectors])
    to_metres = _equal_area_transformer(geometries)

    problems: list[TopologyProblem] = []
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        overlap = shapely.intersection(geometries[i], geometries[j])
        problem = _problem("overlap", (codes[i], codes[j]), overlap, to_metres, tolerance_m2)
        if problem:
            problems.append(problem)

    union = shapely.union_all(geometries)
    for part in getattr(union, "geoms", [union]):
        for ring in getattr(part, "interiors", []):
            hole = shapely.Polygon(ring)
            neighbours = tuple(codes[k] for k in tree.query(hole, predicate="touches"))
            problem = _problem("gap", neighbours, hole, to_metres, tolerance_m2)
            if problem:
                problems.append(problem)
    return sorted(problems, key=lambda problem: -problem.area_m2)


def _problem(
    kind: str,
    codes: tuple[str, ...],
    geometry: BaseGeometry,
    to_metres: Callable[[np.ndarray], np.ndarray],
    tolerance_m2: float,
) -> TopologyProblem | None:
    polygons = shapely.get_parts(geometry)
    polygons = polygons[shapely.get_type_id(polygons) == 3]  # overlaps along a shared edge are lines
    if not polygons.size:
        return None
    area = float(sum(shapely.area(shapely.transform(p, to_metres)) for p in polygons))
    if area <= tolerance_m2:
        return None
    area_shape = shapely.multipolygons(polygons)
    point = area_shape.representative_point()
    return TopologyProblem(kind, codes, area, point.x, point.y, geometry_to_geojson(area_shape))


def _equal_area_transformer(geometries: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    minx, miny, maxx, maxy = shapely.total_bounds(geometries)
    crs = CRS.from_proj4(
        f"+proj=laea +lat_0={(miny + maxy) / 2} +lon_0={(minx + maxx) / 2} +datum=WGS84 +units=m"
    )
    transformer = Transformer.from_crs(CRS.from_epsg(4326), crs, always_xy=True)

    def to_metres(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return to_metres

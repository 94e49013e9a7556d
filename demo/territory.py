"""A made-up but plausible territory for demonstrations: the Longueuil agglomeration cut into 17 sectors.

The outline follows the south shore of the St. Lawrence opposite Montreal roughly (river on the north-west)
and the sectors are the cells of a Voronoi diagram of one seed point per sector, clipped to that outline:
they cover the whole agglomeration without overlaps or holes. Everything is computed from constants, so the
collection is the same on every run (coordinates rounded to 6 decimals, about 10 cm).

The boundaries are not the real city limits; names and populations are only realistic-looking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

COORDINATE_DECIMALS = 6

# The seven places of the agglomeration, (municipality, borough): Longueuil's three boroughs and four cities.
VL = ("Longueuil", "Vieux-Longueuil")
SH = ("Longueuil", "Saint-Hubert")
GP = ("Longueuil", "Greenfield Park")
BR = ("Brossard", "")
BO = ("Boucherville", "")
SB = ("Saint-Bruno-de-Montarville", "")
SL = ("Saint-Lambert", "")

# Rough real location (lon, lat) of each place.
PLACE_CENTRES: dict[tuple[str, str], tuple[float, float]] = {
    VL: (-73.490, 45.535),
    SH: (-73.410, 45.500),
    GP: (-73.470, 45.485),
    BR: (-73.460, 45.455),
    BO: (-73.440, 45.590),
    SB: (-73.350, 45.530),
    SL: (-73.505, 45.500),
}

# Outline of the agglomeration (lon, lat), clockwise from the south-west: first up the river shore to the
# north-east tip of Boucherville, then back down the inland side.
OUTLINE: tuple[tuple[float, float], ...] = (
    # St. Lawrence shore, Brossard to Boucherville
    (-73.505, 45.430),
    (-73.515, 45.450),
    (-73.522, 45.470),
    (-73.520, 45.490),
    (-73.516, 45.505),
    (-73.514, 45.522),
    (-73.510, 45.538),
    (-73.498, 45.552),
    (-73.480, 45.562),
    (-73.462, 45.572),
    (-73.452, 45.585),
    (-73.445, 45.602),
    (-73.435, 45.618),
    (-73.420, 45.625),
    # inland: Boucherville, Saint-Bruno-de-Montarville, Saint-Hubert, Brossard
    (-73.405, 45.615),
    (-73.395, 45.590),
    (-73.370, 45.575),
    (-73.330, 45.565),
    (-73.318, 45.535),
    (-73.330, 45.505),
    (-73.360, 45.492),
    (-73.385, 45.478),
    (-73.405, 45.468),
    (-73.425, 45.455),
    (-73.432, 45.438),
    (-73.455, 45.425),
    (-73.480, 45.420),
)


@dataclass(frozen=True)
class DemoSector:
    code: str
    name: str
    place: tuple[str, str]  # (municipality, borough)
    population: int
    programme_started_on: str | None  # ISO date; None: community policing has not started there
    seed: tuple[float, float]  # (lon, lat) of the Voronoi seed; the sector is the part nearest to it

    @property
    def municipality(self) -> str:
        return self.place[0]

    @property
    def borough(self) -> str:
        return self.place[1]


# Populations add up to about the real ones: Vieux-Longueuil 140 000, Saint-Hubert 90 000, Greenfield Park
# 18 000, Brossard 92 000, Boucherville 42 000, Saint-Bruno-de-Montarville 27 000, Saint-Lambert 22 000.
SECTORS: tuple[DemoSector, ...] = (
    DemoSector("VL-01", "Vieux-Longueuil – Centre historique", VL, 27480, "2023-09-01", (-73.502, 45.540)),
    DemoSector("VL-02", "Collectivité-Nouvelle", VL, 23960, "2023-09-01", (-73.472, 45.539)),
    DemoSector("VL-03", "Fatima", VL, 25870, "2023-09-01", (-73.481, 45.528)),
    DemoSector("VL-04", "LeMoyne", VL, 22640, "2023-09-01", (-73.486, 45.514)),
    DemoSector("VL-05", "Coteau-Rouge", VL, 21150, "2024-01-15", (-73.506, 45.523)),
    DemoSector("VL-06", "Parcours-du-Cerf", VL, 18900, "2024-01-15", (-73.485, 45.553)),
    DemoSector("SH-01", "Laflèche", SH, 34210, "2023-09-01", (-73.438, 45.510)),
    DemoSector("SH-02", "Aéroport – Iberville", SH, 21580, "2024-04-02", (-73.408, 45.519)),
    DemoSector("SH-03", "Maraîchers", SH, 34330, "2023-09-01", (-73.421, 45.482)),
    DemoSector("GP-01", "Greenfield Park", GP, 17980, "2023-09-01", (-73.466, 45.489)),
    DemoSector("BR-01", "Panama – Taschereau", BR, 33450, "2023-09-01", (-73.478, 45.464)),
    DemoSector("BR-02", "Quartier DIX30", BR, 27820, "2024-04-02", (-73.441, 45.449)),
    DemoSector("BR-03", "Secteur L – Lapinière", BR, 30610, "2023-09-01", (-73.489, 45.447)),
    DemoSector("BO-01", "Vieux-Boucherville", BO, 24370, "2023-09-01", (-73.445, 45.601)),
    DemoSector("BO-02", "Harmonie – Parc industriel", BO, 17690, None, (-73.428, 45.578)),
    DemoSector("SB-01", "Mont-Saint-Bruno", SB, 26940, None, (-73.352, 45.532)),
    DemoSector("SL-01", "Vieux-Saint-Lambert", SL, 21860, "2024-09-03", (-73.501, 45.498)),
)


def demo_sector_collection() -> dict:
    """The demo sectors as a GeoJSON FeatureCollection in WGS84 lon/lat, ready for `sectors_import_geojson`.

    A new dict each call, so that callers may change it freely.
    """
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": sector.code,
                "properties": {
                    "code": sector.code,
                    "name": sector.name,
                    "municipality": sector.municipality,
                    "borough": sector.borough,
                    "population": sector.population,
                    "programme_started_on": sector.programme_started_on,
                },
                "geometry": _to_geojson(geometry),
            }
            for sector, geometry in zip(SECTORS, _sector_geometries(), strict=True)
        ],
    }


# --- construction -----------------------------------------------------------------------------------------

# The Voronoi diagram is drawn in a local plane in kilometres, so that "nearest seed" means nearest on the
# ground (a degree of longitude is only about 78 km here, a degree of latitude 111 km).
_ORIGIN = (-73.45, 45.52)
_KM_PER_DEGREE_LAT = 111.2
_KM_PER_DEGREE_LON = _KM_PER_DEGREE_LAT * math.cos(math.radians(_ORIGIN[1]))


def _to_plane(lon_lat: np.ndarray) -> np.ndarray:
    return np.column_stack(
        [(lon_lat[:, 0] - _ORIGIN[0]) * _KM_PER_DEGREE_LON, (lon_lat[:, 1] - _ORIGIN[1]) * _KM_PER_DEGREE_LAT]
    )


def _to_lon_lat(xy: np.ndarray) -> np.ndarray:
    lon_lat = np.column_stack(
        [xy[:, 0] / _KM_PER_DEGREE_LON + _ORIGIN[0], xy[:, 1] / _KM_PER_DEGREE_LAT + _ORIGIN[1]]
    )
    # Rounding each vertex on its own keeps the cells edge to edge: a vertex shared by two cells is the same
    # float in both (or differs in the last bits only), so it rounds to the same value.
    return np.round(lon_lat, COORDINATE_DECIMALS)


@cache
def _sector_geometries() -> tuple[BaseGeometry, ...]:
    outline = shapely.transform(shapely.Polygon(OUTLINE), _to_plane)
    seeds = shapely.transform(shapely.MultiPoint([sector.seed for sector in SECTORS]), _to_plane)
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=outline))
    geometries = []
    for seed in shapely.get_parts(seeds):
        (cell,) = [cell for cell in cells if cell.contains(seed)]
        clipped = shapely.intersection(cell, outline)
        geometries.append(shapely.orient_polygons(shapely.transform(clipped, _to_lon_lat)))
    _check_tiling(geometries, shapely.transform(outline, _to_lon_lat))
    return tuple(geometries)


def _check_tiling(geometries: list[BaseGeometry], outline: BaseGeometry) -> None:
    """Refuse to hand out a territory with a bad, overlapping or missing piece (a bug in the constants)."""
    for sector, geometry in zip(SECTORS, geometries, strict=True):
        if geometry.geom_type != "Polygon" or not geometry.is_valid or geometry.is_empty:
            raise RuntimeError(f"demo sector {sector.code} is not one valid polygon: {geometry.geom_type}")
        if not geometry.contains(shapely.Point(sector.seed)):
            raise RuntimeError(f"demo sector {sector.code} does not contain its seed point")
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="overlaps")
    if left.size:
        pairs = sorted(
            {tuple(sorted((SECTORS[i].code, SECTORS[j].code))) for i, j in zip(left, right, strict=True)}
        )
        raise RuntimeError(f"demo sectors overlap: {pairs}")
    union = shapely.union_all(geometries)
    if union.geom_type != "Polygon" or list(union.interiors):
        raise RuntimeError("demo sectors leave holes in the territory")
    # Rounding moves the points where cells meet the outline by a few centimetres, no more.
    if shapely.symmetric_difference(union, outline).area > 1e-5 * outline.area:
        raise RuntimeError("demo sectors do not cover the outline")


def _to_geojson(geometry: BaseGeometry) -> dict:
    data = mapping(geometry)
    return {
        "type": data["type"],
        "coordinates": [[[float(x), float(y)] for x, y in ring] for ring in data["coordinates"]],
    }

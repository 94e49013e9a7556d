"""Point → sector: which sector a longitude/latitude belongs to, for one point or millions.

The boundary rule (documented in the README, "Which sector is a point in?"):

1. A point inside exactly one active sector (interior or its own outer edge) belongs to it.
2. A point covered by several sectors — on a shared boundary, or where sectors wrongly overlap — belongs to
   the one of them that contains a point a hair (1e-9°, a tenth of a millimetre) to its **north-east**: on
   a north–south street the east side, on an east–west street the north side, at a corner the north-east
   sector. If that does not decide (a boundary running exactly south-west to north-east, or overlapping
   sectors), the one containing the point nudged **east**, then **north**; then the code that sorts first.
3. A point in no sector but within the tolerance (SECTOR_BOUNDARY_TOLERANCE_M, 30 m by default) of one or
   more belongs to the nearest; equal distances go to the code that sorts first.
4. Anything else is outside the territory; a missing or non-finite coordinate is reported as such.

The answer depends only on the point and the boundaries, never on the order of the input, so the same call
gives the same sector every time.

Speed comes from a grid laid over the territory: a cell that lies wholly inside one sector answers at once
by array lookup; only points in cells that a boundary crosses are tested exactly (shapely 2, vectorised),
and only against the sectors that touch their cell.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

# How each point was placed.
OUTSIDE = 0
INSIDE = 1
BOUNDARY = 2
NEARBY = 3
NO_COORDINATES = 4

NUDGE_DEGREES = 1e-9
METRES_PER_DEGREE = 111_320.0
TARGET_CELLS = 256 * 256

_FAR = -2  # cell farther than the tolerance from every sector
_MIXED = -1  # cell crossed by a boundary (or near one): test exactly


@dataclass(frozen=True)
class IndexedSector:
    id: int
    code: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class Placement:
    """Result of a bulk lookup: for each input point, the sector id (0 when none) and how it was placed."""

    sector_ids: np.ndarray
    rules: np.ndarray


@dataclass(frozen=True)
class SectorMatch:
    sector_id: int
    code: str
    rule: int


class SectorIndex:
    """An immutable spatial index of sectors; build a new one when the boundaries change."""

    def __init__(self, sectors: list[IndexedSector], *, tolerance_m: float, version: int | None = None):
        self.sectors = sorted(sectors, key=lambda sector: sector.code)
        self.version = version
        self.tolerance_m = tolerance_m
        self._ids = np.array([sector.id for sector in self.sectors], dtype=np.int64)
        self._geometries = [sector.geometry for sector in self.sectors]
        for geometry in self._geometries:
            shapely.prepare(geometry)
        if self.sectors:
            self._build_grid()

    def __len__(self) -> int:
        return len(self.sectors)

    # --- lookups ------------------------------------------------------------------------------------------

    def locate(self, lon: float, lat: float) -> SectorMatch | None:
        # Most points fall in a grid cell inside one sector: answered in plain Python, without building
        # arrays (a resident's lookup is one point). The arithmetic is locate_many's, to the bit.
        if self.sectors and math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90:
            ix = math.floor((lon - self._x0) / self._dx)
            iy = math.floor((lat - self._y0) / self._dy)
            if 0 <= ix < self._nx and 0 <= iy < self._ny:
                position = int(self._cell_state[iy * self._nx + ix])
                if position >= 0:
                    sector = self.sectors[position]
                    return SectorMatch(sector.id, sector.code, INSIDE)
        placement = self.locate_many(np.array([lon], dtype=float), np.array([lat], dtype=float))
        sector_id = int(placement.sector_ids[0])
        if not sector_id:
            return None
        position = int(np.searchsorted(self._ids_sorted, sector_id))
        return SectorMatch(sector_id, self._codes_by_id[position], int(placement.rules[0]))

    def locate_many(self, lons, lats) -> Placement:
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        count = lons.shape[0]
        positions = np.full(count, -1, dtype=np.int64)  # index into self.sectors
        rules = np.zeros(count, dtype=np.uint8)
        valid = np.isfinite(lons) & np.isfinite(lats) & (np.abs(lons) <= 180) & (np.abs(lats) <= 90)
        rules[~valid] = NO_COORDINATES
        if not self.sectors or not count:
            return Placement(np.zeros(count, dtype=np.int64), rules)

        cell = np.full(count, -1, dtype=np.int64)
        ix = np.floor((lons - self._x0) / self._dx)
        iy = np.floor((lats - self._y0) / self._dy)
        in_grid = valid & (ix >= 0) & (ix < self._nx) & (iy >= 0) & (iy < self._ny)
        cell[in_grid] = iy[in_grid].astype(np.int64) * self._nx + ix[in_grid].astype(np.int64)
        state = np.full(count, _FAR, dtype=np.int64)
        state[in_grid] = self._cell_state[cell[in_grid]]

        sure = state >= 0
        positions[sure] = state[sure]
        rules[sure] = INSIDE

        mixed = np.flatnonzero(state == _MIXED)
        if mixed.size:
            self._place_exactly(mixed, lons, lats, cell, positions, rules)

        sector_ids = np.zeros(count, dtype=np.int64)
        placed = positions >= 0
        sector_ids[placed] = self._ids[positions[placed]]
        return Placement(sector_ids, rules)

    # --- exact placement of points near boundaries --------------------------------------------------------

    def _place_exactly(self, points, lons, lats, cell, positions, rules) -> None:
        xs, ys, cells = lons[points], lats[points], cell[points]
        hit_count = np.zeros(points.size, dtype=np.int64)
        first_hit = np.full(points.size, -1, dtype=np.int64)
        hit_points, hit_sectors = [], []
        for position, geometry in enumerate(self._geometries):
            candidates = np.flatnonzero(self._touches[position][cells])
            if not candidates.size:
                continue
            hits = candidates[shapely.intersects_xy(geometry, xs[candidates], ys[candidates])]
            if not hits.size:
                continue
            # Sectors are visited in code order, so the first hit is the lowest code.
            first_hit[hits[first_hit[hits] < 0]] = position
            hit_count[hits] += 1
            hit_points.append(hits)
            hit_sectors.append(np.full(hits.size, position, dtype=np.int64))

        single = hit_count == 1
        positions[points[single]] = first_hit[single]
        rules[points[single]] = INSIDE

        several = hit_count > 1
        if several.any():
            pair_point = np.concatenate(hit_points)
            pair_sector = np.concatenate(hit_sectors)
            tied = several[pair_point]
            chosen = self._break_ties(xs, ys, pair_point[tied], pair_sector[tied], points.size)
            positions[points[several]] = chosen[several]
            rules[points[several]] = BOUNDARY

        missed = np.flatnonzero(hit_count == 0)
        if missed.size:
            nearest = self._nearest_within_tolerance(xs[missed], ys[missed], cells[missed])
            found = nearest >= 0
            positions[points[missed[found]]] = nearest[found]
            rules[points[missed[found]]] = NEARBY

    def _break_ties(self, xs, ys, pair_point, pair_sector, count) -> np.ndarray:
        """Rule 2 for every tied point at once: the candidate containing the point nudged north-east, else
        east, else north, else the lowest code. `pair_point`/`pair_sector` list each tied point's candidates."""
        chosen = np.full(count, -1, dtype=np.int64)
        for dx, dy in ((NUDGE_DEGREES, NUDGE_DEGREES), (NUDGE_DEGREES, 0.0), (0.0, NUDGE_DEGREES)):
            open_pairs = chosen[pair_point] < 0
            if not open_pairs.any():
                break
            candidates_point, candidates_sector = pair_point[open_pairs], pair_sector[open_pairs]
            inside = np.zeros(candidates_point.size, dtype=bool)
            for sector in np.unique(candidates_sector):
                mine = candidates_sector == sector
                nudged_x, nudged_y = xs[candidates_point[mine]] + dx, ys[candidates_point[mine]] + dy
                inside[mine] = shapely.contains_xy(self._geometries[sector], nudged_x, nudged_y)
            winners = np.bincount(candidates_point[inside], minlength=count)
            decided = candidates_point[inside][winners[candidates_point[inside]] == 1]
            chosen[decided] = candidates_sector[inside][winners[candidates_point[inside]] == 1]
        undecided = chosen[pair_point] < 0
        if undecided.any():
            lowest = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(lowest, pair_point[undecided], pair_sector[undecided])
            chosen[pair_point[undecided]] = lowest[pair_point[undecided]]
        return chosen

    def _nearest_within_tolerance(self, xs: np.ndarray, ys: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """Position of the nearest sector within the tolerance of each point, or -1."""
        result = np.full(xs.size, -1, dtype=np.int64)
        if self.tolerance_m <= 0:
            return result
        pair_points, pair_sectors = [], []
        for position, margin in enumerate(self._margins):
            candidates = np.flatnonzero(self._near[position][cells])
            if candidates.size:
                hits = candidates[shapely.intersects_xy(margin, xs[candidates], ys[candidates])]
                pair_points.append(hits)
                pair_sectors.append(np.full(hits.size, position, dtype=np.int64))
        if not pair_points:
            return result
        pair_point = np.concatenate(pair_points)
        pair_sector = np.concatenate(pair_sectors)
        if not pair_point.size:
            return result
        metric_points = shapely.points(xs[pair_point] * self._kx, ys[pair_point] * METRES_PER_DEGREE)
        distance = shapely.distance(self._metric_geometries[pair_sector], metric_points)
        keep = distance <= self.tolerance_m
        pair_point, pair_sector, distance = pair_point[keep], pair_sector[keep], distance[keep]
        # Per point, the smallest distance; equal distances go to the lowest position (first code).
        order = np.lexsort((pair_sector, distance, pair_point))
        pair_point, pair_sector = pair_point[order], pair_sector[order]
        first = np.ones(pair_point.size, dtype=bool)
        first[1:] = pair_point[1:] != pair_point[:-1]
        result[pair_point[first]] = pair_sector[first]
        return result

    # --- building -----------------------------------------------------------------------------------------

    def _build_grid(self) -> None:
        self._ids_sorted_order = np.argsort(self._ids)
        self._ids_sorted = self._ids[self._ids_sorted_order]
        self._codes_by_id = [self.sectors[i].code for i in self._ids_sorted_order]

        bounds = np.array([g.bounds for g in self._geometries])
        mid_lat = float((bounds[:, 1].min() + bounds[:, 3].max()) / 2)
        # A local equirectangular plane in metres: errors under 0.5 % across a city, plenty for a 30 m margin.
        self._kx = METRES_PER_DEGREE * math.cos(math.radians(mid_lat))
        margin_x = self.tolerance_m / self._kx
        margin_y = self.tolerance_m / METRES_PER_DEGREE
        x0, y0 = bounds[:, 0].min() - margin_x, bounds[:, 1].min() - margin_y
        x1, y1 = bounds[:, 2].max() + margin_x, bounds[:, 3].max() + margin_y
        aspect = ((x1 - x0) * self._kx) / max((y1 - y0) * METRES_PER_DEGREE, 1e-9)
        self._nx = max(1, round(math.sqrt(TARGET_CELLS * aspect)))
        self._ny = max(1, round(TARGET_CELLS / self._nx))
        self._x0, self._y0 = x0, y0
        self._dx, self._dy = (x1 - x0) / self._nx, (y1 - y0) / self._ny

        n_cells = self._nx * self._ny
        inside_count = np.zeros(n_cells, dtype=np.int64)
        inside_of = np.full(n_cells, -1, dtype=np.int64)
        self._touches = np.zeros((len(self.sectors), n_cells), dtype=bool)
        for position, (geometry, box) in enumerate(zip(self._geometries, bounds, strict=True)):
            cells, boxes = self._cells_in(box)
            touching = shapely.intersects(geometry, boxes)
            inside = shapely.contains_properly(geometry, boxes[touching])
            inside_cells = cells[touching][inside]
            inside_count[inside_cells] += 1
            inside_of[inside_cells] = position
            self._touches[position, cells[touching]] = True

        touched = self._touches.any(axis=0)
        state = np.full(n_cells, _FAR, dtype=np.int64)
        sure = inside_count == 1
        # A cell inside one sector but touching another (an overlap) still needs the exact test.
        sure &= self._touches.sum(axis=0) == 1
        state[sure] = inside_of[sure]
        state[touched & ~sure] = _MIXED

        self._metric_geometries = np.array(
            [shapely.transform(g, lambda xy: xy * (self._kx, METRES_PER_DEGREE)) for g in self._geometries]
        )
        # The tolerance band around each sector, drawn a little wide (the exact distance decides later).
        self._margins = (
            [
                shapely.transform(
                    shapely.buffer(g, self.tolerance_m + 1.0, quad_segs=4),
                    lambda xy: xy / (self._kx, METRES_PER_DEGREE),
                )
                for g in self._metric_geometries
            ]
            if self.tolerance_m > 0
            else []
        )
        self._near = np.zeros((len(self.sectors), n_cells), dtype=bool)
        for position, margin in enumerate(self._margins):
            shapely.prepare(margin)
            cells, boxes = self._cells_in(margin.bounds)
            self._near[position, cells[shapely.intersects(margin, boxes)]] = True
        # Cells in no sector but within the tolerance of one may hold points for rule 3.
        state[~touched & self._near.any(axis=0)] = _MIXED
        self._cell_state = state

    def _cells_in(self, box) -> tuple[np.ndarray, np.ndarray]:
        minx, miny, maxx, maxy = box
        ix0 = max(0, math.floor((minx - self._x0) / self._dx))
        ix1 = min(self._nx - 1, math.floor((maxx - self._x0) / self._dx))
        iy0 = max(0, math.floor((miny - self._y0) / self._dy))
        iy1 = min(self._ny - 1, math.floor((maxy - self._y0) / self._dy))
        gx, gy = np.meshgrid(np.arange(ix0, ix1 + 1), np.arange(iy0, iy1 + 1))
        cells = (gy * self._nx + gx).ravel()
        return cells, self._boxes(cells)

    def _boxes(self, cells: np.ndarray) -> np.ndarray:
        ix, iy = cells % self._nx, cells // self._nx
        x0 = self._x0 + ix * self._dx
        y0 = self._y0 + iy * self._dy
        return shapely.box(x0, y0, x0 + self._dx, y0 + self._dy)


# --- the per-process cache ------------------------------------------------------------------------------

_lock = threading.Lock()
_cached: SectorIndex | None = None


def get_sector_index() -> SectorIndex:
    """The index of active sectors for this process, rebuilt when the sector map version has moved on.

    Costs one small query per call (the newest version id), so call it once per request or per batch.
    The version is read before the sectors: a change landing in between makes the next call rebuild again,
    never keeps stale boundaries under a new version.
    """
    global _cached
    # Imported here so that the index itself (and bench/) works without Django being set up.
    from django.conf import settings

    from .models import Sector, SectorMapVersion

    version = SectorMapVersion.objects.order_by("-id").values_list("id", flat=True).first()
    key = (version, settings.SECTOR_BOUNDARY_TOLERANCE_M)
    index = _cached
    if index is not None and (index.version, index.tolerance_m) == key:
        return index
    with _lock:
        if _cached is None or (_cached.version, _cached.tolerance_m) != key:
            sectors = [
                # Stored boundaries were validated when written; only parse them here.
                IndexedSector(pk, code, shape(geometry))
                for pk, code, geometry in Sector.objects.active().values_list("pk", "code", "geometry")
            ]
            _cached = SectorIndex(sectors, tolerance_m=settings.SECTOR_BOUNDARY_TOLERANCE_M, version=version)
        return _cached

"""Benchmark: bulk point → sector assignment with beats.index.SectorIndex, on one core.

For each territory (the demo territory of demo/territory.py and, when its file is there, the 55 real
Seattle police beats) it draws 1,000,000 points uniformly over the sectors' bounding box (fixed seed) and
measures the index build time and the throughput of `SectorIndex.locate_many` (best and median of 3 runs).

Two baselines run in the same process over the same points and polygons, so that the numbers can be read
against what plain shapely 2 gives without our grid: `STRtree.query(points, predicate="intersects")` (the
usual spatial-index answer; its Point objects are built beforehand, outside the timing) and
`shapely.contains_xy` over each prepared polygon in turn (the naive vectorised loop). The STRtree answer
also checks ours: every point that lies in exactly one polygon must get that polygon's sector.

Everything runs on one thread (BLAS/OpenMP pools set to 1, process pinned to one CPU where the OS allows);
no database and no Django settings are needed. Run from the project root:

    .venv/bin/python bench/point_to_sector.py
"""

import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable

# One thread for numpy's BLAS/OpenMP pools: set before numpy is imported. GEOS itself is single-threaded.
os.environ.update(dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1"))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the project root

import numpy as np
import shapely
from shapely.geometry import shape

from beats.index import BOUNDARY, INSIDE, NEARBY, OUTSIDE, IndexedSector, SectorIndex
from demo.territory import demo_sector_collection

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POINTS = 1_000_000
SEED = 20240501
RUNS = 3
TOLERANCE_M = 30.0  # the default of settings.SECTOR_BOUNDARY_TOLERANCE_M
TARGET = 1_000_000  # points per second on one core
RULES = (("inside", INSIDE), ("boundary", BOUNDARY), ("nearby", NEARBY), ("outside", OUTSIDE))
SEATTLE = os.path.join(ROOT, "..", "shared", "data", "seattle", "Seattle_Police_Beats_2018-Present.geojson")


def sectors_from(collection: dict, code_property: str) -> list[IndexedSector]:
    return [
        IndexedSector(number, str(feature["properties"][code_property]), shape(feature["geometry"]))
        for number, feature in enumerate(collection["features"], start=1)
    ]


def timed(function: Callable[[], object]) -> tuple[list[float], object]:
    """Run `function` RUNS times; return the wall-clock seconds of each run and the last result."""
    seconds, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def rate(seconds: float) -> str:
    return f"{POINTS / seconds:>14,.0f}"


def contains_xy_loop(geometries: list, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Naive baseline: test every point against every prepared polygon; the last match wins."""
    found = np.zeros(lons.size, dtype=np.int64)
    for number, geometry in enumerate(geometries, start=1):
        found[shapely.contains_xy(geometry, lons, lats)] = number
    return found


def bench(name: str, sectors: list[IndexedSector]) -> float:
    """Print the table for one territory; return the median seconds of locate_many."""
    vertices = sum(shapely.get_num_coordinates(s.geometry) for s in sectors)
    print(f"\n== {name}: {len(sectors)} sectors, {vertices:,} vertices, {POINTS:,} random points ==")

    start = time.perf_counter()
    index = SectorIndex(sectors, tolerance_m=TOLERANCE_M)
    build = time.perf_counter() - start

    geometries = [s.geometry for s in sectors]  # prepared by SectorIndex; ids are positions + 1
    minx, miny, maxx, maxy = shapely.total_bounds(geometries)
    rng = np.random.default_rng(SEED)
    lons, lats = rng.uniform(minx, maxx, POINTS), rng.uniform(miny, maxy, POINTS)

    ours, placement = timed(lambda: index.locate_many(lons, lats))
    # The worst case: every point is a boundary vertex (CAD exports geocoded to street intersections).
    vertices_xy = shapely.get_coordinates(geometries)
    on_boundary = vertices_xy[rng.integers(0, len(vertices_xy), POINTS)]
    worst, worst_placement = timed(lambda: index.locate_many(on_boundary[:, 0], on_boundary[:, 1]))

    start = time.perf_counter()
    points = shapely.points(lons, lats)
    make_points = time.perf_counter() - start
    tree = shapely.STRtree(geometries)
    tree_seconds, pairs = timed(lambda: tree.query(points, predicate="intersects"))
    naive_seconds, _ = timed(lambda: contains_xy_loop(geometries, lons, lats))

    print(f"{'index build':<42}{build:>10.3f} s   (grid {index._nx}×{index._ny} cells)")
    print(f"{'method (points/s, one core)':<42}{'best':>14}{'median':>16}")
    rows = [
        ("SectorIndex.locate_many", ours),
        ("  same, every point on a boundary vertex", worst),
        ("STRtree.query(intersects)", tree_seconds),
        (f"contains_xy × {len(sectors)} prepared polygons", naive_seconds),
    ]
    for label, seconds in rows:
        print(f"{label:<42}{rate(min(seconds))}  {rate(statistics.median(seconds))}")
    print(f"{'(building the Point objects for STRtree)':<42}{rate(make_points)}   not in the timing above")

    rules = placement.rules
    counts = {label: int((rules == rule).sum()) for label, rule in RULES}
    print("rules: " + "  ".join(f"{label} {count:,}" for label, count in counts.items()))
    shared = int((worst_placement.rules == BOUNDARY).sum())
    print(f"boundary-vertex run: {shared:,} points on a boundary shared by 2+ sectors, settled by rule 2")

    point_index, tree_index = pairs
    hits = np.bincount(point_index, minlength=POINTS)
    sector_of = np.zeros(POINTS, dtype=np.int64)
    sector_of[point_index] = tree_index + 1
    single = hits == 1
    agreement = float((placement.sector_ids[single] == sector_of[single]).mean()) if single.any() else 1.0
    print(
        f"agreement with STRtree where a point is in exactly one polygon "
        f"({int(single.sum()):,} points): {agreement:.6f}   "
        f"[in 2+ polygons: {int((hits > 1).sum()):,}, in none: {int((hits == 0).sum()):,}]"
    )
    if agreement != 1.0:
        print("!! DISAGREEMENT: locate_many differs from STRtree on unambiguous points")
    return statistics.median(ours)


def main() -> None:
    pinned = ""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        pinned = f", pinned to CPU {cpu}"
    print(
        f"point → sector benchmark: Python {platform.python_version()}, numpy {np.__version__}, "
        f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), "
        f"os.cpu_count()={os.cpu_count()}; single-threaded{pinned}; tolerance {TOLERANCE_M:g} m, "
        f"seed {SEED}, {RUNS} runs each"
    )
    results = {}
    results["demo"] = bench("demo territory (Longueuil)", sectors_from(demo_sector_collection(), "code"))
    if os.path.exists(SEATTLE):
        with open(SEATTLE, encoding="utf-8") as handle:
            collection = json.load(handle)
        results["seattle"] = bench("Seattle police beats", sectors_from(collection, "beat"))
    else:
        print(f"\nskipped: Seattle beats, {os.path.normpath(SEATTLE)} not found")

    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (
        1024**2 if sys.platform == "darwin" else 1024
    )
    print(f"\npeak RSS: {peak_mib:,.0f} MiB")
    print(
        "target ≥ 1,000,000 points/s on one core (median run of locate_many): "
        + "; ".join(
            f"{name} {'MET' if POINTS / seconds >= TARGET else 'NOT MET'} ({POINTS / seconds:,.0f} points/s)"
            for name, seconds in results.items()
        )
    )


if __name__ == "__main__":
    main()

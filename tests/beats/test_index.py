"""The point → sector index and its documented boundary rule (see beats/index.py)."""

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from beats.index import (
    BOUNDARY,
    INSIDE,
    NEARBY,
    NO_COORDINATES,
    OUTSIDE,
    IndexedSector,
    SectorIndex,
    get_sector_index,
)
from beats.services import sector_save

from .factories import SectorFactory, square

# Four 0.01° squares meeting at (-73.49, 45.51):  C D
#                                                 A B
A, B, C, D = (
    IndexedSector(1, "A", shape(square(-73.50, 45.50))),
    IndexedSector(2, "B", shape(square(-73.49, 45.50))),
    IndexedSector(3, "C", shape(square(-73.50, 45.51))),
    IndexedSector(4, "D", shape(square(-73.49, 45.51))),
)


@pytest.fixture(scope="module")
def quad() -> SectorIndex:
    return SectorIndex([D, C, B, A], tolerance_m=30)


def codes(index, lons, lats):
    placement = index.locate_many(np.array(lons, dtype=float), np.array(lats, dtype=float))
    by_id = {sector.id: sector.code for sector in index.sectors}
    return [by_id.get(int(i)) for i in placement.sector_ids], placement.rules.tolist()


def test_interior_points_go_to_their_sector(quad):
    assert codes(quad, [-73.495, -73.485, -73.495, -73.485], [45.505, 45.505, 45.515, 45.515]) == (
        ["A", "B", "C", "D"],
        [INSIDE] * 4,
    )


def test_a_point_on_a_north_south_boundary_goes_east(quad):
    assert codes(quad, [-73.49], [45.505]) == (["B"], [BOUNDARY])


def test_a_point_on_an_east_west_boundary_goes_north(quad):
    assert codes(quad, [-73.495], [45.51]) == (["C"], [BOUNDARY])


def test_the_corner_shared_by_four_sectors_goes_north_east(quad):
    assert codes(quad, [-73.49], [45.51]) == (["D"], [BOUNDARY])


def test_a_south_west_to_north_east_boundary_falls_back_to_east():
    # Two triangles splitting a square along its rising diagonal: north-east of a point on the diagonal is
    # the diagonal again, so the east nudge decides (the lower-right triangle).
    # Binary fractions, so that the point lies exactly on the diagonal.
    lower_right = IndexedSector(1, "LR", shapely.Polygon([(-73.5, 45.5), (-73.25, 45.5), (-73.25, 45.75)]))
    upper_left = IndexedSector(2, "UL", shapely.Polygon([(-73.5, 45.5), (-73.25, 45.75), (-73.5, 45.75)]))
    index = SectorIndex([upper_left, lower_right], tolerance_m=30)
    assert codes(index, [-73.375], [45.625]) == (["LR"], [BOUNDARY])


def test_many_tied_points_are_settled_together(quad):
    # Points on the vertical boundary, the horizontal boundary and the corner, mixed and repeated.
    lons = np.array([-73.49, -73.495, -73.49] * 1000)
    lats = np.array([45.505, 45.51, 45.51] * 1000)
    sectors, rules = codes(quad, lons, lats)
    assert sectors == ["B", "C", "D"] * 1000 and set(rules) == {BOUNDARY}


def test_points_a_little_outside_go_to_the_nearest_sector_within_the_tolerance(quad):
    just_south = 45.50 - 20 / 111_320  # 20 m south of A
    too_far = 45.50 - 40 / 111_320  # 40 m south of A
    assert codes(quad, [-73.495, -73.495], [just_south, too_far]) == ([("A"), None], [NEARBY, OUTSIDE])


def test_equidistant_nearby_points_go_to_the_first_code():
    left = IndexedSector(1, "L", shape(square(-73.50, 45.50)))
    right = IndexedSector(2, "R", shape(square(-73.4898, 45.50)))  # a 0.0002° (~16 m) gap between them
    index = SectorIndex([right, left], tolerance_m=30)
    assert codes(index, [-73.4899], [45.505]) == (["L"], [NEARBY])


def test_missing_coordinates_are_reported_not_placed(quad):
    assert codes(quad, [np.nan, 500.0, -73.495], [45.5, 45.5, np.inf]) == (
        [None, None, None],
        [NO_COORDINATES] * 3,
    )


def test_far_away_points_are_outside(quad):
    assert codes(quad, [2.35, -73.0], [48.85, 45.5]) == ([None, None], [OUTSIDE, OUTSIDE])


def test_overlapping_sectors_still_give_one_answer():
    big = IndexedSector(1, "BIG", shape(square(-73.50, 45.50, size=0.02)))
    small = IndexedSector(2, "SMALL", shape(square(-73.495, 45.505)))
    index = SectorIndex([small, big], tolerance_m=30)
    # Inside both: every nudge is inside both too, so the lowest code decides.
    sector, rule = codes(index, [-73.49], [45.51])
    assert sector == ["BIG"] and rule == [BOUNDARY]


def test_the_answer_does_not_depend_on_input_order_or_sector_order():
    rng = np.random.default_rng(7)
    # Points on the grid lines of the quad are frequent here: many boundary cases.
    lons = np.round(rng.uniform(-73.501, -73.479, 20_000), 3)
    lats = np.round(rng.uniform(45.499, 45.521, 20_000), 3)
    forward = SectorIndex([A, B, C, D], tolerance_m=30).locate_many(lons, lats).sector_ids
    order = rng.permutation(lons.size)
    shuffled = SectorIndex([D, B, A, C], tolerance_m=30).locate_many(lons[order], lats[order]).sector_ids
    assert np.array_equal(forward[order], shuffled)
    assert np.count_nonzero(forward) > 15_000


def test_it_agrees_with_a_brute_force_point_in_polygon_away_from_boundaries():
    # Irregular, non-convex sectors, so that the grid has plenty of mixed cells.
    star = shapely.Polygon(
        [
            (
                -73.5 + 0.02 * np.cos(t) * (1 + 0.5 * np.sin(5 * t)),
                45.5 + 0.014 * np.sin(t) * (1 + 0.5 * np.sin(5 * t)),
            )
            for t in np.linspace(0, 2 * np.pi, 200)[:-1]
        ]
    )
    west = IndexedSector(1, "W", shapely.intersection(star, shapely.box(-74, 45, -73.5, 46)))
    east = IndexedSector(2, "E", shapely.intersection(star, shapely.box(-73.5, 45, -73, 46)))
    index = SectorIndex([west, east], tolerance_m=0)
    rng = np.random.default_rng(3)
    lons, lats = rng.uniform(-73.54, -73.46, 200_000), rng.uniform(45.47, 45.53, 200_000)
    got = index.locate_many(lons, lats).sector_ids
    expected = np.where(
        shapely.contains_xy(west.geometry, lons, lats),
        1,
        np.where(shapely.contains_xy(east.geometry, lons, lats), 2, 0),
    )
    assert np.array_equal(got, expected)
    assert 0 < np.count_nonzero(got) < got.size


CODES = {1: "A", 2: "B", 3: "C", 4: "D"}


def test_a_single_lookup_answers_as_the_bulk_path_does_everywhere(quad):
    rng = np.random.default_rng(11)
    # Grid-line points (many boundary cases), random ones, and some off the grid or off the Earth.
    lons = np.concatenate([np.round(rng.uniform(-73.502, -73.478, 3000), 3), rng.uniform(-73.6, -73.4, 3000)])
    lats = np.concatenate([np.round(rng.uniform(45.498, 45.522, 3000), 3), rng.uniform(45.4, 45.6, 3000)])
    lons, lats = np.append(lons, [np.nan, 200.0, -73.49]), np.append(lats, [45.5, 45.5, np.inf])
    bulk = quad.locate_many(lons, lats)
    for lon, lat, sector_id, rule in zip(lons, lats, bulk.sector_ids, bulk.rules, strict=True):
        match = quad.locate(float(lon), float(lat))
        single = (match.sector_id, match.code, match.rule) if match else None
        expected = (int(sector_id), CODES[int(sector_id)], int(rule)) if sector_id else None
        assert single == expected, (lon, lat)


def test_a_single_lookup_returns_the_match(quad):
    match = quad.locate(-73.485, 45.515)
    assert (match.code, match.sector_id, match.rule) == ("D", 4, INSIDE)
    assert quad.locate(0.0, 0.0) is None


@pytest.mark.django_db
def test_the_cached_index_follows_changes_to_sectors():
    first = SectorFactory(code="N1", geometry=square(-73.50, 45.50))
    assert get_sector_index().locate(-73.495, 45.505).code == "N1"
    assert get_sector_index() is get_sector_index()  # no rebuild while nothing changes

    first.geometry = square(-73.40, 45.50)
    sector_save(sector=first)
    assert get_sector_index().locate(-73.495, 45.505) is None
    assert get_sector_index().locate(-73.395, 45.505).code == "N1"

    first.is_active = False
    first.save()
    assert len(get_sector_index()) == 0

    SectorFactory(code="N2", geometry=square(-73.50, 45.50))
    assert get_sector_index().locate(-73.495, 45.505).code == "N2"

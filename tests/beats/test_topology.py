import pytest
from django.urls import reverse

from beats.selectors import sector_map_features, territory_topology_problems

from .factories import SectorFactory, square

pytestmark = pytest.mark.django_db


def ring_around_a_hole():
    # A 0.03° square with a 0.01° hole in its middle, split into two sectors west and east.
    west = {
        "type": "Polygon",
        "coordinates": [
            [
                [-73.50, 45.50],
                [-73.485, 45.50],
                [-73.485, 45.51],
                [-73.49, 45.51],
                [-73.49, 45.52],
                [-73.485, 45.52],
                [-73.485, 45.53],
                [-73.50, 45.53],
                [-73.50, 45.50],
            ]
        ],
    }
    east = {
        "type": "Polygon",
        "coordinates": [
            [
                [-73.485, 45.50],
                [-73.47, 45.50],
                [-73.47, 45.53],
                [-73.485, 45.53],
                [-73.485, 45.52],
                [-73.48, 45.52],
                [-73.48, 45.51],
                [-73.485, 45.51],
                [-73.485, 45.50],
            ]
        ],
    }
    return west, east


def test_sectors_that_only_share_edges_have_no_problem():
    SectorFactory(code="A", geometry=square(-73.50, 45.50))
    SectorFactory(code="B", geometry=square(-73.49, 45.50))
    assert territory_topology_problems() == []


def test_an_overlap_is_reported_with_its_sectors_and_area():
    SectorFactory(code="A", geometry=square(-73.50, 45.50))
    SectorFactory(code="B", geometry=square(-73.495, 45.50))  # overlaps A by half
    [problem] = territory_topology_problems()
    assert problem.kind == "overlap" and problem.codes == ("A", "B")
    # 0.005° × 0.01° at 45.5° N: about 390 m × 1112 m.
    assert problem.area_m2 == pytest.approx(0.005 * 78_000 * 0.01 * 111_200, rel=0.02)
    assert -73.495 <= problem.lon <= -73.49


def test_a_hole_enclosed_by_sectors_is_a_gap_and_small_ones_are_tolerated():
    west, east = ring_around_a_hole()
    SectorFactory(code="W", geometry=west)
    SectorFactory(code="E", geometry=east)
    [gap] = territory_topology_problems()
    assert gap.kind == "gap" and set(gap.codes) == {"W", "E"}
    assert gap.area_m2 == pytest.approx(0.01 * 78_000 * 0.01 * 111_200, rel=0.02)
    assert territory_topology_problems(tolerance_m2=gap.area_m2 + 1) == []


def test_inactive_sectors_are_left_out_of_the_check():
    SectorFactory(code="A", geometry=square(-73.50, 45.50))
    SectorFactory(code="B", geometry=square(-73.495, 45.50), is_active=False)
    assert territory_topology_problems() == []


def test_the_staff_page_lists_the_problems(client, make_staff):
    SectorFactory(code="A", geometry=square(-73.50, 45.50))
    SectorFactory(code="B", geometry=square(-73.495, 45.50))
    client.force_login(make_staff("sergeant", "beats.view_sector"))
    response = client.get(reverse("staff:territory"), HTTP_ACCEPT_LANGUAGE="en", secure=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "A, B" in html and 'id="territory-problems"' in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_the_staff_page_needs_the_right_to_see_sectors(client, make_staff):
    assert client.get(reverse("staff:territory")).status_code == 302  # to the login page
    client.force_login(make_staff("someone"))
    assert client.get(reverse("staff:territory")).status_code == 403


def test_web_features_are_simplified_and_follow_changes():
    detailed = {
        "type": "Polygon",
        "coordinates": [
            [[-73.5 + 0.0001 * i, 45.5 + (0.000001 if i % 2 else 0)] for i in range(101)]
            + [[-73.49, 45.51], [-73.5, 45.51], [-73.5, 45.5]]
        ],
    }
    sector = SectorFactory(code="S", geometry=detailed)
    [feature] = sector_map_features()["features"]
    assert len(feature["geometry"]["coordinates"][0]) < 10
    sector.name = "Renamed"
    sector.save()
    assert sector_map_features()["features"][0]["properties"]["name"] == "Renamed"

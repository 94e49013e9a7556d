import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from beats.geometry import geometry_to_geojson, parse_sector_geometry

from .factories import square

pytestmark = pytest.mark.usefixtures("english")


def message_of(value, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_sector_geometry(value, **kwargs)
    return " ".join(caught.value.messages)


def test_it_accepts_a_square_and_returns_it_counter_clockwise():
    clockwise = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
    polygon = parse_sector_geometry(clockwise)
    assert polygon.area == pytest.approx(1)
    assert polygon.exterior.is_ccw  # RFC 7946: exterior rings counter-clockwise


def test_it_accepts_a_json_string_a_feature_and_a_multipolygon():
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(0, 0)["coordinates"], square(1, 1)["coordinates"]],
    }
    assert parse_sector_geometry(json.dumps(multi)).geom_type == "MultiPolygon"
    assert parse_sector_geometry({"type": "Feature", "geometry": square(0, 0)}).geom_type == "Polygon"


def test_it_drops_the_third_dimension():
    polygon = {"type": "Polygon", "coordinates": [[[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]]]}
    assert not parse_sector_geometry(polygon).has_z


def test_a_point_is_refused_by_type():
    assert "“Point” is not allowed" in message_of({"type": "Point", "coordinates": [0, 0]})


def test_an_unclosed_ring_is_named_with_its_ends():
    ring = [[0, 0], [1, 0], [1, 1], [0, 1]]
    text = message_of({"type": "Polygon", "coordinates": [[*ring, [0, 0.5]]]})
    assert "Polygon 1, ring 1 is not closed" in text
    assert "(0.000000, 0.000000)" in text and "(0.000000, 0.500000)" in text


def test_a_self_intersection_names_the_crossing_point():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}
    assert "crosses itself at (1.000000, 1.000000)" in message_of(bow_tie)


def test_a_hole_outside_its_shell_is_refused():
    polygon = {
        "type": "Polygon",
        "coordinates": [square(0, 0)["coordinates"][0], square(5, 5)["coordinates"][0]],
    }
    assert "hole" in message_of(polygon).lower()


def test_projected_coordinates_are_refused_with_a_hint():
    text = message_of(square(300000, 5040000, size=1000))
    assert "not a longitude and latitude" in text and "EPSG:32188" in text


def test_too_few_positions_and_bad_positions_are_named():
    assert "has 3 positions" in message_of({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]})
    bad = {"type": "Polygon", "coordinates": [[[0, 0], [1, "x"], [1, 1], [0, 0]]]}
    assert "point 2 is not a [longitude, latitude] pair" in message_of(bad)
    assert "no coordinates" in message_of({"type": "MultiPolygon", "coordinates": []})


def test_a_flat_polygon_is_empty():
    line_like = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}
    assert "encloses no area" in message_of(line_like)


def test_broken_json_names_line_and_column():
    assert "line 1, column" in message_of('{"type": "Polygon", ')


def test_messages_are_translated_into_french():
    with translation.override("fr"):
        text = message_of({"type": "Point", "coordinates": [0, 0]})
    assert "n’est pas permis" in text or "n'est pas permis" in text


def test_geojson_output_round_trips_through_json():
    geometry = geometry_to_geojson(parse_sector_geometry(square(-73.5, 45.5)))
    assert json.loads(json.dumps(geometry)) == geometry
    assert geometry["type"] == "Polygon"

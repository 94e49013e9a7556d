from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from pyproj import Transformer

from calls.parsing import RowParser

from .conftest import profile_for

TORONTO = ZoneInfo("America/Toronto")
GOOD = {
    "id": "A-1",
    "time": "2024-03-01 10:00:00",
    "code": "10-50",
    "label": "Collision",
    "priority": "2",
    "origin": "911",
    "x": "-73.5",
    "y": "45.5",
    "sector": "S1",
}


def parse(row, **profile_fields):
    return RowParser(profile_for(**profile_fields)).parse_chunk([(7, row)])


def test_a_good_row_becomes_a_call_received_in_the_profiles_zone():
    calls, errors = parse(GOOD)
    assert not errors
    call = calls[0]
    assert call.line == 7 and call.incident_number == "A-1"
    assert call.received_at == datetime(2024, 3, 1, 10, tzinfo=TORONTO)
    assert (call.call_type_code, call.call_type_label, call.priority, call.origin) == (
        "10-50",
        "Collision",
        2,
        "911",
    )
    assert (call.lon, call.lat, call.source_sector_code) == (-73.5, 45.5, "S1")


def test_an_explicit_offset_is_kept():
    calls, _ = parse({**GOOD, "time": "2024-03-01T10:00:00+00:00"})
    assert calls[0].received_at.utcoffset().total_seconds() == 0


def test_seattle_times_with_am_pm_in_los_angeles():
    calls, errors = parse(
        {**GOOD, "time": "08/19/2011 09:16:27 PM"},
        received_at_format="%m/%d/%Y %I:%M:%S %p",
        time_zone="America/Los_Angeles",
    )
    assert not errors
    assert calls[0].received_at == datetime(2011, 8, 19, 21, 16, 27, tzinfo=ZoneInfo("America/Los_Angeles"))


def test_origins_map_case_insensitively_and_unknown_values_are_other():
    assert parse({**GOOD, "origin": " tel "})[0][0].origin == "phone"
    assert parse({**GOOD, "origin": "FAX"})[0][0].origin == "other"


def test_zero_or_blank_coordinates_mean_none():
    for x, y in (("0", "0"), ("", ""), ("-73.5", "")):
        calls, errors = parse({**GOOD, "x": x, "y": y})
        assert not errors and (calls[0].lon, calls[0].lat) == (None, None)


def test_a_label_defaults_to_the_code():
    assert parse({**GOOD, "label": ""})[0][0].call_type_label == "10-50"


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"id": " "}, "id", "The incident number is missing."),
        ({"id": "x" * 65}, "id", "The incident number is longer than 64 characters."),
        ({"time": ""}, "time", "The received time is missing."),
        ({"time": "yesterday"}, "time", "The received time does not match the format ISO 8601."),
        ({"priority": "high"}, "priority", "The priority is not a whole number."),
        ({"priority": "2.5"}, "priority", "The priority is not a whole number."),
        ({"x": "-73.5.1"}, "x", "The coordinate is not a number."),
        ({"y": "nan"}, "y", "The coordinate is not a number."),
        ({"x": "-273.5"}, "x", "The longitude is out of range."),
        ({"y": "95"}, "y", "The latitude is out of range."),
    ],
)
def test_bad_rows_name_the_line_the_field_and_the_reason(english, changes, field, reason):
    calls, errors = parse({**GOOD, **changes})
    assert not calls
    assert [(e.line, e.field, e.reason) for e in errors] == [(7, field, reason)]


def test_a_row_with_several_problems_lists_them_all(english):
    _calls, errors = parse({**GOOD, "id": "", "time": "never"})
    assert [e.field for e in errors] == ["id", "time"]


def test_a_bad_time_names_the_profiles_format(english):
    _calls, errors = parse({**GOOD, "time": "2024-03-01"}, received_at_format="%d/%m/%Y %H:%M")
    assert errors[0].reason == "The received time does not match the format %d/%m/%Y %H:%M."
    assert errors[0].value == "2024-03-01"


def test_projected_coordinates_with_decimal_commas_become_lon_lat():
    to_mtm8 = Transformer.from_crs("EPSG:4326", "EPSG:32188", always_xy=True)
    x, y = to_mtm8.transform(-73.518, 45.531)
    row = {**GOOD, "x": f"{x:.2f}".replace(".", ","), "y": f"{y:.2f}".replace(".", ","), "priority": "3"}
    calls, errors = parse(row, coordinates_epsg=32188, decimal_comma=True)
    assert not errors
    assert calls[0].lon == pytest.approx(-73.518, abs=1e-6) and calls[0].lat == pytest.approx(
        45.531, abs=1e-6
    )


def test_projected_points_are_transformed_a_chunk_at_a_time():
    to_mtm8 = Transformer.from_crs("EPSG:4326", "EPSG:32188", always_xy=True)
    rows = []
    for i in range(50):
        x, y = to_mtm8.transform(-73.5 + i / 1000, 45.5)
        rows.append((i + 2, {**GOOD, "id": f"A-{i}", "x": str(x), "y": str(y)}))
    rows.append((60, {**GOOD, "id": "none", "x": "", "y": ""}))
    calls, errors = RowParser(profile_for(coordinates_epsg=32188)).parse_chunk(rows)
    assert not errors and len(calls) == 51
    assert [round(c.lon, 6) for c in calls[:3]] == [-73.5, -73.499, -73.498]
    assert calls[-1].lon is None


def test_degrees_read_as_projected_metres_are_refused(english):
    calls, errors = parse(GOOD, coordinates_epsg=32188)
    assert not calls
    assert errors[0].field == "x/y"
    assert errors[0].reason == "The point is outside the area where EPSG:32188 is used."


def test_profile_clean_checks_zone_epsg_format_columns_and_mapping(english):
    profile = profile_for(
        time_zone="Mars/Olympus",
        coordinates_epsg=999999,
        received_at_format="dd/mm/yyyy",
        call_type_code_column="",
        y_column="",
        origin_mapping={"911": "urgent"},
    )
    with pytest.raises(ValidationError) as caught:
        profile.clean()
    errors = caught.value.message_dict
    assert set(errors) == {
        "time_zone",
        "coordinates_epsg",
        "received_at_format",
        "call_type_code_column",
        "y_column",
        "origin_mapping",
    }
    assert errors["time_zone"] == ["Unknown time zone “Mars/Olympus”."]
    assert errors["coordinates_epsg"] == ["EPSG:999999 is not a known coordinate system."]


def test_the_shipped_profile_definitions_are_valid():
    import importlib

    migration = importlib.import_module("calls.migrations.0002_shipped_profiles")
    for name, fields in migration.PROFILES.items():
        profile_for(name=name, **fields).clean()


@pytest.mark.parametrize(
    "fmt",
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%m/%d/%Y %I:%M:%S %p"],
)
def test_fast_time_readers_agree_with_strptime(fmt):
    from calls.parsing import _iso_shaped_parser

    fast = _iso_shaped_parser(fmt)
    texts = [
        "2024-03-01 10:00:00",
        "2024-03-01T10:00:00",
        "2024-03-01 10:00",
        "2024-03-01",
        "2024-3-1 1:2:3",
        "2024-02-30 10:00:00",
        "2024-03-01 24:00:00",
        "2024-03-01 10:00:60",
        "2024-03-01 10:00:00+05:00",
        "2024-03-01 10:00:00.5",
        "２０２４-03-01 10:00:00",
        " 2024-03-01 10:00:00",
        "08/19/2011 09:16:27 PM",
        "08/19/2011 12:16:27 AM",
        "08/19/2011 12:16:27 pm",
        "08/19/2011 00:16:27 AM",
        "08/19/2011 13:16:27 PM",
        "8/19/2011 9:16:27 PM",
        "02/30/2011 09:16:27 PM",
        "08/19/2011 09:16:61 PM",
        "08/19/2011 09:16:27",
    ]
    for raw in texts:
        try:
            expected = datetime.strptime(raw, fmt)
        except ValueError:
            expected = None
        got = fast(raw)
        if got is not None:  # a text the fast reader takes, it reads as strptime does
            assert got == expected, raw
        elif expected is not None:  # what it leaves to strptime is read there; only unusual texts are left
            assert raw in ("2024-3-1 1:2:3", "２０２４-03-01 10:00:00", "8/19/2011 9:16:27 PM"), raw

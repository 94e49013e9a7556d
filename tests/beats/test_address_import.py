import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from pyproj import Transformer

from beats.addresses.importer import AddressImportOptions, addresses_import
from beats.models import CivicAddress

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

OPTIONS = AddressImportOptions()
HEADER = "civic_number,street,municipality,postal_code,lon,lat"
ROWS = [
    "150,rue Saint-Charles Ouest,Longueuil,J4H 1C8,-73.5185,45.5369",
    "4250,chemin de Chambly,Longueuil,j4l 1n3,-73.4640,45.5250",
    "1500,boulevard Taschereau,Brossard,,-73.4702,45.4651",
]


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def street_key(street: str) -> str:
    from beats.addresses.normalise import street_key

    return street_key(street)


def snapshot() -> list[dict]:
    return list(CivicAddress.objects.order_by("pk").values())


def messages_of(source, options=OPTIONS, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        addresses_import(source=source, options=options, **kwargs)
    return caught.value.messages


def test_a_utf8_csv_with_a_bom_and_commas_is_imported():
    result = addresses_import(
        source=io.BytesIO(csv_bytes(*ROWS, encoding="utf-8-sig")), format="csv", options=OPTIONS
    )
    assert (result.created, result.updated, result.unchanged, result.source_crs) == (3, 0, 0, "EPSG:4326")
    first = CivicAddress.objects.get(civic_number="150")
    assert (first.street, first.municipality, first.postal_code) == (
        "rue Saint-Charles Ouest",
        "Longueuil",
        "J4H1C8",
    )
    assert (first.lon, first.lat) == (-73.5185, 45.5369)
    assert first.street_key == street_key("rue Saint-Charles Ouest")
    assert CivicAddress.objects.get(civic_number="4250").postal_code == "J4L1N3"
    assert CivicAddress.objects.get(civic_number="1500").postal_code == ""


def test_a_windows_1252_csv_with_semicolons_and_decimal_commas_is_imported(tmp_path):
    path = tmp_path / "adresses-2026.csv"
    path.write_bytes(
        csv_bytes(
            "2500;Montée Sabourin;Saint-Bruno-de-Montarville;J3V 4P6;-73,3456;45,5312",
            "1200;Chemin de Chambly;;J4J 3X7;-73,4890;45,5290",
            header="NO_CIVIQUE;RUE;VILLE;CP;LONGITUDE;LATITUDE",
            encoding="cp1252",
        )
    )
    options = AddressImportOptions(
        number_column="NO_CIVIQUE",
        street_column="RUE",
        municipality_column="VILLE",
        postal_code_column="CP",
        x_column="LONGITUDE",
        y_column="LATITUDE",
        default_municipality="Longueuil",
    )
    result = addresses_import(source=path, options=options)
    assert (result.created, result.source) == (2, "adresses-2026.csv")
    sabourin = CivicAddress.objects.get(civic_number="2500")
    assert (sabourin.street, sabourin.municipality, sabourin.postal_code) == (
        "Montée Sabourin",
        "Saint-Bruno-de-Montarville",
        "J3V4P6",
    )
    assert (sabourin.lon, sabourin.lat) == (-73.3456, 45.5312)
    assert sabourin.street_key == street_key("Montée Sabourin")
    assert sabourin.source == "adresses-2026.csv"
    chambly = CivicAddress.objects.get(civic_number="1200")
    assert (chambly.street, chambly.municipality) == ("Chemin de Chambly", "Longueuil")
    assert chambly.street_key == street_key("Chemin de Chambly")


def test_mtm_zone_8_coordinates_are_transformed_to_wgs84():
    to_mtm = Transformer.from_crs("EPSG:4326", "EPSG:32188", always_xy=True)
    x, y = to_mtm.transform(-73.5185, 45.5369)
    expected_lon, expected_lat = Transformer.from_crs("EPSG:32188", "EPSG:4326", always_xy=True).transform(
        x, y
    )
    data = csv_bytes(
        f"150,rue Saint-Charles Ouest,Longueuil,,{x:.3f},{y:.3f}", header=HEADER.replace("lon,lat", "x,y")
    )
    options = AddressImportOptions(x_column="x", y_column="y", source_crs="EPSG:32188")
    result = addresses_import(source=data, options=options)
    assert result.source_crs == "EPSG:32188"
    address = CivicAddress.objects.get()
    assert address.lon == pytest.approx(expected_lon, abs=1e-7)
    assert address.lat == pytest.approx(expected_lat, abs=1e-7)
    assert (address.lon, address.lat) == (pytest.approx(-73.5185, abs=1e-6), pytest.approx(45.5369, abs=1e-6))


def test_geojson_points_are_imported_with_the_files_own_crs():
    to_mtm = Transformer.from_crs("EPSG:4326", "EPSG:32188", always_xy=True)
    x, y = to_mtm.transform(-73.45, 45.50)

    def point(number, street, coordinates, **properties):
        return {
            "type": "Feature",
            "properties": {
                "civic_number": number,
                "street": street,
                "municipality": "Longueuil",
                **properties,
            },
            "geometry": {"type": "Point", "coordinates": coordinates},
        }

    wgs84 = {
        "type": "FeatureCollection",
        "features": [point(10, "rue Grant", [-73.51, 45.53], postal_code="J4H 3H5")],
    }
    result = addresses_import(source=json.dumps(wgs84).encode(), options=OPTIONS)
    assert (result.created, result.source_crs) == (1, "EPSG:4326")
    grant = CivicAddress.objects.get(civic_number="10")
    assert (grant.street, grant.postal_code, grant.lon, grant.lat) == ("rue Grant", "J4H3H5", -73.51, 45.53)

    mtm = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32188"}},
        "features": [point("20", "rue Grant", [x, y])],
    }
    result = addresses_import(source=io.BytesIO(json.dumps(mtm).encode()), options=OPTIONS)
    assert result.created == 1
    other = CivicAddress.objects.get(civic_number="20")
    assert (other.lon, other.lat) == (pytest.approx(-73.45, abs=1e-6), pytest.approx(45.50, abs=1e-6))


def test_importing_the_same_file_again_changes_nothing():
    addresses_import(source=csv_bytes(*ROWS), options=OPTIONS)
    before = snapshot()
    result = addresses_import(source=csv_bytes(*ROWS), options=OPTIONS)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert snapshot() == before


def test_a_changed_row_is_updated_and_the_others_left_alone():
    addresses_import(source=csv_bytes(*ROWS), options=OPTIONS)
    before = {row["civic_number"]: row for row in snapshot()}
    moved = ROWS[1].replace("-73.4640,45.5250", "-73.4650,45.5260").replace("j4l 1n3", "J4L 1N4")
    result = addresses_import(source=csv_bytes(ROWS[0], moved, ROWS[2]), options=OPTIONS)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    after = {row["civic_number"]: row for row in snapshot()}
    assert (after["4250"]["lon"], after["4250"]["lat"], after["4250"]["postal_code"]) == (
        -73.4650,
        45.5260,
        "J4L1N4",
    )
    assert after["4250"]["id"] == before["4250"]["id"]
    assert (after["150"], after["1500"]) == (before["150"], before["1500"])


def test_bad_rows_are_named_by_line_and_field_and_nothing_is_written():
    addresses_import(source=csv_bytes(ROWS[0]), options=OPTIONS)
    before = snapshot()
    data = csv_bytes(
        ROWS[0].replace("J4H 1C8", "J4H 1C9"),  # line 2: would be an update
        ROWS[1],  # line 3: would be created
        "12,rue Grant,Longueuil,,-73.51,abc",  # line 4
        ROWS[2],  # line 5
        "14,,Longueuil,,-73.51,45.53",  # line 6
    )
    assert messages_of(data) == ["Line 4, lat: “abc” is not a number.", "Line 6, street: no street."]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (",rue Grant,Longueuil,,-73.51,45.53", "Line 2, civic_number: no civic number."),
        ("12,rue Grant,Longueuil,J4H 1C,-73.51,45.53", "Line 2, postal_code: “J4H 1C” is not a postal code"),
        ("12,rue Grant,Longueuil,,-73.51,145.5", "Line 2, lat: latitude 145.5 is not between -90 and 90."),
        ("12,rue Grant,Longueuil,,,45.53", "Line 2, lon: no coordinate."),
        ("12,rue Grant,Longueuil,,nan,45.53", "Line 2, lon: “nan” is not a number."),
    ],
)
def test_each_bad_value_is_named(row, expected):
    messages = messages_of(csv_bytes(row))
    assert len(messages) == 1 and messages[0].startswith(expected)
    assert not CivicAddress.objects.exists()


def test_duplicate_addresses_in_the_file_are_refused_naming_both_lines():
    data = csv_bytes(
        "1500,boulevard Taschereau,Brossard,,-73.4702,45.4651",
        ROWS[0],
        "1500,Boulevard Taschereau,Brossard,,-73.4710,45.4660",
    )
    messages = messages_of(data)
    assert len(messages) == 1
    assert messages[0].startswith("Line 4: same address as line 2 (1500 Boulevard Taschereau, Brossard)")
    assert not CivicAddress.objects.exists()


def test_coordinates_outside_the_area_of_the_source_crs_are_refused():
    # Degrees given while the source CRS says MTM zone 8 metres: they land near (-76.5°, 0°).
    options = AddressImportOptions(source_crs="EPSG:32188")
    messages = messages_of(csv_bytes(ROWS[0]), options=options)
    assert len(messages) == 1
    assert messages[0].startswith("Line 2, lon, lat: once transformed, the point lies at")
    assert "outside the area where the source CRS EPSG:32188 is used" in messages[0]
    assert not CivicAddress.objects.exists()


def test_the_command_imports_and_reports(tmp_path, capsys):
    path = tmp_path / "addresses.csv"
    path.write_bytes(csv_bytes(*ROWS))
    call_command("import_addresses", str(path))
    assert "3 created, 0 updated, 0 unchanged (source CRS EPSG:4326)" in capsys.readouterr().out
    assert set(CivicAddress.objects.values_list("source", flat=True)) == {"addresses.csv"}

    semicolons = tmp_path / "adresses.csv"
    semicolons.write_bytes(
        csv_bytes("9;rue Grant;J4H 3H5;-73,51;45,53", header="NO;RUE;CP;X;Y", encoding="cp1252")
    )
    call_command(
        "import_addresses",
        str(semicolons),
        "--format=csv",
        "--number-column=NO",
        "--street-column=RUE",
        "--postal-code-column=CP",
        "--x-column=X",
        "--y-column=Y",
        "--municipality=Longueuil",
    )
    assert "1 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert CivicAddress.objects.get(civic_number="9").municipality == "Longueuil"


def test_the_command_refuses_a_bad_file_and_imports_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(ROWS[0], ROWS[1], "12,rue Grant,Longueuil,,-73.51,abc"))
    with pytest.raises(CommandError, match=r"nothing imported\.\nLine 4, lat: “abc” is not a number\."):
        call_command("import_addresses", str(path))
    assert not CivicAddress.objects.exists()

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from pyproj import Transformer

from beats.models import Sector, SectorMapVersion
from beats.services import SectorImportOptions, sectors_export_geojson, sectors_import_geojson

from .factories import SectorFactory, square

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

OPTIONS = SectorImportOptions(population_property="population")


def feature(code, geometry, **properties):
    return {"type": "Feature", "properties": {"code": code, **properties}, "geometry": geometry}


def collection(*features, **extra):
    return {"type": "FeatureCollection", "features": list(features), **extra}


def test_it_creates_sectors_then_updates_them_by_code():
    first = collection(
        feature("A1", square(-73.50, 45.50), name="Alpha", municipality="Longueuil", population=1200),
        feature("B1", square(-73.49, 45.50), name="Bravo", municipality="Brossard"),
    )
    result = sectors_import_geojson(source=first, options=OPTIONS)
    assert (result.created, result.updated, result.unchanged) == (["A1", "B1"], [], [])
    alpha = Sector.objects.get(code="A1")
    assert (alpha.name, alpha.municipality, alpha.population) == ("Alpha", "Longueuil", 1200)

    second = collection(
        feature("A1", square(-73.40, 45.50), name="Alpha renamed"), feature("B1", square(-73.49, 45.50))
    )
    result = sectors_import_geojson(source=second, options=OPTIONS)
    assert (result.created, result.updated, result.unchanged) == ([], ["A1"], ["B1"])
    alpha.refresh_from_db()
    # What the file does not carry is kept: the population a supervisor set stays.
    assert (alpha.name, alpha.population, alpha.municipality) == ("Alpha renamed", 1200, "Longueuil")
    assert Sector.objects.get(code="B1").name == "Bravo"


def test_importing_the_same_file_twice_changes_nothing():
    data = collection(feature("A1", square(-73.50, 45.50), name="Alpha"))
    sectors_import_geojson(source=json.dumps(data).encode(), options=OPTIONS)
    before = list(Sector.objects.values())
    versions = SectorMapVersion.objects.count()
    result = sectors_import_geojson(source=io.BytesIO(json.dumps(data).encode("utf-8-sig")), options=OPTIONS)
    assert result.unchanged == ["A1"]
    assert list(Sector.objects.values()) == before
    assert SectorMapVersion.objects.count() == versions


def test_one_bad_feature_refuses_the_whole_file_and_names_it():
    existing = SectorFactory(code="A1", name="Untouched", geometry=square(-73.50, 45.50))
    bow_tie = {"type": "Polygon", "coordinates": [[[-73, 45], [-72, 46], [-72, 45], [-73, 46], [-73, 45]]]}
    data = collection(
        feature("A1", square(-73.30, 45.50), name="Changed"),
        feature("NEW", square(-73.20, 45.50)),
        feature("BAD", bow_tie),
        feature("", square(-73.10, 45.50)),
    )
    with pytest.raises(ValidationError) as caught:
        sectors_import_geojson(source=data, options=OPTIONS)
    messages = caught.value.messages
    assert (
        messages[0].startswith("Feature 2: ") and "crosses itself at (-72.500000, 45.500000)" in messages[0]
    )
    assert messages[1].startswith("Feature 3: ") and "code property “code”" in messages[1]
    existing.refresh_from_db()
    assert existing.name == "Untouched"
    assert list(Sector.objects.values_list("code", flat=True)) == ["A1"]


def test_duplicate_codes_bad_populations_and_bad_dates_are_refused():
    data = collection(
        feature("A1", square(-73.50, 45.50)),
        feature("A1", square(-73.40, 45.50)),
        *[
            feature(f"P{n}", square(-73.30, 45.50), population=bad)
            for n, bad in enumerate(["many", "inf", "3.7", "-2", "1e12"])
        ],
        feature("D1", square(-73.20, 45.50), started="2024-13-01"),
    )
    options = SectorImportOptions(population_property="population", programme_start_property="started")
    with pytest.raises(ValidationError) as caught:
        sectors_import_geojson(source=data, options=options)
    assert caught.value.messages == [
        "Feature 1: code “A1” appears twice in the file.",
        "Feature 2: population “many” is not a whole number.",
        "Feature 3: population “inf” is not a whole number.",
        "Feature 4: population “3.7” is not a whole number.",
        "Feature 5: population “-2” is not a whole number.",
        "Feature 6: population “1e12” is not a whole number.",
        "Feature 7: programme start “2024-13-01” is not a date (YYYY-MM-DD).",
    ]
    assert not Sector.objects.exists()


def test_populations_may_use_french_thousands_separators():
    data = collection(
        feature("A1", square(-73.50, 45.50), population="27\u202f480"),
        feature("B1", square(-73.40, 45.50), population=1200.0),
    )
    sectors_import_geojson(source=data, options=OPTIONS)
    assert dict(Sector.objects.values_list("code", "population")) == {"A1": 27480, "B1": 1200}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"\xff\xfe{", "not UTF-8"),
        (b'{"type": "FeatureCollection", "features": [', "not valid JSON (line 1, column"),
        (b'{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "has no features"),
    ],
)
def test_unreadable_files_say_why(source, expected):
    with pytest.raises(ValidationError) as caught:
        sectors_import_geojson(source=source, options=OPTIONS)
    assert expected in caught.value.messages[0]


def test_projected_coordinates_are_transformed_from_the_given_crs():
    # A 1 km square in MTM zone 8 (EPSG:32188), the Quebec standard, around Longueuil's city hall.
    to_mtm = Transformer.from_crs("EPSG:4326", "EPSG:32188", always_xy=True)
    x, y = to_mtm.transform(-73.5185, 45.5369)
    ring = [[x, y], [x + 1000, y], [x + 1000, y + 1000], [x, y + 1000], [x, y]]
    data = collection(feature("MTM", {"type": "Polygon", "coordinates": [ring]}))
    result = sectors_import_geojson(source=data, options=SectorImportOptions(source_crs="EPSG:32188"))
    assert result.source_crs == "EPSG:32188"
    lon, lat = Sector.objects.get(code="MTM").geometry["coordinates"][0][0]
    assert lon == pytest.approx(-73.5185, abs=1e-6) and lat == pytest.approx(45.5369, abs=1e-6)


def test_the_files_own_crs_member_is_honoured():
    to_mtm = Transformer.from_crs("EPSG:4326", "EPSG:32188", always_xy=True)
    x, y = to_mtm.transform(-73.45, 45.5)
    ring = [[x, y], [x + 500, y], [x + 500, y + 500], [x, y + 500], [x, y]]
    data = collection(
        feature("OWN", {"type": "Polygon", "coordinates": [ring]}),
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32188"}},
    )
    sectors_import_geojson(source=data, options=SectorImportOptions())
    lon, lat = Sector.objects.get(code="OWN").geometry["coordinates"][0][0]
    assert (lon, lat) == (pytest.approx(-73.45, abs=1e-6), pytest.approx(45.5, abs=1e-6))


def test_a_wrong_crs_is_caught_instead_of_importing_nonsense():
    data = collection(feature("A1", square(-73.50, 45.50)))
    with pytest.raises(ValidationError) as caught:
        sectors_import_geojson(source=data, options=SectorImportOptions(source_crs="EPSG:32188"))
    assert "outside the area where the source CRS is used" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        sectors_import_geojson(source=data, options=SectorImportOptions(source_crs="EPSG:999999"))
    assert "Unknown coordinate reference system “EPSG:999999”" in caught.value.messages[0]
    assert not Sector.objects.exists()


def test_sectors_missing_from_the_file_can_be_deactivated():
    SectorFactory(code="OLD", geometry=square(-73.30, 45.50))
    data = collection(feature("A1", square(-73.50, 45.50)))
    result = sectors_import_geojson(source=data, options=SectorImportOptions(deactivate_missing=True))
    assert result.deactivated == ["OLD"]
    assert not Sector.objects.get(code="OLD").is_active


def test_export_then_import_round_trips():
    SectorFactory(
        code="A1",
        name="Alpha",
        borough="Vieux-Longueuil",
        population=4321,
        programme_started_on=datetime.date(2024, 9, 3),
        geometry=square(-73.5, 45.5),
    )
    exported = sectors_export_geojson()
    assert exported["features"][0]["properties"]["programme_started_on"] == "2024-09-03"
    Sector.objects.all().delete()
    options = SectorImportOptions(
        borough_property="borough",
        population_property="population",
        programme_start_property="programme_started_on",
    )
    sectors_import_geojson(source=json.dumps(exported), options=options)
    assert sectors_export_geojson() == exported


def test_the_command_reports_in_french_by_default(tmp_path, capsys):
    path = tmp_path / "sectors.geojson"
    path.write_text(json.dumps(collection(feature("A1", square(-73.50, 45.50)))), encoding="utf-8")
    with translation.override("fr"):
        call_command("import_sectors", str(path))
    assert "créations\u00a0: 1" in capsys.readouterr().out


def test_the_command_imports_and_reports(tmp_path, capsys):
    path = tmp_path / "sectors.geojson"
    path.write_text(
        json.dumps(collection(feature("A1", square(-73.50, 45.50), name="Alpha"))), encoding="utf-8"
    )
    call_command("import_sectors", str(path))
    assert "1 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        json.dumps(collection(feature("B1", {"type": "Point", "coordinates": [0, 0]}))), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="Feature 0: Geometry type “Point” is not allowed"):
        call_command("import_sectors", str(bad))


def test_the_export_command_writes_geojson(tmp_path):
    SectorFactory(code="A1", geometry=square(-73.50, 45.50))
    out = tmp_path / "out.geojson"
    call_command("export_sectors", "--output", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["features"][0]["id"] == "A1"

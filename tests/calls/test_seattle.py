"""The real Seattle CAD samples imported with the shipped profile, after the real Seattle beats."""

import csv
import time

import numpy as np
import pytest
import shapely

from beats.index import get_sector_index
from beats.services import SectorImportOptions, sectors_import_geojson
from calls.models import Call, CallType, ImportBatch, Placement
from calls.services.ingest import calls_import

pytestmark = pytest.mark.django_db

SAMPLES = ["spd_call_data_sectorC_sample_2010_2023.csv", "spd_call_data_dennyblaine_sample_2018_2023.csv"]


@pytest.fixture
def seattle(seattle_beats_path):
    with seattle_beats_path.open("rb") as source:
        sectors_import_geojson(
            source=source,
            options=SectorImportOptions(
                code_property="beat", name_property="beat", default_municipality="Seattle"
            ),
        )
    return seattle_beats_path.parent


@pytest.mark.parametrize("sample", SAMPLES)
def test_a_real_seattle_sample_imports_places_and_reimports_unchanged(seattle, shipped_profile, sample):
    path = seattle / sample
    profile = shipped_profile("seattle-cad")
    started = time.perf_counter()
    batch = calls_import(profile=profile, file=path, file_name=sample, mode=ImportBatch.Mode.ALL_OR_NOTHING)
    elapsed = time.perf_counter() - started
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.error_report or batch.failure_message

    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["CAD Event Number"]: r for r in csv.DictReader(handle)}
    assert batch.rows_read == len(rows) == batch.created == Call.objects.count()
    assert batch.rejected == 0 and not batch.error_report

    calls = list(Call.objects.select_related("sector", "call_type"))
    located = [c for c in calls if c.lon is not None]
    # Every call with coordinates lands in a beat; the others fall back on the file's Beat.
    assert all(c.sector_id and c.placement != Placement.SOURCE_CODE for c in located)
    assert batch.without_coordinates == len(calls) - len(located)
    assert batch.outside_territory == 0
    assert all(c.placement == Placement.SOURCE_CODE for c in calls if c.lon is None and c.sector_id)
    assert batch.unplaced == sum(1 for c in calls if not c.sector_id)

    # The file's own fields came through.
    some = calls[0]
    raw = rows[some.incident_number]
    assert some.call_type.code == raw["Final Call Type"] and some.source_sector_code == raw["Beat"]
    assert some.priority == int(raw["Priority"])
    expected_origin = {"911": "911", "ONVIEW": "on_view", "TELEPHONE OTHER, NOT 911": "phone"}
    assert all(c.origin == expected_origin.get(rows[c.incident_number]["Call Type"], "other") for c in calls)
    assert CallType.objects.filter(source="seattle-spd", urgency="unmapped").count() == len(
        {r["Final Call Type"] for r in rows.values()}
    )

    # Agreement with the file's Beat away from boundaries (the source's geocoder picks a side its own way on
    # street centre lines, which are beat boundaries).
    boundaries = shapely.union_all([shapely.boundary(s.geometry) for s in get_sector_index().sectors])
    lons = np.array([c.lon for c in located])
    lats = np.array([c.lat for c in located])
    metres = shapely.distance(boundaries, shapely.points(lons, lats)) * 111_320 * np.cos(np.radians(47.6))
    away = [c for c, m in zip(located, metres, strict=True) if m > 1]
    agreement = sum(c.sector.code == c.source_sector_code for c in away) / len(away)
    print(
        f"{sample}: {batch.rows_read} rows in {elapsed:.2f} s ({batch.rows_read / elapsed:.0f} rows/s); "
        f"{batch.without_coordinates} without coordinates, {batch.sector_disagreement} disagree with Beat, "
        f"agreement away from boundaries {agreement:.1%} over {len(away)} calls"
    )
    assert agreement >= 0.99

    again = calls_import(profile=profile, file=path, file_name=sample, mode=ImportBatch.Mode.ALL_OR_NOTHING)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
    assert again.checksum == batch.checksum
    assert set(Call.objects.values_list("batch_id", flat=True)) == {batch.pk}

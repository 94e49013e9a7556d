import csv
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from beats.models import Sector
from calls.models import Call, CallType, ImportBatch, Placement, Urgency
from calls.services import chunks, outcome, upsert
from calls.services.ingest import calls_import
from tests.beats.factories import ORIGIN_LAT, ORIGIN_LON, SectorFactory, square

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

# Two adjacent squares 0.01° wide: WEST from ORIGIN_LON, EAST from ORIGIN_LON + 0.01.
MID_LAT = ORIGIN_LAT + 0.005
EDGE_LON = ORIGIN_LON + 0.01


@pytest.fixture
def sectors():
    west = SectorFactory(code="WEST", geometry=square(ORIGIN_LON, ORIGIN_LAT))
    east = SectorFactory(code="EAST", geometry=square(EDGE_LON, ORIGIN_LAT))
    return west, east


def row(
    number, *, time="2024-03-01 10:00:00", code="10-50", priority="2", origin="911", lon="", lat="", sector=""
):
    return [number, time, code, f"label {code}", priority, origin, str(lon), str(lat), sector]


def run(profile, rows, *, mode=ImportBatch.Mode.ALL_OR_NOTHING, name="calls.csv", data=None, **kwargs):
    return calls_import(
        profile=profile,
        file=io.BytesIO(data if data is not None else csv_bytes(rows)),
        file_name=name,
        mode=mode,
        **kwargs,
    )


def report_rows(batch):
    return list(csv.reader(io.StringIO(batch.error_report)))


def test_calls_are_placed_by_the_boundary_rule_or_the_source_code(saved_profile, sectors):
    west, east = sectors
    profile = saved_profile()
    batch = run(
        profile,
        [
            row("inside", lon=ORIGIN_LON + 0.005, lat=MID_LAT, sector="WEST"),
            row("boundary", lon=EDGE_LON, lat=MID_LAT, sector="WEST"),  # the east side wins
            row("nearby", lon=ORIGIN_LON - 0.0001, lat=MID_LAT),  # ~8 m west of WEST
            row("outside", lon=ORIGIN_LON - 0.5, lat=MID_LAT, sector="WEST"),
            row("by-code", sector="east"),
            row("unknown-code", sector="Z9"),
            row("nothing"),
        ],
    )
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.failure_message
    placed = {c.incident_number: (c.sector_id, c.placement) for c in Call.objects.all()}
    assert placed == {
        "inside": (west.pk, Placement.INSIDE),
        "boundary": (east.pk, Placement.BOUNDARY),
        "nearby": (west.pk, Placement.NEARBY),
        "outside": (None, Placement.UNPLACED),
        "by-code": (east.pk, Placement.SOURCE_CODE),
        "unknown-code": (None, Placement.UNPLACED),
        "nothing": (None, Placement.UNPLACED),
    }
    assert (batch.rows_read, batch.created, batch.updated, batch.unchanged, batch.rejected) == (7, 7, 0, 0, 0)
    assert batch.without_coordinates == 3
    assert batch.outside_territory == 1
    assert batch.unplaced == 3
    assert batch.sector_disagreement == 1  # "boundary": the file said WEST, the rule says EAST
    assert batch.sector_map_version_id is not None
    assert set(Call.objects.values_list("sector_map_version_id", flat=True)) == {batch.sector_map_version_id}
    assert len(batch.checksum) == 64 and batch.size > 0 and batch.started_at and batch.finished_at


def test_new_call_types_are_created_unmapped_once(saved_profile):
    profile = saved_profile()
    run(profile, [row("1", code="A"), row("2", code="B"), row("3", code="A")])
    types = CallType.objects.filter(source="test-cad")
    assert sorted(types.values_list("code", "urgency")) == [("A", Urgency.UNMAPPED), ("B", Urgency.UNMAPPED)]
    assert types.get(code="A").label == "label A"
    run(profile, [row("4", code="A"), row("5", code="C")])
    assert CallType.objects.filter(source="test-cad").count() == 3


def test_the_same_file_twice_creates_and_updates_nothing(saved_profile, sectors):
    profile = saved_profile()
    rows = [row(str(n), lon=ORIGIN_LON + 0.001 * n, lat=MID_LAT) for n in range(1, 15)]
    first = run(profile, rows)
    second = run(profile, rows)
    assert (first.created, first.updated, first.unchanged) == (14, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 14)
    assert second.checksum == first.checksum
    assert Call.objects.count() == 14
    # Untouched rows keep the batch that wrote them.
    assert set(Call.objects.values_list("batch_id", flat=True)) == {first.pk}


def test_an_overlapping_export_updates_only_the_rows_that_changed(saved_profile, sectors):
    profile = saved_profile()
    run(profile, [row("1"), row("2"), row("3", priority="3")])
    batch = run(profile, [row("2"), row("3", priority="1"), row("4")])
    assert (batch.created, batch.updated, batch.unchanged) == (1, 1, 1)
    assert Call.objects.get(incident_number="3").priority == 1
    assert Call.objects.get(incident_number="3").batch_id == batch.pk
    assert Call.objects.count() == 4


def test_a_number_twice_in_one_file_is_one_call_with_its_last_values(saved_profile):
    batch = run(saved_profile(), [row("1", priority="1"), row("1", priority="4"), row("1", priority="4")])
    assert (batch.created, batch.updated, batch.unchanged) == (1, 1, 1)
    assert Call.objects.get().priority == 4


@pytest.mark.parametrize(
    ("stored", "again", "counters", "last"),
    [
        # The first row of a number compares with the stored call, each later row with the row before it.
        ("1", ["1", "4"], (0, 1, 1), 4),
        ("1", ["2", "1"], (0, 2, 0), 1),
        ("1", ["2", "2", "1", "1"], (0, 2, 2), 1),
        ("1", ["1", "1"], (0, 0, 2), 1),
        ("1", ["4", "4"], (0, 1, 1), 4),
        (None, ["2", "1", "1"], (1, 1, 1), 1),
    ],
)
def test_a_number_repeated_in_a_file_counts_as_if_written_row_by_row(
    saved_profile, stored, again, counters, last
):
    profile = saved_profile()
    if stored is not None:
        run(profile, [row("1", priority=stored), row("2")])
    batch = run(profile, [row("2"), *[row("1", priority=priority) for priority in again]])
    # Less the row of number 2: created by this import when nothing was stored, else unchanged.
    two = (1, 0, 0) if stored is None else (0, 0, 1)
    assert (
        tuple(a - b for a, b in zip((batch.created, batch.updated, batch.unchanged), two, strict=True))
        == counters
    )
    assert Call.objects.get(incident_number="1").priority == last


def test_counting_is_the_same_across_chunk_boundaries(saved_profile, monkeypatch):
    profile = saved_profile()
    run(profile, [row("1", priority="1"), row("2")])
    rows = [row("1", priority="2"), row("1", priority="2"), row("2"), row("1", priority="1"), row("3")]
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 2)
    batch = run(profile, rows)
    assert (batch.created, batch.updated, batch.unchanged) == (1, 2, 2)
    assert Call.objects.get(incident_number="1").priority == 1


def test_same_numbers_from_two_sources_are_two_calls(saved_profile):
    run(saved_profile(), [row("1")])
    run(saved_profile(name="other", source="other-cad"), [row("1")])
    assert Call.objects.count() == 2


BAD_FILE = [
    row("1"),
    row("", priority="2"),  # line 3: no number
    row("3", time="01/03/2024"),  # line 4
    row("4", lon="-273.5", lat="45.5"),  # line 5
    row("5"),
    row("6"),
    row("7"),
    row("8", priority="urgent"),  # line 9
    row("9"),
    row("10"),
]


def test_all_or_nothing_keeps_nothing_and_reports_every_bad_row(saved_profile, english):
    batch = run(saved_profile(), BAD_FILE)
    assert batch.status == ImportBatch.Status.REJECTED
    assert Call.objects.count() == 0 and CallType.objects.count() == 0
    assert (batch.rows_read, batch.rejected, batch.created) == (10, 4, 0)
    assert batch.failure_message == "Bad rows were found, so nothing was imported (all or nothing)."
    assert report_rows(batch) == [
        ["line", "field", "value", "reason"],
        ["3", "id", "", "The incident number is missing."],
        ["4", "time", "01/03/2024", "The received time does not match the format ISO 8601."],
        ["5", "x", "-273.5", "The longitude is out of range."],
        ["9", "priority", "urgent", "The priority is not a whole number."],
    ]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REJECTED and batch.rejected == 4


def test_threshold_mode_skips_bad_rows_under_the_limit(saved_profile):
    batch = run(saved_profile(), BAD_FILE, mode=ImportBatch.Mode.THRESHOLD, max_bad_percent=40)
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert (batch.rows_read, batch.created, batch.rejected) == (10, 6, 4)
    assert sorted(Call.objects.values_list("incident_number", flat=True), key=int) == [
        "1",
        "5",
        "6",
        "7",
        "9",
        "10",
    ]
    assert len(report_rows(batch)) == 5


def test_threshold_mode_keeps_nothing_past_the_limit(saved_profile, english):
    batch = run(saved_profile(), BAD_FILE, mode=ImportBatch.Mode.THRESHOLD, max_bad_percent=39.99)
    assert batch.status == ImportBatch.Status.REJECTED
    assert Call.objects.count() == 0 and batch.created == 0
    assert "4 of 10 rows are bad, more than the 39.99 % allowed" in batch.failure_message


def test_long_values_are_truncated_in_the_report(saved_profile):
    batch = run(saved_profile(), [row("1", time="x" * 500)])
    value = report_rows(batch)[1][2]
    assert len(value) == 100 and value.endswith("…")


def test_the_report_stops_listing_after_ten_thousand_problems(saved_profile, monkeypatch, english):
    monkeypatch.setattr(outcome, "MAX_REPORTED_PROBLEMS", 3)
    batch = run(saved_profile(), [row("", time="") for _ in range(5)])
    assert batch.rejected == 5
    assert len(report_rows(batch)) == 1 + 3 + 1
    assert batch.error_report.rstrip().endswith("(7 more problems not listed)")


def test_counts_in_messages_agree_in_number(saved_profile, monkeypatch, english):
    monkeypatch.setattr(outcome, "MAX_REPORTED_PROBLEMS", 3)
    batch = run(saved_profile(), [row("", time="") for _ in range(2)])
    assert batch.error_report.rstrip().endswith("(1 more problem not listed)")

    rows = [row(str(n)) for n in range(9)] + [row("")]
    batch = run(saved_profile(name="other"), rows, mode=ImportBatch.Mode.THRESHOLD, max_bad_percent=5)
    assert batch.failure_message.startswith("1 row of 10 is bad, more than the 5 % allowed")


def test_a_crash_midway_leaves_no_half_batch(saved_profile, monkeypatch, english):
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 2)
    real_write = upsert.ChunkWriter.write_rows
    calls = []

    def write_then_crash(self, rows):
        calls.append(len(rows))
        if len(calls) == 3:
            raise OSError("disk full")
        real_write(self, rows)

    monkeypatch.setattr(upsert.ChunkWriter, "write_rows", write_then_crash)
    with pytest.raises(OSError, match="disk full"):
        run(saved_profile(), [row(str(n), code=f"T{n}") for n in range(10)])
    assert calls == [2, 2, 2]
    assert Call.objects.count() == 0 and CallType.objects.count() == 0
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.failure_message == "The import stopped on an error, and nothing was kept: OSError: disk full"
    assert batch.rows_read == 6 and batch.created == 0


def test_a_database_refusal_rolls_back_the_whole_batch(saved_profile, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 2)
    # A priority past a small integer passes parsing but the database refuses it, in the second chunk.
    monkeypatch.setattr("calls.parsing.RowParser.parse_row", _with_huge_priority_on("3"))
    with pytest.raises(Exception):  # noqa: B017 - the driver's own error class
        run(saved_profile(), [row(str(n)) for n in range(6)])
    assert Call.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


def test_a_database_refusal_is_reported_as_djangos_error(saved_profile, monkeypatch, english):
    from django.db import DataError

    monkeypatch.setattr("calls.parsing.RowParser.parse_row", _with_huge_priority_on("1"))
    with pytest.raises(DataError):
        run(saved_profile(), [row("1")])
    message = ImportBatch.objects.get().failure_message
    assert message.startswith("The import stopped on an error, and nothing was kept: DataError: ")


def _with_huge_priority_on(number):
    from calls.parsing import RowParser

    original = RowParser.parse_row

    def parse_row(self, line, raw):
        call, errors = original(self, line, raw)
        if call is not None and call.incident_number == number:
            call.priority = 10**6
        return call, errors

    return parse_row


def test_a_file_missing_a_column_is_rejected_with_the_batch_recorded(saved_profile, english):
    batch = run(saved_profile(), [], data=b"id,time\n1,2024-03-01\n")
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.failure_message.startswith("Columns missing from the file's header: code, label")
    assert batch.rows_read == 0


def test_an_xlsx_export_imports_like_a_csv(saved_profile, sectors):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "time", "code", "label", "priority", "origin", "x", "y", "sector"])
    sheet.append(
        [
            2011000272829,
            "2024-03-01 10:00:00",
            "10-50",
            "Collision",
            2,
            "911",
            ORIGIN_LON + 0.005,
            MID_LAT,
            "",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = run(saved_profile(), [], data=buffer.getvalue(), name="export.xlsx")
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.failure_message
    call = Call.objects.get()
    assert call.incident_number == "2011000272829" and call.sector.code == "WEST" and call.priority == 2


def test_the_demo_format_cp1252_semicolons_decimal_commas_mtm8(shipped_profile, sectors):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32188", always_xy=True).transform(
        EDGE_LON + 0.005, MID_LAT
    )
    header = "No_evenement;Date_heure_reception;Code_appel;Description_appel;Priorite;Origine;X_MTM8;Y_MTM8;Secteur"
    lines = [
        header,
        f"LGL-1;2024-07-01 02:30:00;VOL;Vol à l’étalage;3;TEL;{x:.2f};{y:.2f};".replace(".", ","),
        "LGL-2;2024-07-01 03:00:00;BRUIT;Bruit — voisinage;4;INITIATIVE;;;WEST",
    ]
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    batch = run(shipped_profile("longueuil-cad-demo"), [], data=data)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.error_report
    first, second = Call.objects.order_by("incident_number")
    assert (
        first.sector.code == "EAST" and first.origin == "phone" and first.call_type.label == "Vol à l’étalage"
    )
    assert first.received_at.isoformat() == "2024-07-01T06:30:00+00:00"
    assert (
        second.sector.code == "WEST"
        and second.placement == Placement.SOURCE_CODE
        and second.origin == "on_view"
    )


def test_the_command_prints_counters_and_fails_on_a_rejected_file(saved_profile, tmp_path, english):
    profile = saved_profile()
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([row("1"), row("2")]))
    out = io.StringIO()
    call_command("import_calls", str(good), "--profile", profile.name, stdout=out)
    assert "succeeded" in out.getvalue() and "created 2" in out.getvalue()

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row("3"), row("")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_calls", str(bad), "--profile", profile.name, stdout=out)
    assert "rejected 1" in out.getvalue() and "/report/" in out.getvalue()

    out = io.StringIO()
    call_command("import_calls", str(bad), "--profile", profile.name, "--max-bad-percent", "50", stdout=out)
    assert "created 1" in out.getvalue()
    assert Call.objects.count() == 3

    with pytest.raises(CommandError, match="No import profile named"):
        call_command("import_calls", str(good), "--profile", "nope")


def test_sectors_unused_by_calls_can_go_but_placed_calls_protect_theirs(saved_profile, sectors):
    from django.db.models import ProtectedError

    west, east = sectors
    run(saved_profile(), [row("1", lon=ORIGIN_LON + 0.005, lat=MID_LAT)])
    east.delete()
    with pytest.raises(ProtectedError):
        Sector.objects.filter(pk=west.pk).delete()

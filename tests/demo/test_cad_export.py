"""The synthetic CAD generator writes the agreed format, realistic calls and the bad rows it announces."""

import csv
import io
import tracemalloc
from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from demo.cad_export import BAD_KINDS, HEADER, QUOTED, GenerationSummary, write_demo_cad
from demo.cad_model import DEMO_CALL_TYPES, NON_URGENT, OTHER, URGENT
from demo.territory import demo_sector_collection

TYPES = {t.code: t for t in DEMO_CALL_TYPES}
ZONE = ZoneInfo("America/Toronto")


def generate(**options) -> tuple[bytes, GenerationSummary]:
    out = io.BytesIO()
    summary = write_demo_cad(out, **options)
    return out.getvalue(), summary


def records(data: bytes) -> list[list[str]]:
    """The records after the header, as Python's csv module reads them (an empty line gives [])."""
    reader = csv.reader(io.StringIO(data.decode("cp1252"), newline=""), delimiter=";")
    assert next(reader) == HEADER.split(";")
    return list(reader)


def number(text: str) -> float:
    return float(text.replace(",", "."))


@pytest.fixture(scope="module")
def sectors() -> list[tuple[str, str | None, shapely.Polygon]]:
    return [
        (f["properties"]["code"], f["properties"]["programme_started_on"], shape(f["geometry"]))
        for f in demo_sector_collection()["features"]
    ]


def locate(rows: list[list[str]], sectors) -> np.ndarray:
    """The code of the demo sector containing each row's point ("" when in none), via lon/lat."""
    to_lon_lat = Transformer.from_crs("EPSG:32188", "EPSG:4326", always_xy=True)
    lon, lat = to_lon_lat.transform([number(r[6]) for r in rows], [number(r[7]) for r in rows])
    found = np.full(len(rows), "", dtype=object)
    hits = np.zeros(len(rows), dtype=int)
    for code, _, polygon in sectors:
        inside = shapely.contains_xy(polygon, lon, lat)
        found[inside] = code
        hits += inside
    assert hits.max() <= 1
    return found


@pytest.fixture(scope="module")
def clean() -> tuple[list[list[str]], GenerationSummary]:
    data, summary = generate(rows=200_000, start=date(2023, 1, 1), end=date(2025, 6, 30), seed=7)
    return records(data), summary


@pytest.fixture(scope="module")
def messy() -> tuple[bytes, GenerationSummary]:
    return generate(
        rows=60_000, start=date(2024, 1, 1), end=date(2024, 12, 31), bad_row_rate=0.03, duplicate_rate=0.02
    )


def test_the_call_types_seed_a_mapping():
    assert 20 <= len(DEMO_CALL_TYPES) <= 30
    assert len(TYPES) == len(DEMO_CALL_TYPES)
    assert {t.urgency for t in DEMO_CALL_TYPES} == {URGENT, NON_URGENT, OTHER}
    for call_type in DEMO_CALL_TYPES:
        code, label_fr, label_en, _urgency, category = call_type
        assert code and label_en and category.replace("_", "").isalpha()
        label_fr.encode("cp1252")
    assert TYPES["VOLET"].label_fr == "Vol à l'étalage"


def test_the_file_is_windows_1252_with_semicolons_and_crlf():
    data, _ = generate(rows=5_000, start=date(2025, 1, 1), end=date(2025, 3, 31))
    assert data.startswith(HEADER.encode("cp1252") + b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert data.endswith(b"\r\n")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert "Bruit excessif" in text and "Accident avec blessés" in text
    rows = records(data)
    assert all(len(row) == 9 for row in rows)
    assert all(row[0].startswith("LGL-2025-") and len(row[0]) == 16 for row in rows)
    assert {row[5] for row in rows} == {"911", "TEL", "INITIATIVE"}


def test_it_writes_the_requested_number_of_records():
    for rows in (0, 1, 12_345):
        data, summary = generate(
            rows=rows, start=date(2024, 6, 1), end=date(2024, 6, 30), bad_row_rate=0.05, duplicate_rate=0.05
        )
        assert len(records(data)) == summary.rows == rows
        assert summary.valid_rows == rows - summary.bad_rows - summary.duplicates
        assert sum(summary.per_sector.values()) == summary.valid_rows


def test_a_seed_gives_the_same_bytes():
    options = {"rows": 3_000, "start": date(2024, 1, 1), "end": date(2024, 12, 31), "bad_row_rate": 0.01}
    assert generate(**options, seed=1)[0] == generate(**options, seed=1)[0]
    assert generate(**options, seed=1)[0] != generate(**options, seed=2)[0]


def test_times_are_ordered_within_the_range_and_exist_locally():
    # March 2024 has the spring gap (10 March, 02:00 → 03:00) and a start of day at the range's ends.
    data, summary = generate(rows=50_000, start=date(2024, 3, 1), end=date(2024, 3, 31))
    times = [row[1] for row in records(data)]
    assert times == sorted(times)
    assert times[0] >= "2024-03-01 00:00:00" and times[-1] <= "2024-03-31 23:59:59"
    assert not [t for t in times if t.startswith("2024-03-10 02:")]
    for text in times[::97]:
        wall = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
        assert wall.replace(tzinfo=ZONE).astimezone(UTC).astimezone(ZONE).replace(tzinfo=None) == wall
    assert summary.first_received == datetime.fromisoformat(times[0])
    assert summary.last_received == datetime.fromisoformat(times[-1])
    # Calls happened around the gap, on both sides of it.
    assert [t for t in times if t.startswith("2024-03-10 01:")] and [
        t for t in times if t.startswith("2024-03-10 03:")
    ]


def test_points_lie_in_the_territory_and_the_sector_column_mostly_agrees(clean, sectors):
    rows, summary = clean
    placed = [row for row in rows if row[6]]
    assert 0.03 < 1 - len(placed) / len(rows) < 0.04
    assert all(not row[7] for row in rows if not row[6])
    found = locate(placed, sectors)
    assert (found != "").all()
    agreement = np.mean([row[8] == code for row, code in zip(placed, found, strict=True)])
    assert 0.93 < agreement < 0.95
    assert 0.045 < np.mean([row[8] == "" for row in rows]) < 0.055
    assert summary.without_coordinates == len(rows) - len(placed)
    # The summary counts every valid row by the sector it was drawn in.
    computed = Counter(found.tolist())
    for code, count in summary.per_sector.items():
        assert 0.95 < computed[code] / count < 0.98
    # More calls where more people live.
    populations = {
        f["properties"]["code"]: f["properties"]["population"] for f in demo_sector_collection()["features"]
    }
    assert np.corrcoef([populations[c] for c in computed], list(computed.values()))[0, 1] > 0.5


def test_priority_and_origin_follow_urgency(clean):
    rows, _ = clean
    bands = {URGENT: {"1", "2"}, NON_URGENT: {"3", "4"}, OTHER: {"4", "5"}}
    assert all(row[4] in bands[TYPES[row[2]].urgency] for row in rows)
    urgent = [row[5] for row in rows if TYPES[row[2]].urgency == URGENT]
    assert Counter(urgent)["911"] / len(urgent) > 0.8


def test_seasons_and_hours_are_realistic(clean):
    rows, _ = clean
    month = Counter((row[2], row[1][5:7]) for row in rows if row[1].startswith("2024"))
    assert month["BRUIT", "07"] > 1.6 * month["BRUIT", "01"]
    assert month["ACCMA", "01"] > 1.4 * month["ACCMA", "07"]
    hour = Counter((row[2], int(row[1][11:13])) for row in rows)
    assert hour["BRUIT", 23] > 4 * hour["BRUIT", 10]
    assert hour["VOLET", 15] > 10 * hour["VOLET", 4]


def test_non_urgent_calls_fall_in_programme_sectors_only(clean, sectors):
    rows, _ = clean
    rows = [row for row in rows if row[6]]
    started = {code: started_on for code, started_on, _ in sectors}
    counts = Counter()
    for row, code in zip(rows, locate(rows, sectors), strict=True):
        period = {"2023": "before", "2025": "after"}.get(row[1][:4])  # January to June of each year
        if period and row[1][5:7] <= "06" and started[code] in ("2023-09-01", None):
            group = "programme" if started[code] else "comparison"
            counts[group, TYPES[row[2]].urgency, period] += 1

    def change(group, urgency):
        return counts[group, urgency, "after"] / counts[group, urgency, "before"]

    non_urgent = change("programme", NON_URGENT) / change("comparison", NON_URGENT)
    urgent = change("programme", URGENT) / change("comparison", URGENT)
    assert 0.78 < non_urgent < 0.92
    assert 0.92 < urgent < 1.08


def test_bad_rows_come_in_every_kind_at_the_requested_rate(messy, sectors):
    data, summary = messy
    rows = records(data)
    assert abs((summary.bad_rows + summary.quoted_rows) / summary.rows - 0.03) < 0.004
    assert set(summary.bad_kinds) == {*BAD_KINDS, QUOTED}
    assert min(summary.bad_kinds.values()) > 150

    def numeric(text):
        try:
            number(text)
        except ValueError:
            return False
        return True

    seen = Counter()
    minx, miny, maxx, maxy = 290_000, 5_020_000, 330_000, 5_060_000  # the territory's box, generously
    for row in rows:
        if not row:
            seen["empty_line"] += 1
        elif not row[0]:
            seen["missing_id"] += 1
        elif not row[1][:4].isdigit() or not _parses(row[1]):
            seen["bad_date"] += 1
        elif row[6] and not (numeric(row[6]) and numeric(row[7])):
            seen["non_numeric_coordinates"] += 1
        elif row[6] and not (minx < number(row[6]) < maxx and miny < number(row[7]) < maxy):
            seen["far_coordinates"] += 1
        elif "\n" in row[3]:
            seen[QUOTED] += 1
    assert seen == summary.bad_kinds
    assert summary.bad_rows == sum(seen[kind] for kind in BAD_KINDS)


def _parses(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True


def test_a_quoted_newline_and_semicolon_stay_in_one_field(messy):
    data, summary = messy
    quoted = [row for row in records(data) if row and "\n" in row[3]]
    assert len(quoted) == summary.quoted_rows > 0
    for row in quoted:
        assert len(row) == 9 and ";" in row[3] and '"c\'est urgent"' in row[3]
        assert row[3].split(";")[0] in {t.label_fr for t in DEMO_CALL_TYPES}
    # Records end with CRLF; the newline inside the field is a bare LF (Alt+Enter in a spreadsheet cell), so a
    # reader splitting lines naively sees one line more per quoted record.
    assert data.count(b"\r\n") - 1 == summary.rows
    assert data.count(b"\n") - 1 - summary.rows == summary.quoted_rows


def test_duplicates_repeat_earlier_incidents(messy):
    data, summary = messy
    rows = [row for row in records(data) if row and row[0]]
    first_seen, repeats, changed = {}, 0, 0
    for position, row in enumerate(rows):
        if row[0] in first_seen:
            original = rows[first_seen[row[0]]]
            assert (row[1], row[2], row[6], row[7]) == (original[1], original[2], original[6], original[7])
            repeats += 1
            changed += row[4] != original[4]
        else:
            first_seen[row[0]] = position
    assert repeats == summary.duplicates
    assert abs(repeats / summary.rows - 0.02) < 0.004
    assert 0.15 < changed / repeats < 0.45


def test_memory_stays_flat_as_the_file_grows():
    class Sink:
        def write(self, chunk: bytes) -> int:
            return len(chunk)

    options = {
        "start": date(2024, 1, 1),
        "end": date(2025, 12, 31),
        "bad_row_rate": 0.001,
        "duplicate_rate": 0.001,
    }
    write_demo_cad(Sink(), rows=100, **options)  # warm the territory cache
    peaks = {}
    for rows in (10_000, 100_000):
        tracemalloc.start()
        write_demo_cad(Sink(), rows=rows, **options)
        peaks[rows] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peaks[100_000] < 2 * peaks[10_000] + 2_000_000, peaks


def test_it_refuses_nonsense():
    with pytest.raises(ValueError):
        write_demo_cad(io.BytesIO(), rows=10, start=date(2024, 2, 1), end=date(2024, 1, 1))
    with pytest.raises(ValueError):
        write_demo_cad(io.BytesIO(), rows=10, start=date(2024, 1, 1), end=date(2024, 2, 1), bad_row_rate=0.6)

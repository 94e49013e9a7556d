"""Monthly counts against counts made independently in the test: month boundaries in the service's zone, DST,
unplaced calls, idempotence, incremental updates after imports, reclassification."""

import random
from collections import Counter
from datetime import UTC, date, datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from calls.counts import counts_recompute, counts_update_for_batch
from calls.models import (
    Call,
    CallCategory,
    CallCountsState,
    CallType,
    ImportBatch,
    MonthlyCallCount,
    Placement,
    Urgency,
)
from calls.services.ingest import calls_import
from config.celery import app
from tests.beats.factories import SectorFactory, square
from tests.calls.conftest import csv_bytes

TORONTO = ZoneInfo("America/Toronto")
_numbers = count(1)


def make_call(at: datetime, *, call_type=None, sector=None, **fields) -> Call:
    """A call as an import leaves it (only what the counts read matters)."""
    return Call.objects.create(
        source=fields.pop("source", "test-cad"),
        incident_number=fields.pop("incident_number", f"T{next(_numbers)}"),
        received_at=at,
        call_type=call_type,
        sector=sector,
        placement=Placement.INSIDE if sector else Placement.UNPLACED,
        row_hash="-",
        **fields,
    )


def make_type(code: str, urgency=Urgency.NON_URGENT, category=None) -> CallType:
    return CallType.objects.create(source="test-cad", code=code, urgency=urgency, category=category)


def local(*args, **kwargs) -> datetime:
    return datetime(*args, tzinfo=TORONTO, **kwargs)


def stored_counts() -> dict[tuple, int]:
    rows = MonthlyCallCount.objects.values_list("month", "sector_id", "urgency", "category_id", "count")
    result = {}
    for month, sector_id, urgency, category_id, n in rows:
        key = (month, sector_id, urgency, category_id)
        assert key not in result, f"two rows for {key}"
        result[key] = n
    return result


def expected_counts(calls=None) -> dict[tuple, int]:
    """Counted here, call by call, in Python: the month is the local calendar month in Toronto."""
    expected = Counter()
    for call in calls if calls is not None else Call.objects.select_related("call_type"):
        moment = call.received_at.astimezone(TORONTO)
        urgency = call.call_type.urgency if call.call_type else Urgency.UNMAPPED
        category = call.call_type.category_id if call.call_type else None
        expected[(date(moment.year, moment.month, 1), call.sector_id, urgency, category)] += 1
    return dict(expected)


@pytest.fixture
def eager():
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.mark.django_db
def test_a_call_late_on_the_last_evening_of_a_month_counts_in_that_month():
    sector = SectorFactory()
    kind = make_type("BRUIT")
    # 23:30 on 31 January in Toronto is 04:30 on 1 February in UTC.
    late = make_call(local(2024, 1, 31, 23, 30), call_type=kind, sector=sector)
    assert late.received_at.astimezone(UTC).month == 2
    make_call(local(2024, 2, 1, 0, 0), call_type=kind, sector=sector)
    make_call(local(2023, 12, 31, 23, 59, 59), call_type=kind, sector=sector)

    counts_recompute()

    assert stored_counts() == {
        (date(2023, 12, 1), sector.pk, "non_urgent", None): 1,
        (date(2024, 1, 1), sector.pk, "non_urgent", None): 1,
        (date(2024, 2, 1), sector.pk, "non_urgent", None): 1,
    }


@pytest.mark.django_db
def test_month_boundaries_hold_across_daylight_saving_time():
    kind = make_type("VOL", Urgency.URGENT)
    moments = [
        local(2024, 3, 10, 1, 59),  # the night clocks go forward (EST → EDT)
        local(2024, 3, 10, 3, 0),
        local(2024, 3, 31, 23, 30),  # EDT: 03:30 UTC on 1 April
        local(2024, 4, 1, 0, 0),
        local(2024, 10, 31, 23, 59),  # still EDT
        local(2024, 11, 3, 1, 30),  # the hour that happens twice (first pass, EDT)
        local(2024, 11, 3, 1, 30, fold=1),  # second pass, EST
        local(2024, 11, 30, 23, 45),  # EST: 04:45 UTC on 1 December
    ]
    for moment in moments:
        make_call(moment, call_type=kind)

    counts_recompute()

    assert stored_counts() == expected_counts()
    assert stored_counts() == {
        (date(2024, 3, 1), None, "urgent", None): 3,
        (date(2024, 4, 1), None, "urgent", None): 1,
        (date(2024, 10, 1), None, "urgent", None): 1,
        (date(2024, 11, 1), None, "urgent", None): 3,
    }


@pytest.mark.django_db
def test_counts_match_an_independent_count_unplaced_and_unmapped_included():
    rng = random.Random(5)
    sectors = [SectorFactory() for _ in range(3)]
    theft = CallCategory.objects.create(slug="theft", name_fr="Vol", name_en="Theft")
    noise = CallCategory.objects.create(slug="noise", name_fr="Bruit", name_en="Noise")
    types = [
        make_type("A", Urgency.URGENT, theft),
        make_type("B", Urgency.NON_URGENT, noise),
        make_type("C", Urgency.OTHER, None),
        make_type("D", Urgency.UNMAPPED, None),
        None,  # a call without a type
    ]
    calls = []
    for _ in range(400):
        moment = (
            datetime(2023, 1, 1, tzinfo=UTC)
            + (datetime(2025, 1, 1, tzinfo=UTC) - datetime(2023, 1, 1, tzinfo=UTC)) * rng.random()
        )
        calls.append(make_call(moment, call_type=rng.choice(types), sector=rng.choice([*sectors, None])))

    counts_recompute()

    expected = expected_counts()
    assert stored_counts() == expected
    assert sum(expected.values()) == 400
    # Unplaced calls have rows of their own; nothing is dropped from the totals.
    unplaced = sum(1 for call in calls if call.sector is None)
    assert (
        unplaced and sum(n for (_, sector, _, _), n in stored_counts().items() if sector is None) == unplaced
    )


@pytest.mark.django_db
def test_recomputing_twice_gives_the_same_rows():
    kind = make_type("A")
    sector = SectorFactory()
    for day in range(1, 28, 3):
        make_call(local(2024, 5, day, 12), call_type=kind, sector=sector)
        make_call(local(2024, 6, day, 12), call_type=kind)

    counts_recompute()
    first = stored_counts()
    counts_recompute()
    assert stored_counts() == first == expected_counts()
    counts_recompute(months=[date(2024, 6, 1)])
    assert stored_counts() == first
    assert MonthlyCallCount.objects.count() == 2
    assert CallCountsState.objects.get().recomputed_at is not None


@pytest.mark.django_db
def test_recomputing_some_months_leaves_the_others_alone():
    kind = make_type("A")
    make_call(local(2024, 1, 15, 12), call_type=kind)
    make_call(local(2024, 2, 15, 12), call_type=kind)
    make_call(local(2024, 3, 15, 12), call_type=kind)
    counts_recompute()
    MonthlyCallCount.objects.filter(month=date(2024, 1, 1)).update(count=99)
    MonthlyCallCount.objects.filter(month=date(2024, 3, 1)).update(count=99)
    make_call(local(2024, 2, 29, 23, 59), call_type=kind)  # leap day, late evening

    counts_recompute(months=[date(2024, 2, 17), date(2024, 3, 1)])  # any day names its month

    assert {month: n for (month, *_), n in stored_counts().items()} == {
        date(2024, 1, 1): 99,
        date(2024, 2, 1): 2,
        date(2024, 3, 1): 1,
    }


@pytest.mark.django_db
def test_the_command_recomputes_a_range_of_months_or_everything():
    kind = make_type("A")
    for month in (1, 2, 3, 4):
        make_call(local(2024, month, 10, 12), call_type=kind)
    counts_recompute()
    MonthlyCallCount.objects.update(count=7)

    call_command("recompute_call_stats", "--from", "2024-02", "--to", "2024-03", verbosity=0)
    assert sorted(n for n in stored_counts().values()) == [1, 1, 7, 7]

    call_command("recompute_call_stats", verbosity=0)
    assert stored_counts() == expected_counts()


# --- after imports --------------------------------------------------------------------------------------------


def _import(profile, rows, name):
    batch = calls_import(profile=profile, file=csv_bytes_io(rows), file_name=name)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.failure_message
    return batch


def csv_bytes_io(rows):
    import io

    return io.BytesIO(csv_bytes(rows))


def cad_row(number, when, code, lon=None, lat=None, sector=""):
    return [
        number,
        when,
        code,
        code,
        "2",
        "911",
        "" if lon is None else lon,
        "" if lat is None else lat,
        sector,
    ]


@pytest.mark.django_db
def test_an_import_updates_the_counts_of_its_months_in_its_own_transaction(saved_profile):
    profile = saved_profile()
    sector = SectorFactory(code="NORD", geometry=square(-73.50, 45.50))  # 0.01° wide
    rows = [
        cad_row("1", "2024-01-31T23:30:00", "BRUIT", -73.495, 45.505),
        cad_row("2", "2024-02-01T08:00:00", "BRUIT", None, None, "NORD"),
        cad_row("3", "2024-02-02T08:00:00", "VOL", -70.0, 45.0),  # outside the territory: unplaced
    ]

    batch = _import(profile, rows, "first.csv")

    assert stored_counts() == expected_counts()
    assert stored_counts() == {
        (date(2024, 1, 1), sector.pk, "unmapped", None): 1,
        (date(2024, 2, 1), sector.pk, "unmapped", None): 1,
        (date(2024, 2, 1), None, "unmapped", None): 1,
    }
    assert CallCountsState.objects.get().sector_map_version_id == batch.sector_map_version_id


@pytest.mark.django_db
def test_incremental_counts_after_a_second_import_equal_a_full_recomputation(saved_profile):
    profile = saved_profile()
    SectorFactory(code="NORD", geometry=square(-73.50, 45.50))
    SectorFactory(code="SUD", geometry=square(-73.48, 45.50))
    _import(
        profile,
        [
            cad_row("1", "2024-01-10T10:00:00", "BRUIT", -73.495, 45.505),
            cad_row("2", "2024-01-20T10:00:00", "VOL", -73.475, 45.505),
            cad_row("3", "2024-02-10T10:00:00", "VOL", None, None),
            cad_row("4", "2024-03-10T10:00:00", "BRUIT", -73.475, 45.505),
        ],
        "first.csv",
    )
    # Mapping a type between the two imports (no worker here: the counts catch up on the next import's months).
    CallType.objects.filter(code="VOL").update(urgency=Urgency.URGENT)
    _import(
        profile,
        [
            cad_row("2", "2024-01-20T10:00:00", "VOL", -73.495, 45.505),  # moved to the other sector
            cad_row("4", "2024-04-01T00:30:00", "BRUIT", -73.475, 45.505),  # its time moved to April
            cad_row("5", "2024-04-30T23:30:00", "BRUIT", None, None, "SUD"),
        ],
        "second.csv",
    )
    incremental = stored_counts()
    assert sum(incremental.values()) == Call.objects.count() == 5

    counts_recompute()

    assert stored_counts() == incremental == expected_counts()


@pytest.mark.django_db
def test_a_rejected_import_leaves_the_counts_alone(saved_profile):
    profile = saved_profile()
    _import(profile, [cad_row("1", "2024-01-10T10:00:00", "BRUIT")], "first.csv")
    before = stored_counts()

    batch = calls_import(
        profile=profile,
        file=csv_bytes_io([cad_row("2", "2024-02-10T10:00:00", "BRUIT"), cad_row("3", "not a time", "X")]),
        file_name="bad.csv",
    )

    assert batch.status == ImportBatch.Status.REJECTED
    assert stored_counts() == before


@pytest.mark.django_db
def test_counts_update_for_a_batch_without_calls_does_nothing(saved_profile):
    profile = saved_profile()
    batch = ImportBatch.objects.create(profile=profile, file_name="empty.csv")
    assert counts_update_for_batch(batch) == []
    assert not MonthlyCallCount.objects.exists()


# --- reclassification -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reclassifying_a_call_type_moves_its_counts(eager, django_capture_on_commit_callbacks):
    theft = CallCategory.objects.create(slug="theft", name_fr="Vol", name_en="Theft")
    kind = make_type("VOL", Urgency.UNMAPPED)
    other = make_type("BRUIT", Urgency.NON_URGENT)
    sector = SectorFactory()
    make_call(local(2024, 1, 5, 12), call_type=kind, sector=sector)
    make_call(local(2024, 1, 6, 12), call_type=kind, sector=sector)
    make_call(local(2024, 3, 6, 12), call_type=kind)
    make_call(local(2024, 2, 6, 12), call_type=other)
    counts_recompute()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        kind.urgency = Urgency.URGENT
        kind.category = theft
        kind.save()
    assert len(callbacks) == 1

    assert (
        stored_counts()
        == expected_counts()
        == {
            (date(2024, 1, 1), sector.pk, "urgent", theft.pk): 2,
            (date(2024, 3, 1), None, "urgent", theft.pk): 1,
            (date(2024, 2, 1), None, "non_urgent", None): 1,
        }
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        kind.label = "Vol simple"  # not a classification change: nothing to recompute
        kind.save()
    assert callbacks == []

    with django_capture_on_commit_callbacks(execute=True):
        theft.delete()
    assert stored_counts() == expected_counts()
    assert (date(2024, 1, 1), sector.pk, "urgent", None) in stored_counts()


@pytest.mark.django_db
def test_reclassifying_from_the_admin_list_recomputes(
    eager, django_capture_on_commit_callbacks, admin_client_fr
):
    kind = make_type("VOL", Urgency.UNMAPPED)
    make_call(local(2024, 1, 5, 12), call_type=kind)
    counts_recompute()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_fr.post(
            reverse("admin:calls_calltype_changelist"),
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": str(kind.pk),
                "form-0-urgency": "urgent",
                "form-0-category": "",
                "_save": "1",
            },
        )
    assert response.status_code == 302, response.content[:500]

    assert stored_counts() == {(date(2024, 1, 1), None, "urgent", None): 1}


@pytest.mark.django_db
def test_the_counts_are_read_only_in_the_admin(admin_client_fr):
    make_call(local(2024, 1, 5, 12), call_type=make_type("A"))
    counts_recompute()
    assert admin_client_fr.get(reverse("admin:calls_monthlycallcount_changelist")).status_code == 200
    assert admin_client_fr.get(reverse("admin:calls_monthlycallcount_add")).status_code == 403

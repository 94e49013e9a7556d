"""`seed_demo`'s calls: the demo call-type mapping and two years of synthetic calls, imported like an upload."""

import datetime
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from beats.models import Sector
from calls.models import Call, CallCategory, CallType, ImportBatch, ImportProfile, Placement, Urgency
from demo.cad_export import write_demo_cad
from demo.cad_model import DEMO_CALL_TYPES
from demo.calls import (
    DEMO_BAD_ROW_RATE,
    DEMO_CALL_SEED,
    demo_call_window,
    demo_profile,
    demo_seed_call_types,
    demo_seed_calls,
)
from demo.services import demo_seed, demo_seed_sectors

pytestmark = pytest.mark.django_db

ROWS = 3000
TODAY = datetime.date(2026, 3, 15)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shipped_demo_profile():
    """The shipped profile, made again if a transactional test flushed the data migration's rows away."""
    import importlib

    from calls.models import ImportProfile

    migration = importlib.import_module("calls.migrations.0002_shipped_profiles")
    if not ImportProfile.objects.filter(name="longueuil-cad-demo").exists():
        ImportProfile.objects.create(name="longueuil-cad-demo", **migration.PROFILES["longueuil-cad-demo"])


@pytest.fixture
def seeded(shipped_demo_profile):
    demo_seed_sectors()
    demo_seed_call_types()
    return demo_seed_calls(today=TODAY, rows=ROWS)


def test_the_demo_profile_is_made_again_when_it_was_deleted():
    ImportProfile.objects.filter(name="longueuil-cad-demo").delete()

    assert demo_profile().source == "longueuil-cad"
    assert ImportProfile.objects.get(name="longueuil-cad-demo").coordinates_epsg == 32188


def test_the_window_is_the_24_full_months_before_today():
    assert demo_call_window(datetime.date(2026, 3, 15)) == (
        datetime.date(2024, 3, 1),
        datetime.date(2026, 2, 28),
    )
    assert demo_call_window(datetime.date(2026, 1, 1)) == (
        datetime.date(2024, 1, 1),
        datetime.date(2025, 12, 31),
    )


def test_every_demo_call_type_is_mapped_to_its_category_and_urgency(shipped_demo_profile):
    counts = demo_seed_call_types()

    source = demo_profile().source
    mapped = {
        call_type.code: (call_type.urgency, call_type.category.slug, call_type.label)
        for call_type in CallType.objects.filter(source=source).select_related("category")
    }
    assert mapped == {t.code: (t.urgency, t.category, t.label_fr) for t in DEMO_CALL_TYPES}
    assert counts["call_types_created"] == len(DEMO_CALL_TYPES)
    assert counts["call_categories_created"] == len({t.category for t in DEMO_CALL_TYPES})
    assert all(CallCategory.objects.get(slug=t.category).name_fr for t in DEMO_CALL_TYPES)
    with translation.override("en"):
        assert CallCategory.objects.get(slug="traffic").name == "Traffic"


def test_the_calls_are_imported_and_placed_in_the_demo_sectors(seeded):
    batch = ImportBatch.objects.get()
    summary = write_demo_cad(
        io.BytesIO(), rows=ROWS, start=datetime.date(2024, 3, 1), end=datetime.date(2026, 2, 28),
        seed=DEMO_CALL_SEED, bad_row_rate=DEMO_BAD_ROW_RATE,
    )  # fmt: skip

    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.failure_message
    assert batch.mode == ImportBatch.Mode.THRESHOLD
    assert seeded["calls_created"] == batch.created == summary.valid_rows == Call.objects.count()
    assert seeded["calls_rejected"] == batch.rejected
    local_days = {timezone.localtime(at).date() for at in Call.objects.values_list("received_at", flat=True)}
    assert min(local_days) >= datetime.date(2024, 3, 1)
    assert max(local_days) <= datetime.date(2026, 2, 28)
    # Every call has a demo call type, mapped: nothing is left for the analyst to map.
    assert not Call.objects.filter(call_type__isnull=True).exists()
    assert not Call.objects.filter(call_type__urgency=Urgency.UNMAPPED).exists()
    # In a demo sector, except calls without coordinates whose source sector code is blank or unknown.
    codes = {code.upper() for code in Sector.objects.values_list("code", flat=True)}
    unplaced = Call.objects.filter(sector__isnull=True)
    assert unplaced.count() == batch.unplaced == seeded["calls_unplaced"] > 0
    assert all(
        lon is None and code.upper() not in codes
        for lon, code in unplaced.values_list("lon", "source_sector_code")
    )
    assert not unplaced.exclude(placement=Placement.UNPLACED).exists()
    assert batch.outside_territory == 0
    assert batch.without_coordinates == summary.without_coordinates
    placed = Call.objects.filter(sector__isnull=False)
    by_code = placed.filter(placement=Placement.SOURCE_CODE)
    assert by_code.count() == batch.without_coordinates - batch.unplaced
    assert not by_code.filter(lon__isnull=False).exists()
    assert not placed.filter(lon__isnull=False).exclude(placement=Placement.INSIDE).exists()
    assert set(placed.values_list("sector__code", flat=True)) == set(summary.per_sector)
    # The few bad rows left in on purpose are listed in the batch's error report, by line.
    assert batch.rejected > 0
    assert batch.error_report.count("\n") > batch.rejected


def test_seeding_again_imports_nothing_and_adds_no_batch(seeded):
    rows = list(Call.objects.order_by("pk").values_list("pk", "incident_number", "row_hash", "batch_id"))

    again = demo_seed_calls(today=TODAY, rows=ROWS)

    assert (again["calls_created"], again["calls_updated"]) == (0, 0)
    assert again["calls_unchanged"] == seeded["calls_created"]
    assert again["calls_already_imported"] is True
    assert ImportBatch.objects.count() == 1
    assert (
        list(Call.objects.order_by("pk").values_list("pk", "incident_number", "row_hash", "batch_id")) == rows
    )


def test_the_same_file_imported_again_changes_nothing(seeded):
    # Were the first batch's record gone, the file is imported again: every row is found unchanged.
    ImportBatch.objects.update(checksum="")

    again = demo_seed_calls(today=TODAY, rows=ROWS)

    assert again["calls_already_imported"] is False
    assert (again["calls_created"], again["calls_updated"]) == (0, 0)
    assert again["calls_unchanged"] == seeded["calls_created"] == Call.objects.count()


def test_an_analysts_mapping_survives_seeding_again(seeded):
    source = demo_profile().source
    CallType.objects.filter(source=source, code="BRUIT").update(
        urgency=Urgency.OTHER, category=CallCategory.objects.get(slug="prevention")
    )
    CallType.objects.filter(source=source, code="ALARM").update(label="Alarme (système)")
    CallCategory.objects.filter(slug="traffic").update(name_fr="Routes")

    counts = demo_seed_call_types()

    noise = CallType.objects.select_related("category").get(source=source, code="BRUIT")
    assert (noise.urgency, noise.category.slug) == (Urgency.OTHER, "prevention")
    assert CallType.objects.get(source=source, code="ALARM").label == "Alarme (système)"
    assert CallCategory.objects.get(slug="traffic").name_fr == "Routes"
    assert counts == {"call_categories_created": 0, "call_types_created": 0, "call_types_mapped": 0}


def test_a_call_type_an_import_met_first_is_mapped_but_not_one_an_analyst_mapped(shipped_demo_profile):
    source = demo_profile().source
    CallType.objects.create(
        source=source, code="VDF", label="Voies de fait"
    )  # unmapped, as an import leaves it
    CallType.objects.create(
        source=source, code="BRUIT", label="Bruit", urgency=Urgency.URGENT
    )  # an analyst's

    counts = demo_seed_call_types()

    assert CallType.objects.get(source=source, code="VDF").urgency == Urgency.URGENT
    assert CallType.objects.get(source=source, code="VDF").category.slug == "violence"
    assert CallType.objects.get(source=source, code="BRUIT").urgency == Urgency.URGENT
    assert CallType.objects.get(source=source, code="BRUIT").category is None
    assert (counts["call_types_created"], counts["call_types_mapped"]) == (len(DEMO_CALL_TYPES) - 2, 1)


def test_demo_seed_imports_the_calls_after_the_rest_and_says_so(shipped_demo_profile):
    counts = demo_seed(admin_username="admin", admin_password="a-long-demo-password-2026", call_rows=ROWS)

    assert counts["call_types_created"] == len(DEMO_CALL_TYPES)
    assert counts["calls_created"] == Call.objects.count() > 0.99 * ROWS
    assert (
        Call.objects.filter(sector__isnull=False).count()
        == counts["calls_created"] - counts["calls_unplaced"]
    )


def test_no_calls_when_asked_for_none(shipped_demo_profile, settings):
    settings.DEMO_CALL_ROWS = 5000  # the argument wins over the setting
    demo_seed_sectors()
    demo_seed_call_types()

    counts = demo_seed_calls(today=TODAY, rows=0)

    assert not any(counts.values())
    assert not Call.objects.exists()
    assert not ImportBatch.objects.exists()


def test_the_command_prints_the_calls(shipped_demo_profile, settings):
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", "--admin-password=a-long-demo-password-2026", f"--calls={ROWS}", stdout=out)
        call_command("seed_demo", "--admin-password=a-long-demo-password-2026", f"--calls={ROWS}", stdout=out)
    text = out.getvalue()

    created = Call.objects.count()
    assert f"Call types: {len(DEMO_CALL_TYPES)} created, 0 mapped" in text
    assert f"911 calls: {created} created, 0 updated" in text
    assert "already imported" in text

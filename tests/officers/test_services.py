"""The coverage rules: in the services (clear messages) and in PostgreSQL itself (exclusion constraints)."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from officers.models import Absence, Assignment, CoverageChange, Officer
from officers.phones import display_phone, normalise_phone
from officers.services.absences import absence_cancel, absence_plan, absence_update
from officers.services.assignments import assignment_create, assignment_end, sector_reassign
from officers.services.officers import officer_save
from tests.beats.factories import SectorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = datetime.date


def officer(badge, first="Julie", last="Tremblay", **fields):
    return Officer.objects.create(badge_number=badge, first_name=first, last_name=last, **fields)


@pytest.fixture
def unit():
    return {
        "julie": officer("100", "Julie", "Tremblay"),
        "marc": officer("101", "Marc", "Gagnon"),
        "amina": officer("102", "Amina", "Haddad"),
        "north": SectorFactory(code="N1"),
        "south": SectorFactory(code="S1"),
    }


def messages(call, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.messages


# --- assignments ------------------------------------------------------------------------------------------


def test_a_second_primary_officer_on_the_same_days_is_refused_naming_the_first(unit):
    first = assignment_create(officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1))
    [message] = messages(
        assignment_create, officer=unit["marc"], sector=unit["north"], starts_on=D(2025, 6, 1)
    )
    assert message == (
        "Sector N1 already has a primary officer on those dates: Julie Tremblay, primary in N1 from 2025-01-01 "
        f"until further notice (assignment #{first.pk})."
    )
    assert Assignment.objects.count() == 1


def test_an_officer_cannot_be_primary_in_two_sectors_at_once(unit):
    assignment_create(
        officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1), ends_on=D(2025, 3, 31)
    )
    [message] = messages(
        assignment_create, officer=unit["julie"], sector=unit["south"], starts_on=D(2025, 3, 31)
    )
    assert message.startswith(
        "Julie Tremblay is already the primary officer of another sector on those dates"
    )
    # The day after the first one ends is fine: end dates are inclusive.
    assignment_create(officer=unit["julie"], sector=unit["south"], starts_on=D(2025, 4, 1))


def test_secondary_officers_may_share_a_sector_but_not_twice_the_same(unit):
    assignment_create(officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1))
    assignment_create(officer=unit["amina"], sector=unit["north"], role="secondary", starts_on=D(2025, 1, 1))
    assignment_create(officer=unit["amina"], sector=unit["south"], role="secondary", starts_on=D(2025, 1, 1))
    [message] = messages(
        assignment_create,
        officer=unit["amina"],
        sector=unit["north"],
        role="secondary",
        starts_on=D(2025, 5, 1),
    )
    assert "Amina Haddad is already assigned to N1 on those dates" in message


def test_dates_and_inactive_rows_are_checked(unit):
    assert messages(
        assignment_create,
        officer=unit["julie"],
        sector=unit["north"],
        starts_on=D(2025, 2, 1),
        ends_on=D(2025, 1, 1),
    ) == ["The last day comes before the first day."]
    unit["marc"].is_active = False
    unit["marc"].save()
    assert messages(
        assignment_create, officer=unit["marc"], sector=unit["north"], starts_on=D(2025, 1, 1)
    ) == ["Marc Gagnon is not active."]


def test_reassigning_a_sector_ends_the_current_primary_the_day_before(unit, make_staff):
    sergeant = make_staff("sergeant")
    old = assignment_create(officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1))
    new = sector_reassign(sector=unit["north"], officer=unit["marc"], starts_on=D(2025, 9, 1), actor=sergeant)
    old.refresh_from_db()
    assert old.ends_on == D(2025, 8, 31)
    assert (new.officer, new.starts_on, new.ends_on, new.assigned_by) == (
        unit["marc"],
        D(2025, 9, 1),
        None,
        sergeant,
    )
    actions = list(CoverageChange.objects.order_by("id").values_list("action", "actor__username"))
    assert actions == [
        ("assignment_created", None),
        ("assignment_ended", "sergeant"),
        ("assignment_created", "sergeant"),
    ]


def test_reassigning_is_refused_when_a_later_primary_assignment_exists(unit):
    assignment_create(
        officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1), ends_on=D(2025, 9, 30)
    )
    later = assignment_create(officer=unit["amina"], sector=unit["north"], starts_on=D(2025, 10, 1))
    [message] = messages(sector_reassign, sector=unit["north"], officer=unit["marc"], starts_on=D(2025, 6, 1))
    assert f"assignment #{later.pk}" in message
    assert Assignment.objects.count() == 2 and Assignment.objects.get(officer=unit["julie"]).ends_on == D(
        2025, 9, 30
    )


def test_reassigning_to_an_officer_busy_elsewhere_changes_nothing(unit):
    current = assignment_create(officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1))
    assignment_create(officer=unit["marc"], sector=unit["south"], starts_on=D(2025, 1, 1))
    [message] = messages(sector_reassign, sector=unit["north"], officer=unit["marc"], starts_on=D(2025, 9, 1))
    assert "Marc Gagnon is already the primary officer of another sector" in message
    current.refresh_from_db()
    assert current.ends_on is None  # the whole move was rolled back


def test_lengthening_an_assignment_into_a_later_one_is_refused(unit):
    first = assignment_create(
        officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1), ends_on=D(2025, 3, 31)
    )
    assignment_create(officer=unit["marc"], sector=unit["north"], starts_on=D(2025, 4, 1))
    [message] = messages(assignment_end, assignment=first, ends_on=D(2025, 5, 1))
    assert message.startswith("Sector N1 already has a primary officer on those dates: Marc Gagnon")
    assignment_end(assignment=first, ends_on=D(2025, 2, 28))
    first.refresh_from_db()
    assert first.ends_on == D(2025, 2, 28)


# --- PostgreSQL holds the rules too -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("second", "constraint"),
    [
        ({"officer": "marc", "sector": "north", "role": "primary"}, "assignment_one_primary_per_sector"),
        (
            {"officer": "julie", "sector": "south", "role": "primary"},
            "assignment_one_primary_sector_per_officer",
        ),
        (
            {"officer": "julie", "sector": "north", "role": "secondary"},
            "assignment_no_overlap_same_officer_and_sector",
        ),
    ],
)
def test_the_database_refuses_contradicting_assignments_that_skip_the_services(unit, second, constraint):
    Assignment.objects.create(
        officer=unit["julie"], sector=unit["north"], role="primary", starts_on=D(2025, 1, 1)
    )
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Assignment.objects.create(
            officer=unit[second["officer"]],
            sector=unit[second["sector"]],
            role=second["role"],
            starts_on=D(2026, 1, 1),
            ends_on=D(2026, 1, 31),
        )


def test_the_database_refuses_overlapping_absences_and_backwards_dates(unit):
    Absence.objects.create(officer=unit["julie"], starts_on=D(2025, 7, 1), ends_on=D(2025, 7, 14))
    with pytest.raises(IntegrityError, match="absence_no_overlap_per_officer"), transaction.atomic():
        Absence.objects.create(officer=unit["julie"], starts_on=D(2025, 7, 14), ends_on=D(2025, 7, 20))
    with pytest.raises(IntegrityError, match="assignment_ends_after_it_starts"), transaction.atomic():
        Assignment.objects.create(
            officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 2, 1), ends_on=D(2025, 1, 1)
        )


# --- absences ---------------------------------------------------------------------------------------------


def test_an_absence_with_cover_is_recorded_and_audited_without_its_reason(unit, make_staff):
    sergeant = make_staff("sergeant")
    absence = absence_plan(
        officer=unit["julie"],
        starts_on=D(2025, 7, 1),
        ends_on=D(2025, 7, 14),
        covering_officer=unit["marc"],
        reason="medical appointment",
        actor=sergeant,
    )
    change = CoverageChange.objects.get(absence=absence)
    assert change.actor == sergeant and change.action == "absence_planned"
    assert "Marc Gagnon" in change.summary and "medical" not in change.summary


def test_absence_conflicts_are_named(unit):
    absence_plan(
        officer=unit["julie"], starts_on=D(2025, 7, 1), ends_on=D(2025, 7, 14), covering_officer=unit["marc"]
    )
    absence_plan(officer=unit["amina"], starts_on=D(2025, 7, 10), ends_on=D(2025, 7, 20))
    assert messages(
        absence_plan, officer=unit["julie"], starts_on=D(2025, 7, 10), ends_on=D(2025, 7, 11)
    ) == [
        "Julie Tremblay is already away on some of those days: Julie Tremblay away from 2025-07-01 to 2025-07-14."
    ]
    assert messages(
        absence_plan,
        officer=unit["marc"],
        starts_on=D(2025, 7, 12),
        ends_on=D(2025, 7, 12),
        covering_officer=unit["amina"],
    ) == [
        "The covering officer is away on some of those days: Amina Haddad away from 2025-07-10 to 2025-07-20."
    ]
    assert messages(
        absence_plan,
        officer=unit["marc"],
        starts_on=D(2025, 8, 1),
        ends_on=D(2025, 8, 2),
        covering_officer=unit["marc"],
    ) == ["An officer cannot cover their own absence."]


def test_an_absence_can_be_moved_and_cancelled(unit):
    absence = absence_plan(officer=unit["julie"], starts_on=D(2025, 7, 1), ends_on=D(2025, 7, 14))
    absence_update(
        absence=absence,
        starts_on=D(2025, 7, 2),
        ends_on=D(2025, 7, 20),
        covering_officer=unit["amina"],
        reason="",
    )
    absence.refresh_from_db()
    assert (absence.starts_on, absence.ends_on, absence.covering_officer) == (
        D(2025, 7, 2),
        D(2025, 7, 20),
        unit["amina"],
    )
    absence_cancel(absence=absence)
    assert not Absence.objects.exists()
    assert list(CoverageChange.objects.order_by("id").values_list("action", flat=True)) == [
        "absence_planned",
        "absence_changed",
        "absence_cancelled",
    ]


# --- officers: phone and photo ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("450 463-7011", "+14504637011", "450 463-7011"),
        ("(514) 555-0199", "+15145550199", "514 555-0199"),
        ("1-450-555-0142", "+14505550142", "450 555-0142"),
        ("+33 1 42 68 53 00", "+33142685300", "+33 1 42 68 53 00"),
    ],
)
def test_phones_are_stored_international_and_shown_the_quebec_way(typed, stored, shown):
    assert normalise_phone(typed) == stored
    assert display_phone(stored) == shown


@pytest.mark.parametrize("typed", ["12345", "450 555", "not a phone", "+1 999 555 0100"])
def test_invalid_phones_are_refused_by_name(typed):
    with pytest.raises(ValidationError) as caught:
        normalise_phone(typed)
    assert typed in caught.value.messages[0]


def jpeg(width=800, height=600, exif_gps=True) -> bytes:
    image = Image.new("RGB", (width, height), (30, 90, 160))
    exif = Image.Exif()
    if exif_gps:
        exif[0x010F] = "Camera maker"  # Make
        exif[0x8825] = {1: "N", 2: (45.0, 31.0, 12.0)}  # GPS info
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_a_photo_is_stored_cleaned_and_resized(unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("portrait.jpg", jpeg(1600, 1200), content_type="image/jpeg")
    saved = officer_save(officer=unit["julie"], photo=upload)
    sizes = {}
    for name in ("photo", "photo_small", "photo_medium"):
        with Image.open(getattr(saved, name).path) as image:
            sizes[name] = image.size
            assert not image.getexif(), f"{name} kept its EXIF metadata"
    assert sizes == {"photo": (1200, 900), "photo_small": (160, 120), "photo_medium": (480, 360)}


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"%PDF-1.4 not an image", "portrait.jpg", "“portrait.jpg” is not an image"),
        (jpeg(100, 100), "tiny.jpg", "it needs at least 160 pixels on each side"),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_saved(unit, settings, tmp_path, content, name, expected):
    settings.MEDIA_ROOT = tmp_path
    julie = unit["julie"]
    julie.first_name = "Changed"
    with pytest.raises(ValidationError) as caught:
        officer_save(officer=julie, photo=SimpleUploadedFile(name, content))
    assert expected in caught.value.messages[0]
    assert Officer.objects.get(pk=julie.pk).first_name == "Julie"
    assert not any(tmp_path.rglob("*.jpg"))


def test_a_duplicate_badge_is_refused(unit):
    with pytest.raises(ValidationError) as caught:
        officer_save(officer=Officer(badge_number="100", first_name="A", last_name="B"))
    assert "badge number already exists" in caught.value.messages[0].lower()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_photo_replaces_the_old_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    julie = officer("200")
    officer_save(officer=julie, photo=SimpleUploadedFile("a.jpg", jpeg()))
    first = {julie.photo.name, julie.photo_small.name, julie.photo_medium.name}
    officer_save(officer=julie, photo=SimpleUploadedFile("b.jpg", jpeg(exif_gps=False)))
    kept = {str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*.jpg")}
    assert kept == {julie.photo.name, julie.photo_small.name, julie.photo_medium.name}
    assert not first & kept

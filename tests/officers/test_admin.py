"""The supervisors' workspace in the admin: officers, assignments, absences and the audit trail.

Pages are requested in English (/en/admin/…) where a test reads a message; the writes go through the
services, so each change must leave a CoverageChange row naming who made it.
"""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from officers.models import Absence, Assignment, CoverageChange, Language, Officer
from tests.beats.factories import SectorFactory

from .factories import AbsenceFactory, AssignmentFactory, OfficerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("migration_data")]


D = datetime.date
Action = CoverageChange.Action


def url(name: str, *args, query: str = "") -> str:
    """An admin URL in English, so that messages read in English."""
    with translation.override("en"):
        path = reverse(name, args=args)
    return f"{path}?{query}" if query else path


def jpeg(width=800, height=600, *, gps=True) -> bytes:
    image = Image.new("RGB", (width, height), (30, 90, 160))
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "Camera maker"  # Make
        exif[0x8825] = {1: "N", 2: (45.0, 31.0, 12.0)}  # GPS info: where the photo was taken
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def text(response) -> str:
    return response.content.decode().replace("\u00a0", " ")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def supervisor(make_staff):
    user = make_staff("sergeant")
    user.groups.add(Group.objects.get(name="Supervisor"))
    return user


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def unit():
    return {
        "julie": OfficerFactory(badge_number="100", first_name="Julie", last_name="Tremblay"),
        "marc": OfficerFactory(badge_number="101", first_name="Marc", last_name="Gagnon"),
        "amina": OfficerFactory(badge_number="102", first_name="Amina", last_name="Haddad"),
        "north": SectorFactory(code="N1", municipality="Longueuil"),
        "south": SectorFactory(code="S1", municipality="Brossard"),
    }


def officer_data(**overrides):
    data = {
        "badge_number": "B-1234",
        "first_name": "Julie",
        "last_name": "Tremblay",
        "role": Officer.Role.CONSTABLE,
        "work_phone": "450 555-0123",
        "work_email": "julie.tremblay@police.example",
        "bio_fr": "Patrouille à vélo dans le Vieux-Longueuil.",
        "bio_en": "",
        "is_published": "on",
        "is_active": "on",
        "user": "",
    }
    return {**data, **overrides}


# --- officers ---------------------------------------------------------------------------------------------


def test_an_officer_added_with_a_photo_gets_three_clean_jpegs(supervisor_client, media):
    upload = jpeg(1600, 1200)
    with Image.open(io.BytesIO(upload)) as source:
        assert source.getexif().get_ifd(0x8825), "the test photo should carry a GPS position"
    languages = list(Language.objects.filter(code__in=["fr", "ht"]).values_list("pk", flat=True))
    response = supervisor_client.post(
        url("admin:officers_officer_add"),
        officer_data(
            new_photo=SimpleUploadedFile("portrait.jpg", upload, content_type="image/jpeg"),
            languages=languages,
        ),
    )
    assert response.status_code == 302, text(response)[:3000]
    officer = Officer.objects.get(badge_number="B-1234")
    assert officer.work_phone == "+14505550123"
    assert sorted(officer.languages.values_list("code", flat=True)) == ["fr", "ht"]
    sizes = {}
    for name in ("photo", "photo_small", "photo_medium"):
        stored = getattr(officer, name)
        assert stored.name.endswith(".jpg") and "portrait" not in stored.name
        with Image.open(stored.path) as image:
            assert image.format == "JPEG"
            assert not image.getexif(), f"{name} kept the upload's EXIF (GPS position)"
            sizes[name] = image.size
    assert sizes == {"photo": (1200, 900), "photo_small": (160, 120), "photo_medium": (480, 360)}
    assert len(list(media.rglob("*.jpg"))) == 3


def test_the_change_page_previews_the_medium_photo_with_its_alt_text(supervisor_client, media):
    officer = OfficerFactory(first_name="Julie", last_name="Tremblay")
    response = supervisor_client.post(
        url("admin:officers_officer_change", officer.pk),
        officer_data(
            badge_number=officer.badge_number,
            new_photo=SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg"),
            **{
                f"{prefix}-{key}": "0"
                for prefix in ("assignments", "absences")
                for key in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        ),
    )
    assert response.status_code == 302, text(response)[:3000]
    officer.refresh_from_db()
    html = text(supervisor_client.get(url("admin:officers_officer_change", officer.pk)))
    assert f'<img src="{officer.photo_medium.url}" alt="Julie Tremblay">' in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7 this is a document, not a photo", "“fake.jpg” is not an image (JPEG, PNG or WebP)."),
        (jpeg(120, 90), "The photo is 120×90 pixels; it needs at least 160 pixels on each side."),
    ],
)
def test_a_bad_photo_is_refused_with_the_reason_and_nothing_is_saved(
    supervisor_client, media, content, expected
):
    response = supervisor_client.post(
        url("admin:officers_officer_add"),
        officer_data(new_photo=SimpleUploadedFile("fake.jpg", content, content_type="image/jpeg")),
    )
    assert response.status_code == 200
    assert expected in text(response)
    assert not Officer.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_a_bad_photo_is_refused_in_french_too(supervisor_client, media):
    response = supervisor_client.post(
        reverse("admin:officers_officer_add"),  # the default language
        officer_data(new_photo=SimpleUploadedFile("fake.jpg", b"GIF? no", content_type="image/jpeg")),
    )
    assert response.status_code == 200
    assert 'lang="fr"' in text(response)
    assert "fake.jpg" in text(response) and "JPEG, PNG" in text(response)
    assert not Officer.objects.exists()


def test_an_invalid_phone_is_refused(supervisor_client):
    response = supervisor_client.post(
        url("admin:officers_officer_add"), officer_data(work_phone="450 555-01")
    )
    assert response.status_code == 200
    assert "“450 555-01” is not a valid phone number" in text(response)
    assert not Officer.objects.exists()


def test_a_duplicate_badge_is_refused_with_the_models_message(supervisor_client):
    OfficerFactory(badge_number="B-1234")
    response = supervisor_client.post(url("admin:officers_officer_add"), officer_data())
    assert response.status_code == 200
    assert "Officer with this Badge number already exists." in text(response)
    assert Officer.objects.count() == 1


def test_the_officer_list_shows_photo_phone_and_current_sectors(supervisor_client, unit):
    julie = unit["julie"]
    julie.photo_small.name = "officers/photos/small/100.jpg"
    julie.work_phone = "+14505550142"
    julie.save()
    today = timezone.localdate()
    AssignmentFactory(officer=julie, sector=unit["north"], starts_on=today - datetime.timedelta(days=30))
    AssignmentFactory(
        officer=julie,
        sector=unit["south"],
        starts_on=D(2024, 1, 1),
        ends_on=today - datetime.timedelta(days=31),
    )
    html = text(supervisor_client.get(url("admin:officers_officer_changelist")))
    assert '<img src="/media/officers/photos/small/100.jpg" alt="Julie Tremblay" width="48">' in html
    assert "450 555-0142" in html
    assert "N1 (primary)" in html
    assert "S1 (" not in html  # an ended assignment is not a current sector


def test_officers_are_found_by_phone_as_typed_and_filtered_by_current_municipality(supervisor_client, unit):
    unit["julie"].work_phone = "+14505550142"
    unit["julie"].save()
    AssignmentFactory(officer=unit["marc"], sector=unit["south"], starts_on=D(2025, 1, 1))
    found = text(supervisor_client.get(url("admin:officers_officer_changelist", query="q=450 555-0142")))
    assert "Julie Tremblay" in found and "Marc Gagnon" not in found
    brossard = text(
        supervisor_client.get(url("admin:officers_officer_changelist", query="municipality=Brossard"))
    )
    assert "Marc Gagnon" in brossard and "Julie Tremblay" not in brossard


def test_the_officer_page_lists_assignments_newest_first_and_links_to_add_more(supervisor_client, unit):
    julie = unit["julie"]
    AssignmentFactory(officer=julie, sector=unit["south"], starts_on=D(2024, 1, 1), ends_on=D(2024, 12, 31))
    AssignmentFactory(officer=julie, sector=unit["north"], starts_on=D(2025, 1, 1), note="Vélo l’été")
    AbsenceFactory(officer=julie, covering_officer=unit["marc"], reason="Private medical reason")
    html = text(supervisor_client.get(url("admin:officers_officer_change", julie.pk)))
    assert html.index("N1 — ") < html.index("S1 — ")
    assert "Vélo l’été" in html and "Marc Gagnon (101)" in html
    assert "Private medical reason" not in html  # the officer's page shows a summary only
    assert f'href="{url("admin:officers_assignment_add", query=f"officer={julie.pk}")}"' in html
    assert f'href="{url("admin:officers_absence_add", query=f"officer={julie.pk}")}"' in html
    add_page = text(supervisor_client.get(url("admin:officers_assignment_add", query=f"officer={julie.pk}")))
    assert f'<option value="{julie.pk}" selected>' in add_page


# --- assignments ------------------------------------------------------------------------------------------


def assignment_data(officer, sector, **overrides):
    data = {
        "officer": officer.pk,
        "sector": sector.pk,
        "role": Assignment.Role.PRIMARY,
        "starts_on": "2025-06-01",
        "ends_on": "",
        "note": "",
    }
    return {**data, **overrides}


def test_a_conflicting_primary_assignment_is_refused_naming_the_one_in_force(supervisor_client, unit):
    first = AssignmentFactory(officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1))
    response = supervisor_client.post(
        url("admin:officers_assignment_add"), assignment_data(unit["marc"], unit["north"])
    )
    assert response.status_code == 200
    assert (
        "Sector N1 already has a primary officer on those dates: Julie Tremblay, primary in N1 from "
        f"2025-01-01 until further notice (assignment #{first.pk})."
    ) in text(response)
    assert Assignment.objects.count() == 1
    assert not CoverageChange.objects.exists()


def test_a_conflict_recorded_after_the_form_was_checked_is_refused_without_a_server_error(
    supervisor_client, unit, monkeypatch
):
    # As if another supervisor had assigned Julie between this form's check and its save.
    monkeypatch.setattr("officers.forms.assignment_conflicts", lambda **kwargs: [])
    first = AssignmentFactory(officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1))
    address = url("admin:officers_assignment_add")
    response = supervisor_client.post(address, assignment_data(unit["marc"], unit["north"]), follow=True)
    assert response.redirect_chain == [(address, 302)]
    assert f"(assignment #{first.pk})" in text(response)
    assert Assignment.objects.count() == 1
    assert not CoverageChange.objects.exists()


def test_an_assignment_added_in_the_admin_records_who_assigned(supervisor_client, supervisor, unit):
    response = supervisor_client.post(
        url("admin:officers_assignment_add"),
        assignment_data(unit["julie"], unit["north"], ends_on="2025-12-31", note="Remplacement"),
    )
    assert response.status_code == 302, text(response)[:3000]
    assignment = Assignment.objects.get()
    assert (assignment.officer, assignment.sector, assignment.assigned_by) == (
        unit["julie"],
        unit["north"],
        supervisor,
    )
    assert (assignment.starts_on, assignment.ends_on, assignment.note) == (
        D(2025, 6, 1),
        D(2025, 12, 31),
        "Remplacement",
    )
    change = CoverageChange.objects.get()
    assert (change.action, change.actor, change.assignment) == (
        Action.ASSIGNMENT_CREATED,
        supervisor,
        assignment,
    )


def test_changing_an_assignment_only_changes_its_last_day_and_note(supervisor_client, supervisor, unit):
    assignment = AssignmentFactory(officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1))
    response = supervisor_client.post(
        url("admin:officers_assignment_change", assignment.pk),
        # The officer, sector, role and first day are history: posted values are ignored.
        assignment_data(
            unit["marc"],
            unit["south"],
            role=Assignment.Role.SECONDARY,
            starts_on="2024-01-01",
            ends_on="2025-08-31",
            note="Mutée à Brossard",
        ),
    )
    assert response.status_code == 302, text(response)[:3000]
    assignment.refresh_from_db()
    assert (assignment.officer, assignment.sector, assignment.role, assignment.starts_on) == (
        unit["julie"],
        unit["north"],
        Assignment.Role.PRIMARY,
        D(2025, 1, 1),
    )
    assert (assignment.ends_on, assignment.note) == (D(2025, 8, 31), "Mutée à Brossard")
    changes = CoverageChange.objects.order_by("id")
    assert [(c.action, c.actor) for c in changes] == [
        (Action.ASSIGNMENT_ENDED, supervisor),
        (Action.ASSIGNMENT_CHANGED, supervisor),
    ]
    assert "last day was …" in changes[0].summary
    assert "Mutée à Brossard" in changes[1].summary


def test_the_change_page_of_an_assignment_offers_only_the_last_day_and_note(supervisor_client, unit):
    assignment = AssignmentFactory(officer=unit["julie"], sector=unit["north"])
    html = text(supervisor_client.get(url("admin:officers_assignment_change", assignment.pk)))
    assert 'name="ends_on"' in html and 'name="note"' in html
    for frozen in ("officer", "sector", "role", "starts_on"):
        assert f'name="{frozen}"' not in html


def test_lengthening_an_assignment_into_a_later_one_is_refused(supervisor_client, unit):
    ended = AssignmentFactory(
        officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1), ends_on=D(2025, 3, 31)
    )
    later = AssignmentFactory(officer=unit["marc"], sector=unit["north"], starts_on=D(2025, 4, 1))
    response = supervisor_client.post(
        url("admin:officers_assignment_change", ended.pk), {"ends_on": "2025-06-30", "note": ""}
    )
    assert response.status_code == 200
    assert f"(assignment #{later.pk})" in text(response)
    ended.refresh_from_db()
    assert ended.ends_on == D(2025, 3, 31)


def test_assignments_cannot_be_deleted_even_by_a_superuser(admin_client_fr, unit):
    assignment = AssignmentFactory(officer=unit["julie"], sector=unit["north"])
    assert admin_client_fr.get(url("admin:officers_assignment_delete", assignment.pk)).status_code == 403
    assert (
        admin_client_fr.post(
            url("admin:officers_assignment_delete", assignment.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_reassigning_a_sector_ends_the_current_assignment_the_day_before(supervisor_client, supervisor, unit):
    current = AssignmentFactory(officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1))
    changelist = text(supervisor_client.get(url("admin:officers_assignment_changelist")))
    assert f'href="{url("admin:officers_assignment_reassign")}"' in changelist
    response = supervisor_client.post(
        url("admin:officers_assignment_reassign"),
        {"sector": unit["north"].pk, "officer": unit["marc"].pk, "starts_on": "2025-09-01", "note": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("admin:officers_assignment_changelist")
    assert (
        "Sector N1: Marc Gagnon is the primary officer from 2025-09-01; "
        "the assignment of Julie Tremblay ends on 2025-08-31."
    ) in text(response)
    current.refresh_from_db()
    assert current.ends_on == D(2025, 8, 31)
    new = Assignment.objects.get(officer=unit["marc"])
    assert (new.sector, new.role, new.starts_on, new.ends_on, new.assigned_by) == (
        unit["north"],
        Assignment.Role.PRIMARY,
        D(2025, 9, 1),
        None,
        supervisor,
    )
    assert [(c.action, c.actor) for c in CoverageChange.objects.order_by("id")] == [
        (Action.ASSIGNMENT_ENDED, supervisor),
        (Action.ASSIGNMENT_CREATED, supervisor),
    ]


def test_a_refused_reassignment_says_why_and_changes_nothing(supervisor_client, unit):
    AssignmentFactory(officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1))
    later = AssignmentFactory(officer=unit["amina"], sector=unit["south"], starts_on=D(2025, 2, 1))
    # Amina is still the primary officer of S1 then.
    response = supervisor_client.post(
        url("admin:officers_assignment_reassign"),
        {"sector": unit["north"].pk, "officer": unit["amina"].pk, "starts_on": "2025-09-01"},
    )
    assert response.status_code == 200
    assert "Amina Haddad is already the primary officer of another sector on those dates" in text(response)
    assert f"(assignment #{later.pk})" in text(response)
    assert Assignment.objects.filter(ends_on__isnull=False).count() == 0
    assert not CoverageChange.objects.exists()


@time_machine.travel(datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_the_reassign_form_proposes_next_monday_and_the_sector_from_its_page(supervisor_client, unit):
    html = text(
        supervisor_client.get(url("admin:officers_assignment_reassign", query=f"sector={unit['north'].pk}"))
    )
    assert 'value="2026-03-09"' in html  # Wednesday 4 March → Monday 9 March
    assert f'<option value="{unit["north"].pk}" selected>' in html
    sector_page = text(supervisor_client.get(url("admin:beats_sector_change", unit["north"].pk)))
    assert url("admin:officers_assignment_reassign", query=f"sector={unit['north'].pk}") in sector_page


def test_the_assignment_filters_by_status(supervisor_client, unit):
    today = timezone.localdate()
    AssignmentFactory(
        officer=unit["julie"], sector=unit["north"], starts_on=today - datetime.timedelta(days=10), note="NOW"
    )
    AssignmentFactory(
        officer=unit["marc"], sector=unit["south"], starts_on=today + datetime.timedelta(days=10), note="SOON"
    )
    AssignmentFactory(
        officer=unit["amina"],
        sector=unit["south"],
        starts_on=D(2024, 1, 1),
        ends_on=D(2024, 6, 30),
        note="BEFORE",
    )
    seen = {}
    for status in ("current", "upcoming", "ended"):
        html = text(
            supervisor_client.get(url("admin:officers_assignment_changelist", query=f"status={status}"))
        )
        seen[status] = [note for note in ("NOW", "SOON", "BEFORE") if f">{note}<" in html]
    assert seen == {"current": ["NOW"], "upcoming": ["SOON"], "ended": ["BEFORE"]}


# --- absences ---------------------------------------------------------------------------------------------


def absence_data(officer, **overrides):
    data = {
        "officer": officer.pk,
        "starts_on": "2025-07-01",
        "ends_on": "2025-07-14",
        "covering_officer": "",
        "reason": "",
    }
    return {**data, **overrides}


def test_an_absence_with_a_covering_officer_is_planned_and_audited(supervisor_client, supervisor, unit):
    response = supervisor_client.post(
        url("admin:officers_absence_add"),
        absence_data(unit["julie"], covering_officer=unit["marc"].pk, reason="Congé parental"),
    )
    assert response.status_code == 302, text(response)[:3000]
    absence = Absence.objects.get()
    assert (absence.covering_officer, absence.reason, absence.created_by) == (
        unit["marc"],
        "Congé parental",
        supervisor,
    )
    change = CoverageChange.objects.get()
    assert (change.action, change.actor, change.officer) == (
        Action.ABSENCE_PLANNED,
        supervisor,
        unit["julie"],
    )
    assert "Marc Gagnon" in change.summary and "parental" not in change.summary


def test_a_covering_officer_who_is_away_too_is_refused(supervisor_client, unit):
    AbsenceFactory(officer=unit["marc"], starts_on=D(2025, 7, 10), ends_on=D(2025, 7, 20))
    response = supervisor_client.post(
        url("admin:officers_absence_add"), absence_data(unit["julie"], covering_officer=unit["marc"].pk)
    )
    assert response.status_code == 200
    assert "The covering officer is away on some of those days: Marc Gagnon away from 2025-07-10" in text(
        response
    )
    assert Absence.objects.count() == 1


def test_an_officer_cannot_cover_their_own_absence(supervisor_client, unit):
    response = supervisor_client.post(
        url("admin:officers_absence_add"), absence_data(unit["julie"], covering_officer=unit["julie"].pk)
    )
    assert response.status_code == 200
    assert "An officer cannot cover their own absence." in text(response)
    assert not Absence.objects.exists()


def test_changing_and_cancelling_absences_go_through_the_services(supervisor_client, supervisor, unit):
    absence = AbsenceFactory(officer=unit["julie"], starts_on=D(2025, 7, 1), ends_on=D(2025, 7, 14))
    other = AbsenceFactory(officer=unit["amina"], starts_on=D(2025, 8, 1), ends_on=D(2025, 8, 2))
    response = supervisor_client.post(
        url("admin:officers_absence_change", absence.pk),
        absence_data(unit["marc"], ends_on="2025-07-21", covering_officer=unit["amina"].pk, reason="x"),
    )
    assert response.status_code == 302, text(response)[:3000]
    absence.refresh_from_db()
    assert (absence.officer, absence.ends_on, absence.covering_officer) == (
        unit["julie"],  # the officer of an absence does not change
        D(2025, 7, 21),
        unit["amina"],
    )
    response = supervisor_client.post(url("admin:officers_absence_delete", absence.pk), {"post": "yes"})
    assert response.status_code == 302
    response = supervisor_client.post(
        url("admin:officers_absence_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Absence.objects.exists()
    assert [(c.action, c.actor, c.officer) for c in CoverageChange.objects.order_by("id")] == [
        (Action.ABSENCE_CHANGED, supervisor, unit["julie"]),
        (Action.ABSENCE_CANCELLED, supervisor, unit["julie"]),
        (Action.ABSENCE_CANCELLED, supervisor, unit["amina"]),
    ]


def test_the_private_reason_is_only_for_those_who_manage_absences(client, make_staff, supervisor, unit):
    absence = AbsenceFactory(officer=unit["julie"], reason="Private medical reason")
    client.force_login(supervisor)
    assert "Private medical reason" in text(client.get(url("admin:officers_absence_changelist")))
    client.force_login(make_staff("reader", "officers.view_absence", "officers.view_officer"))
    listing = text(client.get(url("admin:officers_absence_changelist")))
    assert "Julie Tremblay" in listing and "Private medical reason" not in listing
    page = text(client.get(url("admin:officers_absence_change", absence.pk)))
    assert "Julie Tremblay" in page and "Private medical reason" not in page


def test_the_absence_list_filters_current_upcoming_and_past(supervisor_client, unit):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    AbsenceFactory(officer=unit["julie"], starts_on=today - day, ends_on=today + day)
    AbsenceFactory(officer=unit["marc"], starts_on=today + 5 * day, ends_on=today + 9 * day)
    AbsenceFactory(officer=unit["amina"], starts_on=today - 9 * day, ends_on=today - 5 * day)
    seen = {}
    for status in ("current", "upcoming", "ended"):
        html = text(supervisor_client.get(url("admin:officers_absence_changelist", query=f"status={status}")))
        seen[status] = [name for name in ("Julie", "Marc", "Amina") if f"{name} " in html]
    assert seen == {"current": ["Julie"], "upcoming": ["Marc"], "ended": ["Amina"]}


# --- the audit trail --------------------------------------------------------------------------------------


def test_every_change_made_in_the_admin_is_audited_with_its_author(supervisor_client, supervisor, unit):
    supervisor_client.post(
        url("admin:officers_assignment_add"), assignment_data(unit["julie"], unit["north"])
    )
    assignment = Assignment.objects.get()
    supervisor_client.post(
        url("admin:officers_assignment_change", assignment.pk), {"ends_on": "2025-12-31", "note": "fin"}
    )
    supervisor_client.post(url("admin:officers_absence_add"), absence_data(unit["julie"]))
    absence = Absence.objects.get()
    supervisor_client.post(
        url("admin:officers_absence_change", absence.pk), absence_data(unit["julie"], reason="r")
    )
    supervisor_client.post(url("admin:officers_absence_delete", absence.pk), {"post": "yes"})
    supervisor_client.post(
        url("admin:officers_assignment_reassign"),
        {"sector": unit["north"].pk, "officer": unit["marc"].pk, "starts_on": "2026-01-05"},
    )
    assert [(c.action, c.actor) for c in CoverageChange.objects.order_by("id")] == [
        (Action.ASSIGNMENT_CREATED, supervisor),
        (Action.ASSIGNMENT_ENDED, supervisor),
        (Action.ASSIGNMENT_CHANGED, supervisor),
        (Action.ABSENCE_PLANNED, supervisor),
        (Action.ABSENCE_CHANGED, supervisor),
        (Action.ABSENCE_CANCELLED, supervisor),
        (Action.ASSIGNMENT_CREATED, supervisor),
    ]
    page = text(supervisor_client.get(url("admin:officers_officer_change", unit["julie"].pk)))
    assert "absence cancelled" not in page  # the block shows summaries…
    assert "sergeant" in page and "Julie Tremblay away from 2025-07-01 to 2025-07-14" in page


def test_the_audit_trail_is_read_only_for_everyone(admin_client_fr, unit):
    change = CoverageChange.objects.create(
        action=Action.ABSENCE_PLANNED, officer=unit["julie"], summary="Julie Tremblay away"
    )
    listing = admin_client_fr.get(url("admin:officers_coveragechange_changelist"))
    assert listing.status_code == 200 and "Julie Tremblay away" in text(listing)
    assert admin_client_fr.get(url("admin:officers_coveragechange_add")).status_code == 403
    page = admin_client_fr.get(url("admin:officers_coveragechange_change", change.pk))
    assert page.status_code == 200 and 'name="summary"' not in text(page)
    assert (
        admin_client_fr.post(
            url("admin:officers_coveragechange_change", change.pk), {"summary": "edited"}
        ).status_code
        == 403
    )
    assert admin_client_fr.get(url("admin:officers_coveragechange_delete", change.pk)).status_code == 403
    change.refresh_from_db()
    assert change.summary == "Julie Tremblay away"


# --- the sector page --------------------------------------------------------------------------------------


def test_the_sector_page_shows_its_assignments_and_todays_coverage(supervisor_client, unit):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    AssignmentFactory(
        officer=unit["marc"], sector=unit["north"], starts_on=D(2024, 1, 1), ends_on=D(2024, 12, 31)
    )
    AssignmentFactory(officer=unit["julie"], sector=unit["north"], starts_on=D(2025, 1, 1))
    AbsenceFactory(
        officer=unit["julie"], starts_on=today - day, ends_on=today + 3 * day, covering_officer=unit["amina"]
    )
    html = text(supervisor_client.get(url("admin:beats_sector_change", unit["north"].pk)))
    assert html.index("Julie Tremblay (100)") < html.index("Marc Gagnon (101)")  # newest first
    end = (today + 3 * day).isoformat()
    assert f"Covered by a backup: Amina Haddad, while Julie Tremblay is away until {end}." in html


def test_a_sector_without_a_primary_officer_shows_as_vacant(supervisor_client, unit):
    html = text(supervisor_client.get(url("admin:beats_sector_change", unit["south"].pk)))
    assert "Vacant: no primary officer today." in html


# --- constant number of queries ---------------------------------------------------------------------------


def _officers(n, user):
    for _ in range(n):
        officer = OfficerFactory(photo_small="officers/photos/small/x.jpg")
        officer.languages.set(Language.objects.filter(code__in=["fr", "en"]))
        AssignmentFactory(officer=officer, starts_on=D(2025, 1, 1))


def _assignments(n, user):
    for _ in range(n):
        AssignmentFactory(assigned_by=user, note="note")


def _absences(n, user):
    for _ in range(n):
        AbsenceFactory(covering_officer=OfficerFactory(), created_by=user, reason="r")


def _changes(n, user):
    for _ in range(n):
        assignment = AssignmentFactory()
        CoverageChange.objects.create(
            actor=user,
            action=Action.ASSIGNMENT_CREATED,
            officer=assignment.officer,
            sector=assignment.sector,
            assignment=assignment,
            summary="created",
        )


@pytest.mark.parametrize(
    ("screen", "make", "cell"),
    [
        ("admin:officers_officer_changelist", _officers, 'class="field-badge_number'),
        ("admin:officers_assignment_changelist", _assignments, 'class="field-sector_code'),
        ("admin:officers_absence_changelist", _absences, 'class="field-covering_officer'),
        ("admin:officers_coveragechange_changelist", _changes, 'class="field-summary'),
    ],
)
def test_the_lists_use_a_fixed_number_of_queries(
    supervisor_client, supervisor, django_assert_max_num_queries, screen, make, cell
):
    make(3, supervisor)
    address = url(screen)
    supervisor_client.get(address)  # warm the session
    with django_assert_max_num_queries(20) as few:
        supervisor_client.get(address)
    make(22, supervisor)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = supervisor_client.get(address)
    assert response.status_code == 200
    assert text(response).count(cell) == 25


@pytest.mark.parametrize("screen", ["admin:officers_officer_change", "admin:beats_sector_change"])
def test_the_officer_and_sector_pages_use_a_fixed_number_of_queries(
    supervisor_client, supervisor, django_assert_max_num_queries, screen
):
    officer, sector = OfficerFactory(), SectorFactory()

    def history(n):
        for year in range(2000 + n, 2000 + n + 3):
            AssignmentFactory(
                officer=officer,
                sector=sector,
                starts_on=D(year, 1, 1),
                ends_on=D(year, 12, 31),
                assigned_by=supervisor,
            )
            AbsenceFactory(
                officer=officer,
                starts_on=D(year, 6, 1),
                ends_on=D(year, 6, 2),
                covering_officer=OfficerFactory(),
            )
            CoverageChange.objects.create(
                actor=supervisor,
                action=Action.ASSIGNMENT_CREATED,
                officer=officer,
                sector=sector,
                summary="s",
            )

    history(0)
    address = url(screen, officer.pk if "officer" in screen else sector.pk)
    supervisor_client.get(address)
    with django_assert_max_num_queries(40) as few:
        supervisor_client.get(address)
    for start in range(3, 24, 3):
        history(start)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = supervisor_client.get(address)
    assert response.status_code == 200
    assert text(response).count('class="field-starts_on') >= 24


def test_the_officer_page_shows_the_phone_the_local_way(admin_client_fr):
    officer = OfficerFactory(work_phone="+14505550142")
    html = admin_client_fr.get(reverse("admin:officers_officer_change", args=[officer.pk])).content.decode()
    assert 'value="450 555-0142"' in html

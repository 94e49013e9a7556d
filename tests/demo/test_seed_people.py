"""`seed_demo`'s unit: the officers, their portraits and accounts, who covers which sector, who is away."""

import datetime
import re
from io import BytesIO, StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone, translation
from PIL import Image

from beats.models import Sector
from demo.people import ABSENCES, EMAIL_DOMAIN, OFFICERS, VACANT_SECTOR, demo_portrait
from demo.services import demo_seed, demo_staff_logins
from officers.models import Absence, Assignment, CoverageChange, Officer
from officers.phones import normalise_phone
from officers.selectors import CoverageStatus, coverage_on
from officers.services.assignments import assignment_create
from officers.services.officers import officer_save
from tests.demo.conftest import DEMO_PASSWORD as PASSWORD
from tests.demo.conftest import FromTheSeededDemo

MONTREAL = ZoneInfo("America/Toronto")
# An afternoon well after the vacant sector's story (2025-06-30), and ten days later.
T0 = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=MONTREAL)
T1 = T0 + datetime.timedelta(days=10)
SUPERVISOR_LOGINS = ("isabelle.lachance", "marc-andre.roy")
PHOTO_FIELDS = ("photo", "photo_small", "photo_medium")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def seed():
    return demo_seed(admin_username="admin", admin_password=PASSWORD)


def can_log_in(client, username, password):
    # django-axes needs the request to authenticate; a real login page passes it, client.login does not.
    return client.login(request=RequestFactory().post("/"), username=username, password=password)


def officer(badge_number) -> Officer:
    return Officer.objects.get(badge_number=badge_number)


def statuses_on(day) -> dict[str, str]:
    return {row.sector.code: row.status for row in coverage_on(day)}


def snapshot():
    return {
        "officers": Officer.objects.count(),
        "assignments": Assignment.objects.count(),
        "absences": Absence.objects.count(),
        "coverage_changes": CoverageChange.objects.count(),
        "users": get_user_model().objects.count(),
        "photos": sorted(Officer.objects.values_list("badge_number", *PHOTO_FIELDS)),
        "absence_rows": sorted(
            Absence.objects.values_list("officer__badge_number", "reason", "starts_on", "ends_on")
        ),
    }


# --- the roster, without the database ---------------------------------------------------------------------


def test_the_roster_has_unique_badges_phones_and_emails():
    for field in ("badge_number", "work_phone", "work_email"):
        values = [getattr(demo, field) for demo in OFFICERS]
        assert len(set(values)) == len(values), field


def test_badge_numbers_look_like_the_units():
    for demo in OFFICERS:
        assert re.fullmatch(r"SPAL-\d{4}", demo.badge_number), demo.badge_number


def test_work_phones_are_valid_fictional_450_numbers_stored_in_international_form():
    for demo in OFFICERS:
        assert re.fullmatch(r"\+145055501\d\d", demo.work_phone), demo.work_phone
        assert normalise_phone(demo.work_phone) == demo.work_phone


def test_work_emails_are_plain_ascii_first_dot_last_names_in_the_demo_domain():
    for demo in OFFICERS:
        local, domain = demo.work_email.split("@")
        assert domain == EMAIL_DOMAIN
        assert demo.work_email.isascii()
        assert re.fullmatch(r"[a-z-]+\.[a-z-]+", local), demo.work_email
    emails = {demo.badge_number: demo.work_email for demo in OFFICERS}
    assert emails["SPAL-1042"] == f"marie-eve.tremblay@{EMAIL_DOMAIN}"
    assert emails["SPAL-1096"] == f"patrick.oneill@{EMAIL_DOMAIN}"


def test_everyone_speaks_french_and_at_most_three_languages():
    for demo in OFFICERS:
        assert "fr" in demo.languages
        assert 1 <= len(demo.languages) <= 3


def test_everyone_has_a_one_sentence_bio_in_french_and_english():
    for demo in OFFICERS:
        for bio in (demo.bio_fr, demo.bio_en):
            assert bio.endswith(".")
            assert bio.count(". ") == 0, bio


def test_exactly_one_constable_has_not_consented_to_be_published():
    unpublished = [demo for demo in OFFICERS if not demo.is_published]
    assert [demo.role for demo in unpublished] == ["constable"]


def test_a_demo_portrait_is_a_480_pixel_jpeg_the_same_every_time():
    first = demo_portrait(OFFICERS[0])

    with Image.open(BytesIO(first)) as image:
        assert image.format == "JPEG"
        assert image.size == (480, 480)
    assert demo_portrait(OFFICERS[0]) == first


def test_portrait_colours_differ_from_one_officer_to_the_next():
    corners = set()
    for demo in OFFICERS:
        with Image.open(BytesIO(demo_portrait(demo))) as image:
            corners.add(image.getpixel((5, 5)))
    assert len(corners) > len(OFFICERS) // 2


# --- the unit ---------------------------------------------------------------------------------------------


def test_every_active_constable_but_the_one_from_the_vacant_sector_has_one_current_primary_sector():
    with time_machine.travel(T0, tick=False):
        seed()
        today = timezone.localdate()

    moved = Assignment.objects.get(sector__code=VACANT_SECTOR).officer
    constables = Officer.objects.active().filter(role=Officer.Role.CONSTABLE).exclude(pk=moved.pk)
    for constable in constables:
        primaries = Assignment.objects.on(today).filter(officer=constable, role=Assignment.Role.PRIMARY)
        assert primaries.count() == 1, constable
    current = Assignment.objects.on(today).filter(role=Assignment.Role.PRIMARY)
    assert current.values("sector").distinct().count() == Sector.objects.count() - 1


# --- idempotency ------------------------------------------------------------------------------------------


def test_seeding_on_a_later_day_moves_each_demo_absence_without_duplicating_it():
    with time_machine.travel(T0, tick=False):
        seed()
    changes = CoverageChange.objects.count()

    with time_machine.travel(T1, tick=False):
        counts = seed()
        today = timezone.localdate()
        statuses = set(statuses_on(today).values())

    assert today == T1.date()
    assert counts["absences_updated"] == len(ABSENCES)
    assert counts["absences_created"] == counts["assignments_created"] == 0
    for demo in ABSENCES:
        (absence,) = Absence.objects.filter(officer__badge_number=demo.badge_number)
        assert absence.reason == demo.reason
        assert (absence.starts_on, absence.ends_on) == demo.dates(today)
    assert Absence.objects.count() == len(ABSENCES)
    assert CoverageChange.objects.count() == changes + len(ABSENCES)  # one "absence changed" each
    assert statuses == set(CoverageStatus.values)


def test_the_command_prints_the_staff_logins_and_the_password_once():
    out = StringIO()

    with translation.override("en"):
        call_command("seed_demo", f"--admin-password={PASSWORD}", stdout=out)

    output = out.getvalue()
    assert output.count(PASSWORD) == 1
    for username, _group in demo_staff_logins():
        assert f"“{username}”" in output
    assert f"Officers: {len(OFFICERS)} created" in output


class TestFromTheSeededDemo(FromTheSeededDemo):
    def test_seeding_creates_the_unit(self, seeded_demo):
        counts = seeded_demo

        roles = {role: Officer.objects.filter(role=role).count() for role, _label in Officer.Role.choices}
        assert roles["constable"] >= 17
        assert roles["supervisor"] == 2
        assert roles["social_worker"] == 1
        assert counts["officers_created"] == Officer.objects.count() == len(OFFICERS)
        assert Officer.objects.published().count() == Officer.objects.count() - 1
        assert not officer("SPAL-1084").is_published

    def test_officers_get_their_languages_and_patrol_modes(self, seeded_demo):
        nguyen = officer("SPAL-1118")
        assert sorted(nguyen.languages.values_list("code", flat=True)) == ["en", "fr", "vi"]
        assert (nguyen.patrols_on_foot, nguyen.patrols_by_bike, nguyen.patrols_by_car) == (True, False, True)
        assert officer("SPAL-1042").work_phone_display == "450 555-0142"

    def test_the_vacant_sector_keeps_its_former_constable_in_its_history(self, seeded_demo):
        (former,) = Assignment.objects.filter(sector__code=VACANT_SECTOR)
        assert former.role == Assignment.Role.PRIMARY
        assert former.ends_on == datetime.date(2025, 6, 30)
        (now,) = Assignment.objects.filter(officer=former.officer).exclude(pk=former.pk)
        assert (now.sector.code, now.role, now.starts_on, now.ends_on) == (
            "BO-01",
            Assignment.Role.SECONDARY,
            datetime.date(2025, 7, 1),
            None,
        )

    def test_greenfield_park_changed_hands_in_2024(self, seeded_demo):
        history = Assignment.objects.filter(sector__code="GP-01", role=Assignment.Role.PRIMARY).order_by(
            "starts_on"
        )
        old, new = history
        assert old.ends_on.year == 2024
        assert new.starts_on == old.ends_on + datetime.timedelta(days=1)
        assert new.ends_on is None
        assert old.officer != new.officer
        moved_to = Assignment.objects.get(officer=old.officer, starts_on=new.starts_on)
        assert moved_to.sector.code == "SL-01"

    def test_the_social_worker_works_alongside_constables_in_vieux_longueuil(self, seeded_demo):
        social_worker = Officer.objects.get(role=Officer.Role.SOCIAL_WORKER)
        sectors = Sector.objects.filter(
            assignments__officer=social_worker, assignments__role=Assignment.Role.SECONDARY
        )
        assert 3 <= sectors.count() <= 4
        assert set(sectors.values_list("borough", flat=True)) == {"Vieux-Longueuil"}

    def test_the_coverage_board_shows_every_status_today(self, seeded_demo):
        rows = {row.sector.code: row for row in coverage_on(timezone.localdate())}

        assert {row.status for row in rows.values()} == set(CoverageStatus.values)
        assert rows[VACANT_SECTOR].status == CoverageStatus.VACANT
        assert rows["VL-04"].status == CoverageStatus.BACKUP
        assert rows["VL-04"].covering == officer("SPAL-1063")  # the neighbour from Fatima
        assert rows["BR-02"].status == CoverageStatus.AWAY
        assert rows["BR-02"].secondary == []

    def test_a_vacation_with_cover_is_planned_in_three_weeks(self, seeded_demo):
        today = timezone.localdate()

        vacation = Absence.objects.get(reason="Vacances (démo)")
        assert vacation.starts_on == today + datetime.timedelta(days=21)
        assert vacation.covering_officer is not None
        assert statuses_on(today)["SH-01"] == CoverageStatus.COVERED
        assert statuses_on(vacation.starts_on)["SH-01"] == CoverageStatus.BACKUP

    def test_seeding_twice_changes_nothing(self, seeded_demo):
        before = snapshot()

        counts = seed()

        assert snapshot() == before
        assert {key: value for key, value in counts.items() if value and not key.endswith("_unchanged")} == {}

    def test_seeding_again_restores_a_drifted_officer(self, seeded_demo):
        nguyen = officer("SPAL-1118")
        nguyen.work_phone = "+14505550199"
        officer_save(officer=nguyen, languages=[])

        counts = seed()

        nguyen = officer("SPAL-1118")
        assert nguyen.work_phone == "+14505550118"
        assert sorted(nguyen.languages.values_list("code", flat=True)) == ["en", "fr", "vi"]
        assert counts["officers_updated"] == 1

    def test_the_command_refuses_demo_coverage_that_contradicts_changes_made_by_hand(self, seeded_demo):
        # Someone removed the first constable's assignment and gave the sector to a newcomer from the start.
        Assignment.objects.filter(officer__badge_number="SPAL-1042").delete()
        newcomer = officer_save(
            officer=Officer(badge_number="SPAL-9999", first_name="Nouvelle", last_name="Recrue")
        )
        assignment_create(
            officer=newcomer, sector=Sector.objects.get(code="VL-01"), starts_on=datetime.date(2023, 9, 1)
        )
        before = snapshot()

        with translation.override("en"), pytest.raises(CommandError, match="contradicts changes made since"):
            call_command("seed_demo", f"--admin-password={PASSWORD}", stdout=StringIO())

        assert snapshot() == before

    def test_every_officer_has_a_jpeg_portrait_in_three_sizes(self, seeded_demo):
        for person in Officer.objects.all():
            sizes = []
            for field in PHOTO_FIELDS:
                file = getattr(person, field)
                assert file, f"{person} has no {field}"
                with file.open("rb"), Image.open(file) as image:
                    assert image.format == "JPEG"
                    sizes.append(image.size)
            assert sizes == [(480, 480), (160, 160), (480, 480)], person

    def test_portraits_are_stored_under_the_badge_number(self, seeded_demo, media):
        tremblay = officer("SPAL-1042")
        assert tremblay.photo.name == "officers/photos/SPAL-1042.jpg"
        assert (media / "officers" / "photos" / "small" / "SPAL-1042.jpg").is_file()
        assert len(list(media.rglob("*.jpg"))) == 3 * len(OFFICERS)

    def test_a_portrait_whose_files_are_gone_is_drawn_again(self, seeded_demo, media):
        tremblay = officer("SPAL-1042")
        for field in PHOTO_FIELDS:
            (media / getattr(tremblay, field).name).unlink()
        others = sorted(Officer.objects.exclude(pk=tremblay.pk).values_list(*PHOTO_FIELDS))

        counts = seed()

        assert counts["portraits_created"] == 1
        tremblay = officer("SPAL-1042")
        assert all((media / getattr(tremblay, field).name).is_file() for field in PHOTO_FIELDS)
        assert sorted(Officer.objects.exclude(pk=tremblay.pk).values_list(*PHOTO_FIELDS)) == others

    @pytest.mark.parametrize("username", SUPERVISOR_LOGINS)
    def test_the_supervisor_accounts_can_log_in_and_belong_to_the_supervisors(
        self, seeded_demo, client, username
    ):
        user = get_user_model().objects.get(username=username)
        assert user.is_staff and user.is_active and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == ["Supervisor"]
        assert user.has_perm("officers.view_coverage")
        assert user.officer.role == Officer.Role.SUPERVISOR
        assert can_log_in(client, username, PASSWORD)

    @pytest.mark.parametrize(
        ("username", "group", "may", "may_not"),
        [
            ("olivier.nadeau", "Analyst", "calls.view_monthlycallcount", "officers.change_assignment"),
            (
                "lucie.gendron",
                "Privacy officer",
                "contacts.view_residentidentity",
                "officers.change_assignment",
            ),
            ("marie-eve.tremblay", "Officer", "contacts.add_contact", "officers.change_assignment"),
        ],
    )
    def test_the_other_staff_accounts_log_in_in_their_role(
        self, seeded_demo, client, username, group, may, may_not
    ):
        user = get_user_model().objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.has_perm(may) and not user.has_perm(may_not)
        assert can_log_in(client, username, PASSWORD)

    def test_the_constables_account_is_her_officer_record(self, seeded_demo):
        officer = get_user_model().objects.get(username="marie-eve.tremblay").officer
        assert (officer.badge_number, officer.role) == ("SPAL-1042", Officer.Role.CONSTABLE)

    def test_seeding_again_keeps_a_changed_staff_password(self, seeded_demo, client):
        user = get_user_model().objects.get(username="isabelle.lachance")
        user.set_password("changed-by-the-sergeant-77")
        user.save()

        counts = seed()

        assert counts["staff_users_created"] == 0
        assert can_log_in(client, "isabelle.lachance", "changed-by-the-sergeant-77")
        assert not can_log_in(client, "isabelle.lachance", PASSWORD)

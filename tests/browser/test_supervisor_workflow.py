"""The supervisor's day, as a new user would do it in the admin: officer with a photo, assignment,
reassignment from next Monday, a vacation with a backup, and all of it on the coverage board."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from PIL import Image

from officers.models import Absence, Assignment, CoverageChange, Officer
from tests.beats.factories import SectorFactory, square
from tests.conftest import STAFF_PASSWORD, enter_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def next_monday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=7 - day.weekday())


@pytest.fixture
def supervisor_page(browser_page, live_server, settings, migration_data):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    user = get_user_model().objects.create_user("sergeant", password=STAFF_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Supervisor"))
    page = browser_page
    page.goto(f"{live_server.url}/en/admin/login/")
    page.fill("#id_username", "sergeant")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    enter_second_factor(page)
    page.wait_for_url("**/en/admin/")
    return page


def test_a_supervisor_staffs_a_sector_and_sees_it_on_the_coverage_board(
    supervisor_page, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page, base = supervisor_page, live_server.url
    sector = SectorFactory(code="VL-01", name="Centre", geometry=square(-73.50, 45.50))
    colleague = Officer.objects.create(badge_number="SPAL-2", first_name="Marc", last_name="Gagnon")
    backup = Officer.objects.create(badge_number="SPAL-3", first_name="Amina", last_name="Haddad")
    today = timezone.localdate()
    monday = next_monday(today)

    # 1. A new officer, with a photo.
    photo = tmp_path / "julie.jpg"
    Image.new("RGB", (600, 800), (40, 90, 150)).save(photo, "JPEG")
    page.goto(f"{base}/en/admin/officers/officer/add/")
    page.fill("#id_badge_number", "SPAL-1")
    page.fill("#id_first_name", "Julie")
    page.fill("#id_last_name", "Tremblay")
    page.fill("#id_work_phone", "450 555-0142")
    page.set_input_files("#id_new_photo", str(photo))
    page.check("#id_is_published")
    page.click("input[name=_save]")
    page.wait_for_url("**/officers/officer/")
    julie = Officer.objects.get(badge_number="SPAL-1")
    assert julie.work_phone == "+14505550142" and julie.photo_small

    # 2. Julie owns the sector from today.
    page.goto(f"{base}/en/admin/officers/assignment/add/?officer={julie.pk}")
    page.select_option("#id_sector", str(sector.pk))
    page.fill("#id_starts_on", today.isoformat())
    page.click("input[name=_save]")
    page.wait_for_url("**/officers/assignment/")

    # A conflicting move is refused with a message naming the assignment in force.
    page.goto(f"{base}/en/admin/officers/assignment/add/?officer={colleague.pk}")
    page.select_option("#id_sector", str(sector.pk))
    page.fill("#id_starts_on", today.isoformat())
    page.click("input[name=_save]")
    assert "Sector VL-01 already has a primary officer on those dates: Julie Tremblay" in page.inner_text(
        "#content"
    )

    # 3. Marc takes the sector over from next Monday (the form proposes that date).
    page.goto(f"{base}/en/admin/officers/assignment/reassign/")
    assert page.input_value("#id_starts_on") == monday.isoformat()
    page.select_option("#id_sector", str(sector.pk))
    page.select_option("#id_officer", str(colleague.pk))
    page.click("input[type=submit]")
    page.wait_for_load_state()
    julies = Assignment.objects.get(officer=julie)
    assert julies.ends_on == monday - datetime.timedelta(days=1)
    assert Assignment.objects.get(officer=colleague).starts_on == monday

    # 4. Marc's vacation the week after, with Amina as backup.
    away_from, away_to = monday + datetime.timedelta(days=7), monday + datetime.timedelta(days=11)
    page.goto(f"{base}/en/admin/officers/absence/add/?officer={colleague.pk}")
    page.fill("#id_starts_on", away_from.isoformat())
    page.fill("#id_ends_on", away_to.isoformat())
    page.select_option("#id_covering_officer", str(backup.pk))
    page.fill("#id_reason", "Vacation")
    page.click("input[name=_save]")
    page.wait_for_url("**/officers/absence/")
    assert Absence.objects.get(officer=colleague).covering_officer == backup

    # 5. The coverage board tells the story, day by day.
    def status_on(day):
        page.goto(f"{base}/en/staff/coverage/?on={day.isoformat()}")
        page.wait_for_selector("#coverage-map[data-loaded]", state="attached")
        return page.get_attribute("path[data-code='VL-01']", "data-status")

    assert status_on(today) == "covered"
    assert status_on(away_from) == "backup"
    assert "Amina Haddad" in page.inner_text("main")
    assert status_on(away_to + datetime.timedelta(days=1)) == "covered"

    # Everything was recorded, by whom.
    assert set(CoverageChange.objects.values_list("actor__username", flat=True)) == {"sergeant"}
    assert CoverageChange.objects.count() == 4  # created, ended + created (reassign), absence planned
    assert page.problems == []

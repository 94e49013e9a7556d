"""Who reaches which page: the groups created by the migration (officers 0003) against the staff pages.

Every cell of the matrix is a test: a staff member gets 200 where the role allows and 403 elsewhere; someone
not signed in as staff is sent to the login page instead.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.beats.factories import SectorFactory

from .factories import OfficerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("migration_data")]


# page → (URL name, whether it needs an object: "officer" or "sector")
PAGES = {
    "admin index": ("admin:index", None),
    "officer list": ("admin:officers_officer_changelist", None),
    "officer add": ("admin:officers_officer_add", None),
    "officer page": ("admin:officers_officer_change", "officer"),
    "assignment list": ("admin:officers_assignment_changelist", None),
    "assignment add": ("admin:officers_assignment_add", None),
    "sector reassign": ("admin:officers_assignment_reassign", None),
    "absence list": ("admin:officers_absence_changelist", None),
    "absence add": ("admin:officers_absence_add", None),
    "coverage changes": ("admin:officers_coveragechange_changelist", None),
    "sector list": ("admin:beats_sector_changelist", None),
    "sector add": ("admin:beats_sector_add", None),
    "sector page": ("admin:beats_sector_change", "sector"),
    "sector import": ("admin:beats_sector_import", None),
    "coverage board": ("staff:coverage", None),
    "territory check": ("staff:territory", None),
}

EVERY_PAGE = set(PAGES)
# What the unit's officers may look at: their colleagues, their sectors, the coverage; never absences.
SEEN_BY_OFFICERS = {
    "admin index",
    "officer list",
    "officer page",
    "assignment list",
    "sector list",
    "sector page",
    "coverage board",
    "territory check",
}
ALLOWED = {
    "Administrator": EVERY_PAGE,
    "Supervisor": EVERY_PAGE,
    "Officer": SEEN_BY_OFFICERS,
    # Analysts read the audit trail too.
    "Analyst": SEEN_BY_OFFICERS | {"coverage changes"},
    # Staff without a role reach the admin's index, which offers them nothing.
    "no group": {"admin index"},
}


@pytest.fixture
def page_url():
    objects = {"officer": OfficerFactory(), "sector": SectorFactory()}

    def build(screen: str) -> str:
        name, needs = PAGES[screen]
        return reverse(name, args=[objects[needs].pk]) if needs else reverse(name)

    return build


def staff_member(role: str):
    user = get_user_model().objects.create_user(username=f"staff-{role}", is_staff=True)
    if role != "no group":
        user.groups.add(Group.objects.get(name=role))  # made by the migration, not by the test
    return user


@pytest.mark.parametrize("screen", PAGES)
@pytest.mark.parametrize("role", ALLOWED)
def test_each_role_reaches_exactly_its_pages(client, page_url, role, screen):
    client.force_login(staff_member(role))
    expected = 200 if screen in ALLOWED[role] else 403
    response = client.get(page_url(screen))
    assert response.status_code == expected, f"{role} on {screen}"


@pytest.mark.parametrize("screen", PAGES)
def test_someone_not_signed_in_is_sent_to_the_login_page(client, page_url, screen):
    response = client.get(page_url(screen))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("screen", PAGES)
def test_a_user_who_is_not_staff_is_sent_to_the_admin_login(client, page_url, screen):
    resident = get_user_model().objects.create_user(username="resident", is_staff=False)
    # Even with the permission: staff pages are for staff accounts only.
    resident.user_permissions.add(Permission.objects.get(codename="view_coverage"))
    client.force_login(resident)
    response = client.get(page_url(screen))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("role", "edits", "sees_changes"),
    [("Supervisor", True, True), ("Officer", False, False), ("Analyst", False, True)],
)
def test_the_officer_page_is_read_only_for_officers_and_analysts(client, page_url, role, edits, sees_changes):
    client.force_login(staff_member(role))
    html = client.get(page_url("officer page")).content.decode()
    assert ('name="new_photo"' in html) is edits
    assert ('name="badge_number"' in html) is edits
    assert ("/officers/assignment/add/?officer=" in html) is edits
    assert ("field-recent_changes" in html) is sees_changes


def test_the_admin_header_links_to_the_staff_pages_each_role_may_see(client):
    client.force_login(staff_member("Officer"))
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("staff:coverage") in html and reverse("staff:territory") in html
    client.force_login(get_user_model().objects.create_user("bare", is_staff=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("staff:coverage") not in html

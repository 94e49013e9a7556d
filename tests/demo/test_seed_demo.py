"""`manage.py seed_demo`: the demo territory and the demo administrator, and running it again."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import translation
from pyproj import Geod
from shapely.geometry import shape

from beats.geometry import parse_sector_geometry
from beats.models import Sector, SectorMapVersion
from beats.selectors import territory_topology_problems
from contacts.models import Contact
from demo.addresses import demo_addresses
from demo.contacts import PARTNERS
from demo.people import OFFICERS
from demo.services import demo_seed, demo_staff_logins
from demo.territory import PLACE_CENTRES, demo_sector_collection
from tests.demo.conftest import DEMO_PASSWORD as ADMIN_PASSWORD
from tests.demo.conftest import FromTheSeededDemo

PLACES = {
    ("Longueuil", "Vieux-Longueuil"),
    ("Longueuil", "Saint-Hubert"),
    ("Longueuil", "Greenfield Park"),
    ("Brossard", ""),
    ("Boucherville", ""),
    ("Saint-Bruno-de-Montarville", ""),
    ("Saint-Lambert", ""),
}
SECTOR_COLUMNS = (
    "code",
    "name",
    "municipality",
    "borough",
    "population",
    "programme_started_on",
    "is_active",
    "geometry",
    "created_at",
    "updated_at",
)
WGS84 = Geod(ellps="WGS84")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    # Seeding draws the officers' portraits: keep them out of the project's media folder.
    settings.MEDIA_ROOT = tmp_path


def seed(**overrides):
    return demo_seed(**{"admin_username": "admin", "admin_password": ADMIN_PASSWORD, **overrides})


def sector_rows():
    return list(Sector.objects.order_by("code").values_list(*SECTOR_COLUMNS))


def can_log_in(client, username, password):
    # django-axes needs the request to authenticate; a real login page passes it, client.login does not.
    return client.login(request=RequestFactory().post("/"), username=username, password=password)


# --- the territory, without the database ----------------------------------------------------------------


def test_the_demo_territory_is_the_same_on_every_call():
    assert demo_sector_collection() == demo_sector_collection()


def test_demo_populations_add_up_to_about_the_real_ones():
    real = {
        ("Longueuil", "Vieux-Longueuil"): 140_000,
        ("Longueuil", "Saint-Hubert"): 90_000,
        ("Longueuil", "Greenfield Park"): 18_000,
        ("Brossard", ""): 92_000,
        ("Boucherville", ""): 42_000,
        ("Saint-Bruno-de-Montarville", ""): 27_000,
        ("Saint-Lambert", ""): 22_000,
    }
    totals = dict.fromkeys(real, 0)
    for feature in demo_sector_collection()["features"]:
        properties = feature["properties"]
        assert isinstance(properties["population"], int)
        totals[(properties["municipality"], properties["borough"])] += properties["population"]
    for place, population in real.items():
        assert totals[place] == pytest.approx(population, rel=0.02), place


def test_demo_coordinates_are_rounded_to_six_decimals():
    for feature in demo_sector_collection()["features"]:
        for ring in feature["geometry"]["coordinates"]:
            for lon, lat in ring:
                assert (round(lon, 6), round(lat, 6)) == (lon, lat)


# --- seeding ----------------------------------------------------------------------------------------------


# --- the demo administrator -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_administrator_can_log_in(client):
    seed(admin_username="demo-chief")

    user = get_user_model().objects.get(username="demo-chief")
    assert user.is_staff and user.is_superuser and user.is_active
    assert can_log_in(client, "demo-chief", ADMIN_PASSWORD)


@pytest.mark.django_db
def test_seeding_leaves_an_existing_account_of_that_name_alone():
    get_user_model().objects.create_user(username="admin", password="someone-elses-password-1")

    counts = seed()

    user = get_user_model().objects.get(username="admin")
    assert counts["admin_users_created"] == 0
    assert not user.is_staff and not user.is_superuser
    assert user.check_password("someone-elses-password-1")


# --- the command ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_seeds_and_prints_the_demo_credentials(client):
    out = StringIO()

    with translation.override("en"):
        call_command(
            "seed_demo", "--admin-username=presenter", f"--admin-password={ADMIN_PASSWORD}", stdout=out
        )

    assert Sector.objects.count() == 17
    assert can_log_in(client, "presenter", ADMIN_PASSWORD)
    output = out.getvalue()
    assert output.count(ADMIN_PASSWORD) == 1
    assert "presenter" in output
    assert "DEMO CREDENTIALS" in output


@pytest.mark.django_db
def test_the_command_takes_the_default_password_from_the_environment(client, monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "from-the-environment-2026")

    call_command("seed_demo", stdout=StringIO())

    assert can_log_in(client, "admin", "from-the-environment-2026")


@pytest.mark.django_db
def test_the_command_falls_back_to_the_published_demo_password(client, monkeypatch):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)

    call_command("seed_demo", stdout=StringIO())

    assert can_log_in(client, "admin", "proximite-demo-2026")


@pytest.mark.django_db
def test_the_command_refuses_a_weak_password_and_writes_nothing():
    with translation.override("en"), pytest.raises(CommandError, match="password was refused"):
        call_command("seed_demo", "--admin-password=short", stdout=StringIO())

    assert not Sector.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_running_the_command_twice_changes_nothing():
    call_command("seed_demo", f"--admin-password={ADMIN_PASSWORD}", stdout=StringIO())
    rows = sector_rows()

    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", f"--admin-password={ADMIN_PASSWORD}", stdout=out)

    assert sector_rows() == rows
    assert get_user_model().objects.count() == 1 + len(demo_staff_logins())
    assert "already exists" in out.getvalue()


@pytest.mark.django_db
class TestFromTheSeededDemo(FromTheSeededDemo):
    def test_seeding_creates_the_17_demo_sectors(self, seeded_demo):
        counts = seeded_demo

        assert Sector.objects.count() == 17
        assert Sector.objects.active().count() == 17
        assert counts["sectors_created"] == 17
        assert sorted(Sector.objects.values_list("code", flat=True)) == sorted(
            feature["properties"]["code"] for feature in demo_sector_collection()["features"]
        )

    def test_every_place_of_the_agglomeration_has_sectors(self, seeded_demo):
        assert set(Sector.objects.values_list("municipality", "borough").distinct()) == PLACES

    def test_seeding_twice_changes_nothing(self, seeded_demo, settings):
        rows = sector_rows()
        versions = SectorMapVersion.objects.count()

        counts = seed()

        assert sector_rows() == rows
        assert Sector.objects.count() == 17
        assert (
            SectorMapVersion.objects.count() == versions
        )  # nothing saved, so no cached index is thrown away
        assert counts == {
            "sectors_created": 0,
            "sectors_updated": 0,
            "sectors_unchanged": 17,
            "addresses_created": 0,
            "addresses_updated": 0,
            "addresses_unchanged": len(demo_addresses()),
            "addresses_left_out": 0,
            "admin_users_created": 0,
            "officers_created": 0,
            "officers_updated": 0,
            "officers_unchanged": len(OFFICERS),
            "staff_users_created": 0,
            "assignments_created": 0,
            "assignments_ended": 0,
            "absences_created": 0,
            "absences_updated": 0,
            "portraits_created": 0,
            "call_categories_created": 0,
            "call_types_created": 0,
            "call_types_mapped": 0,
            "calls_rows": 0,
            "calls_created": 0,
            "calls_updated": 0,
            "calls_unchanged": 0,
            "calls_rejected": 0,
            "calls_unplaced": 0,
            "calls_batch_status": "",
            "calls_already_imported": False,
            "partners_created": 0,
            "partners_unchanged": len(PARTNERS),
            "contacts_created": 0,
            "contacts_unchanged": Contact.objects.count(),
            "referrals_created": 0,
            "identities_created": 0,
            "outreach_campaigns_created": 0,
            "outreach_activities_created": 0,
            "outreach_priorities_created": 0,
        }
        # Nearly every contact asked for is seeded (a day when nobody was on duty in any sector skips one).
        assert 0.9 * settings.DEMO_CONTACTS <= Contact.objects.count() <= settings.DEMO_CONTACTS
        assert get_user_model().objects.filter(username="admin").count() == 1

    def test_seeding_again_restores_a_drifted_sector(self, seeded_demo):
        Sector.objects.filter(code="GP-01").update(population=1, programme_started_on=None)

        counts = seed()

        sector = Sector.objects.get(code="GP-01")
        assert sector.population == 17980
        assert sector.programme_started_on.isoformat() == "2023-09-01"
        assert counts["sectors_updated"] == 1

    def test_programme_start_dates_come_from_the_demo_territory(self, seeded_demo):
        expected = {
            feature["properties"]["code"]: feature["properties"]["programme_started_on"]
            for feature in demo_sector_collection()["features"]
        }
        actual = {
            code: started_on.isoformat() if started_on else None
            for code, started_on in Sector.objects.values_list("code", "programme_started_on")
        }
        assert actual == expected
        assert None in actual.values()  # some sectors have not started the programme yet
        assert "2023-09-01" in actual.values()

    def test_demo_sectors_neither_overlap_nor_leave_gaps(self, seeded_demo):
        assert territory_topology_problems(tolerance_m2=1.0) == []

    def test_every_demo_sector_boundary_is_a_valid_sector_geometry(self, seeded_demo):
        for code, geometry in Sector.objects.values_list("code", "geometry"):
            assert parse_sector_geometry(geometry).geom_type == "Polygon", code

    def test_every_demo_sector_lies_near_its_place_real_location(self, seeded_demo):
        for sector in Sector.objects.all():
            centroid = shape(sector.geometry).centroid
            lon, lat = PLACE_CENTRES[(sector.municipality, sector.borough)]
            _azimuth, _back_azimuth, metres = WGS84.inv(centroid.x, centroid.y, lon, lat)
            assert metres < 3000, f"{sector.code} is {metres:.0f} m from {sector.place}"

    def test_seeding_again_keeps_a_changed_admin_password(self, seeded_demo, client):
        user = get_user_model().objects.get(username="admin")
        user.set_password("changed-by-the-presenter-99")
        user.save()

        seed()

        assert can_log_in(client, "admin", "changed-by-the-presenter-99")
        assert not can_log_in(client, "admin", ADMIN_PASSWORD)

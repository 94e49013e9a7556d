"""A resident finds their sector's officer: by address, by a picked address, by a point."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from beats.models import CivicAddress
from officers.models import Absence, Assignment, Language, Officer
from tests.beats.factories import SectorFactory, square
from tests.beats.factories import civic_address as address

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("migration_data")]


@pytest.fixture
def territory():
    today = timezone.localdate()
    centre = SectorFactory(code="VL-01", name="Centre historique", geometry=square(-73.52, 45.53))
    brossard = SectorFactory(
        code="BR-01", name="Panama", municipality="Brossard", geometry=square(-73.47, 45.45)
    )
    julie = Officer.objects.create(
        badge_number="1",
        first_name="Julie",
        last_name="Tremblay",
        work_phone="+14505550142",
        work_email="julie.tremblay@example.org",
        is_published=True,
        patrols_by_bike=True,
    )
    julie.languages.set(Language.objects.filter(code__in=["fr", "en"]))
    marc = Officer.objects.create(badge_number="2", first_name="Marc", last_name="Gagnon", is_published=True)
    hidden = Officer.objects.create(
        badge_number="3", first_name="Hidden", last_name="Person", is_published=False
    )
    Assignment.objects.create(officer=julie, sector=centre, starts_on=today - datetime.timedelta(days=300))
    Assignment.objects.create(officer=hidden, sector=brossard, starts_on=today - datetime.timedelta(days=300))
    address("150", "rue Saint-Charles Ouest", "Longueuil", -73.515, 45.535)
    address("1234", "boulevard Taschereau", "Longueuil", -73.516, 45.536, postal="J4K2V2")
    address("1234", "boulevard Taschereau", "Brossard", -73.465, 45.455, postal="J4Z1A1")
    address("9", "rue du Large", "Longueuil", -73.40, 45.60)  # no sector there
    return {"julie": julie, "marc": marc, "centre": centre, "today": today}


def get(client, **params):
    with translation.override("en"):
        url = reverse("public:home")
    return client.get(url, params)


def test_an_address_shows_the_sector_and_its_officer_with_call_and_text_links(client, territory):
    html = get(client, q="150 st-charles o").content.decode()
    assert "Your sector: Centre historique (VL-01)" in html
    assert "Julie Tremblay" in html
    assert 'href="tel:+14505550142"' in html and "Call 450 555-0142" in html
    assert 'href="sms:+14505550142"' in html
    assert "English" in html and "French" in html and "by bike" in html


def test_when_the_officer_is_away_the_backup_is_shown_first(client, territory):
    today = territory["today"]
    Absence.objects.create(
        officer=territory["julie"],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=5),
        covering_officer=territory["marc"],
    )
    html = get(client, q="150 rue Saint-Charles Ouest").content.decode()
    assert "Julie Tremblay is away until" in html and "Marc Gagnon answers for the sector" in html
    assert html.index("Marc Gagnon</h3>") < html.index("Julie Tremblay</h3>")


def test_an_ambiguous_address_asks_the_resident_to_pick(client, territory):
    html = get(client, q="1234 boul taschereau").content.decode()
    assert "Which address is yours?" in html
    picked = CivicAddress.objects.get(municipality="Brossard")
    assert f'href="?address={picked.pk}#result"' in html
    html = get(client, address=str(picked.pk)).content.decode()
    assert "Your sector: Panama (BR-01)" in html
    # Brossard's officer did not consent to be published: nothing about them appears.
    assert "Hidden" not in html and "not listed publicly" in html


def test_unknown_and_outside_addresses_say_so_with_the_general_number(client, territory):
    html = get(client, q="77 rue Inexistante").content.decode()
    assert "Address not found" in html
    html = get(client, q="9 rue du Large").content.decode()
    assert "Outside our territory" in html and "450 463-7011" in html


def test_a_point_finds_its_sector(client, territory):
    assert "Your sector: Centre historique" in get(client, lon="-73.515", lat="45.535").content.decode()
    assert "Outside our territory" in get(client, lon="-70", lat="45").content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "x" * 5000},
        {"q": "150 rue\x00Saint-Charles"},
        {"lon": "abc", "lat": "45"},
        {"lon": "-73.5", "lat": "95"},
        {"lon": "nan", "lat": "45"},
        {"lon": "1e400", "lat": "45"},  # infinity
        {"q": "\ufffd\ufffd"},  # what non-UTF-8 bytes in the query string become
        {"q": "\u202e" * 300},
    ],
)
def test_bad_input_gets_a_helpful_400_never_a_500(client, territory, params):
    response = get(client, **params)
    assert response.status_code == 400
    assert "Let us try again" in response.content.decode()


@pytest.mark.parametrize("raw", ["q=%FF%FE%FD", "q=%C3%28", "address=%FF", "address=99999999999999999999"])
def test_undecodable_or_absurd_query_strings_never_fail(client, territory, raw):
    response = client.get(f"/en/?{raw}")
    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert 'id="address-query"' in html and ("Let us try again" in html or "Address not found" in html)


def test_script_in_the_query_is_shown_as_text(client, territory):
    html = get(client, q="<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_a_lookup_uses_a_fixed_number_of_queries(client, territory, django_assert_max_num_queries):
    get(client, q="150 rue Saint-Charles Ouest")  # warms the sector index
    with django_assert_max_num_queries(9):
        response = get(client, q="150 rue Saint-Charles Ouest")
    assert response.status_code == 200


def test_the_french_page_speaks_french(client, territory):
    with translation.override("fr"):
        url = reverse("public:home")
    html = client.get(url, {"q": "150 rue Saint-Charles Ouest"}).content.decode()
    assert "Votre secteur" in html or "Votre secteur :" in html.replace("\u00a0", " ")

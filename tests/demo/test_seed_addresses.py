"""`seed_demo`'s address file: generated addresses on real street names, all inside the demo sectors."""

import re
from collections import Counter, defaultdict

import pytest

from beats.addresses.normalise import postal_code_key
from beats.addresses.search import CHOOSE, EXACT, address_search
from beats.index import get_sector_index
from beats.models import CivicAddress, Sector
from demo.addresses import demo_addresses, demo_addresses_csv
from demo.services import demo_seed, demo_seed_addresses
from tests.demo.conftest import DEMO_PASSWORD as PASSWORD
from tests.demo.conftest import FromTheSeededDemo

MUNICIPALITIES = {"Longueuil", "Brossard", "Boucherville", "Saint-Bruno-de-Montarville", "Saint-Lambert"}
FSAS = {
    "Longueuil": {"J4H", "J4J", "J4K", "J4L", "J4M", "J4N", "J3Y", "J4T", "J4V"},
    "Brossard": {"J4W", "J4X", "J4Y", "J4Z"},
    "Boucherville": {"J4B"},
    "Saint-Bruno-de-Montarville": {"J3V"},
    "Saint-Lambert": {"J4P", "J4R"},
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    # Seeding draws the officers' portraits: keep them out of the project's media folder.
    settings.MEDIA_ROOT = tmp_path


# --- the generator, without the database ------------------------------------------------------------------


def test_the_generated_addresses_are_the_same_on_every_call():
    assert demo_addresses() == demo_addresses()
    assert demo_addresses_csv() == demo_addresses_csv()


def test_there_are_a_few_thousand_unique_addresses_in_every_municipality():
    addresses = demo_addresses()

    assert 2000 <= len(addresses) <= 4000
    keys = [(a.civic_number, a.street, a.municipality) for a in addresses]
    assert len(set(keys)) == len(keys)
    assert {a.municipality for a in addresses} == MUNICIPALITIES


def test_postal_codes_are_valid_of_the_right_area_and_shared_by_blocks_of_numbers():
    addresses = demo_addresses()

    for address in addresses:
        assert postal_code_key(address.postal_code) == address.postal_code.replace(" ", "")
        assert address.postal_code[:3] in FSAS[address.municipality], address
    sizes = Counter(a.postal_code for a in addresses)
    assert 10 <= sorted(sizes.values())[len(sizes) // 2] <= 20  # the typical block
    places = defaultdict(set)
    for address in addresses:
        places[address.postal_code].add((address.municipality, address.street))
    assert all(len(streets) == 1 for streets in places.values())  # a code is never reused elsewhere


def test_even_and_odd_numbers_face_each_other_along_the_street():
    rows = [a for a in demo_addresses() if a.street == "rue Saint-Charles Ouest"]
    numbers = [int(a.civic_number) for a in rows]

    assert numbers == sorted(numbers)
    assert numbers[:4] == [100, 101, 102, 103]
    assert all(re.fullmatch(r"\d+", a.civic_number) for a in rows)


# --- seeding ----------------------------------------------------------------------------------------------


# --- searching the seeded addresses -----------------------------------------------------------------------


@pytest.mark.django_db
class TestFromTheSeededDemo(FromTheSeededDemo):
    def test_seeding_imports_every_address_inside_a_sector_of_its_place(self, seeded_demo):
        assert seeded_demo["addresses_created"] == CivicAddress.objects.count() >= 2000
        assert seeded_demo["addresses_left_out"] == 0
        assert set(CivicAddress.objects.values_list("municipality", flat=True).distinct()) == MUNICIPALITIES
        assert set(CivicAddress.objects.values_list("source", flat=True).distinct()) == {"demo"}

        rows = list(CivicAddress.objects.values_list("lon", "lat", "municipality"))
        placement = get_sector_index().locate_many([r[0] for r in rows], [r[1] for r in rows])
        municipalities = dict(Sector.objects.values_list("pk", "municipality"))
        for (lon, lat, municipality), sector_id in zip(rows, placement.sector_ids.tolist(), strict=True):
            assert sector_id, (lon, lat)
            assert municipalities[sector_id] == municipality

    def test_seeding_again_creates_and_changes_no_address(self, seeded_demo):
        before = sorted(
            CivicAddress.objects.values_list("civic_number", "street", "municipality", "lon", "lat")
        )

        counts = demo_seed(admin_username="admin", admin_password=PASSWORD)

        assert counts["addresses_created"] == counts["addresses_updated"] == 0
        assert counts["addresses_unchanged"] == len(before)
        after = sorted(
            CivicAddress.objects.values_list("civic_number", "street", "municipality", "lon", "lat")
        )
        assert after == before

    def test_seeding_again_puts_a_drifted_address_back(self, seeded_demo):
        CivicAddress.objects.filter(civic_number="150", street="rue Saint-Charles Ouest").update(
            postal_code=""
        )

        counts = demo_seed_addresses()

        assert counts["addresses_updated"] == 1
        assert CivicAddress.objects.get(civic_number="150", street="rue Saint-Charles Ouest").postal_code

    def test_a_unique_address_is_found_exactly_in_vieux_longueuil(self, seeded_demo):
        result = address_search("150 rue Saint-Charles Ouest")

        assert result.kind == EXACT
        (address,) = result.matches
        assert (address.civic_number, address.street, address.municipality) == (
            "150",
            "rue Saint-Charles Ouest",
            "Longueuil",
        )
        match = get_sector_index().locate(address.lon, address.lat)
        assert Sector.objects.get(pk=match.sector_id).borough == "Vieux-Longueuil"

    def test_taschereau_in_two_municipalities_makes_the_resident_choose(self, seeded_demo):
        numbers = defaultdict(set)
        for address in demo_addresses():
            if address.street == "boulevard Taschereau":
                numbers[address.civic_number].add(address.municipality)
        number = min((n for n, places in numbers.items() if len(places) == 2), key=int)

        result = address_search(f"{number} boul Taschereau")

        assert result.kind == CHOOSE
        assert {a.municipality for a in result.matches} == {"Longueuil", "Brossard"}
        assert {a.civic_number for a in result.matches} == {number}

    def test_a_postal_code_alone_offers_the_addresses_of_its_block(self, seeded_demo):
        address = next(a for a in demo_addresses() if a.street == "avenue Victoria")

        result = address_search(address.postal_code.lower().replace(" ", ""))

        assert result.kind == CHOOSE
        assert len(result.matches) > 1
        assert {(a.municipality, a.street, a.postal_code) for a in result.matches} == {
            ("Saint-Lambert", "avenue Victoria", address.postal_code.replace(" ", ""))
        }

    def test_a_wrong_street_type_still_finds_the_address(self, seeded_demo):
        address = next(a for a in demo_addresses() if a.street == "boulevard Cousineau")

        result = address_search(f"{address.civic_number} av Cousineau")

        assert result.kind == EXACT
        assert [(a.civic_number, a.street) for a in result.matches] == [
            (address.civic_number, "boulevard Cousineau")
        ]

    def test_a_municipality_after_a_comma_picks_one_taschereau(self, seeded_demo):
        numbers = defaultdict(set)
        for address in demo_addresses():
            if address.street == "boulevard Taschereau":
                numbers[address.civic_number].add(address.municipality)
        number = min((n for n, places in numbers.items() if len(places) == 2), key=int)

        result = address_search(f"{number} boulevard Taschereau, Brossard")

        assert result.kind == EXACT
        assert result.matches[0].municipality == "Brossard"

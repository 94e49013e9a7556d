"""Normalising what residents type, and finding their address in the address file."""

import pytest

from beats.addresses.normalise import (
    AddressQueryError,
    ParsedQuery,
    parse_query,
    place_key,
    postal_code_key,
    street_key,
)
from beats.addresses.search import CHOOSE, EXACT, NONE, address_search, number_variants
from tests.beats.factories import civic_address

# ---------------------------------------------------------------------------------------------------------
# street_key


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Boul. Taschereau", "boulevard taschereau"),
        ("boul Taschereau", "boulevard taschereau"),
        ("Bd Taschereau", "boulevard taschereau"),
        ("BLVD TASCHEREAU", "boulevard taschereau"),
        ("boulevard Taschereau", "boulevard taschereau"),
        ("rue Saint-Charles Ouest", "saint charles ouest"),
        ("St-Charles O.", "saint charles ouest"),
        ("ST CHARLES OUEST", "saint charles ouest"),
        ("r. Saint-Charles O", "saint charles ouest"),
        ("Ste-Hélène", "sainte helene"),
        ("Montée Sabourin", "montee sabourin"),
        ("Mtée Sabourin", "montee sabourin"),
        ("Chemin de Chambly", "chemin de chambly"),
        ("ch. de Chambly", "chemin de chambly"),
        ("Av. Victoria", "avenue victoria"),
        ("ave Victoria", "avenue victoria"),
        ("Victoria St", "victoria"),
        ("Victoria Street", "victoria"),
        ("Victoria St W", "victoria ouest"),
        ("pl. Charles-Le Moyne", "place charles le moyne"),
        ("crois. des Érables", "croissant des erables"),
        ("Terr. du Parc", "terrasse du parc"),
        ("rue de l’Église", "de l eglise"),
        ("rue du Sacré-Cœur", "du sacre coeur"),
        ("rue Dubois E.", "dubois est"),
        ("rue E.-Dubois", "e dubois"),
        ("  rue   Principale  ", "principale"),
        ("4e Avenue", "4e avenue"),
    ],
)
def test_street_key_spells_out_types_drops_rue_and_folds_accents(written, key):
    assert street_key(written) == key


def test_street_key_keeps_a_name_that_is_only_a_direction():
    assert street_key("rue Nord") == "nord"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("St-Lambert", "saint lambert"),
        ("Saint-Lambert", "saint lambert"),
        ("SAINT LAMBERT", "saint lambert"),
        ("Montréal", "montreal"),
    ],
)
def test_place_key_folds_municipality_names(text, key):
    assert place_key(text) == key


# ---------------------------------------------------------------------------------------------------------
# postal_code_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("J4K 2V2", "J4K2V2"),
        ("j4k2v2", "J4K2V2"),
        ("  j4k 2v2 ", "J4K2V2"),
        ("J4K-2V2", "J4K2V2"),
        ("J4K  2V2", ""),
        ("J4K 2V", ""),
        ("4JK 2V2", ""),
        ("D4K 2V2", ""),  # D is never used
        ("W4K 2V2", ""),  # W never starts a code
        ("J4K 2V2X", ""),
        ("", ""),
        ("boulevard Taschereau", ""),
    ],
)
def test_postal_code_key_accepts_canadian_codes_only(text, key):
    assert postal_code_key(text) == key


# ---------------------------------------------------------------------------------------------------------
# parse_query


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("1234 boul Taschereau", ParsedQuery("1234", "boulevard taschereau", None, None)),
        ("boul. Taschereau 1234", ParsedQuery("1234", "boulevard taschereau", None, None)),
        ("1234A boul Taschereau", ParsedQuery("1234A", "boulevard taschereau", None, None)),
        ("1234-b boul Taschereau", ParsedQuery("1234B", "boulevard taschereau", None, None)),
        ("3-1234 boul Taschereau", ParsedQuery("1234", "boulevard taschereau", None, None)),
        ("J4K 2V2", ParsedQuery(None, "", "J4K2V2", None)),
        ("j4k2v2", ParsedQuery(None, "", "J4K2V2", None)),
        ("1234 boul Taschereau J4K 2V2", ParsedQuery("1234", "boulevard taschereau", "J4K2V2", None)),
        ("1234 boul Taschereau j4k2v2", ParsedQuery("1234", "boulevard taschereau", "J4K2V2", None)),
        ("150 rue Saint-Charles O, Longueuil", ParsedQuery("150", "saint charles ouest", None, "Longueuil")),
        (
            "150 rue Saint-Charles O, Longueuil, J4H 1C3",
            ParsedQuery("150", "saint charles ouest", "J4H1C3", "Longueuil"),
        ),
        (
            "150, rue Saint-Charles Ouest, Longueuil",
            ParsedQuery("150", "saint charles ouest", None, "Longueuil"),
        ),
        ("150, rue Saint-Charles Ouest", ParsedQuery("150", "saint charles ouest", None, None)),
        ("boul Taschereau", ParsedQuery(None, "boulevard taschereau", None, None)),
        ("Rang 3", ParsedQuery(None, "rang 3", None, None)),
        ("1500 Rang 3", ParsedQuery("1500", "rang 3", None, None)),
        ("4e Avenue", ParsedQuery(None, "4e avenue", None, None)),
        ("150 4e Avenue", ParsedQuery("150", "4e avenue", None, None)),
    ],
)
def test_parse_query_reads_number_street_postal_code_and_municipality(text, parsed):
    assert parse_query(text) == parsed


def test_parse_query_matches_the_municipality_against_the_given_list():
    parsed = parse_query("12 rue Victoria, st-lambert", ["Longueuil", "Saint-Lambert"])
    assert parsed.municipality == "Saint-Lambert"


def test_parse_query_keeps_an_unlisted_municipality_as_typed():
    parsed = parse_query("12 rue Victoria,  Vieux  Longueuil ", ["Longueuil", "Saint-Lambert"])
    assert parsed.municipality == "Vieux Longueuil"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type an address"),
        ("   ", "Type an address"),
        ("?!…", "Type an address"),
        ("1" * 150 + " rue " + "x" * 50, "too long"),
        ("150 rue Saint-Charles\x00", "cannot be typed"),
        ("150\nrue Saint-Charles", "cannot be typed"),
        ("1234", "Add the street name"),
    ],
)
def test_parse_query_refuses_what_cannot_be_searched_with_a_message(english, text, message):
    with pytest.raises(AddressQueryError, match=message) as raised:
        parse_query(text)
    assert isinstance(raised.value, ValueError)


def test_parse_query_accepts_exactly_200_characters():
    text = "150 rue " + "a" * 192
    assert len(text) == 200
    assert parse_query(text).number == "150"


def test_number_variants_cover_how_a_file_writes_a_unit_suffix():
    assert number_variants("1234") == ["1234"]
    assert set(number_variants("12A")) == {"12A", "12a", "12-A", "12-a", "12 A", "12 a"}


# ---------------------------------------------------------------------------------------------------------
# address_search


def add(number, street, municipality="Longueuil", postal_code="", lon=-73.5, lat=45.5):
    return civic_address(number, street, municipality, lon, lat, postal=postal_code, source="test")


@pytest.fixture
def addresses(db):
    return {
        "taschereau_longueuil": add("1234", "boulevard Taschereau", "Longueuil", "J4K2V2"),
        "taschereau_brossard": add("1234", "boulevard Taschereau", "Brossard", "J4Z1A1"),
        "taschereau_other": add("1240", "boulevard Taschereau", "Longueuil", "J4K2V2"),
        "saint_charles": add("150", "rue Saint-Charles Ouest", "Longueuil", "J4H1C3"),
        "saint_charles_est": add("150", "rue Saint-Charles Est", "Longueuil", "J4H1B1"),
        "sabourin": add("88", "montée Sabourin", "Saint-Bruno-de-Montarville", "J3V4P6"),
        "chambly": add("2001", "chemin de Chambly", "Longueuil", "J4J3Y2"),
        "unit": add("12A", "rue Victoria", "Saint-Lambert", "J4P2H6"),
        "victoria_lambert": add("12", "rue Victoria", "Saint-Lambert", "J4P2H6"),
        "lone_postal": add("9", "rue des Érables", "Longueuil", "J4L1A1"),
        "ten": add("10", "rue Victoria", "Saint-Lambert", "J4P2H6"),
        "hundred": add("100", "rue Victoria", "Saint-Lambert", "J4P2H6"),
    }


def test_same_number_and_street_in_two_municipalities_asks_to_choose(addresses):
    result = address_search("1234 boul taschereau")
    assert result.kind == CHOOSE
    assert result.matches == [addresses["taschereau_brossard"], addresses["taschereau_longueuil"]]


@pytest.mark.parametrize("query", ["1234 boul taschereau, Brossard", "1234 boul taschereau, BROSSARD"])
def test_the_municipality_after_a_comma_decides(addresses, query):
    result = address_search(query)
    assert result.kind == EXACT
    assert result.matches == [addresses["taschereau_brossard"]]


def test_a_municipality_is_matched_without_accents_or_abbreviation(addresses):
    result = address_search("88 montee sabourin, st bruno de montarville")
    assert (result.kind, result.matches) == (EXACT, [addresses["sabourin"]])


def test_a_municipality_that_matches_none_offers_the_candidates_without_deciding(addresses):
    result = address_search("1234 boul taschereau, Montréal")
    assert result.kind == CHOOSE
    assert len(result.matches) == 2


def test_a_single_address_in_another_municipality_is_offered_not_decided(addresses):
    result = address_search("88 montee sabourin, Longueuil")
    assert (result.kind, result.matches) == (CHOOSE, [addresses["sabourin"]])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("1234 boul taschereau Brossard", "taschereau_brossard"),
        ("1234 taschereau longueuil", "taschereau_longueuil"),
        ("88 montee sabourin st-bruno-de-montarville", "sabourin"),
        ("12 rue Victoria Saint Lambert", "victoria_lambert"),
    ],
)
def test_a_municipality_typed_without_a_comma_decides_too(addresses, query, expected):
    result = address_search(query)
    assert (result.kind, result.matches) == (EXACT, [addresses[expected]])


def test_a_street_named_like_a_municipality_is_found_before_reading_it_as_one(addresses):
    brossard_street = add("5", "boulevard de Brossard", "Longueuil", "J4W1A1")
    result = address_search("5 boulevard de Brossard")
    assert (result.kind, result.matches) == (EXACT, [brossard_street])


def test_a_postal_code_breaks_a_tie_between_municipalities(addresses):
    result = address_search("1234 boul taschereau J4Z 1A1")
    assert (result.kind, result.matches) == (EXACT, [addresses["taschereau_brossard"]])


@pytest.mark.parametrize(
    "query",
    [
        "150 rue Saint-Charles Ouest",
        "150 st-charles o",
        "150 ST CHARLES OUEST",
        "st-charles ouest 150",
        "150 Saint-Charles O., Longueuil",
        "150, rue Saint-Charles Ouest, Longueuil",
    ],
)
def test_the_same_address_is_found_however_it_is_written(addresses, query):
    result = address_search(query)
    assert (result.kind, result.matches) == (EXACT, [addresses["saint_charles"]])


def test_a_missing_direction_offers_both_sides_of_the_street(addresses):
    result = address_search("150 rue Saint-Charles")
    assert result.kind == CHOOSE
    assert set(result.matches) == {addresses["saint_charles"], addresses["saint_charles_est"]}


def test_a_postal_code_alone_offers_its_addresses(addresses):
    result = address_search("j4k2v2")
    assert result.kind == CHOOSE
    assert result.matches == [addresses["taschereau_longueuil"], addresses["taschereau_other"]]


def test_a_postal_code_with_one_address_is_an_answer(addresses):
    result = address_search("J4L 1A1")
    assert (result.kind, result.matches) == (EXACT, [addresses["lone_postal"]])


def test_a_number_and_postal_code_without_street_is_an_answer(addresses):
    result = address_search("1240 J4K 2V2")
    assert (result.kind, result.matches) == (EXACT, [addresses["taschereau_other"]])


@pytest.mark.parametrize(
    "query", ["999 boul Taschereau", "1234 rue Inconnue", "H0H 0H0", "150 rue Nulle part"]
)
def test_an_unknown_address_finds_none(addresses, query):
    result = address_search(query)
    assert (result.kind, result.matches) == (NONE, [])


def test_a_wrongly_typed_street_type_still_finds_the_street(addresses):
    result = address_search("1234 av Taschereau, Longueuil")
    assert (result.kind, result.matches) == (EXACT, [addresses["taschereau_longueuil"]])
    assert address_search("1234 av Taschereau").kind == CHOOSE


def test_case_and_accents_are_forgiven(addresses):
    for query in ("88 montee sabourin", "88 MONTÉE SABOURIN", "88 Mtée Sabourin", "sabourin 88"):
        result = address_search(query)
        assert (result.kind, result.matches) == (EXACT, [addresses["sabourin"]]), query


def test_a_street_written_with_type_words_in_another_order_is_found(addresses):
    result = address_search("2001 Chambly")
    assert (result.kind, result.matches) == (EXACT, [addresses["chambly"]])


def test_a_unit_suffix_matches_whatever_its_case(addresses):
    for query in ("12a rue Victoria", "12A Victoria", "12-a rue Victoria"):
        result = address_search(query)
        assert (result.kind, result.matches) == (EXACT, [addresses["unit"]]), query


def test_a_street_without_number_offers_its_addresses_in_numeric_order(addresses):
    result = address_search("rue Victoria")
    assert result.kind == CHOOSE
    assert [a.civic_number for a in result.matches] == ["10", "12", "100", "12A"]


def test_a_street_without_number_is_never_an_exact_answer(addresses):
    result = address_search("montée Sabourin")
    assert (result.kind, result.matches) == (CHOOSE, [addresses["sabourin"]])


def test_the_limit_caps_the_choices(addresses):
    result = address_search("rue Victoria", limit=2)
    assert [a.civic_number for a in result.matches] == ["10", "12"]


def test_an_unsearchable_query_raises_the_message_for_the_resident(db, english):
    with pytest.raises(AddressQueryError, match="Type an address"):
        address_search("   ")


def test_a_search_takes_at_most_four_queries(addresses, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        # The worst case: the municipality's spellings, then the exact key and all-words attempts both miss.
        result = address_search("1234 av Taschereau, Longueuil")
    assert result.kind == EXACT

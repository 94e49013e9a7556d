"""Normalising what residents type so that it meets the address file half-way.

`street_key` is what `CivicAddress.street_key` stores and what a query is compared with, so the importer and
the search must both use it. Its choices, so that they are not rediscovered the hard way:

* Lower case, accents removed (NFKD; "œ" → "oe", "æ" → "ae"), anything that is not a letter or a digit
  becomes a space, spaces collapsed.
* Street types are spelled out in one canonical word: boul/bd/blvd → "boulevard", ch/road/rd → "chemin",
  av/ave → "avenue", mtee → "montee", pl → "place", crois/cr → "croissant", terr → "terrasse",
  prom → "promenade", rte → "route", imp → "impasse". The generic "rue" (also "r" as the first word, and
  the English "street") is then **dropped**: residents often leave it out, and it tells nothing apart.
  The other types stay in the key as a word ("boulevard taschereau"); the search forgives a wrong one.
* "st" → "saint", "ste" → "sainte", also inside hyphenated names ("St-Charles" → "saint charles"); but an
  "st" that ends a name ("Victoria St", "Victoria St W") is the English "street", hence dropped like "rue".
* "drive"/"dr" are left alone: in Quebec "Dr" in a street name is "Docteur" ("rue du Dr-Lacroix").
* Directions are read only at the end of a name: trailing "o"/"w"/"west" → "ouest", "e"/"east" → "est",
  "n"/"north" → "nord", "s"/"south" → "sud". A single letter elsewhere ("rue E.-Dubois") is kept as it is;
  the simplification is that a name truly ending in one of those letters reads as a direction.

`parse_query` splits what a resident typed into a civic number, a street key, a postal code and a
municipality; see its docstring for the accepted shapes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext

MAX_QUERY_LENGTH = 200

# Canonical street types kept in the key ("rue" is dropped, see above).
STREET_TYPES = frozenset(
    {
        "boulevard",
        "chemin",
        "avenue",
        "montee",
        "rang",
        "place",
        "croissant",
        "terrasse",
        "allee",
        "promenade",
        "route",
        "autoroute",
        "impasse",
    }
)
DIRECTIONS = frozenset({"ouest", "est", "nord", "sud"})

_TYPE_ABBREVIATIONS = {
    "boul": "boulevard",
    "bd": "boulevard",
    "blvd": "boulevard",
    "ch": "chemin",
    "road": "chemin",
    "rd": "chemin",
    "av": "avenue",
    "ave": "avenue",
    "mtee": "montee",
    "pl": "place",
    "crois": "croissant",
    "cr": "croissant",
    "terr": "terrasse",
    "prom": "promenade",
    "rte": "route",
    "imp": "impasse",
    "street": "rue",
    "ste": "sainte",
}
_DIRECTION_WORDS = {
    "o": "ouest",
    "w": "ouest",
    "west": "ouest",
    "ouest": "ouest",
    "e": "est",
    "east": "est",
    "est": "est",
    "n": "nord",
    "north": "nord",
    "nord": "nord",
    "s": "sud",
    "south": "sud",
    "sud": "sud",
}

_POSTAL_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]\d[A-Za-z])[ -]?(\d[A-Za-z]\d)(?![A-Za-z0-9])")
# Letters Canada Post never uses; W and Z never start a code.
_POSTAL_NEVER = set("DFIOQU")
_POSTAL_NEVER_FIRST = set("WZ")
# A civic number: "1234", with a unit suffix "1234A" / "1234-B", or Quebec's "unit-number" "3-1234".
_CIVIC_NUMBER = re.compile(r"^(?:\d+-)?(\d+)(?:-?([A-Za-z]))?$")


class AddressQueryError(ValueError):
    """What the resident typed cannot be searched; str(error) is a translated message for them."""


@dataclass(frozen=True)
class ParsedQuery:
    number: str | None  # "1234" or "1234A" (suffix upper case)
    street: str  # a street_key, "" when only a postal code was given
    postal_code: str | None  # "J4K2V2"
    municipality: str | None  # the name from the list given to parse_query, else as typed


def _fold(text: str) -> str:
    """Lower case, no accents, only letters, digits and single spaces."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def place_key(text: str) -> str:
    """A municipality compared loosely: folded like a street, "st"/"ste" → "saint"/"sainte"."""
    words = _fold(text).split()
    return " ".join({"st": "saint", "ste": "sainte"}.get(word, word) for word in words)


def street_key(text: str) -> str:
    """The normalised street name stored in `CivicAddress.street_key` (rules in the module docstring)."""
    words = _fold(text).split()
    # Trailing directions, never the first word.
    end = len(words)
    while end > 1 and words[end - 1] in _DIRECTION_WORDS:
        end -= 1
        words[end] = _DIRECTION_WORDS[words[end]]
    for i, word in enumerate(words):
        if word == "st":
            words[i] = "rue" if i > 0 and i == end - 1 else "saint"
        elif word == "r" and i == 0:
            words[i] = "rue"
        else:
            words[i] = _TYPE_ABBREVIATIONS.get(word, word)
    return " ".join(word for word in words if word != "rue")


def postal_code_key(text: str) -> str:
    """A Canadian postal code as "J4K2V2", or "" when `text` is not one (case and one space forgiven)."""
    match = _POSTAL_CODE.fullmatch(text.strip()) if text else None
    if not match:
        return ""
    return _valid_postal_code(match)


def _valid_postal_code(match: re.Match) -> str:
    code = (match.group(1) + match.group(2)).upper()
    if code[0] in _POSTAL_NEVER_FIRST or _POSTAL_NEVER.intersection(code[::2]):
        return ""
    return code


def _civic_number(token: str) -> str | None:
    match = _CIVIC_NUMBER.match(token.strip(".#"))
    if not match:
        return None
    return match.group(1) + (match.group(2) or "").upper()


def _take_number(words: list[str]) -> tuple[str | None, list[str]]:
    """The civic number, first or else last, and the remaining words.

    A number that leaves nothing but a street type ("4e Avenue", "Rang 3") is part of the street's name.
    """
    candidates = [(0, words[1:])]
    if len(words) > 1:
        candidates.append((len(words) - 1, words[:-1]))
    for position, rest in candidates:
        number = _civic_number(words[position]) if words else None
        if number is None:
            continue
        rest_key = street_key(" ".join(rest))
        if rest_key in STREET_TYPES or (not rest_key and not number.isdigit()):
            continue
        return number, rest
    return None, words


def parse_query(text: str, municipalities: Iterable[str] | None = None) -> ParsedQuery:
    """Split an address as a resident types it.

    Accepted: "1234 boul Taschereau", "boul. Taschereau 1234", a unit suffix "1234A" / "1234-B", Quebec's
    "3-1234 rue X" (unit 3 at number 1234), a postal code anywhere ("J4K 2V2", "j4k2v2"), and a
    municipality after the first comma ("150 rue Saint-Charles O, Longueuil"; a comma right after the
    number, "150, rue Saint-Charles O, Longueuil", is the Quebec way and does not count). With
    `municipalities`, the municipality is the listed name it matches (accents, case, "St-" forgiven),
    else the text as typed.
    A unit written as words ("app. 3") is not understood. Raises AddressQueryError when the text is empty,
    longer than MAX_QUERY_LENGTH, holds control characters, or has neither a street nor a postal code.
    """
    if not isinstance(text, str) or not text.strip():
        raise AddressQueryError(gettext("Type an address, for example “150 rue Saint-Charles Ouest”."))
    if len(text) > MAX_QUERY_LENGTH:
        raise AddressQueryError(
            gettext("This address is too long: %(max)d characters at most.") % {"max": MAX_QUERY_LENGTH}
        )
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise AddressQueryError(gettext("This address contains characters that cannot be typed."))

    postal_code = None
    for match in _POSTAL_CODE.finditer(text):
        code = _valid_postal_code(match)
        if code:
            postal_code = code
            text = text[: match.start()] + " " + text[match.end() :]
            break

    parts = text.split(",")
    if len(parts) > 1 and _civic_number(parts[0].strip()) is not None:
        # The Quebec way: "150, rue Saint-Charles Ouest, Longueuil".
        parts = [parts[0] + " " + parts[1], *parts[2:]]
    address, place = parts[0], ",".join(parts[1:])
    place = " ".join(place.replace(",", " ").split())
    municipality = place or None
    if place and municipalities is not None:
        wanted = place_key(place)
        municipality = next((name for name in municipalities if place_key(name) == wanted), place)

    number, rest = _take_number(address.split())
    street = street_key(" ".join(rest))
    if not street and not postal_code:
        if number:
            raise AddressQueryError(gettext("Add the street name or the postal code to the civic number."))
        raise AddressQueryError(gettext("Type an address, for example “150 rue Saint-Charles Ouest”."))
    return ParsedQuery(number=number, street=street, postal_code=postal_code, municipality=municipality)

"""Finding a civic address from what a resident types (pure search: the sector is the caller's job).

Strategy, at most three queries, each filtered and limited by the database:

1. A postal code without a street: the addresses with that postal code (and number, when given).
2. Otherwise the exact street key (with the civic number when given); if nothing, every word of the key
   contained in the stored key (so word order, a missing "ouest" or "saint" are forgiven); if still
   nothing, the same without the street type and direction words (so "av Taschereau" finds the
   "boulevard Taschereau", "Saint-Charles Ouest" finds a file that has no direction).

When nothing is found and no municipality came after a comma, the street's last words are tried as a
municipality of the index ("150 Saint-Charles Ouest Longueuil"), one more query.

A municipality after a comma and a postal code do not filter: they rank the rows that match them first,
and when some rows match, only those are kept. When the municipality matches none of the rows found, they
are all offered to choose from, never as an exact answer. Municipality names are compared with accents,
case and hyphens folded on both sides; "St-" typed by a resident is read as "Saint", which assumes that
the file spells municipalities in full (as Quebec's official files do).

Kinds: "exact" — one address for a civic number and street (or a postal code that has one address);
"choose" — several, or a street or postal code without a number: the resident picks, up to `limit`,
ordered by municipality, street and number (plain numbers in numeric order); "none".
AddressQueryError (from parse_query) reaches the caller, whose str() is the message for the resident.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length

from beats.models import CivicAddress

from .normalise import (
    DIRECTIONS,
    STREET_TYPES,
    AddressQueryError,
    ParsedQuery,
    parse_query,
    place_key,
    street_key,
)

__all__ = ["CHOOSE", "EXACT", "NONE", "AddressQueryError", "AddressSearchResult", "address_search"]

EXACT = "exact"
CHOOSE = "choose"
NONE = "none"


def _municipalities_like(typed: str) -> list[str]:
    """The stored spellings of the municipality a resident typed (accents, case, "St"/"Saint" forgiven).

    Compared in Python: an address file names a handful of municipalities, and folding accents inside the
    database takes dozens of nested REPLACE calls, more than SQLite's parser accepts.
    """
    wanted = place_key(typed)
    stored = CivicAddress.objects.order_by().values_list("municipality", flat=True).distinct()
    return [name for name in stored if place_key(name) == wanted]


@dataclass(frozen=True)
class AddressSearchResult:
    kind: str
    matches: list[CivicAddress] = field(default_factory=list)
    query: ParsedQuery | None = None


def number_variants(number: str) -> list[str]:
    """How a file may write "12A": "12A", "12a", "12-A", "12 A"… (a plain number is itself)."""
    if number.isdigit():
        return [number]
    digits, suffix = number[:-1], number[-1]
    return [f"{digits}{sep}{letter}" for sep in ("", "-", " ") for letter in (suffix.upper(), suffix.lower())]


def _words_condition(words: list[str]) -> Q:
    condition = Q()
    for word in words:
        # Both sides are normalised to lower case already: contains is icontains here.
        condition &= Q(street_key__contains=word)
    return condition


def _fetch(queryset, parsed: ParsedQuery, municipalities, limit: int) -> tuple[list[CivicAddress], bool]:
    """The first `limit` rows, preferred ones first; and whether the municipality (if any) matched."""
    ranks = []
    if parsed.municipality:
        queryset = queryset.annotate(
            municipality_rank=Case(
                When(Q(municipality__in=municipalities), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        ranks.append("municipality_rank")
    if parsed.postal_code:
        queryset = queryset.annotate(
            postal_rank=Case(
                When(postal_code=parsed.postal_code, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        ranks.append("postal_rank")
    ordered = queryset.order_by(*ranks, "municipality", "street_key", Length("civic_number"), "civic_number")
    rows = list(ordered[:limit])
    municipality_matched = True
    for rank in ranks:
        preferred = [row for row in rows if getattr(row, rank) == 0]
        if preferred:
            rows = preferred
        elif rank == "municipality_rank":
            municipality_matched = False
    return rows, municipality_matched


def address_search(query: str, *, limit: int = 10) -> AddressSearchResult:
    """Find the address a resident typed; raises AddressQueryError when the text cannot be searched."""
    parsed = parse_query(query)
    municipalities = _municipalities_like(parsed.municipality) if parsed.municipality else []
    result = _search(parsed, municipalities, limit)
    if result.kind == NONE and not parsed.municipality:
        # "150 rue Saint-Charles Ouest Longueuil": the municipality typed without a comma, read as the
        # street's last words. Tried only after a miss, so a street named like a town is found first.
        trailing = _trailing_municipality(parsed.street)
        if trailing is not None:
            street, municipality = trailing
            reparsed = replace(parsed, street=street, municipality=municipality)
            result = _search(reparsed, [municipality], limit)
    return result


def _trailing_municipality(street: str) -> tuple[str, str] | None:
    """(street, stored municipality) when the street's last words name a municipality of the index."""
    words = street.split()
    if len(words) < 2:
        return None
    stored = {
        place_key(name): name
        for name in CivicAddress.objects.order_by().values_list("municipality", flat=True).distinct()
    }
    for count in range(min(len(words) - 1, 5), 0, -1):
        name = stored.get(place_key(" ".join(words[-count:])))
        if name is not None:
            return street_key(" ".join(words[:-count])), name
    return None


def _search(parsed: ParsedQuery, municipalities: list[str], limit: int) -> AddressSearchResult:
    base = CivicAddress.objects.all()
    if parsed.number:
        base = base.filter(civic_number__in=number_variants(parsed.number))

    if not parsed.street:
        attempts = [Q(postal_code=parsed.postal_code)]
    else:
        words = parsed.street.split()
        loose = [word for word in words if word not in STREET_TYPES and word not in DIRECTIONS]
        attempts = [Q(street_key=parsed.street), _words_condition(words)]
        if loose and loose != words:
            attempts.append(_words_condition(loose))

    for condition in attempts:
        rows, municipality_matched = _fetch(base.filter(condition), parsed, municipalities, limit)
        if rows:
            # A number makes one row an answer; so does a postal code alone that has one address.
            answers = parsed.number is not None or not parsed.street
            exact = len(rows) == 1 and answers and municipality_matched
            return AddressSearchResult(kind=EXACT if exact else CHOOSE, matches=rows, query=parsed)
    return AddressSearchResult(kind=NONE, matches=[], query=parsed)

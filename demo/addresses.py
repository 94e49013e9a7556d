"""A generated but plausible address file for the demo territory: real street names, made-up positions.

Each street of a place (a municipality, or one of Longueuil's boroughs) is a straight line drawn across
that place's demo sectors at a given direction and distance from their middle, clipped to them with a
margin. Along a stretch of it, every STEP_M metres, an even number stands on the left side and the next
odd number on the right, SIDE_OFFSET_M from the centre line; numbers grow along the street. Blocks of
consecutive numbers (POSTAL_BLOCK steps, both sides) share a postal code of the place's real forward
sortation areas; codes are never reused from one block to another.

Everything is computed from constants: the file is the same on every run. The municipality column is the
city, so Longueuil's three boroughs all read "Longueuil" (as in Quebec's address files).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import cache

import shapely
from shapely.geometry import shape

from .territory import BO, BR, GP, SB, SH, SL, VL, demo_sector_collection

STEP_M = 20.0
SIDE_OFFSET_M = 8.0
# How far inside its place's outline a street stays, so that no address lands on a neighbour's side.
MARGIN_M = 60.0
POSTAL_BLOCK = 8  # steps per postal code: 8 even and 8 odd numbers, 16 addresses
CSV_COLUMNS = ("civic_number", "street", "municipality", "postal_code", "lon", "lat")
COORDINATE_DECIMALS = 7

# Letters Canada Post uses in a postal code (never D, F, I, O, Q, U).
_POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"

_ORIGIN = (-73.45, 45.52)
_M_PER_DEGREE_LAT = 111_200.0
_M_PER_DEGREE_LON = _M_PER_DEGREE_LAT * math.cos(math.radians(_ORIGIN[1]))


@dataclass(frozen=True)
class DemoStreet:
    name: str
    place: tuple[str, str]  # (municipality, borough)
    bearing: float  # degrees counter-clockwise from east: the direction in which the numbers grow
    offset: float  # where the line crosses the place: -1 … 1 of its half-width, 0 through its middle
    first_number: int  # even: the first number on the left side; the right side starts one higher
    fsa: str  # forward sortation area of the street's postal codes
    length_m: float = 1200.0  # the built stretch, centred on the middle of the line (shorter if need be)


@dataclass(frozen=True)
class DemoAddress:
    civic_number: str
    street: str
    municipality: str
    borough: str
    postal_code: str  # "J4K 2V2"
    lon: float
    lat: float

    @property
    def place(self) -> tuple[str, str]:
        return (self.municipality, self.borough)


# The St. Lawrence runs south-west to north-east here: streets along it have a bearing of about 40°, streets
# going inland about 130° (or -50°).
STREETS: tuple[DemoStreet, ...] = (
    # Vieux-Longueuil
    DemoStreet("rue Saint-Charles Ouest", VL, 40, 0.55, 100, "J4H"),
    DemoStreet("rue Saint-Laurent Ouest", VL, 40, 0.25, 100, "J4H"),
    DemoStreet("chemin de Chambly", VL, -50, -0.1, 1000, "J4J"),
    DemoStreet("boulevard Roland-Therrien", VL, -50, 0.45, 500, "J4L"),
    DemoStreet("boulevard Jacques-Cartier Est", VL, 40, -0.35, 300, "J4M"),
    # Saint-Hubert
    DemoStreet("boulevard Cousineau", SH, 30, 0.0, 3000, "J4T"),
    DemoStreet("montée Saint-Hubert", SH, -55, 0.2, 3500, "J3Y"),
    DemoStreet("boulevard Gaétan-Boucher", SH, 25, -0.5, 4000, "J3Y"),
    DemoStreet("rue Grande Allée", SH, -55, -0.35, 3200, "J4T"),
    # Greenfield Park
    DemoStreet("boulevard Taschereau", GP, -60, 0.0, 3500, "J4V", 900),
    DemoStreet("rue Churchill", GP, 30, -0.3, 100, "J4V", 900),
    DemoStreet("rue Victoria", GP, 30, 0.35, 200, "J4V", 900),
    # Brossard
    DemoStreet("boulevard Taschereau", BR, -60, 0.45, 3550, "J4W"),
    DemoStreet("boulevard Rome", BR, 20, -0.1, 2000, "J4Y"),
    DemoStreet("avenue Auteuil", BR, -60, -0.2, 3000, "J4Z"),
    DemoStreet("boulevard du Quartier", BR, 70, 0.15, 8000, "J4Y"),
    DemoStreet("chemin des Prairies", BR, 25, -0.45, 2500, "J4X"),
    # Boucherville
    DemoStreet("boulevard Marie-Victorin", BO, 55, 0.35, 100, "J4B"),
    DemoStreet("boulevard de Montarville", BO, -40, 0.0, 100, "J4B"),
    DemoStreet("rue Samuel-De Champlain", BO, 55, -0.3, 500, "J4B"),
    # Saint-Bruno-de-Montarville
    DemoStreet("boulevard Clairevue Ouest", SB, 10, 0.2, 1000, "J3V"),
    DemoStreet("rue Montarville", SB, -80, -0.1, 1400, "J3V"),
    DemoStreet("boulevard Seigneurial Ouest", SB, 15, -0.45, 1200, "J3V"),
    # Saint-Lambert
    DemoStreet("avenue Victoria", SL, -50, 0.0, 100, "J4P", 1000),
    DemoStreet("rue Riverside", SL, 70, -0.6, 100, "J4R", 1000),
    DemoStreet("avenue Notre-Dame", SL, 70, 0.2, 200, "J4P", 1000),
)


def demo_addresses() -> list[DemoAddress]:
    """Every demo address, street after street, numbers in order; a new list each call."""
    return list(_generate())


def demo_addresses_csv(addresses: list[DemoAddress] | None = None) -> bytes:
    """The addresses (default: all of them) as a UTF-8 CSV file in the importer's default columns."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for address in demo_addresses() if addresses is None else addresses:
        writer.writerow(
            (
                address.civic_number,
                address.street,
                address.municipality,
                address.postal_code,
                f"{address.lon:.{COORDINATE_DECIMALS}f}",
                f"{address.lat:.{COORDINATE_DECIMALS}f}",
            )
        )
    return out.getvalue().encode("utf-8")


# --- construction -----------------------------------------------------------------------------------------


def _to_plane(lon: float, lat: float) -> tuple[float, float]:
    return (lon - _ORIGIN[0]) * _M_PER_DEGREE_LON, (lat - _ORIGIN[1]) * _M_PER_DEGREE_LAT


def _to_lon_lat(x: float, y: float) -> tuple[float, float]:
    return (
        round(x / _M_PER_DEGREE_LON + _ORIGIN[0], COORDINATE_DECIMALS),
        round(y / _M_PER_DEGREE_LAT + _ORIGIN[1], COORDINATE_DECIMALS),
    )


@cache
def _place_areas() -> dict[tuple[str, str], shapely.Polygon]:
    """Each place's sectors merged, in metres, shrunk by the margin."""
    pieces: dict[tuple[str, str], list] = {}
    for feature in demo_sector_collection()["features"]:
        properties = feature["properties"]
        geometry = shapely.transform(
            shape(feature["geometry"]), lambda xy: [_to_plane(lon, lat) for lon, lat in xy]
        )
        pieces.setdefault((properties["municipality"], properties["borough"]), []).append(geometry)
    return {place: shapely.union_all(geometries).buffer(-MARGIN_M) for place, geometries in pieces.items()}


def _street_line(street: DemoStreet, area) -> shapely.LineString | None:
    """The street's centre line across its place: the longest piece of a long line clipped to the area."""
    angle = math.radians(street.bearing)
    along = (math.cos(angle), math.sin(angle))
    across = (-along[1], along[0])
    centre = area.centroid
    # Half-width of the area across the street's direction.
    spans = [(x - centre.x) * across[0] + (y - centre.y) * across[1] for x, y in area.exterior.coords]
    half_width = min(-min(spans), max(spans))
    cx = centre.x + street.offset * half_width * across[0]
    cy = centre.y + street.offset * half_width * across[1]
    reach = 50_000.0
    line = shapely.LineString(
        [(cx - reach * along[0], cy - reach * along[1]), (cx + reach * along[0], cy + reach * along[1])]
    )
    clipped = shapely.intersection(line, area)
    parts = [part for part in shapely.get_parts(clipped) if part.geom_type == "LineString"]
    if not parts:
        return None
    return max(parts, key=lambda part: part.length)


def _postal_codes(fsa: str):
    """Distinct local codes for an area, in a scattered but fixed order: "J4H 3K7", "J4H 6A2", …"""
    size = 9 * len(_POSTAL_LETTERS) * 10
    start = sum(ord(c) * 97 for c in fsa)  # each area starts somewhere else
    for n in range(size):
        value = (n * 733 + start) % size  # 733 is prime to the size: every code once
        digit, rest = value % 10, value // 10
        letter, first = _POSTAL_LETTERS[rest % len(_POSTAL_LETTERS)], rest // len(_POSTAL_LETTERS) + 1
        yield f"{fsa} {first}{letter}{digit}"


def _generate():
    areas = _place_areas()
    codes = {}
    for street in STREETS:
        line = _street_line(street, areas[street.place])
        if line is None:
            continue
        length = min(street.length_m, line.length)
        start = (line.length - length) / 2
        steps = int(length // STEP_M) + 1
        postal = codes.setdefault(street.fsa, _postal_codes(street.fsa))
        municipality, borough = street.place
        code = ""
        for step in range(steps):
            if step % POSTAL_BLOCK == 0:
                code = next(postal)
            distance = start + step * STEP_M
            here = line.interpolate(distance)
            ahead = line.interpolate(min(distance + 1.0, line.length))
            behind = line.interpolate(max(distance - 1.0, 0.0))
            dx, dy = ahead.x - behind.x, ahead.y - behind.y
            norm = math.hypot(dx, dy)
            # Left of the direction of travel (numbers growing): the even side.
            left = (-dy / norm, dx / norm)
            number = street.first_number + 2 * step
            for civic, side in ((number, 1.0), (number + 1, -1.0)):
                lon, lat = _to_lon_lat(
                    here.x + side * SIDE_OFFSET_M * left[0], here.y + side * SIDE_OFFSET_M * left[1]
                )
                yield DemoAddress(str(civic), street.name, municipality, borough, code, lon, lat)

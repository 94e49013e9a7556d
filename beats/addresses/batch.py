"""The rows of an address file, checked one by one as they are read, then located all at once.

`AddressBatch` keeps the good rows and the errors in file order (the line, or the feature index, the field
and the reason); any error refuses the whole file (`AddressImportError`). What the file calls each value is
`AddressImportOptions`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer

from beats.addresses.normalise import postal_code_key
from beats.addresses.normalise import street_key as street_key_of
from beats.models import CivicAddress
from beats.sources import WGS84, area_of_use

MAX_IMPORT_ERRORS = 20
# Coordinates are stored rounded to 1e-7 degree (about 1 cm): a re-import through another PROJ version then
# still finds them unchanged.
DECIMALS = 7
SPACES = re.compile(r"[\s\u00a0\u202f]+")
_MAX = {
    name: CivicAddress._meta.get_field(name).max_length for name in ("civic_number", "street", "municipality")
}
_MAX_KEY = CivicAddress._meta.get_field("street_key").max_length


class AddressImportError(ValidationError):
    """The whole import was refused; `.messages` names each bad row (line or feature, field and reason)."""


@dataclass(frozen=True)
class AddressImportOptions:
    """Where the file keeps each value: CSV column names, or GeoJSON property names.

    GeoJSON points take their coordinates from their geometry (x_column and y_column are then unused).
    The postal code column may be absent from the file when it keeps its default name.
    """

    number_column: str = "civic_number"
    street_column: str = "street"
    municipality_column: str = "municipality"
    postal_code_column: str = "postal_code"
    x_column: str = "lon"
    y_column: str = "lat"
    # None: WGS84 (EPSG:4326) for CSV; for GeoJSON, the file's "crs" member if any, else WGS84.
    source_crs: str | None = None
    default_municipality: str = ""  # for rows whose municipality is empty (or a file without the column)
    source: str | None = None  # the label stored on each address; None: the file's name


class AddressBatch:
    """The rows read so far, their raw coordinates, and the errors found, in file order."""

    def __init__(self, describe_place):
        self.place = describe_place  # position in the file → "Line 4" / "Feature 3"
        self.rows: list[tuple] = []  # (position, civic_number, street, street_key, municipality, postal_code)
        self.xs: list[float] = []
        self.ys: list[float] = []
        self.x_field = self.y_field = ""
        self.lons: np.ndarray | None = None
        self.lats: np.ndarray | None = None
        self.seen: dict[tuple[str, str, str], int] = {}
        self.errors: list[tuple[int, str]] = []
        self.stopped_at: int | None = None
        # Files repeat the same few thousand streets: normalise each once.
        self.street_keys: dict[str, str] = {}
        self.postal_codes: dict[str, str | None] = {}
        self.names: dict[str, str] = {}  # one string object per distinct street or municipality name

    def fail(self, position: int, field: str, reason: str) -> None:
        self.errors.append(
            (
                position,
                _("%(place)s, %(field)s: %(reason)s")
                % {"place": self.place(position), "field": field, "reason": reason},
            )
        )

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_IMPORT_ERRORS

    def add(
        self, position: int, values: dict[str, Any], fields: dict[str, str], options: AddressImportOptions
    ):
        """Check one row (`values` by role, `fields` naming each role's column) and keep it if good."""
        errors = len(self.errors)
        number = _clean(values.get("number"))
        if not number:
            self.fail(position, fields["number"], _("no civic number."))
        elif len(number) > _MAX["civic_number"] or not number[0].isdigit():
            self.fail(position, fields["number"], _("“%(value)s” is not a civic number.") % {"value": number})

        street = _clean(values.get("street"))
        street_key = ""
        if not street:
            self.fail(position, fields["street"], _("no street."))
        elif len(street) > _MAX["street"]:
            self.fail(position, fields["street"], _("the street name is too long."))
        else:
            street_key = self.street_keys.get(street)
            if street_key is None:
                street_key = self.street_keys[street] = street_key_of(street)
            if not street_key or len(street_key) > _MAX_KEY:
                self.fail(
                    position, fields["street"], _("“%(value)s” is not a street name.") % {"value": street}
                )

        municipality = _clean(values.get("municipality")) or options.default_municipality.strip()
        if not municipality:
            self.fail(position, fields["municipality"], _("no municipality."))
        elif len(municipality) > _MAX["municipality"]:
            self.fail(position, fields["municipality"], _("the municipality name is too long."))

        raw_postal = _clean(values.get("postal_code"))
        postal = ""
        if raw_postal:
            postal = self.postal_codes.get(raw_postal, "")
            if postal == "":
                postal = self.postal_codes[raw_postal] = _postal_code(raw_postal)
        if postal is None:
            self.fail(
                position,
                fields["postal_code"],
                _("“%(value)s” is not a postal code (A1A 1A1).") % {"value": raw_postal},
            )

        x = _coordinate(values.get("x"))
        if isinstance(x, str):
            self.fail(position, fields["x"], x)
        y = _coordinate(values.get("y"))
        if isinstance(y, str):
            self.fail(position, fields["y"], y)

        if len(self.errors) > errors:
            return
        key = (number, street_key, municipality)
        first = self.seen.get(key)
        if first is not None:
            self.errors.append(
                (
                    position,
                    _("%(place)s: same address as %(first)s (%(address)s).")
                    % {
                        "place": self.place(position),
                        "first": self.place(first).lower(),
                        "address": f"{number} {street}, {municipality}",
                    },
                )
            )
            return
        self.seen[key] = position
        street = self.names.setdefault(street, street)
        municipality = self.names.setdefault(municipality, municipality)
        self.rows.append((position, number, street, street_key, municipality, postal))
        self.xs.append(x)
        self.ys.append(y)

    def locate(self, crs: CRS) -> None:
        """Transform every point to WGS84 in one go and check where it lands."""
        # Reading is over: what only served it goes before the writes build their own lookups.
        self.seen, self.street_keys, self.postal_codes, self.names = {}, {}, {}, {}
        if not self.rows:
            if not self.errors:
                raise AddressImportError(_("The file holds no addresses."))
            return
        xs, ys = np.asarray(self.xs, dtype=float), np.asarray(self.ys, dtype=float)
        self.xs, self.ys = [], []
        geographic = crs.equals(WGS84, ignore_axis_order=True)
        if geographic:
            lons, lats = xs, ys
        else:
            lons, lats = Transformer.from_crs(crs, WGS84, always_xy=True).transform(xs, ys)
            lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        lons, lats = np.round(lons, DECIMALS), np.round(lats, DECIMALS)
        bad_lon = ~np.isfinite(lons) | (np.abs(lons) > 180)
        bad_lat = ~np.isfinite(lats) | (np.abs(lats) > 90)
        area = area_of_use(crs)
        outside = np.zeros(len(self.rows), dtype=bool)
        if area is not None:
            west, south, east, north = area
            outside = ~(bad_lon | bad_lat) & ((lons < west) | (lons > east) | (lats < south) | (lats > north))
        for index in np.flatnonzero(bad_lon | bad_lat | outside):
            position = self.rows[index][0]
            if geographic and bad_lon[index]:
                self.fail(
                    position,
                    self.x_field,
                    _("longitude %(value)s is not between -180 and 180.") % {"value": xs[index]},
                )
            if geographic and bad_lat[index]:
                self.fail(
                    position,
                    self.y_field,
                    _("latitude %(value)s is not between -90 and 90.") % {"value": ys[index]},
                )
            if not geographic and (bad_lon[index] or bad_lat[index]):
                self.fail(
                    position,
                    f"{self.x_field}, {self.y_field}",
                    _("(%(x)s, %(y)s) cannot be transformed from %(crs)s.")
                    % {"x": xs[index], "y": ys[index], "crs": crs.to_string()},
                )
            if outside[index]:
                self.fail(
                    position,
                    f"{self.x_field}, {self.y_field}",
                    _(
                        "once transformed, the point lies at (%(lon).5f, %(lat).5f), outside the area where the "
                        "source CRS %(crs)s is used; is the source CRS right?"
                    )
                    % {"lon": lons[index], "lat": lats[index], "crs": crs.to_string()},
                )
        self.lons, self.lats = lons, lats

    def raise_errors(self) -> None:
        if not self.errors:
            return
        self.errors.sort(key=lambda error: error[0])  # stable: a row's errors keep their field order
        messages = [message for _position, message in self.errors[:MAX_IMPORT_ERRORS]]
        if self.stopped_at is not None:
            messages.append(
                _("Too many errors; stopped reading at %(place)s.")
                % {"place": self.place(self.stopped_at).lower()}
            )
        elif len(self.errors) > MAX_IMPORT_ERRORS:
            messages.append(
                _("… and %(count)d more errors.") % {"count": len(self.errors) - MAX_IMPORT_ERRORS}
            )
        raise AddressImportError(messages)


# --- values -----------------------------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """Text with its runs of spaces made one; whole-number floats (GeoJSON 123.0) without their tail."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return SPACES.sub(" ", str(value)).strip()


def _coordinate(value: Any) -> float | str:
    """The number, or the reason it is not one (decimal commas and spaces between thousands accepted)."""
    if isinstance(value, bool):
        return _("“%(value)s” is not a number.") % {"value": value}
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = SPACES.sub("", str(value if value is not None else ""))
        if not text:
            return _("no coordinate.")
        if "," in text and "." not in text and text.count(",") == 1:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return _("“%(value)s” is not a number.") % {"value": _clean(value)}
    if not math.isfinite(number):
        return _("“%(value)s” is not a number.") % {"value": _clean(value)}
    return number


def _postal_code(value: str) -> str | None:
    """The postal code as stored (A1A1A1), or None when it is not one."""
    return postal_code_key(value) or None

"""Importing an address file (CSV or GeoJSON points) into CivicAddress, all or nothing.

Every row is read and checked before anything is written; any bad row refuses the whole file with the line
(CSV, the header being line 1) or the feature index (GeoJSON, 0-based as in the file), the field and the
reason. Addresses are matched on (civic number, street key, municipality): new ones are created, changed ones
updated, and re-importing the same file changes nothing.

CSV files are read as a stream (UTF-8 with or without a BOM, else Windows-1252), comma- or
semicolon-separated, with decimal commas allowed in coordinates. GeoJSON files are read whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer

from beats.addresses.normalise import postal_code_key
from beats.addresses.normalise import street_key as street_key_of
from beats.models import CivicAddress
from beats.sources import WGS84, area_of_use, load_feature_collection, source_crs

MAX_IMPORT_ERRORS = 20
BATCH_SIZE = 2000
# Coordinates are stored rounded to 1e-7 degree (about 1 cm): a re-import through another PROJ version then
# still finds them unchanged.
DECIMALS = 7
SPACES = re.compile(r"[\s\u00a0\u202f]+")
UPDATED_FIELDS = ("street", "postal_code", "lon", "lat", "source")
_MAX = {
    name: CivicAddress._meta.get_field(name).max_length for name in ("civic_number", "street", "municipality")
}
_MAX_KEY = CivicAddress._meta.get_field("street_key").max_length
_MAX_SOURCE = CivicAddress._meta.get_field("source").max_length


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


@dataclass
class AddressImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    source_crs: str = "EPSG:4326"
    source: str = ""

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def addresses_import(
    *,
    source: str | os.PathLike | bytes | BinaryIO,
    format: str | None = None,
    options: AddressImportOptions,
) -> AddressImportResult:
    """Create or update civic addresses from a CSV or GeoJSON file, all or nothing.

    `source` is a path, the file's bytes or a binary file object; `format` is "csv", "geojson" or None
    (guessed from the content: a JSON object is GeoJSON, anything else CSV).
    """
    stream, close, name = _binary(source)
    try:
        format = _guess_format(stream) if format is None else format.lower()
        if format == "csv":
            crs = source_crs(options.source_crs, error=AddressImportError)
            batch = _read_csv(stream, options)
        elif format == "geojson":
            collection = load_feature_collection(stream, error=AddressImportError)
            crs = source_crs(options.source_crs, collection, error=AddressImportError)
            batch = _read_features(collection["features"], options)
        else:
            raise AddressImportError(
                _("Unknown format “%(format)s”: use csv or geojson.") % {"format": format}
            )
    finally:
        if close:
            stream.close()

    batch.locate(crs)
    batch.raise_errors()
    label = (options.source if options.source is not None else name)[:_MAX_SOURCE]
    result = AddressImportResult(source_crs=crs.to_string(), source=label)
    _write(batch, label, result)
    return result


# --- reading ----------------------------------------------------------------------------------------------


def _binary(source: Any) -> tuple[BinaryIO, bool, str]:
    """A seekable binary stream positioned at the start of the file, whether to close it, the file's name."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            return path.open("rb"), True, path.name
        except OSError as error:
            raise AddressImportError(
                _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": error}
            ) from error
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source)), True, ""
    name = Path(str(getattr(source, "name", "") or "")).name
    if not (hasattr(source, "seekable") and source.seekable()):
        return io.BytesIO(source.read()), True, name
    return source, False, name


def _guess_format(stream: BinaryIO) -> str:
    start = stream.tell()
    head = stream.read(64)
    stream.seek(start)
    return "geojson" if head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"{") else "csv"


class _Batch:
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


def _read_csv(stream: BinaryIO, options: AddressImportOptions) -> _Batch:
    """Read the CSV as UTF-8 (BOM or not); if it is not valid UTF-8, read it again as Windows-1252."""
    start = stream.tell()
    try:
        return _read_csv_as(stream, "utf-8-sig", options)
    except UnicodeDecodeError:
        stream.seek(start)
    try:
        return _read_csv_as(stream, "cp1252", options)
    except UnicodeDecodeError as error:
        raise AddressImportError(_("The file is neither UTF-8 nor Windows-1252 text.")) from error


def _read_csv_as(stream: BinaryIO, encoding: str, options: AddressImportOptions) -> _Batch:
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        header_line = text.readline()
        if not header_line.strip():
            raise AddressImportError(_("The file is empty: no header line."))
        counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
        delimiter = max(counts, key=counts.__getitem__)
        reader = csv.reader(itertools.chain([header_line], text), delimiter=delimiter)
        header = [cell.strip() for cell in next(reader)]
        columns, fields = _columns(header, options)
        batch = _Batch(lambda line: _("Line %(line)s") % {"line": line})
        batch.x_field, batch.y_field = fields["x"], fields["y"]
        width = len(header)
        line = reader.line_num
        for record in reader:
            position, line = line + 1, reader.line_num  # a record starts on the line after the previous one
            if not any(cell.strip() for cell in record):
                continue
            if batch.full:
                batch.stopped_at = position
                break
            if len(record) < width:
                record = record + [""] * (width - len(record))
            values = {role: record[index] for role, index in columns.items()}
            batch.add(position, values, fields, options)
        return batch
    except csv.Error as error:
        raise AddressImportError(_("The file is not valid CSV: %(reason)s.") % {"reason": error}) from error
    finally:
        text.detach()  # the caller's stream stays open


def _columns(header: list[str], options: AddressImportOptions) -> tuple[dict[str, int], dict[str, str]]:
    """Each role's column index in the header (exact name, else ignoring case) and the name to report."""
    wanted = {
        "number": options.number_column,
        "street": options.street_column,
        "municipality": options.municipality_column,
        "postal_code": options.postal_code_column,
        "x": options.x_column,
        "y": options.y_column,
    }
    folded = {name.casefold(): index for index, name in reversed(list(enumerate(header)))}
    columns: dict[str, int] = {}
    missing = []
    for role, name in wanted.items():
        index = header.index(name) if name in header else folded.get(name.casefold())
        optional = (role == "municipality" and bool(options.default_municipality.strip())) or (
            role == "postal_code" and name == AddressImportOptions.postal_code_column
        )
        if index is not None:
            columns[role] = index
        elif not optional:
            missing.append(name)
    if missing:
        raise AddressImportError(
            _("Missing column(s) %(missing)s; the file's columns are: %(columns)s.")
            % {
                "missing": ", ".join(f"“{name}”" for name in missing),
                "columns": ", ".join(f"“{name}”" for name in header),
            }
        )
    return columns, wanted


def _read_features(features: list, options: AddressImportOptions) -> _Batch:
    batch = _Batch(lambda index: _("Feature %(index)s") % {"index": index})
    batch.x_field = batch.y_field = "geometry"
    fields = {
        "number": options.number_column,
        "street": options.street_column,
        "municipality": options.municipality_column,
        "postal_code": options.postal_code_column,
        "x": "geometry",
        "y": "geometry",
    }
    for index, feature in enumerate(features):
        if batch.full:
            batch.stopped_at = index
            break
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            batch.errors.append(
                (index, _("%(place)s: not a GeoJSON Feature.") % {"place": batch.place(index)})
            )
            continue
        geometry = feature.get("geometry")
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (
            not isinstance(geometry, dict)
            or geometry.get("type") != "Point"
            or not isinstance(coordinates, list)
            or len(coordinates) < 2
        ):
            batch.fail(index, "geometry", _("not a Point."))
            continue
        properties = feature.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        values = {
            "number": properties.get(options.number_column),
            "street": properties.get(options.street_column),
            "municipality": properties.get(options.municipality_column),
            "postal_code": properties.get(options.postal_code_column),
            "x": coordinates[0],
            "y": coordinates[1],
        }
        batch.add(index, values, fields, options)
    return batch


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


# --- writing ----------------------------------------------------------------------------------------------


def _write(batch: _Batch, label: str, result: AddressImportResult) -> None:
    """Upsert by (civic number, street key, municipality) in one transaction."""
    municipalities = sorted({row[4] for row in batch.rows})
    with transaction.atomic():
        existing = {
            (number, key, municipality): (pk, (street, postal, lon, lat, source))
            for pk, number, key, municipality, street, postal, lon, lat, source in CivicAddress.objects.filter(
                municipality__in=municipalities
            )
            .values_list(
                "pk",
                "civic_number",
                "street_key",
                "municipality",
                "street",
                "postal_code",
                "lon",
                "lat",
                "source",
            )
            .iterator(chunk_size=BATCH_SIZE)
        }
        new: list[CivicAddress] = []
        changed: list[CivicAddress] = []
        lons, lats = batch.lons.tolist(), batch.lats.tolist()
        for (_position, number, street, key, municipality, postal), lon, lat in zip(
            batch.rows, lons, lats, strict=True
        ):
            values = (street, postal, lon, lat, label)
            found = existing.get((number, key, municipality))
            if found is None:
                new.append(
                    CivicAddress(
                        civic_number=number,
                        street=street,
                        street_key=key,
                        municipality=municipality,
                        postal_code=postal,
                        lon=lon,
                        lat=lat,
                        source=label,
                    )
                )
            elif found[1] != values:
                changed.append(CivicAddress(pk=found[0], **dict(zip(UPDATED_FIELDS, values, strict=True))))
            else:
                result.unchanged += 1
            if len(new) >= BATCH_SIZE:
                CivicAddress.objects.bulk_create(new, batch_size=BATCH_SIZE)
                result.created += len(new)
                new = []
        if new:
            CivicAddress.objects.bulk_create(new, batch_size=BATCH_SIZE)
            result.created += len(new)
        if changed:
            CivicAddress.objects.bulk_update(changed, UPDATED_FIELDS, batch_size=BATCH_SIZE)
            result.updated = len(changed)

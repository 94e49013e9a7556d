"""One raw row of an export → a call ready to place and write, or the reasons it cannot be read.

Rows are parsed a chunk at a time so that projected coordinates go through pyproj in one vectorised call.
Every reason is translated (in the language active during the import) and names the column at fault.
`row_hash` is a parsed call's digest, which tells an unchanged re-imported row (the import and the
re-placement of calls in calls.counts both compute it).
"""

from __future__ import annotations

import hashlib
import math
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import numpy as np
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from .models import Origin

MAX_INCIDENT_NUMBER = 64
MAX_CODE = 120
MAX_LABEL = 200
MAX_SECTOR_CODE = 32
# A projected point may fall this far (degrees) outside its CRS's published area of use before it is taken
# for a misconfigured profile (degrees read as metres, swapped columns).
AREA_MARGIN_DEGREES = 1.0
OTHER = Origin.OTHER.value


@dataclass(slots=True)
class ParsedCall:
    line: int
    incident_number: str
    received_at: datetime
    call_type_code: str
    call_type_label: str
    priority: int | None
    origin: str
    lon: float | None
    lat: float | None
    source_sector_code: str


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    value: str
    reason: str


class CallFacts(Protocol):
    """What a call's digest is made of: a ParsedCall, or the stored fields of a call being re-placed."""

    received_at: datetime
    priority: int | None
    origin: str
    lon: float | None
    lat: float | None
    source_sector_code: str


def row_hash(call: CallFacts, *, call_type_id: int | None, sector_id: int | None, placement: int) -> str:
    """The digest of everything an import writes for a call: a re-imported row with the same digest is unchanged
    and not written again. calls.counts computes it too when it re-places calls, so that both agree."""
    parts = (
        call.received_at.astimezone(UTC).isoformat(),
        call_type_id,
        call.priority,
        call.origin,
        None if call.lon is None else f"{call.lon:.7f}",
        None if call.lat is None else f"{call.lat:.7f}",
        call.source_sector_code,
        sector_id,
        placement,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def text(value) -> str:
    """A cell as text: XLSX gives numbers and dates, CSV gives strings."""
    if value.__class__ is str:  # CSV, nearly always: the fast way first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# strptime formats that datetime.fromisoformat reads the same way when the text has exactly their shape (ASCII
# digits where the format has numbers). fromisoformat is ~20× faster than strptime; any text it refuses still
# goes through strptime, so both paths accept exactly the same texts with the same result.
_ISO_SHAPED = {
    "%Y-%m-%d %H:%M:%S": r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d",
    "%Y-%m-%dT%H:%M:%S": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d",
    "%Y-%m-%d %H:%M": r"\d{4}-\d\d-\d\d \d\d:\d\d",
    "%Y-%m-%dT%H:%M": r"\d{4}-\d\d-\d\dT\d\d:\d\d",
    "%Y-%m-%d": r"\d{4}-\d\d-\d\d",
}


# The US month-first 12-hour format of the Seattle exports ("08/19/2011 09:16:27 PM"), read with one regular
# expression; any text it does not read goes to strptime as well.
_US_12_HOUR = "%m/%d/%Y %I:%M:%S %p"
_US_12_HOUR_PATTERN = r"(\d\d)/(\d\d)/(\d{4}) (0[1-9]|1[0-2]):(\d\d):(\d\d) ([AaPp][Mm])"


def _us_12_hour_parser():
    match = re.compile(_US_12_HOUR_PATTERN, re.ASCII).fullmatch

    def parse(raw: str) -> datetime | None:
        found = match(raw)
        if found is None:
            return None
        month, day, year, hour, minute, second, half = found.groups()
        hour = int(hour) % 12 + (12 if half in ("PM", "pm", "Pm", "pM") else 0)
        try:
            return datetime(int(year), int(month), int(day), hour, int(minute), int(second))
        except ValueError:
            return None

    return parse


def _iso_shaped_parser(fmt: str):
    """A fast reader of the texts of exactly `fmt`'s shape, returning None for any other text (or a date that
    does not exist): the caller then asks strptime, which says why. None when `fmt` has no fast reader."""
    if fmt == _US_12_HOUR:
        return _us_12_hour_parser()
    pattern = _ISO_SHAPED.get(fmt)
    if pattern is None:
        return None
    fullmatch = re.compile(pattern, re.ASCII).fullmatch
    fromisoformat = datetime.fromisoformat

    def parse(raw: str) -> datetime | None:
        if fullmatch(raw) is None:
            return None
        try:
            return fromisoformat(raw)
        except ValueError:
            return None

    return parse


class RowParser:
    """Parses rows by one profile; build one per import (it holds the profile's transformer)."""

    def __init__(self, profile):
        self.profile = profile
        self.zone = zoneinfo.ZoneInfo(profile.time_zone)
        fmt = profile.received_at_format.strip()
        self.time_format = None if fmt.lower() == "iso" else fmt
        self.fast_time = None if self.time_format is None else _iso_shaped_parser(self.time_format)
        self.origins = {str(key).strip().upper(): value for key, value in profile.origin_mapping.items()}
        self.has_coordinates = bool(profile.x_column and profile.y_column)
        self.transformer = None
        self.area = None
        if self.has_coordinates and profile.coordinates_epsg != 4326:
            try:
                crs = CRS.from_epsg(profile.coordinates_epsg)
            except CRSError as error:
                raise ValueError(
                    _("EPSG:%(code)s is not a known coordinate system.") % {"code": profile.coordinates_epsg}
                ) from error
            self.transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
            area = crs.area_of_use
            if area is not None:
                self.area = (
                    area.west - AREA_MARGIN_DEGREES,
                    area.south - AREA_MARGIN_DEGREES,
                    area.east + AREA_MARGIN_DEGREES,
                    area.north + AREA_MARGIN_DEGREES,
                )

    # --- one chunk -----------------------------------------------------------------------------------------

    def parse_chunk(self, rows: list[tuple[int, dict]]) -> tuple[list[ParsedCall], list[RowError]]:
        calls: list[ParsedCall] = []
        errors: list[RowError] = []
        for line, row in rows:
            call, row_errors = self.parse_row(line, row)
            if row_errors:
                errors.extend(row_errors)
            else:
                calls.append(call)
        if self.transformer is not None:
            calls = self._project(calls, errors)
        return calls, errors

    def _project(self, calls: list[ParsedCall], errors: list[RowError]) -> list[ParsedCall]:
        located = [call for call in calls if call.lon is not None]
        if not located:
            return calls
        xs = np.array([call.lon for call in located], dtype=float)
        ys = np.array([call.lat for call in located], dtype=float)
        lons, lats = self.transformer.transform(xs, ys)
        ok = np.isfinite(lons) & np.isfinite(lats)
        if self.area is not None:
            west, south, east, north = self.area
            ok &= (lons >= west) & (lons <= east) & (lats >= south) & (lats <= north)
        bad_lines = set()
        for call, lon, lat, good in zip(located, lons.tolist(), lats.tolist(), ok.tolist(), strict=True):
            if good:
                call.lon, call.lat = lon, lat
            else:
                bad_lines.add(call.line)
                errors.append(
                    RowError(
                        call.line,
                        f"{self.profile.x_column}/{self.profile.y_column}",
                        f"{call.lon} {call.lat}",
                        _("The point is outside the area where EPSG:%(code)s is used.")
                        % {"code": self.profile.coordinates_epsg},
                    )
                )
        if not bad_lines:
            return calls
        errors.sort(key=lambda error: error.line)
        return [call for call in calls if call.line not in bad_lines]

    # --- one row -------------------------------------------------------------------------------------------

    def parse_row(self, line: int, row: dict) -> tuple[ParsedCall | None, list[RowError]]:
        profile = self.profile
        errors: list[RowError] = []

        def fail(column: str, value, reason: str) -> None:
            errors.append(RowError(line, column, text(value), reason))

        incident = text(row.get(profile.incident_number_column))
        if not incident:
            fail(profile.incident_number_column, "", _("The incident number is missing."))
        elif len(incident) > MAX_INCIDENT_NUMBER:
            fail(
                profile.incident_number_column,
                incident,
                _("The incident number is longer than %(max)s characters.") % {"max": MAX_INCIDENT_NUMBER},
            )

        received_at = self._time(row.get(profile.received_at_column), fail)

        code = text(row.get(profile.call_type_code_column))[:MAX_CODE]
        label = text(row.get(profile.call_type_label_column)) if profile.call_type_label_column else ""
        label = (label or code)[:MAX_LABEL]

        priority = None
        if profile.priority_column:
            raw = text(row.get(profile.priority_column))
            if raw.isdecimal() and len(raw) <= 5:  # the usual small whole number, read as float would
                number = int(raw)
                if number <= 32767:
                    priority = number
                else:
                    fail(profile.priority_column, raw, _("The priority is not a whole number."))
            elif raw:
                try:
                    number = float(raw.replace(",", ".")) if profile.decimal_comma else float(raw)
                except ValueError:
                    number = math.nan
                if not number.is_integer() or not -32768 <= number <= 32767:
                    fail(profile.priority_column, raw, _("The priority is not a whole number."))
                else:
                    priority = int(number)

        origin = OTHER
        if profile.origin_column:
            origin = self.origins.get(text(row.get(profile.origin_column)).upper(), OTHER)

        lon = lat = None
        if self.has_coordinates:
            lon, lat = self._coordinates(row, fail)

        sector_code = ""
        if profile.source_sector_column:
            sector_code = text(row.get(profile.source_sector_column))[:MAX_SECTOR_CODE]

        if errors:
            return None, errors
        return ParsedCall(
            line, incident, received_at, code, label, priority, origin, lon, lat, sector_code
        ), []

    def _time(self, value, fail) -> datetime | None:
        column = self.profile.received_at_column
        if isinstance(value, datetime):
            moment = value
        else:
            raw = text(value)
            if not raw:
                fail(column, raw, _("The received time is missing."))
                return None
            try:
                if self.time_format is None:
                    moment = datetime.fromisoformat(raw)
                elif self.fast_time is None or (moment := self.fast_time(raw)) is None:
                    moment = datetime.strptime(raw, self.time_format)
            except ValueError:
                fail(
                    column,
                    raw,
                    _("The received time does not match the format %(format)s.")
                    % {"format": self.time_format or "ISO 8601"},
                )
                return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment

    def _number(self, raw: str) -> float:
        if self.profile.decimal_comma:
            if " " in raw or "\u00a0" in raw:
                raw = raw.replace(" ", "").replace("\u00a0", "")
            raw = raw.replace(",", ".")
        return float(raw)

    def _coordinates(self, row: dict, fail) -> tuple[float | None, float | None]:
        profile = self.profile
        values = []
        for column in (profile.x_column, profile.y_column):
            cell = row.get(column)
            raw = text(cell)
            if not raw:
                values.append(None)
                continue
            try:
                number = float(cell) if isinstance(cell, int | float) else self._number(raw)
            except ValueError:
                fail(column, raw, _("The coordinate is not a number."))
                return None, None
            if not math.isfinite(number):
                fail(column, raw, _("The coordinate is not a number."))
                return None, None
            values.append(number)
        x, y = values
        # Exports write 0 (or nothing) for "no coordinates"; one coordinate without the other is none too.
        if x is None or y is None or x == 0 or y == 0:
            return None, None
        if profile.coordinates_epsg == 4326:
            if not -180 <= x <= 180:
                fail(profile.x_column, text(row.get(profile.x_column)), _("The longitude is out of range."))
                return None, None
            if not -90 <= y <= 90:
                fail(profile.y_column, text(row.get(profile.y_column)), _("The latitude is out of range."))
                return None, None
        return x, y

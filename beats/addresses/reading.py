"""Reading an address file: CSV as a stream (UTF-8 with or without a BOM, else Windows-1252; comma-,
semicolon- or tab-separated, the header being line 1), GeoJSON points whole (features counted from 0), into
an `AddressBatch` of checked rows."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from .batch import AddressBatch, AddressImportError, AddressImportOptions


def open_binary(source: Any) -> tuple[BinaryIO, bool, str]:
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


def guess_format(stream: BinaryIO) -> str:
    start = stream.tell()
    head = stream.read(64)
    stream.seek(start)
    return "geojson" if head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"{") else "csv"


def read_csv(stream: BinaryIO, options: AddressImportOptions) -> AddressBatch:
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


def _read_csv_as(stream: BinaryIO, encoding: str, options: AddressImportOptions) -> AddressBatch:
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
        batch = AddressBatch(lambda line: _("Line %(line)s") % {"line": line})
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


def read_features(features: list, options: AddressImportOptions) -> AddressBatch:
    batch = AddressBatch(lambda index: _("Feature %(index)s") % {"index": index})
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

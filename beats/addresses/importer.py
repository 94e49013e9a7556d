"""Importing an address file (CSV or GeoJSON points) into CivicAddress, all or nothing.

Every row is read and checked before anything is written; any bad row refuses the whole file with the line
(CSV, the header being line 1) or the feature index (GeoJSON, 0-based as in the file), the field and the
reason. Addresses are matched on (civic number, street key, municipality): new ones are created, changed ones
updated, and re-importing the same file changes nothing.

CSV files are read as a stream (UTF-8 with or without a BOM, else Windows-1252), comma- or
semicolon-separated, with decimal commas allowed in coordinates. GeoJSON files are read whole.

This module is the entry point and the writes; the files are read in `reading`, each row is checked and the
points located in `batch`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from beats.models import CivicAddress
from beats.sources import load_feature_collection, source_crs

from .batch import AddressBatch, AddressImportError, AddressImportOptions
from .reading import guess_format, open_binary, read_csv, read_features

BATCH_SIZE = 2000
UPDATED_FIELDS = ("street", "postal_code", "lon", "lat", "source")
_MAX_SOURCE = CivicAddress._meta.get_field("source").max_length


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
    stream, close, name = open_binary(source)
    try:
        format = guess_format(stream) if format is None else format.lower()
        if format == "csv":
            crs = source_crs(options.source_crs, error=AddressImportError)
            batch = read_csv(stream, options)
        elif format == "geojson":
            collection = load_feature_collection(stream, error=AddressImportError)
            crs = source_crs(options.source_crs, collection, error=AddressImportError)
            batch = read_features(collection["features"], options)
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


# --- writing ----------------------------------------------------------------------------------------------


def _write(batch: AddressBatch, label: str, result: AddressImportResult) -> None:
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

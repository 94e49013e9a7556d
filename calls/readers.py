"""Read a dispatch export as it comes — CSV in any of the usual encodings and delimiters, or XLSX — as a stream
of (line number, row) pairs in bounded memory.

The line number is the physical line where the record starts (the header is line 1), so an error report
names the line an analyst sees in a text editor even when quoted fields hold newlines. For XLSX it is the
spreadsheet's row number.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _

BLOCK = 1 << 20
SNIFF_BYTES = 1024
DELIMITERS = ",;\t"
XLSX_MAGIC = b"PK\x03\x04"

# A single CSV field may be long (free-text remarks), but not unbounded.
csv.field_size_limit(10 * 1024 * 1024)


class ReadError(Exception):
    """The file cannot be read at all (not a row problem): wrong format, missing columns."""


@dataclass(frozen=True)
class FileFacts:
    sha256: str
    size: int
    starts_with_bom: bool
    is_utf8: bool
    is_xlsx: bool


def scan(binary: BinaryIO) -> FileFacts:
    """One pass over the bytes: checksum, size, and whether the whole file is valid UTF-8. Rewinds."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    size, is_utf8, head = 0, True, b""
    while block := binary.read(BLOCK):
        if not size:
            head = block[:4]
        size += len(block)
        digest.update(block)
        if is_utf8:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                is_utf8 = False
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    binary.seek(0)
    return FileFacts(
        sha256=digest.hexdigest(),
        size=size,
        starts_with_bom=head.startswith(codecs.BOM_UTF8),
        is_utf8=is_utf8,
        is_xlsx=head == XLSX_MAGIC,
    )


def choose_encoding(profile_encoding: str, facts: FileFacts) -> str:
    if facts.starts_with_bom:
        return "utf-8-sig"
    if profile_encoding == "utf-8":
        return "utf-8-sig"
    if profile_encoding in ("cp1252", "latin-1"):
        return profile_encoding
    return "utf-8" if facts.is_utf8 else "cp1252"


def sniff_delimiter(sample: str) -> str:
    """The delimiter among , ; and tab. The header line decides first: headers hold no decimal commas, whereas
    csv.Sniffer, on data rows like 45,5;12,3, can take the comma; it only breaks a tie."""
    header = sample.splitlines()[0] if sample else ""
    counts = {candidate: header.count(candidate) for candidate in DELIMITERS}
    best = max(counts.values())
    winners = [candidate for candidate, count in counts.items() if count == best]
    if best and len(winners) == 1:
        return winners[0]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


class TableReader:
    """Rows of one file, read the profile's way. Use as a context manager when given a path."""

    def __init__(self, binary: BinaryIO, *, profile, facts: FileFacts, file_name: str = ""):
        self.binary = binary
        self.profile = profile
        self.facts = facts
        fmt = profile.file_format
        if fmt == "auto":
            fmt = "xlsx" if facts.is_xlsx or file_name.lower().endswith(".xlsx") else "csv"
        self.format = fmt
        self.encoding = None if fmt == "xlsx" else choose_encoding(profile.encoding, facts)
        self.delimiter: str | None = None
        self.header: list[str] = []

    def rows(self) -> Iterator[tuple[int, dict]]:
        yield from (self._xlsx_rows() if self.format == "xlsx" else self._csv_rows())

    def _check_header(self, header: list[str]) -> None:
        self.header = [str(name).strip() if name is not None else "" for name in header]
        missing = [column for column in self.profile.required_columns() if column not in self.header]
        if missing:
            raise ReadError(
                _("Columns missing from the file's header: %(columns)s (the header has: %(header)s).")
                % {"columns": ", ".join(missing), "header": ", ".join(self.header)}
            )

    def _csv_rows(self) -> Iterator[tuple[int, dict]]:
        # cp1252 leaves five bytes undefined; a stray one becomes U+FFFD rather than stopping the import.
        errors = "replace" if self.encoding == "cp1252" else "strict"
        text = io.TextIOWrapper(self.binary, encoding=self.encoding, errors=errors, newline="")
        try:
            sample = text.read(SNIFF_BYTES)
            text.seek(0)
            self.delimiter = self.profile.delimiter_character or sniff_delimiter(sample)
            reader = csv.reader(text, delimiter=self.delimiter)
            try:
                header = next(reader)
            except StopIteration:
                raise ReadError(_("The file is empty.")) from None
            self._check_header(header)
            names = self.header
            width = len(names)
            previous_end = reader.line_num
            for record in reader:
                line = previous_end + 1
                previous_end = reader.line_num
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue  # a blank line
                if len(record) < width:
                    record = record + [None] * (width - len(record))
                yield line, dict(zip(names, record, strict=False))
        except UnicodeDecodeError as error:
            raise ReadError(
                _("The file is not valid %(encoding)s: %(error)s")
                % {"encoding": self.encoding, "error": error}
            ) from error
        finally:
            # Leave the caller's file open: the wrapper would close it when collected.
            if not self.binary.closed:
                text.detach()

    def _xlsx_rows(self) -> Iterator[tuple[int, dict]]:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            workbook = openpyxl.load_workbook(self.binary, read_only=True, data_only=True)
        except (InvalidFileException, OSError, KeyError, ValueError) as error:
            raise ReadError(
                _("The file is not a readable XLSX workbook: %(error)s") % {"error": error}
            ) from error
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            try:
                header = next(rows)
            except StopIteration:
                raise ReadError(_("The file is empty.")) from None
            self._check_header(list(header))
            names = self.header
            for line, values in enumerate(rows, start=2):
                if values is None or all(value is None or value == "" for value in values):
                    continue
                yield line, dict(zip(names, values, strict=False))
        finally:
            workbook.close()

"""The import itself: `calls_import` is the one path from a dispatch export to Call rows, and
`calls_import_upload` runs it on a queued batch's stored upload (the task's work).

How an import runs:

* The ImportBatch row is created (or taken, when a task was queued with one) and committed on its own, so
  that it survives a rollback and tells what happened; calls.services.batches writes each of its steps.
* Rows stream from the file in chunks of CHUNK_SIZE: parsed by the profile, placed in sectors with the
  point → sector index, classified by call type (new codes are created unmapped), and upserted by
  (source, incident number). A digest of what a row writes tells unchanged rows, which are not written.
* On PostgreSQL a chunk is written with COPY into a temporary staging table and one
  INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE the digest differs, by a writer thread on the import's own
  connection while the importing thread reads and parses the next chunk (it touches the connection only once
  that write is over, so the work stays in the one transaction); the calls table's foreign keys are checked
  as each chunk is written rather than all at commit, so that their checks overlap the parsing too.
  Elsewhere (SQLite, the demo) the chunk is written with Django's bulk_create(update_conflicts=True), in
  the importing thread. Both count created/updated/unchanged as if the rows were written one by one, in
  file order (a number repeated in a file: its last row wins).
* Everything is written inside one transaction; nothing of a batch is kept unless the batch succeeds.
  - all_or_nothing: the first bad row stops the writing, but the rest of the file is still read and parsed,
    so the report lists every bad row of the file at once; then everything is rolled back (status rejected).
  - threshold: bad rows are skipped; when they exceed max_bad_percent of the rows read, everything is rolled
    back (status rejected).
  - any exception (database refusal, crash) rolls everything back; the batch is marked failed and the
    exception propagates.
* The counters of a rejected or failed batch keep what was read (rows read, rejected, quality figures);
  created/updated/unchanged are zero, since nothing was kept.

Call it outside a transaction (the command and the task do): inside one, the batch row can only be as
durable as the caller's transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beats import index as sector_index
from beats.models import Sector

from ..counts import counts_update_for_batch
from ..models import Call, CallType, ImportBatch, ImportProfile, Placement, Urgency
from ..parsing import ParsedCall, RowError, RowParser, row_hash
from ..placement import PLACED_RULES, place_calls
from ..readers import ReadError, TableReader, scan
from .batches import (
    FINAL,
    Progress,
    batch_create,
    batch_discard_upload,
    batch_fail,
    batch_finish,
    batch_mark_running,
    batch_upload_available,
    progress_forget,
    progress_reporter,
)

CHUNK_SIZE = 20_000
MAX_REPORTED_PROBLEMS = 10_000
MAX_REPORTED_VALUE = 100

UPDATE_FIELDS = [
    "received_at",
    "call_type",
    "priority",
    "origin",
    "lon",
    "lat",
    "source_sector_code",
    "sector",
    "placement",
    "sector_map_version",
    "batch",
    "row_hash",
]

# The PostgreSQL writer: a session-temporary staging table (dropped at commit, or at the end of the import),
# filled by COPY a chunk at a time, then upserted into calls_call in one statement. Unchanged rows (same
# digest) are left alone by the WHERE, so they keep the batch that wrote them; the statement returns how many
# rows it inserted, how many it updated, and the months (service time zone) of the rows it wrote, which are
# the months whose counts the import must recompute.
# Whole numbers are staged as int8 and narrowed by the INSERT: binary COPY into an int2 column silently
# wraps a Python int that does not fit, whereas the INSERT's cast refuses it.
STAGING_TABLE = "calls_import_staging"
STAGING_COLUMNS = (
    ("incident_number", "text"),
    ("received_at", "timestamptz"),
    ("call_type_id", "int8"),
    ("priority", "int8"),
    ("origin", "text"),
    ("lon", "float8"),
    ("lat", "float8"),
    ("source_sector_code", "text"),
    ("sector_id", "int8"),
    ("placement", "int8"),
    ("row_hash", "text"),
)
STAGING_TYPES = [kind for _name, kind in STAGING_COLUMNS]
_STAGED = ", ".join(name for name, _kind in STAGING_COLUMNS)
STAGING_CREATE = (
    f"CREATE TEMPORARY TABLE {STAGING_TABLE} "
    f"({', '.join(f'{name} {kind}' for name, kind in STAGING_COLUMNS)}) ON COMMIT DROP"
)
STAGING_COPY = f"COPY {STAGING_TABLE} ({_STAGED}) FROM STDIN (FORMAT BINARY)"
_UPDATED = [
    "received_at",
    "call_type_id",
    "priority",
    "origin",
    "lon",
    "lat",
    "source_sector_code",
    "sector_id",
    "placement",
    "sector_map_version_id",
    "batch_id",
    "row_hash",
]
# Built from the constants above only, never from input.
UPSERT_SQL = f"""
WITH written AS (
    INSERT INTO calls_call (source, {_STAGED}, sector_map_version_id, batch_id)
    SELECT %(source)s::text, {_STAGED}, %(version)s::bigint, %(batch)s::bigint FROM {STAGING_TABLE}
    ON CONFLICT (source, incident_number) DO UPDATE SET
        {", ".join(f"{name} = EXCLUDED.{name}" for name in _UPDATED)}
    WHERE calls_call.row_hash IS DISTINCT FROM EXCLUDED.row_hash
    RETURNING xmax = 0 AS inserted, received_at
)
SELECT
    count(*) FILTER (WHERE inserted),
    count(*) FILTER (WHERE NOT inserted),
    array_agg(DISTINCT date_trunc('month', received_at AT TIME ZONE %(zone)s)::date)
FROM written
"""  # noqa: S608


class _Rollback(Exception):
    """Raised inside the transaction to undo a rejected batch."""


@dataclass
class _Counters:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    without_coordinates: int = 0
    outside_territory: int = 0
    sector_disagreement: int = 0
    unplaced: int = 0

    def outcome(self, *, kept: bool) -> dict[str, int]:
        """The counters the batch keeps: created/updated/unchanged are zero when nothing was kept."""
        return {
            name: 0 if not kept and name in ("created", "updated", "unchanged") else value
            for name, value in vars(self).items()
        }


@dataclass
class _Report:
    problems: int = 0
    buffer: io.StringIO = field(default_factory=io.StringIO)

    def __post_init__(self):
        self.writer = csv.writer(self.buffer)
        self.writer.writerow([_("line"), _("field"), _("value"), _("reason")])

    def add(self, errors: list[RowError]) -> None:
        for error in errors:
            self.problems += 1
            if self.problems <= MAX_REPORTED_PROBLEMS:
                value = error.value
                if len(value) > MAX_REPORTED_VALUE:
                    value = value[: MAX_REPORTED_VALUE - 1] + "…"
                self.writer.writerow([error.line, error.field, value, error.reason])

    def text(self) -> str:
        if not self.problems:
            return ""
        text = self.buffer.getvalue()
        if self.problems > MAX_REPORTED_PROBLEMS:
            more = self.problems - MAX_REPORTED_PROBLEMS
            text += ngettext(
                "(%(count)s more problem not listed)\n", "(%(count)s more problems not listed)\n", more
            ) % {"count": more}
        return text


class _Importer:
    def __init__(self, *, profile: ImportProfile, batch: ImportBatch, progress: Progress | None = None):
        self.profile = profile
        self.batch = batch
        self.progress = progress
        self.source = profile.source
        self.parser = RowParser(profile)
        self.index = sector_index.get_sector_index()
        self.map_version_id = self.index.version
        sectors = Sector.objects.active().values_list("pk", "code")
        self.code_by_sector = dict(sectors)
        self.sector_by_code = {code.upper(): pk for pk, code in self.code_by_sector.items()}
        self.call_types: dict[str, int] = dict(
            CallType.objects.filter(source=self.source).values_list("code", "pk")
        )
        self.counters = _Counters()
        self.report = _Report()
        self.writing = True
        self.staged = connection.vendor == "postgresql"
        self.staging_ready = False
        # The staged writer knows the months it wrote (then the counts need not look for them).
        self.months_written: set[date] | None = set() if self.staged else None
        self.writer: ThreadPoolExecutor | None = None
        self.in_flight: tuple[Future, Callable[[], None]] | None = None
        self.written: tuple[int, int, list[date] | None] = (0, 0, None)
        self.deferred_keys = ""
        self.raw_connection = None
        self.wrap_errors = None
        self.progress_due = False

    # --- placing ------------------------------------------------------------------------------------------

    def place(self, calls: list[ParsedCall]) -> tuple[list[int | None], list[int]]:
        sector_ids, placements = self.locate(calls)
        self.count_quality(calls, sector_ids, placements)
        return sector_ids, placements

    def locate(self, calls: list[ParsedCall]) -> tuple[list[int | None], list[int]]:
        return place_calls(
            self.index,
            self.sector_by_code,
            [call.lon for call in calls],
            [call.lat for call in calls],
            [call.source_sector_code for call in calls],
        )

    def count_quality(
        self, calls: list[ParsedCall], sector_ids: list[int | None], placements: list[int]
    ) -> None:
        """The batch's quality panel, read off the placements."""
        counters = self.counters
        for call, sector_id, placement in zip(calls, sector_ids, placements, strict=True):
            if placement in PLACED_RULES:
                source_code = call.source_sector_code.upper()
                if source_code and source_code != self.code_by_sector[sector_id].upper():
                    counters.sector_disagreement += 1
                continue
            if call.lon is None:
                counters.without_coordinates += 1
            else:
                counters.outside_territory += 1
            if placement == Placement.UNPLACED:
                counters.unplaced += 1

    # --- classifying --------------------------------------------------------------------------------------

    def call_type_ids(self, calls: list[ParsedCall]) -> None:
        missing = {}
        for call in calls:
            if call.call_type_code and call.call_type_code not in self.call_types:
                missing.setdefault(call.call_type_code, call.call_type_label)
        if not missing:
            return
        self.drain()  # the connection is the writer's until its chunk is written
        CallType.objects.bulk_create(
            [
                CallType(source=self.source, code=code, label=label, urgency=Urgency.UNMAPPED)
                for code, label in missing.items()
            ],
            ignore_conflicts=True,
        )
        self.call_types.update(
            CallType.objects.filter(source=self.source, code__in=list(missing)).values_list("code", "pk")
        )

    # --- writing ------------------------------------------------------------------------------------------

    def prepare(self, calls: list[ParsedCall], sector_ids: list[int | None], placements: list[int]):
        """What a chunk's rows will write, before anything is counted: their call types (new codes created),
        digests and, for the staged writer, the rows to stage. No counter moves here, so that this runs while
        the previous chunk is still being written."""
        self.call_type_ids(calls)
        call_types = self.call_types
        type_ids = [call_types.get(call.call_type_code) if call.call_type_code else None for call in calls]
        digests = [
            row_hash(call, call_type_id=type_id, sector_id=sector_id, placement=placement)
            for call, type_id, sector_id, placement in zip(
                calls, type_ids, sector_ids, placements, strict=True
            )
        ]
        if not self.staged:
            return type_ids, digests
        return [
            (
                call.incident_number,
                call.received_at,
                type_id,
                call.priority,
                call.origin,
                call.lon,
                call.lat,
                call.source_sector_code,
                sector_id,
                placement,
                digest,
            )
            for call, type_id, sector_id, placement, digest in zip(
                calls, type_ids, sector_ids, placements, digests, strict=True
            )
        ]

    def write(
        self, calls: list[ParsedCall], sector_ids: list[int | None], placements: list[int], prepared=None
    ):
        if prepared is None:
            prepared = self.prepare(calls, sector_ids, placements)
        if self.staged:
            self.write_staged(prepared)
        else:
            self.write_models(calls, *prepared, sector_ids, placements)

    def write_models(self, calls, type_ids, digests, sector_ids, placements) -> None:
        """Any database: look up the stored digests, count, and upsert the rows that changed with the ORM."""
        existing = dict(
            Call.objects.filter(
                source=self.source, incident_number__in={call.incident_number for call in calls}
            ).values_list("incident_number", "row_hash")
        )
        pending: dict[str, Call] = {}
        counters = self.counters
        for call, call_type_id, sector_id, placement, digest in zip(
            calls, type_ids, sector_ids, placements, digests, strict=True
        ):
            # As if rows were written one by one: a number seen earlier in this chunk compares with that row.
            known = pending.get(call.incident_number)
            previous = known.row_hash if known is not None else existing.get(call.incident_number)
            if previous == digest:
                counters.unchanged += 1
                continue
            if previous is None:
                counters.created += 1
            else:
                counters.updated += 1
            pending[call.incident_number] = Call(
                source=self.source,
                incident_number=call.incident_number,
                received_at=call.received_at,
                call_type_id=call_type_id,
                priority=call.priority,
                origin=call.origin,
                lon=call.lon,
                lat=call.lat,
                source_sector_code=call.source_sector_code,
                sector_id=sector_id,
                placement=placement,
                sector_map_version_id=self.map_version_id,
                batch_id=self.batch.pk,
                row_hash=digest,
            )
        if pending:
            self.write_rows(list(pending.values()))

    def write_staged(self, rows: list[tuple]) -> None:
        """PostgreSQL: one row per number (its last in the chunk) goes to the database, which says which rows it
        inserted and which it updated; the counters are made exact for rows "written one by one" from that.

        For each number, the chunk's first row compares with the stored call (created / updated / unchanged)
        and every later row with the row before it. The upsert compares the *last* row with the stored call,
        which gives the first row's outcome whenever the first and last rows have the same digest; the few
        numbers whose rows differ inside the chunk have their stored digest read beforehand.
        """
        counters = self.counters
        first_digest: dict[str, str] = {}
        last_digest: dict[str, str] = {}
        changed_inside: list[str] = []
        if len({row[0] for row in rows}) < len(rows):  # a number repeated in the chunk (rare)
            final: dict[str, tuple] = {}
            for row in rows:
                number, digest = row[0], row[-1]
                previous = last_digest.get(number)
                if previous is None:
                    first_digest[number] = digest
                elif previous == digest:
                    counters.unchanged += 1
                else:
                    counters.updated += 1
                last_digest[number] = digest
                final[number] = row
            rows = list(final.values())
            changed_inside = [
                number for number, digest in first_digest.items() if digest != last_digest[number]
            ]
        stored = {}
        if changed_inside:
            self.drain()  # the connection is the writer's until its chunk is written
            stored = dict(
                Call.objects.filter(source=self.source, incident_number__in=changed_inside).values_list(
                    "incident_number", "row_hash"
                )
            )

        def count() -> None:
            inserted, updated, months = self.written
            counters.created += inserted
            counters.updated += updated
            counters.unchanged += len(rows) - inserted - updated
            self.months_written.update(months or ())
            # The upsert judged these numbers by their last row; their first row decides.
            for number in changed_inside:
                old = stored.get(number)
                if old is None:
                    continue  # created either way
                if old != last_digest[number]:
                    counters.updated -= 1
                else:
                    counters.unchanged -= 1
                if old == first_digest[number]:
                    counters.unchanged += 1
                else:
                    counters.updated += 1

        self.drain()
        self.in_flight = (self.writer.submit(self.write_rows, rows), count)

    def drain(self, *, propagate: bool = True) -> None:
        """Wait for the chunk being written (if any) and count what it did; its error is raised here."""
        if self.in_flight is None:
            return
        future, count = self.in_flight
        self.in_flight = None
        try:
            future.result()
        except BaseException:
            if propagate:
                raise
            return
        count()
        self.report_progress()

    def report_progress(self) -> None:
        """The counters after the last chunk written, when not told yet.

        The batch row's counters are invisible to other connections until the transaction commits: the
        caller carries them out another way (calls.tasks: the cache)."""
        if self.progress_due and self.progress is not None:
            self.progress(dict(vars(self.counters)))
        self.progress_due = False

    def write_rows(self, rows: list) -> None:
        """Write one chunk's rows: Call instances (ORM), or staged tuples (in the writer thread), whose outcome
        (inserted, updated, months) it leaves in self.written for the importing thread to count."""
        if not self.staged:
            Call.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["source", "incident_number"],
                update_fields=UPDATE_FIELDS,
            )
            return
        # In the writer thread: the importing thread's psycopg connection (Django's `connection` is per thread),
        # which that thread does not touch until this chunk is written.
        # Its errors are raised as Django's (DataError, IntegrityError…), as the ORM's would be.
        with self.wrap_errors, self.raw_connection.cursor() as cursor:
            if not self.staging_ready:
                # Left over when an earlier import ran inside the caller's (still open) transaction.
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGING_TABLE}")
                cursor.execute(STAGING_CREATE)
                self.staging_ready = True
            else:
                cursor.execute(f"TRUNCATE {STAGING_TABLE}")
            with cursor.copy(STAGING_COPY) as copy:
                copy.set_types(STAGING_TYPES)
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                UPSERT_SQL,
                {
                    "source": self.source,
                    "version": self.map_version_id,
                    "batch": self.batch.pk,
                    "zone": settings.TIME_ZONE,
                },
            )
            self.written = cursor.fetchone()

    # --- the whole file -----------------------------------------------------------------------------------

    def run(self, reader: TableReader) -> None:
        rows = reader.rows()
        mode_all_or_nothing = self.batch.mode == ImportBatch.Mode.ALL_OR_NOTHING
        if self.staged:
            # PostgreSQL: a chunk is written in a thread while the next one is read and parsed (the database
            # works on one core, Python on the other), and the foreign keys of the rows written are checked as
            # each chunk is written rather than all at commit, so that their checking overlaps the parsing too.
            self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calls-import-writer")
            self.deferred_keys = self.foreign_keys_now()
            self.raw_connection = connection.connection
            self.wrap_errors = connection.wrap_database_errors
        try:
            while chunk := list(islice(rows, CHUNK_SIZE)):
                self.run_chunk(chunk, mode_all_or_nothing=mode_all_or_nothing)
                # Once the chunk is written: at once, or when its writer is drained (while the next is read).
                self.progress_due = True
                if self.in_flight is None:
                    self.report_progress()
            self.drain()
        finally:
            self.drain(propagate=False)  # after an error, the connection is free again before the rollback
            if self.writer is not None:
                self.writer.shutdown()
            rows.close()  # now, while the file is still open, not whenever the generator is collected
        if self.staged:
            with connection.cursor() as cursor:
                if self.staging_ready:
                    cursor.execute(f"DROP TABLE {STAGING_TABLE}")
                    self.staging_ready = False
                if self.deferred_keys:
                    cursor.execute(f"SET CONSTRAINTS {self.deferred_keys} DEFERRED")

    def foreign_keys_now(self) -> str:
        """Make the calls table's deferred foreign keys immediate for the import; returns them, to defer again."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' "
                "AND condeferrable AND condeferred",
                [Call._meta.db_table],
            )
            names = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
            if names:
                cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
        return names

    def run_chunk(self, chunk: list[tuple[int, dict]], *, mode_all_or_nothing: bool) -> None:
        calls, errors = self.parser.parse_chunk(chunk)
        if errors and mode_all_or_nothing:
            self.writing = False
        located = prepared = None
        if calls:
            located = self.locate(calls)
            if self.writing:
                prepared = self.prepare(calls, *located)
        # Counting starts once the previous chunk is written: a failed write stops the counters there.
        self.drain()
        self.counters.rows_read += len(chunk)
        if errors:
            self.counters.rejected += len({error.line for error in errors})
            self.report.add(errors)
        if not calls:
            return
        sector_ids, placements = located
        self.count_quality(calls, sector_ids, placements)
        if self.writing:
            self.write(calls, sector_ids, placements, prepared)

    def too_many_bad_rows(self) -> bool:
        counters = self.counters
        if not counters.rejected:
            return False
        if self.batch.mode == ImportBatch.Mode.ALL_OR_NOTHING:
            return True
        return Decimal(100 * counters.rejected) / Decimal(counters.rows_read) > self.batch.max_bad_percent


def calls_import(
    *,
    profile: ImportProfile,
    file: str | Path | BinaryIO,
    file_name: str,
    uploaded_by: AbstractBaseUser | None = None,
    mode: str = ImportBatch.Mode.ALL_OR_NOTHING,
    max_bad_percent: float | Decimal = 0,
    batch: ImportBatch | None = None,
    progress: Progress | None = None,
) -> ImportBatch:
    """Import a dispatch export by `profile` (see the module docstring for the modes); returns the batch.

    `progress`, when given, is called after each chunk with the counters so far (rows_read, created, …).
    """
    if batch is None:
        batch = batch_create(
            profile=profile,
            file_name=file_name,
            uploaded_by=uploaded_by,
            mode=mode,
            max_bad_percent=max_bad_percent,
        )
    batch_mark_running(batch=batch)

    if isinstance(file, str | Path):
        with Path(file).open("rb") as binary:
            _run(batch=batch, profile=profile, binary=binary, file_name=file_name, progress=progress)
    else:
        _run(batch=batch, profile=profile, binary=file, file_name=file_name, progress=progress)
    return batch


def calls_import_upload(*, batch: ImportBatch) -> str:
    """Import the stored upload of a queued batch (the task's work); returns the batch's status.

    A batch whose outcome stands (succeeded, rejected) is not run again: a message delivered twice, or a task
    asked twice, leaves it as it is. The report and messages are written in the uploader's language, whichever
    worker runs the import; the upload is discarded once the outcome stands.
    """
    if batch.status in FINAL:
        return batch.status
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        if not batch_upload_available(batch):
            batch_fail(batch=batch, message=_("The uploaded file is no longer available: upload it again."))
            return batch.status
        try:
            with default_storage.open(batch.upload, "rb") as file:
                calls_import(
                    profile=batch.profile,
                    file=file,
                    file_name=batch.file_name,
                    batch=batch,
                    progress=progress_reporter(batch.pk),
                )
        finally:
            progress_forget(batch.pk)
    if batch.status in FINAL:
        batch_discard_upload(batch=batch)
    return batch.status


def _run(
    *, batch: ImportBatch, profile: ImportProfile, binary: BinaryIO, file_name: str, progress: Progress | None
) -> None:
    importer = None
    try:
        facts = scan(binary)
        # Facts of the file, recorded with the outcome.
        batch.checksum, batch.size = facts.sha256, facts.size
        reader = TableReader(binary, profile=profile, facts=facts, file_name=file_name)
        importer = _Importer(profile=profile, batch=batch, progress=progress)
        batch.sector_map_version_id = importer.map_version_id
        try:
            with transaction.atomic():
                importer.run(reader)
                if importer.too_many_bad_rows():
                    raise _Rollback
                # In the same transaction: counts and calls commit together.
                counts_update_for_batch(batch, months=importer.months_written)
        except _Rollback:
            if batch.mode == ImportBatch.Mode.ALL_OR_NOTHING:
                message = _("Bad rows were found, so nothing was imported (all or nothing).")
            else:
                message = ngettext(
                    # The count is the bad rows': "1 row of 10 is bad", "4 of 10 rows are bad".
                    "%(bad)s row of %(read)s is bad, more than the %(limit)s %% allowed: nothing was imported.",
                    "%(bad)s of %(read)s rows are bad, more than the %(limit)s %% allowed: nothing was imported.",
                    importer.counters.rejected,
                ) % {
                    "bad": importer.counters.rejected,
                    "read": importer.counters.rows_read,
                    "limit": batch.max_bad_percent,
                }
            _finish(batch, importer, status=ImportBatch.Status.REJECTED, failure_message=message)
        else:
            _finish(batch, importer, status=ImportBatch.Status.SUCCEEDED)
    except ReadError as error:
        _finish(batch, importer, status=ImportBatch.Status.REJECTED, failure_message=str(error))
    except Exception as error:
        message = _("The import stopped on an error, and nothing was kept: %(error)s") % {
            "error": f"{type(error).__name__}: {error}"
        }
        _finish(batch, importer, status=ImportBatch.Status.FAILED, failure_message=message)
        raise


def _finish(
    batch: ImportBatch, importer: _Importer | None, *, status: str, failure_message: str = ""
) -> None:
    if importer is None:
        batch_finish(batch=batch, status=status, failure_message=failure_message)
        return
    batch_finish(
        batch=batch,
        status=status,
        failure_message=failure_message,
        counters=importer.counters.outcome(kept=status == ImportBatch.Status.SUCCEEDED),
        error_report=importer.report.text(),
    )

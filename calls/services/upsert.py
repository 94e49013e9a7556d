"""How a chunk of calls reaches the calls table, upserted by (source, incident number), and what that did.

On PostgreSQL a chunk is written with COPY into a temporary staging table and one
INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE the digest differs, by a writer thread on the import's own
connection while the importing thread reads and parses the next chunk (it touches the connection only once that
write is over, so the work stays in the one transaction); the calls table's foreign keys are checked as each
chunk is written rather than all at commit, so that their checks overlap the parsing too. Elsewhere (SQLite,
the demo) the chunk is written with Django's bulk_create(update_conflicts=True), in the importing thread. Both
count created/updated/unchanged as if the rows were written one by one, in file order (a number repeated in a
file: its last row wins).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection

from ..models import Call
from ..parsing import ParsedCall
from .outcome import ImportCounters

# What the staged writer copies for one call, in the order of STAGING_COLUMNS.
StagedRow = tuple[
    str, datetime, int | None, int | None, str, float | None, float | None, str, int | None, int, str
]

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


class ChunkWriter:
    """Writes the chunks of one import and counts, in `counters`, what each did; `counted` is called once a
    chunk's outcome is counted. On PostgreSQL a chunk is written in a thread: `drain` waits for it."""

    def __init__(
        self,
        *,
        source: str,
        map_version_id: int | None,
        batch_id: int,
        counters: ImportCounters,
        counted: Callable[[], None],
    ) -> None:
        self.source = source
        self.map_version_id = map_version_id
        self.batch_id = batch_id
        self.counters = counters
        self.counted = counted
        self.staged = connection.vendor == "postgresql"
        self.staging_ready = False
        # The staged writer knows the months it wrote (then the counts need not look for them).
        self.months_written: set[date] | None = set() if self.staged else None
        self.executor: ThreadPoolExecutor | None = None
        self.in_flight: tuple[Future, Callable[[], None]] | None = None
        self.written: tuple[int, int, list[date] | None] = (0, 0, None)
        self.deferred_keys = ""
        self.raw_connection: Any = None  # the psycopg connection under Django's
        self.wrap_errors: Any = None

    def open(self) -> None:
        """Before the first chunk. PostgreSQL: a chunk is written in a thread while the next one is read and
        parsed (the database works on one core, Python on the other), and the foreign keys of the rows written
        are checked as each chunk is written rather than all at commit, so that their checking overlaps the
        parsing too."""
        if not self.staged:
            return
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calls-import-writer")
        self.deferred_keys = self.foreign_keys_now()
        self.raw_connection = connection.connection
        self.wrap_errors = connection.wrap_database_errors

    def stop(self) -> None:
        """After the last chunk, or an error: the connection is free again (before a rollback, too)."""
        self.drain(propagate=False)
        if self.executor is not None:
            self.executor.shutdown()

    def close(self) -> None:
        """After the last chunk written: the staging table goes and the foreign keys are deferred again."""
        if not self.staged:
            return
        with connection.cursor() as cursor:
            if self.staging_ready:
                cursor.execute(f"DROP TABLE {STAGING_TABLE}")
                self.staging_ready = False
            if self.deferred_keys:
                cursor.execute(f"SET CONSTRAINTS {self.deferred_keys} DEFERRED")

    @property
    def busy(self) -> bool:
        """A chunk is being written (its outcome is not counted yet)."""
        return self.in_flight is not None

    def staged_rows(
        self,
        calls: list[ParsedCall],
        type_ids: list[int | None],
        digests: list[str],
        sector_ids: list[int | None],
        placements: list[int],
    ) -> list[StagedRow]:
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

    def write_models(
        self,
        calls: list[ParsedCall],
        type_ids: list[int | None],
        digests: list[str],
        sector_ids: list[int | None],
        placements: list[int],
    ) -> None:
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
                batch_id=self.batch_id,
                row_hash=digest,
            )
        if pending:
            self.write_rows(list(pending.values()))

    def write_staged(self, rows: list[StagedRow]) -> None:
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
            final: dict[str, StagedRow] = {}
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
        stored: dict[str, str] = {}
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
        self.in_flight = (self.executor.submit(self.write_rows, rows), count)

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
        self.counted()

    def write_rows(self, rows: list[Call] | list[StagedRow]) -> None:
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
                    "batch": self.batch_id,
                    "zone": settings.TIME_ZONE,
                },
            )
            self.written = cursor.fetchone()

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

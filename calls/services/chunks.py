"""The import's work on its rows, a chunk of CHUNK_SIZE at a time: parsed by the profile, placed in sectors
with the point → sector index, classified by call type (new codes are created unmapped), given the digest
that tells an unchanged row, counted (the batch's quality panel and progress), and handed to the writer.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from itertools import islice

from beats import index as sector_index
from beats.models import Sector

from ..models import CallType, ImportBatch, ImportProfile, Placement, Urgency
from ..parsing import ParsedCall, RowParser, row_hash
from ..placement import PLACED_RULES, place_calls
from ..readers import TableReader
from .batches import Progress
from .outcome import ErrorReport, ImportCounters
from .upsert import ChunkWriter, StagedRow

CHUNK_SIZE = 20_000

# What `prepare` makes of a chunk: its call type ids and digests (ORM writer), or the rows to stage.
Prepared = tuple[list[int | None], list[str]] | list[StagedRow]


class ChunkImporter:
    """One import's work on its rows, a chunk at a time: parse, place, classify, digest, count, hand to the
    writer (calls.services.upsert)."""

    def __init__(
        self, *, profile: ImportProfile, batch: ImportBatch, progress: Progress | None = None
    ) -> None:
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
        self.counters = ImportCounters()
        self.report = ErrorReport()
        self.writing = True
        self.progress_due = False
        # The received times of the first and last call placed in a sector (the batch's observed period).
        self.placed_from: datetime | None = None
        self.placed_until: datetime | None = None
        self.writer = ChunkWriter(
            source=self.source,
            map_version_id=self.map_version_id,
            batch_id=batch.pk,
            counters=self.counters,
            counted=self.report_progress,
        )

    # --- placing ------------------------------------------------------------------------------------------

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
        """The batch's quality panel, read off the placements, and the period of its placed calls."""
        counters = self.counters
        placed_times = []
        for call, sector_id, placement in zip(calls, sector_ids, placements, strict=True):
            if sector_id is not None:  # by the map or by the source's sector code
                placed_times.append(call.received_at)
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
        if placed_times:  # one min and max per chunk
            first, last = min(placed_times), max(placed_times)
            if self.placed_from is None or first < self.placed_from:
                self.placed_from = first
            if self.placed_until is None or last > self.placed_until:
                self.placed_until = last

    # --- classifying --------------------------------------------------------------------------------------

    def call_type_ids(self, calls: list[ParsedCall]) -> None:
        missing: dict[str, str] = {}
        for call in calls:
            if call.call_type_code and call.call_type_code not in self.call_types:
                missing.setdefault(call.call_type_code, call.call_type_label)
        if not missing:
            return
        self.writer.drain()  # the connection is the writer's until its chunk is written
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

    def prepare(
        self, calls: list[ParsedCall], sector_ids: list[int | None], placements: list[int]
    ) -> Prepared:
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
        if not self.writer.staged:
            return type_ids, digests
        return self.writer.staged_rows(calls, type_ids, digests, sector_ids, placements)

    def write(
        self,
        calls: list[ParsedCall],
        sector_ids: list[int | None],
        placements: list[int],
        prepared: Prepared | None = None,
    ) -> None:
        if prepared is None:
            prepared = self.prepare(calls, sector_ids, placements)
        if self.writer.staged:
            self.writer.write_staged(prepared)
        else:
            type_ids, digests = prepared
            self.writer.write_models(calls, type_ids, digests, sector_ids, placements)

    def report_progress(self) -> None:
        """The counters after the last chunk written, when not told yet.

        The batch row's counters are invisible to other connections until the transaction commits: the
        caller carries them out another way (calls.services.batches: the cache)."""
        if self.progress_due and self.progress is not None:
            self.progress(dict(vars(self.counters)))
        self.progress_due = False

    # --- the whole file -----------------------------------------------------------------------------------

    def run(self, reader: TableReader) -> None:
        rows = reader.rows()
        mode_all_or_nothing = self.batch.mode == ImportBatch.Mode.ALL_OR_NOTHING
        self.writer.open()
        try:
            while chunk := list(islice(rows, CHUNK_SIZE)):
                self.run_chunk(chunk, mode_all_or_nothing=mode_all_or_nothing)
                # Once the chunk is written: at once, or when its writer is drained (while the next is read).
                self.progress_due = True
                if not self.writer.busy:
                    self.report_progress()
            self.writer.drain()
        finally:
            self.writer.stop()
            rows.close()  # now, while the file is still open, not whenever the generator is collected
        self.writer.close()

    def run_chunk(self, chunk: list[tuple[int, dict[str, object]]], *, mode_all_or_nothing: bool) -> None:
        calls, errors = self.parser.parse_chunk(chunk)
        if errors and mode_all_or_nothing:
            self.writing = False
        located = prepared = None
        if calls:
            located = self.locate(calls)
            if self.writing:
                prepared = self.prepare(calls, *located)
        # Counting starts once the previous chunk is written: a failed write stops the counters there.
        self.writer.drain()
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

"""The import itself: `calls_import` is the one path from a dispatch export to Call rows, and
`calls_import_upload` runs it on a queued batch's stored upload (the task's work).

How an import runs:

* The ImportBatch row is created (or taken, when a task was queued with one) and committed on its own, so
  that it survives a rollback and tells what happened; calls.services.batches writes each of its steps.
* Rows stream from the file in chunks (calls.services.chunks): parsed by the profile, placed in sectors with
  the point → sector index, classified by call type (new codes are created unmapped), and upserted by
  (source, incident number) (calls.services.upsert). A digest of what a row writes tells unchanged rows,
  which are not written.
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

from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..counts import counts_update_for_batch
from ..models import ImportBatch, ImportProfile
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
from .chunks import ChunkImporter


class _Rollback(Exception):
    """Raised inside the transaction to undo a rejected batch."""


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
    status, message = ImportBatch.Status.SUCCEEDED, ""
    try:
        facts = scan(binary)
        # Facts of the file, recorded with the outcome.
        batch.checksum, batch.size = facts.sha256, facts.size
        reader = TableReader(binary, profile=profile, facts=facts, file_name=file_name)
        importer = ChunkImporter(profile=profile, batch=batch, progress=progress)
        batch.sector_map_version_id = importer.map_version_id
        try:
            with transaction.atomic():
                importer.run(reader)
                if importer.too_many_bad_rows():
                    raise _Rollback
                # In the same transaction: counts and calls commit together.
                counts_update_for_batch(batch, months=importer.writer.months_written)
        except _Rollback:
            status = ImportBatch.Status.REJECTED
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
    except ReadError as error:
        status, message = ImportBatch.Status.REJECTED, str(error)
    except Exception as error:
        message = _("The import stopped on an error, and nothing was kept: %(error)s") % {
            "error": f"{type(error).__name__}: {error}"
        }
        _finish(batch, importer, status=ImportBatch.Status.FAILED, failure_message=message)
        raise
    _finish(batch, importer, status=status, failure_message=message)


def _finish(
    batch: ImportBatch, importer: ChunkImporter | None, *, status: str, failure_message: str = ""
) -> None:
    if importer is None:
        batch_finish(batch=batch, status=status, failure_message=failure_message)
        return
    # Only a batch whose calls were kept observed its months.
    kept = status == ImportBatch.Status.SUCCEEDED
    batch.placed_from = importer.placed_from if kept else None
    batch.placed_until = importer.placed_until if kept else None
    batch_finish(
        batch=batch,
        status=status,
        failure_message=failure_message,
        counters=importer.counters.outcome(kept=kept),
        error_report=importer.report.text(),
    )

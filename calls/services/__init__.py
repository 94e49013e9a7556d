"""Every write of the calls app's imports, one module per responsibility.

* `batches` — an ImportBatch row's lifecycle: created or queued with its stored upload, started, running,
  finished (succeeded, rejected, failed), retried, its upload discarded; and its live progress.
* `ingest` — the import itself: a dispatch export into Call rows inside one transaction (`calls_import`), and
  the run of a queued batch's stored upload (`calls_import_upload`, the task's body).

The monthly counts and the re-placement of calls are calls.counts'.
"""

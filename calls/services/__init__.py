"""Every write of the calls app's imports, one module per responsibility.

* `batches` — an ImportBatch row's lifecycle: created or queued with its stored upload, started, running,
  finished (succeeded, rejected, failed), retried, its upload discarded; and its live progress.
* `ingest` — the import itself: a dispatch export into Call rows inside one transaction (`calls_import`), and
  the run of a queued batch's stored upload (`calls_import_upload`, the task's work).
* `chunks` — the import's work on its rows, a chunk at a time: parse, place, classify, digest, count.
* `upsert` — how a chunk reaches the calls table (PostgreSQL COPY and upsert in a writer thread, or the ORM)
  and how many calls it created, updated or left unchanged.
* `outcome` — what an import tells of itself: its counters and its error report.

The monthly counts and the re-placement of calls are calls.counts'.
"""

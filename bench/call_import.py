"""Benchmark: importing a CAD export with calls_import, next to a raw COPY of the same file in the same run.

    .venv/bin/python bench/call_import.py                        # 100,000 then 1,000,000 rows (~5 min)
    .venv/bin/python bench/call_import.py --rows 200000          # one size
    .venv/bin/python bench/call_import.py --profile              # cProfile of a 50,000-row import

For each size, `demo.cad_export.write_demo_cad` writes a file of the demo territory (Windows-1252, `;`,
MTM8 coordinates with decimal commas, two years of calls) to a temporary folder; then, each in a process of
its own, against PostgreSQL (DATABASE_URL, default postgres://root:root@127.0.0.1:5432/proximity_bench_calls,
created if missing and migrated; only the demo sectors and the demo call types are seeded, not the demo):

  idle       django.setup() and the sector index, nothing imported: the memory floor of the other lines;
  COPY       baseline: psycopg 3 `COPY … FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true,
             ENCODING 'WIN1252')` of the file into an unindexed table of nine text columns;
  import     calls_import with the shipped profile "longueuil-cad-demo", all or nothing, into an empty
             calls table: read, parse, project, classify, place, write, update the monthly counts, commit;
  re-import  the same file again: every row found unchanged, nothing written.

Each line gives the seconds of the operation alone (timed inside the process, after its imports), rows/s,
the ratio to COPY's seconds, and the process's peak resident memory (VmHWM of that child); under each import,
where its seconds went (see time_phases). The issue's target: the import within 3× COPY, peak memory
≤ 300 MB and flat as the file grows.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Production settings: with DEBUG on, Django keeps the text of every query, and an import's bulk statements
# (thousands of rows each) would pile up to hundreds of MB that a real import never holds.
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ["DATABASE_URL"] = os.environ.get(
    "DATABASE_URL", "postgres://root:root@127.0.0.1:5432/proximity_bench_calls"
)
os.environ.pop("REDIS_URL", None)  # Celery eager, local-memory cache: no Redis needed

START, END = date(2024, 1, 1), date(2025, 12, 31)
PROFILE_ROWS = 50_000
RAW_TABLE = "bench_raw_calls"
COPY_SQL = f"COPY {RAW_TABLE} FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'WIN1252')"
BLOCK = 1 << 20


def setup_database() -> None:
    """Migrate, and seed only what an import needs: the demo sectors and the demo call-type mapping."""
    from bench.database import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from demo.calls import demo_seed_call_types
    from demo.services import demo_seed_sectors

    call_command("migrate", verbosity=0)
    demo_seed_sectors()
    demo_seed_call_types()
    connection.close()


def empty_calls() -> None:
    """No calls, no batches: every size starts from an empty table, as a first import would."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
        db.execute("TRUNCATE calls_call")
        db.execute("DELETE FROM calls_importbatch")
        db.execute("VACUUM ANALYZE calls_call")


# --- one measurement, in a child process ----------------------------------------------------------------


def measure(kind: str, path: str) -> dict:
    """Run one operation and return its own seconds and what it did (printed as JSON by the child)."""
    if kind == "copy":
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
            db.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
            columns = ", ".join(f"c{i} text" for i in range(9))
            db.execute(f"CREATE TABLE {RAW_TABLE} ({columns})")
            started = time.perf_counter()
            with db.transaction(), db.cursor() as cursor:
                with cursor.copy(COPY_SQL) as copy, open(path, "rb") as handle:
                    while block := handle.read(BLOCK):
                        copy.write(block)
                rows = cursor.rowcount
            seconds = time.perf_counter() - started
            db.execute(f"DROP TABLE {RAW_TABLE}")
        return {"seconds": seconds, "rows": rows}

    import django

    django.setup()
    from beats.index import get_sector_index

    get_sector_index()  # built once per process in real use too; not part of an import's cost
    if kind == "idle":
        return {"seconds": 0.0, "rows": 0}
    from calls.models import ImportBatch, ImportProfile
    from calls.services.ingest import calls_import

    profile = ImportProfile.objects.get(name="longueuil-cad-demo")
    phases = time_phases()
    started = time.perf_counter()
    batch = calls_import(profile=profile, file=path, file_name=Path(path).name)
    seconds = time.perf_counter() - started
    if batch.status != ImportBatch.Status.SUCCEEDED:
        raise SystemExit(f"import {batch.status}: {batch.failure_message}\n{batch.error_report[:2000]}")
    return {
        "seconds": seconds,
        "rows": batch.rows_read,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "unplaced": batch.unplaced,
        "phases": phases,
    }


def time_phases() -> dict[str, float]:
    """Wrap the import's steps so that the child can say where its seconds went (a few calls per chunk, so
    the wrapping costs nothing measurable). The steps of the importing thread add up to the import's seconds,
    with "rest" for what is not wrapped (reading and splitting the CSV, the batch row); the writer thread's
    seconds (in brackets) overlap them, and "waiting for the writer" is the part they did not hide."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    from calls.parsing import RowParser
    from calls.services import chunks, ingest, upsert

    phases: dict[str, float] = {}

    def timed(owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                phases[label] = phases.get(label, 0.0) + time.perf_counter() - started

        setattr(owner, name, wrapper)

    timed(ingest, "scan", "scan (checksum, UTF-8 check)")
    timed(RowParser, "parse_chunk", "parse (incl. projection)")
    timed(chunks.ChunkImporter, "locate", "place")
    timed(chunks.ChunkImporter, "count_quality", "quality counters")
    timed(chunks.ChunkImporter, "call_type_ids", " of which call types")
    timed(chunks.ChunkImporter, "prepare", "digests + staging rows")
    timed(chunks.ChunkImporter, "write", "repeats + handing to the writer")
    timed(upsert.ChunkWriter, "drain", "waiting for the writer")
    timed(upsert.ChunkWriter, "write_rows", " [writer thread: COPY + upsert + FK checks, overlapped]")
    timed(ingest, "counts_update_for_batch", "monthly counts")
    timed(BaseDatabaseWrapper, "commit", "commit")
    return phases


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM), its own since exec.

    Not ru_maxrss: Linux carries a forked child's high-water mark over from the parent's memory at fork, so a
    child of this (Django-loaded) parent would report at least the parent's size.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_child(kind: str, path: str) -> dict:
    """The measurement in a fresh interpreter, which reports its own seconds and peak memory."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, path], stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"{kind} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the runs -------------------------------------------------------------------------------------------


def generate(folder: str, rows: int) -> tuple[str, object, float]:
    from demo.cad_export import write_demo_cad

    path = os.path.join(folder, f"cad-{rows}.csv")
    started = time.perf_counter()
    with open(path, "wb") as out:
        summary = write_demo_cad(out, rows=rows, start=START, end=END, seed=2026)
    return path, summary, time.perf_counter() - started


def bench_size(folder: str, rows: int) -> list[tuple[str, dict]]:
    path, summary, generated = generate(folder, rows)
    size_mb = os.path.getsize(path) / 1e6
    print(f"-- {rows:,} rows ({size_mb:,.0f} MB, generated in {generated:.1f} s)", flush=True)
    empty_calls()
    results = []
    for label, kind in (
        ("idle (setup + sector index)", "idle"),
        ("COPY into a text table (baseline)", "copy"),
        ("calls_import, empty table", "import"),
        ("calls_import again, all unchanged", "import"),
    ):
        result = run_child(kind, path)
        results.append((label, result))
        copy = dict(results).get("COPY into a text table (baseline)")
        ratio = f"{result['seconds'] / copy['seconds']:>6.1f}×" if copy and kind == "import" else " " * 7
        speed = f"{result['rows'] / result['seconds']:>12,.0f}" if result["seconds"] else " " * 12
        seconds = f"{result['seconds']:>9.2f}" if kind != "idle" else " " * 9
        extra = ""
        if kind == "import":
            extra = f"  created {result['created']:,}, unchanged {result['unchanged']:,}"
        print(f"{label:<38}{seconds}{speed}{ratio}{result['peak_rss_mib']:>10,.0f}{extra}", flush=True)
        phases = result.get("phases") or {}
        if phases:
            rest = result["seconds"] - sum(v for k, v in phases.items() if not k.startswith(" "))
            phases = {**phases, "rest (reading the CSV, …)": rest}
            print("    " + "; ".join(f"{name.strip()} {value:.2f} s" for name, value in phases.items()))
    if results[2][1]["created"] != summary.valid_rows:
        raise SystemExit(f"the import created {results[2][1]['created']:,} calls, not {summary.valid_rows:,}")
    os.remove(path)
    return results


def profile_import(folder: str) -> None:
    path, _, _ = generate(folder, PROFILE_ROWS)
    empty_calls()
    import django

    django.setup()
    from beats.index import get_sector_index
    from calls.models import ImportProfile
    from calls.services.ingest import calls_import

    get_sector_index()
    profile = ImportProfile.objects.get(name="longueuil-cad-demo")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    calls_import(profile=profile, file=path, file_name="profile.csv")
    profiler.disable()
    print(f"cProfile of calls_import, {PROFILE_ROWS:,} rows: {time.perf_counter() - started:.2f} s profiled")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(25)
        print(out.getvalue()[out.getvalue().index("   ncalls") :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--profile", action="store_true", help=f"cProfile one {PROFILE_ROWS:,}-row import")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = measure(*args.child)
        print(json.dumps({**result, "peak_rss_mib": peak_rss_mib()}))
        return

    setup_database()
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as db:
        version = db.execute("SHOW server_version").fetchone()[0]
    print(
        f"call import benchmark: Python {platform.python_version()}, PostgreSQL {version}, "
        f"{os.cpu_count()} CPUs; demo CAD file {START} → {END}, no bad rows"
    )
    with tempfile.TemporaryDirectory(prefix="bench-call-import-") as folder:
        if args.profile:
            profile_import(folder)
            return
        print(f"{'':<38}{'seconds':>9}{'rows/s':>12}{'/ COPY':>7}{'peak MiB':>10}")
        for rows in args.rows:
            bench_size(folder, rows)
    print("target: calls_import within 3× COPY, peak memory ≤ 300 MB and flat as the file grows")


if __name__ == "__main__":
    main()

"""Benchmark and tool: write a synthetic CAD export of the demo territory (demo.cad_export) and time it.

    .venv/bin/python bench/generate_cad.py 1000000 /tmp/cad-1m.csv [--start 2024-01-01 --end 2025-12-31
        --seed 2026 --bad-row-rate 0.001 --duplicate-rate 0.0]

Prints rows/s and MB/s of the generator next to a baseline measured in the same run: the same number of
copies of one fixed record written with plain `file.write` to a file beside OUT (deleted afterwards), which
is the cost of the disk and the file object alone. Memory: the peak traced by tracemalloc during the
generation (Python and numpy allocations; tracing slows the run, so it is a separate, second pass writing
to a null sink, skipped with --no-trace) and the process's peak RSS. No database, no Django settings.
"""

import argparse
import os
import platform
import resource
import sys
import time
import tracemalloc
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the project root

import numpy as np

from demo.cad_export import write_demo_cad

FIXED_LINE = (
    "LGL-2025-0000123;2025-07-14 23:41:07;BRUIT;Bruit excessif;3;911;306245,45;5043727,95;VL-03\r\n"
).encode("cp1252")


class NullSink:
    def write(self, chunk: bytes) -> int:
        return len(chunk)


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (
        1024**2 if sys.platform == "darwin" else 1024
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("out")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2024, 1, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2025, 12, 31))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--bad-row-rate", type=float, default=0.001)
    parser.add_argument("--duplicate-rate", type=float, default=0.0)
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc pass")
    args = parser.parse_args()
    options = {
        "rows": args.rows,
        "start": args.start,
        "end": args.end,
        "seed": args.seed,
        "bad_row_rate": args.bad_row_rate,
        "duplicate_rate": args.duplicate_rate,
    }
    print(
        f"synthetic CAD benchmark: Python {platform.python_version()}, numpy {np.__version__}; "
        f"{args.rows:,} rows, {args.start} → {args.end}, seed {args.seed}, bad-row rate {args.bad_row_rate}, "
        f"duplicate rate {args.duplicate_rate}"
    )
    write_demo_cad(NullSink(), **{**options, "rows": 10})  # load the territory outside the timings
    rss_before = peak_rss_mib()

    baseline_path = args.out + ".baseline"
    started = time.perf_counter()
    with open(baseline_path, "wb") as handle:
        for _ in range(args.rows):
            handle.write(FIXED_LINE)
    baseline = time.perf_counter() - started
    os.remove(baseline_path)

    started = time.perf_counter()
    with open(args.out, "wb") as handle:
        summary = write_demo_cad(handle, **options)
    seconds = time.perf_counter() - started
    size_mb = os.path.getsize(args.out) / 1e6

    def line(label: str, secs: float) -> str:
        return f"{label:<46}{secs:>9.2f} s {args.rows / secs:>14,.0f} rows/s"

    print(line("write_demo_cad → file", seconds) + f"  {size_mb / seconds:>7.1f} MB/s ({size_mb:,.1f} MB)")
    print(line("baseline: fixed line × rows, file.write", baseline))
    print(f"generator / baseline time: {seconds / baseline:.1f}×")
    print(f"peak RSS: {peak_rss_mib():,.0f} MiB (after imports and the territory: {rss_before:,.0f} MiB)")
    if not args.no_trace:
        tracemalloc.start()
        write_demo_cad(NullSink(), **options)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"tracemalloc peak during generation (second pass, null sink): {peak / 2**20:,.1f} MiB")
    print(
        f"written: {summary.rows:,} records, {summary.valid_rows:,} valid, {summary.bad_rows:,} bad "
        f"{dict(summary.bad_kinds)}, {summary.duplicates:,} duplicates, {summary.without_coordinates:,} "
        f"without coordinates; {summary.first_received} → {summary.last_received}"
    )


if __name__ == "__main__":
    main()

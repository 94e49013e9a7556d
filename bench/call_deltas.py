"""Benchmark: reading the analysts' figures (sector deltas) at 100k, 1M and 10M calls, next to reading the calls.

    .venv/bin/python bench/call_deltas.py                              # 100,000, 1,000,000, 10,000,000 calls
    .venv/bin/python bench/call_deltas.py --sizes 100000 1000000       # other sizes (ascending)
    .venv/bin/python bench/call_deltas.py --repeat 21                  # repetitions per figure (default 9)

Issue 5 asks that reading deltas never scans the calls table — "its cost grows with sectors × months, not with
calls" — and that the delta computation time be flat at 100k, 1M and 10M calls. This script measures it on
PostgreSQL, in a database of its own (DATABASE_URL, default
postgres://root:root@127.0.0.1:5432/proximity_bench_deltas, created if missing and migrated; only the demo
sectors and the demo call types are seeded, as bench/call_import.py does), with production settings
(DJANGO_DEBUG=0).

For each size N, in ascending order, the calls table is grown to N calls (the rows already there are kept):

  generate    INSERT … SELECT FROM generate_series, all in SQL (the import is benchmarked elsewhere, by
              bench/call_import.py): 24 months (the 24 full months before this month, America/Toronto),
              with a yearly season and a slow trend; the 17 demo sectors in proportion to their population,
              3.5 % unplaced (no coordinates, no sector); the demo call types in proportion to the weights of
              demo.cad_model (urgent / non-urgent / other mix); times spread evenly within each month, so
              the received_at indexes grow at their ends as a real feed's would. Then VACUUM ANALYZE, as
              autovacuum would after such a load.
  recompute   calls.counts.counts_recompute(), the full recomputation `manage.py recompute_call_stats` runs:
              one GROUP BY over every call. It reads the calls, so it is expected to grow; printed, timed once.

Then (after VACUUM ANALYZE of the counts and a CHECKPOINT, so that the heavy phases' writes are done), each
figure the median of --repeat rounds after one warm-up run, the operations interleaved within a round, with
the number of SQL queries (django.test.utils.CaptureQueriesContext), through the ORM's connection:

  SELECT 1                 baseline: one round trip to PostgreSQL, the floor of any query;
  sector_deltas            calls.selectors.sector_deltas(month=the last month): every sector against the
                           previous month, the same month last year and its pre-programme baseline;
  sector_deltas urgency    the same, non-urgent calls only;
  sector_monthly_series    calls.selectors.sector_monthly_series(the busiest sector, 24 months);
  programme_evaluation     calls.selectors.programme_evaluation: difference-in-differences of the sectors given
                           a programme start date (every other sector, set by this script to the 13th month
                           of the window, so that each has a 12-month baseline) against the others, 12 months
                           before against 12 months after, non-urgent calls;
  naive delta from calls   baseline: what the design avoids — the same three reference months' counts per
                           sector read straight from the calls table (SELECT sector_id, month, count(*) …
                           GROUP BY), checked equal to sector_deltas' counts.

Beside each median: the best run, "SQL ms" (the median time spent in the queries' execute, rows received:
what PostgreSQL and the round trips cost; the rest is Python) and the number of queries of one run, which
must not grow with the calls.

It prints a table per size, then a summary (operation × size, milliseconds) and the machine's facts. Every
query runs on one core (max_parallel_workers_per_gather = 0 for the benchmark's session; --parallel keeps the
server's setting): the machine is shared, and one core is the fair comparison between the lines.

The database is left in place at the end (a rerun reuses the calls already generated); drop it with

    psql -h 127.0.0.1 -U root -d postgres -c 'DROP DATABASE proximity_bench_deltas'

At 10M calls it holds about 3.5 GB; a full run takes about 5 minutes (generating 9M calls 4 of them).

Measured 2026-11-24 (after calls.statistics summed long tails in numpy blocks), 2 cores shared with other
sessions (load average 1.9 before the 1M timings, 4.2 before the 10M ones), PostgreSQL 15, median ms of 9
rounds; in brackets the part spent in the queries (SQL ms):

    calls                                   100,000     1,000,000     10,000,000
    counts_recompute() (full, once)             322         2,328         32,401
    SELECT 1 (baseline)                        0.22          0.26           2.87
    sector_deltas(month)                5.19 (1.3)    8.63 (1.6)    12.00 (1.95)     3 queries
    sector_deltas(month, non-urgent)          4.43          7.58          11.85     3 queries
    sector_monthly_series(sector, 24)         1.08          1.20           1.90     1 query
    programme_evaluation(non-urgent)          2.04          2.41           3.11     1 query
    naive delta from calls (baseline)          6.00         55.30          1,740     1 query

Reading them: the reads of the counts are flat where the database is concerned — the same queries at every
size, their SQL time moving with the machine's load as SELECT 1's does — while the naive read of the calls
grows with them (290× for 100× the calls). What still grows a little in sector_deltas is Python:
calls.exact_test.exact_poisson_p_value sums the binomial tails, whose length grows with √(the counts
compared), so it follows the size of the monthly counts, not the number of rows. The first measurement
(term by term) was 5.0 / 9.0 / 17.6 ms; summing long tails in numpy blocks brought 10M to 12.0 ms (best
8.1) on a busier machine, ~145× below the naive read.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Production settings: with DEBUG on, Django keeps the text of every query (CaptureQueriesContext turns the
# recording on for the timed calls only, as it does in the tests).
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ["DATABASE_URL"] = os.environ.get(
    "DATABASE_URL", "postgres://root:root@127.0.0.1:5432/proximity_bench_deltas"
)
os.environ.pop("REDIS_URL", None)  # Celery eager, local-memory cache: no Redis needed
os.environ.setdefault("LOG_LEVEL", "WARNING")

SIZES = (100_000, 1_000_000, 10_000_000)
REPEAT = 9
MONTHS = 24
SOURCE = "bench-deltas"  # the generated calls' source: incident numbers are unique per source
UNPLACED_RATE = 0.035  # demo.cad_export.NO_COORDINATES_RATE: no coordinates, no source sector code
SEASON = 0.12  # ± this share over the year, highest in July
TREND_PER_YEAR = 0.03  # demo.cad_model.TREND_PER_YEAR
JITTER_DEGREES = 0.006  # coordinates around the sector's label point (~500 m); only stored, never read here


# --- the database ---------------------------------------------------------------------------------------


def setup(parallel: bool) -> None:
    """Migrate, seed the demo sectors and call types, and keep every query of this session on one core."""
    from bench.database import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.backends.signals import connection_created

    from beats.models import Sector
    from demo.calls import demo_seed_call_types
    from demo.services import demo_seed_sectors

    if not parallel:

        def one_core(sender, connection, **kwargs):
            with connection.cursor() as cursor:
                cursor.execute("SET max_parallel_workers_per_gather = 0")

        connection_created.connect(one_core, weak=False)
    call_command("migrate", verbosity=0)
    # Only when there are none: seeding again would put back the demo's programme dates, and a sector map
    # change would re-place every call already generated (calls_replace), minutes at 10M calls.
    if not Sector.objects.exists():
        demo_seed_sectors()
    demo_seed_call_types()


def window() -> list[date]:
    """The MONTHS full months before this month (service zone), oldest first."""
    from django.utils import timezone

    from common.months import add_months, month_range, month_start

    last = add_months(month_start(timezone.localdate()), -1)
    return month_range(add_months(last, -(MONTHS - 1)), last)


def set_programme_dates(months: list[date]) -> tuple[list[int], list[int]]:
    """Every other active sector starts its programme on the 13th month; the rest have none.

    demo_seed_sectors gives the demo's own dates (2023–2024), before the generated window: no baseline would
    be computed. Set with update(): dates are not geometry, the sector map version does not move.
    Returns (treated ids, comparison ids).
    """
    from beats.models import Sector

    ids = list(Sector.objects.active().order_by("code").values_list("pk", flat=True))
    treated, comparison = ids[::2], ids[1::2]
    Sector.objects.filter(pk__in=treated).update(programme_started_on=months[12])
    Sector.objects.filter(pk__in=comparison).update(programme_started_on=None)
    return treated, comparison


# --- generating calls -----------------------------------------------------------------------------------


def month_weights(months: list[date]) -> list[float]:
    weights = []
    for n, month in enumerate(months):
        season = 1 + SEASON * math.cos(2 * math.pi * (month.month - 7) / 12)
        weights.append(season * (1 + TREND_PER_YEAR) ** (n / 12))
    total = sum(weights)
    return [weight / total for weight in weights]


def split(total: int, shares: list[float]) -> list[int]:
    """`total` split by `shares` in whole numbers that add up to it (largest remainders)."""
    exact = [total * share for share in shares]
    counts = [int(value) for value in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def thresholds(weights: list[float]) -> list[float]:
    """Lower bounds of the buckets for width_bucket(random(), bounds): bucket i (1-based) has weights[i-1]."""
    total = sum(weights)
    bounds, running = [], 0.0
    for weight in weights:
        bounds.append(running / total)
        running += weight
    return bounds


def generation_parameters() -> dict:
    """Sectors (with the unplaced as a last, null 'sector') and call types, as arrays for the INSERT."""
    import shapely.geometry

    from beats.index import get_sector_index
    from beats.models import Sector
    from calls.models import CallType
    from demo.cad_model import CALL_TYPE_PROFILES  # the demo's relative frequencies of the call types
    from demo.calls import demo_profile

    sectors = list(Sector.objects.active().order_by("code"))
    placed = sum(sector.population for sector in sectors)
    sector_weights = [(1 - UNPLACED_RATE) * sector.population / placed for sector in sectors] + [
        UNPLACED_RATE
    ]
    points = {}
    for sector in sectors:
        point = shapely.geometry.shape(sector.geometry).representative_point()
        points[sector.pk] = (point.x, point.y)
    types = {t.code: t for t in CallType.objects.filter(source=demo_profile().source)}
    weight_of = {demo.code: profile.weight for demo, profile in CALL_TYPE_PROFILES}
    codes = sorted(code for code in weight_of if code in types)
    return {
        "sector_ids": [sector.pk for sector in sectors] + [None],
        "sector_codes": [sector.code for sector in sectors] + [""],
        "lons": [points[sector.pk][0] for sector in sectors] + [None],
        "lats": [points[sector.pk][1] for sector in sectors] + [None],
        "sector_bounds": thresholds(sector_weights),
        "type_ids": [types[code].pk for code in codes],
        "urgencies": [types[code].urgency for code in codes],
        "type_bounds": thresholds([weight_of[code] for code in codes]),
        "version": get_sector_index().version,
    }


INSERT_SQL = """
INSERT INTO calls_call (source, incident_number, received_at, call_type_id, priority, origin, lon, lat,
                        source_sector_code, sector_id, placement, sector_map_version_id, batch_id, row_hash)
SELECT %(source)s,
       'BD' || lpad((x.base + x.i)::text, 10, '0'),
       x.start + make_interval(secs => (x.i - 1 + x.r1) / x.n * x.seconds),
       (%(type_ids)s::int[])[x.t],
       CASE (%(urgencies)s::text[])[x.t] WHEN 'urgent' THEN 1 + (x.r2 < 0.5)::int
                                          WHEN 'non_urgent' THEN 3 + (x.r2 < 0.5)::int ELSE 5 END,
       CASE WHEN x.r3 < CASE (%(urgencies)s::text[])[x.t] WHEN 'urgent' THEN 0.85 ELSE 0.55 END THEN '911'
            WHEN x.r3 < 0.93 THEN 'phone' ELSE 'on_view' END,
       (%(lons)s::float8[])[x.s] + (x.r2 - 0.5) * %(jitter)s,
       (%(lats)s::float8[])[x.s] + (x.r3 - 0.5) * %(jitter)s,
       (%(sector_codes)s::text[])[x.s],
       (%(sector_ids)s::int[])[x.s],
       CASE WHEN (%(sector_ids)s::int[])[x.s] IS NULL THEN 0 ELSE 1 END,
       %(version)s,
       NULL,
       md5(%(source)s || (x.base + x.i)::text)
FROM (
    -- random() in a subquery's select list is drawn again for every row
    SELECT m.start, m.seconds, m.n, m.base, i,
           width_bucket(random(), %(sector_bounds)s::float8[]) AS s,
           width_bucket(random(), %(type_bounds)s::float8[]) AS t,
           random() AS r1, random() AS r2, random() AS r3
    FROM unnest(%(starts)s::timestamptz[], %(seconds)s::float8[], %(counts)s::int[], %(bases)s::bigint[])
         AS m(start, seconds, n, base),
         generate_series(1, m.n) AS i
) AS x
"""


def grow_calls(target: int, months: list[date], parameters: dict) -> tuple[int, float]:
    """Add calls until the table holds `target`; returns (calls added, seconds). Starts over when it holds more,
    or calls of another source."""
    from django.db import connection

    from calls.models import Call, MonthlyCallCount
    from common.months import month_bounds

    existing = Call.objects.filter(source=SOURCE).count()
    if existing > target or Call.objects.exclude(source=SOURCE).exists():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE calls_call")
        MonthlyCallCount.objects.all().delete()
        existing = 0
    adding = target - existing
    if not adding:
        return 0, 0.0
    counts = split(adding, month_weights(months))
    bounds = [month_bounds(month) for month in months]
    bases, base = [], existing
    for count in counts:
        bases.append(base)
        base += count
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_SQL,
            {
                **parameters,
                "source": SOURCE,
                "jitter": JITTER_DEGREES,
                "starts": [start for start, _ in bounds],
                "seconds": [(end - start).total_seconds() for start, end in bounds],
                "counts": counts,
                "bases": bases,
            },
        )
        cursor.execute("VACUUM ANALYZE calls_call")
    return adding, time.perf_counter() - started


# --- measuring ------------------------------------------------------------------------------------------


def timed(functions: list, repeat: int) -> list[tuple[float, float, float, int, object]]:
    """Per function: (median ms, best ms, median ms waiting on PostgreSQL, queries of one run, its last result).

    One warm-up run each, then `repeat` rounds in which every function runs once, interleaved, so that a
    passing disturbance (the machine is shared) spreads over all of them instead of landing on one. The SQL
    time is each query's execute (psycopg's client cursor receives the rows in it).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    waited = []

    def wait_timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited.append(time.perf_counter() - started)

    for function in functions:
        function()
    seconds = [[] for _ in functions]
    sql = [[] for _ in functions]
    queries = [0] * len(functions)
    results: list = [None] * len(functions)
    with connection.execute_wrapper(wait_timer):
        for _ in range(repeat):
            for n, function in enumerate(functions):
                waited.clear()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    results[n] = function()
                    seconds[n].append(time.perf_counter() - started)
                sql[n].append(sum(waited))
                queries[n] = len(captured)
    return [
        (statistics.median(s) * 1000, min(s) * 1000, statistics.median(q) * 1000, count, result)
        for s, q, count, result in zip(seconds, sql, queries, results, strict=True)
    ]


NAIVE_SQL = """
SELECT sector_id, date_trunc('month', received_at AT TIME ZONE %s)::date AS month, count(*)
FROM calls_call
WHERE (received_at >= %s AND received_at < %s)
   OR (received_at >= %s AND received_at < %s)
   OR (received_at >= %s AND received_at < %s)
GROUP BY 1, 2
"""


def operations(months: list[date], treated: list[int], comparison: list[int], busiest: int) -> list:
    """(label, function) of every figure measured, baselines first and last."""
    from django.conf import settings
    from django.db import connection

    from calls.models import Urgency
    from calls.selectors import programme_evaluation, sector_deltas, sector_monthly_series
    from common.months import add_months, month_bounds

    month = months[-1]
    reference = [month, add_months(month, -1), add_months(month, -12)]

    def trivial():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()

    def naive():
        arguments = [settings.TIME_ZONE]
        for first in reference:
            arguments.extend(month_bounds(first))
        with connection.cursor() as cursor:
            cursor.execute(NAIVE_SQL, arguments)
            return cursor.fetchall()

    return [
        ("SELECT 1 (baseline)", trivial),
        ("sector_deltas(month)", lambda: sector_deltas(month=month)),
        ("sector_deltas(month, non-urgent)", lambda: sector_deltas(month=month, urgency=Urgency.NON_URGENT)),
        ("sector_monthly_series(sector, 24)", lambda: sector_monthly_series(busiest, MONTHS, end=month)),
        (
            "programme_evaluation(non-urgent)",
            lambda: programme_evaluation(
                treated=treated,
                comparison=comparison,
                before=(months[0], months[11]),
                after=(months[12], months[23]),
                urgency=Urgency.NON_URGENT,
            ),
        ),
        ("naive delta from calls (baseline)", naive),
    ]


def check_naive(deltas, naive_rows) -> str:
    """The naive counts must be sector_deltas' own (month, previous month, same month last year)."""
    naive = {(sector_id, month): n for sector_id, month, n in naive_rows}
    for row in deltas:
        if row.kind == "total":
            continue
        expected = {row.month: row.count}
        for delta in (row.previous_month, row.same_month_last_year):
            if delta is not None:
                expected[delta.reference_first_month] = delta.reference_count
        for month, count in expected.items():
            if naive.get((row.sector_id, month), 0) != count:
                return f"!! DISAGREEMENT: sector {row.sector_id or 'unplaced'} {month:%Y-%m}: {count} ≠ naive"
    return "naive counts = sector_deltas' counts"


def bench_size(size: int, months, parameters, treated, comparison, repeat: int) -> dict[str, float]:
    from django.db import connection
    from django.db.models import Sum

    from bench.database import record_observed_import
    from calls.counts import counts_recompute
    from calls.models import MonthlyCallCount

    added, generated = grow_calls(size, months, parameters)
    record_observed_import(months[0], months[-1])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('calls_call')")
        table_bytes = cursor.fetchone()[0]
    made = f"{added:,} generated in {generated:.1f} s (incl. VACUUM ANALYZE)" if added else "already there"
    print(
        f"-- {size:,} calls: {made}; calls table with its indexes {table_bytes / 2**20:,.0f} MiB", flush=True
    )
    started = time.perf_counter()
    rows = counts_recompute()
    recompute = time.perf_counter() - started
    with connection.cursor() as cursor:
        # Every recomputation deletes and rewrites all the count rows: vacuum the dead ones, as autovacuum would.
        cursor.execute("VACUUM ANALYZE calls_monthlycallcount")
        # Write the heavy phases' dirty pages now, not during the timings.
        cursor.execute("CHECKPOINT")
    print(
        f"{'counts_recompute() (full, once)':<36}{recompute * 1000:>11,.0f}{'':>10}{'':>10}{'':>8}  {rows:,} count rows"
    )
    busiest = (
        MonthlyCallCount.objects.exclude(sector=None)
        .values("sector")
        .annotate(n=Sum("count"))
        .order_by("-n")
        .values_list("sector", flat=True)
        .first()
    )
    results = {"counts_recompute() (full)": recompute * 1000}
    outputs = {}
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    measured = operations(months, treated, comparison, busiest)
    for (label, _), figures in zip(measured, timed([f for _, f in measured], repeat), strict=True):
        median, best, sql, queries, outputs[label] = figures
        results[label] = median
        print(f"{label:<36}{median:>11.2f}{best:>10.2f}{sql:>10.2f}{queries:>8}", flush=True)
    print(check_naive(outputs["sector_deltas(month)"], outputs["naive delta from calls (baseline)"]))
    print(f"(the machine's 1-minute load average before the timings: {load})")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of calls, ascending"
    )
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed runs per figure, after one warm-up")
    parser.add_argument("--parallel", action="store_true", help="keep the server's parallel query setting")
    args = parser.parse_args()
    sizes = sorted(args.sizes)

    setup(args.parallel)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]
    months = window()
    treated, comparison = set_programme_dates(months)
    parameters = generation_parameters()
    print(
        f"delta benchmark, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: Python {platform.python_version()}, "
        f"PostgreSQL {version} (shared_buffers {shared_buffers}, parallel workers per query {workers}), "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{len(parameters['sector_ids']) - 1} sectors + unplaced ({UNPLACED_RATE:.1%}), "
        f"{len(parameters['type_ids'])} call types, {MONTHS} months {months[0]:%Y-%m} → {months[-1]:%Y-%m}; "
        f"deltas of {months[-1]:%Y-%m}; {len(treated)} programme sectors (start {months[12]}) against "
        f"{len(comparison)}; median and best of {args.repeat} interleaved rounds after a warm-up"
    )
    print(f"{'':<36}{'median ms':>11}{'best ms':>10}{'SQL ms':>10}{'queries':>8}")
    summary = {size: bench_size(size, months, parameters, treated, comparison, args.repeat) for size in sizes}

    labels = list(summary[sizes[0]])
    print(f"\nsummary, median ms ({os.cpu_count()} CPUs, PostgreSQL {version}, {date.today()})")
    header = "".join(f"{size:>13,}" for size in sizes)
    print(f"{'calls →':<36}{header}{f'{sizes[-1] // sizes[0]:,}× calls':>16}")
    for label in labels:
        figures = [summary[size][label] for size in sizes]
        cells = "".join(f"{figure:>13,.1f}" if figure >= 100 else f"{figure:>13.2f}" for figure in figures)
        print(f"{label:<36}{cells}{figures[-1] / figures[0]:>15.1f}×")
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    print(
        f"\nThe database {name} is left in place (a rerun reuses its calls). Drop it with:\n"
        f"    psql -h 127.0.0.1 -U root -d postgres -c 'DROP DATABASE {name}'"
    )


if __name__ == "__main__":
    main()

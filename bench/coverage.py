"""Benchmark: the coverage board's computation (coverage_on, and the 14-day gaps) as the unit grows.

Runs against a real PostgreSQL database of its own (BENCH_DATABASE_URL, default
postgres://root:root@127.0.0.1:5432/proximity_bench, created if missing and emptied first), with 17 and then
200 sectors, each with a primary officer, a secondary officer on every third sector, and absences with and
without cover. Beside each figure, in the same run: the round trip of a trivial query (SELECT 1), the floor
any page pays, and the number of queries each call makes (fixed, whatever the size).

    .venv/bin/python bench/coverage.py
"""

import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_DEBUG"] = "1"
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://root:root@127.0.0.1:5432/proximity_bench"
)
os.environ.pop("REDIS_URL", None)

import django

RUNS = 20


def build_unit(sectors: int, today: datetime.date) -> None:
    from beats.models import Sector
    from officers.models import Absence, Assignment, Officer

    Absence.objects.all().delete()
    Assignment.objects.all().delete()
    Officer.objects.all().delete()
    Sector.objects.all().delete()
    for n in range(sectors):
        x, y = -73.6 + 0.01 * (n % 20), 45.4 + 0.01 * (n // 20)
        ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
        sector = Sector.objects.create(
            code=f"S{n:03d}",
            name=f"Sector {n}",
            municipality="Bench",
            geometry={"type": "Polygon", "coordinates": [ring]},
        )
        officer = Officer.objects.create(badge_number=f"B{n}", first_name="Officer", last_name=str(n))
        Assignment.objects.create(officer=officer, sector=sector, starts_on=datetime.date(2024, 1, 1))
        if n % 3 == 0:
            helper = Officer.objects.create(badge_number=f"H{n}", first_name="Helper", last_name=str(n))
            Assignment.objects.create(
                officer=helper, sector=sector, role="secondary", starts_on=datetime.date(2024, 1, 1)
            )
        if n % 5 == 0:
            Absence.objects.create(
                officer=officer,
                starts_on=today + datetime.timedelta(days=n % 7),
                ends_on=today + datetime.timedelta(days=n % 7 + 4),
            )


def timed(function) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seconds = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            function()
            seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1000, min(seconds) * 1000, len(queries)


def main() -> None:
    from bench.database import ensure_database

    ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from officers.selectors import coverage_gaps, coverage_on

    call_command("migrate", verbosity=0)
    today = datetime.date(2026, 11, 23)

    def trivial():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    print(
        f"coverage benchmark on PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}, "
        f"median and best of {RUNS} runs"
    )
    print(f"{'':<34}{'median ms':>10}{'best ms':>10}{'queries':>9}")
    for sectors in (17, 200):
        build_unit(sectors, today)
        print(f"-- {sectors} sectors")
        for label, function in (
            ("SELECT 1 (baseline)", trivial),
            ("coverage_on(today)", lambda: coverage_on(today)),
            ("coverage_gaps(14 days)", lambda: coverage_gaps(starting=today, days=14)),
        ):
            median, best, queries = timed(function)
            print(f"{label:<34}{median:>10.2f}{best:>10.2f}{queries:>9}")


if __name__ == "__main__":
    main()

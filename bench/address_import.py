"""Benchmark: importing a 200,000-row address CSV with beats.addresses.importer.addresses_import.

Generates a CSV of 200,000 distinct addresses (fixed seed; UTF-8, commas, WGS84 coordinates, a few thousand
streets over four municipalities) in a temporary directory and imports it into a temporary SQLite database
(DATABASE_URL is pointed at it and `migrate` runs first). In the same run it times the baseline of Python's
csv module merely reading the same file, then the import (every row created) and a re-import (every row
unchanged), and prints rows/s for each. Run from the project root:

    .venv/bin/python bench/address_import.py
"""

import csv
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = 200_000
SEED = 20261123
STREET_TYPES = ["rue", "boulevard", "chemin", "avenue", "montée", "place", "croissant", "rue", "rue"]
NAMES = [
    "Saint-Charles",
    "Taschereau",
    "de Chambly",
    "Sabourin",
    "Roland-Therrien",
    "Jacques-Cartier",
    "Sainte-Hélène",
    "Grant",
    "Curé-Poirier",
    "des Érables",
    "Lapinière",
    "Édouard",
]
MUNICIPALITIES = ["Longueuil", "Brossard", "Boucherville", "Saint-Lambert"]
POSTAL_LETTERS = "ABCEGHJKLMNPRSTVXY"


def generate(path: Path) -> None:
    rng = random.Random(SEED)
    streets = [
        f"{kind} {name} {n}" if n else f"{kind} {name}"
        for n in range(60)
        for name in NAMES
        for kind in STREET_TYPES[:4]
    ]  # 2,880 streets
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["civic_number", "street", "municipality", "postal_code", "lon", "lat"])
        for index in range(ROWS):
            street = streets[index % len(streets)]
            number = 10 + 2 * (index // len(streets))
            municipality = MUNICIPALITIES[(index // 7) % len(MUNICIPALITIES)]
            postal = (
                f"J{rng.randrange(10)}{rng.choice(POSTAL_LETTERS)} "
                f"{rng.randrange(10)}{rng.choice(POSTAL_LETTERS)}{rng.randrange(10)}"
            )
            lon = round(rng.uniform(-73.55, -73.35), 6)
            lat = round(rng.uniform(45.45, 45.60), 6)
            writer.writerow([number, street, municipality, postal, lon, lat])


def setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.pop("REDIS_URL", None)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="address-bench-") as folder:
        folder = Path(folder)
        path, database = folder / "addresses.csv", folder / "bench.sqlite3"
        start = time.perf_counter()
        generate(path)
        print(
            f"Python {platform.python_version()}, {ROWS:,} rows, {path.stat().st_size / 1e6:.1f} MB "
            f"(generated in {time.perf_counter() - start:.1f} s), SQLite at {database}"
        )
        setup_django(database)
        from django.db import connection

        from beats.addresses.importer import AddressImportOptions, addresses_import
        from beats.models import CivicAddress

        print(
            f"SQLite {connection.Database.sqlite_version}, Django settings {os.environ['DJANGO_SETTINGS_MODULE']}"
        )

        settled = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as source:
            read = sum(1 for _row in csv.reader(source)) - 1
        baseline = time.perf_counter() - start
        if read != ROWS:
            raise SystemExit(f"csv.reader read {read:,} rows, not {ROWS:,}")

        runs = []
        for label in ("import (all created)", "re-import (all unchanged)"):
            start = time.perf_counter()
            result = addresses_import(source=path, format="csv", options=AddressImportOptions())
            runs.append((label, time.perf_counter() - start, result))
        if CivicAddress.objects.count() != ROWS:
            raise SystemExit(f"{CivicAddress.objects.count():,} addresses in the database, not {ROWS:,}")

        print(f"{'':34}{'seconds':>10}{'rows/s':>14}")
        print(f"{'csv.reader, reading only':34}{baseline:>10.2f}{ROWS / baseline:>14,.0f}")
        for label, seconds, result in runs:
            counts = f"created {result.created:,}, updated {result.updated:,}, unchanged {result.unchanged:,}"
            print(f"{label:34}{seconds:>10.2f}{ROWS / seconds:>14,.0f}   {counts}")
        print(f"import / csv.reader time: {runs[0][1] / baseline:.0f}x")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(f"peak RSS {peak:,.0f} MB ({settled:,.0f} MB once Django was set up and the file generated)")


if __name__ == "__main__":
    main()

"""The benchmarks' own PostgreSQL databases, and the import their generated calls stand for."""

import os
from datetime import date, timedelta


def ensure_database(url: str | None = None) -> None:
    """Create the database DATABASE_URL names (its last path part, query aside) when it does not exist yet."""
    import psycopg

    base, name = (url or os.environ["DATABASE_URL"]).rsplit("/", 1)
    name = name.split("?", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"creating database {name}")
            admin.execute(f'CREATE DATABASE "{name}"')


def record_observed_import(first: date, last: date) -> None:
    """The succeeded import the generated calls stand for: without it no month is observed (calls.observed) and
    every figure is no data. One batch, made again at each run."""
    from calls.models import ImportBatch, ImportProfile
    from common.months import month_bounds

    profile, _created = ImportProfile.objects.get_or_create(
        name="bench observed months",
        defaults={
            "source": "bench",
            "incident_number_column": "n",
            "received_at_column": "t",
            "call_type_code_column": "c",
        },
    )
    ImportBatch.objects.filter(profile=profile).delete()
    ImportBatch.objects.create(
        profile=profile,
        file_name="bench.csv",
        status=ImportBatch.Status.SUCCEEDED,
        placed_from=month_bounds(first)[0],
        placed_until=month_bounds(last)[1] - timedelta(seconds=1),
    )

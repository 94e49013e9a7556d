"""The benchmarks' own PostgreSQL databases."""

import os


def ensure_database(url: str | None = None) -> None:
    """Create the database DATABASE_URL names (its last path part, query aside) when it does not exist yet."""
    import psycopg

    base, name = (url or os.environ["DATABASE_URL"]).rsplit("/", 1)
    name = name.split("?", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"creating database {name}")
            admin.execute(f'CREATE DATABASE "{name}"')

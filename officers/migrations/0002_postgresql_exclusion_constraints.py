"""The coverage rules, held by PostgreSQL itself where it can (exclusion constraints on date ranges).

The services check the same rules first, on every database, to give a message that names the conflicting
row; these constraints make the rules hold even against concurrent writers or code that skips the services.
SQLite (the embedded demo) has no exclusion constraints: there the services alone guard the rules.
"""

from django.db import migrations

# Dates are inclusive: [starts_on, ends_on]; a NULL end date means "until further notice" (unbounded).
CONSTRAINTS = {
    "assignment_one_primary_per_sector": (
        "officers_assignment",
        "EXCLUDE USING gist (sector_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) "
        "WHERE (role = 'primary')",
    ),
    "assignment_one_primary_sector_per_officer": (
        "officers_assignment",
        "EXCLUDE USING gist (officer_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) "
        "WHERE (role = 'primary')",
    ),
    "assignment_no_overlap_same_officer_and_sector": (
        "officers_assignment",
        "EXCLUDE USING gist (officer_id WITH =, sector_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)",
    ),
    "absence_no_overlap_per_officer": (
        "officers_absence",
        "EXCLUDE USING gist (officer_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)",
    ),
}


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, (table, definition) in CONSTRAINTS.items():
        schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def drop_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, _definition) in CONSTRAINTS.items():
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("officers", "0001_initial")]

    operations = [migrations.RunPython(add_constraints, drop_constraints)]

"""Fixtures of the calls tests: a plain test profile, the shipped profiles, files written on the fly."""

import csv
import importlib
import io

import pytest

from calls.models import ImportProfile

COLUMNS = ["id", "time", "code", "label", "priority", "origin", "x", "y", "sector"]


def profile_for(**overrides) -> ImportProfile:
    fields = {
        "name": "test",
        "source": "test-cad",
        "incident_number_column": "id",
        "received_at_column": "time",
        "received_at_format": "iso",
        "time_zone": "America/Toronto",
        "call_type_code_column": "code",
        "call_type_label_column": "label",
        "priority_column": "priority",
        "origin_column": "origin",
        "origin_mapping": {"911": "911", "TEL": "phone", "VUE": "on_view"},
        "x_column": "x",
        "y_column": "y",
        "coordinates_epsg": 4326,
        "source_sector_column": "sector",
    }
    fields.update(overrides)
    return ImportProfile(**fields)


def csv_bytes(rows, *, columns=COLUMNS, delimiter=",", encoding="utf-8", line_end="\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def saved_profile(db):
    def make(**overrides) -> ImportProfile:
        profile = profile_for(**overrides)
        profile.full_clean()
        profile.save()
        return profile

    return make


@pytest.fixture
def shipped_profile(db):
    """A profile of the data migration, made again if a transactional test flushed it away."""

    def get(name: str) -> ImportProfile:
        migration = importlib.import_module("calls.migrations.0002_shipped_profiles")
        if not ImportProfile.objects.filter(name=name).exists():
            ImportProfile.objects.create(name=name, **migration.PROFILES[name])
        return ImportProfile.objects.get(name=name)

    return get

"""A changed sector boundary re-places the calls (eagerly, and in a real worker) and updates the counts with the
new map version; the nightly schedule."""

import importlib
import io
import os
import uuid
from datetime import date

import pytest
from celery import Task
from celery.contrib.testing.worker import start_worker
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django_celery_beat.models import PeriodicTask

from beats.models import SectorMapVersion
from calls.counts import calls_replace
from calls.models import Call, CallCountsState, ImportBatch, Placement
from calls.services.ingest import calls_import
from calls.tasks import calls_counts_recompute_task, calls_replace_task
from config.celery import app
from tests.beats.factories import SectorFactory, square
from tests.calls.conftest import csv_bytes
from tests.calls.test_counts import cad_row, expected_counts, stored_counts

QUEUE = f"tests-calls-replace-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def eager():
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def _import(profile, rows, name="calls.csv"):
    batch = calls_import(profile=profile, file=io.BytesIO(csv_bytes(rows)), file_name=name)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.failure_message
    return batch


ROWS = [
    cad_row("1", "2024-01-10T10:00:00", "BRUIT", -73.495, 45.505),  # west half of NORD
    cad_row("2", "2024-01-11T10:00:00", "BRUIT", -73.4925, 45.505),  # east half of NORD
    cad_row("3", "2024-02-11T10:00:00", "VOL", -73.4925, 45.509),  # east half of NORD
    cad_row("4", "2024-02-12T10:00:00", "VOL", -73.475, 45.505),  # SUD
    cad_row("5", "2024-03-12T10:00:00", "VOL", None, None, "NORD"),  # source code only
]


def _territory():
    north = SectorFactory(code="NORD", geometry=square(-73.50, 45.50))
    south = SectorFactory(code="SUD", geometry=square(-73.48, 45.50))
    return north, south


def _move_the_boundary(north, south):
    # NORD loses its east half to SUD, which now reaches west to -73.495.
    north.geometry = {
        "type": "Polygon",
        "coordinates": [
            [[-73.50, 45.50], [-73.495, 45.50], [-73.495, 45.51], [-73.50, 45.51], [-73.50, 45.50]]
        ],
    }
    north.save()
    south.geometry = {
        "type": "Polygon",
        "coordinates": [
            [[-73.495, 45.50], [-73.47, 45.50], [-73.47, 45.51], [-73.495, 45.51], [-73.495, 45.50]]
        ],
    }
    south.save()


def _sectors_by_number():
    return dict(Call.objects.values_list("incident_number", "sector__code"))


@pytest.mark.django_db
def test_a_changed_boundary_re_places_calls_and_updates_counts(
    saved_profile, eager, django_capture_on_commit_callbacks
):
    profile = saved_profile()
    north, south = _territory()
    first = _import(profile, ROWS)
    assert _sectors_by_number() == {"1": "NORD", "2": "NORD", "3": "NORD", "4": "SUD", "5": "NORD"}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _move_the_boundary(north, south)
    ours = [callback for callback in callbacks if "sector_map_version_created" in callback.__qualname__]
    assert len(ours) == 2  # one per new map version; the older one's task returns at once

    newest = SectorMapVersion.objects.latest()
    # Point 1 sits on the new shared boundary: north-east rule, so SUD.
    assert _sectors_by_number() == {"1": "SUD", "2": "SUD", "3": "SUD", "4": "SUD", "5": "NORD"}
    assert set(Call.objects.values_list("sector_map_version", flat=True)) == {newest.pk}
    assert Call.objects.get(incident_number="1").placement == Placement.BOUNDARY
    assert Call.objects.get(incident_number="5").placement == Placement.SOURCE_CODE
    assert first.sector_map_version_id != newest.pk
    assert stored_counts() == expected_counts()
    assert {key: n for key, n in stored_counts().items() if key[1] == north.pk} == {
        (date(2024, 3, 1), north.pk, "unmapped", None): 1
    }
    assert CallCountsState.objects.get().sector_map_version_id == newest.pk

    # Re-placed calls carry the digest the import would compute: the same file again changes nothing.
    again = _import(profile, ROWS, "again.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


@pytest.mark.django_db
def test_re_placement_is_idempotent_and_resumable_in_chunks(saved_profile):
    profile = saved_profile()
    north, south = _territory()
    _import(profile, ROWS)
    _move_the_boundary(north, south)  # no callbacks run here: the calls wait on the old map

    result = calls_replace(chunk_size=2)
    assert (result.examined, result.moved) == (5, 3)
    assert result.months == [date(2024, 1, 1), date(2024, 2, 1)]
    counts = stored_counts()
    assert counts == expected_counts()

    again = calls_replace(chunk_size=2)
    assert (again.examined, again.moved, again.months) == (0, 0, [])
    assert stored_counts() == counts


@pytest.mark.django_db
def test_a_task_for_a_superseded_map_version_does_nothing(saved_profile):
    profile = saved_profile()
    north, south = _territory()
    _import(profile, ROWS)
    old = SectorMapVersion.objects.latest().pk
    _move_the_boundary(north, south)

    assert calls_replace_task.apply(args=[old]).get() is None
    assert _sectors_by_number()["2"] == "NORD"
    assert calls_replace_task.apply(args=[SectorMapVersion.objects.latest().pk]).get() == 3
    assert _sectors_by_number()["2"] == "SUD"


@pytest.mark.django_db
def test_the_nightly_task_re_places_stale_calls_and_recomputes_everything(saved_profile):
    profile = saved_profile()
    north, south = _territory()
    _import(profile, ROWS)
    _move_the_boundary(north, south)
    Call.objects.filter(incident_number="5").update(
        received_at="2024-04-01T12:00:00Z"
    )  # behind the counts' back

    assert calls_counts_recompute_task.apply().get() == 0

    assert _sectors_by_number()["2"] == "SUD"
    assert stored_counts() == expected_counts()
    assert calls_counts_recompute_task.apply(kwargs={"months": ["2024-04-01"]}).get() == 1


class OwnQueueTask(Task):
    def apply_async(self, args=None, kwargs=None, **options):
        options.setdefault("queue", QUEUE)
        return super().apply_async(args, kwargs, **options)


@app.task(name="tests.calls.replace", base=OwnQueueTask)
def replace_on_own_queue(version_id):
    try:
        return calls_replace_task(version_id)
    finally:
        connection.close()  # the worker thread's connection, so the test database can be flushed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_re_places_calls(saved_profile):
    profile = saved_profile()
    north, south = _territory()
    _import(profile, ROWS)
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        _move_the_boundary(
            north, south
        )  # the receivers' own tasks go to the default queue, not this worker's
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[QUEUE]):
            moved = replace_on_own_queue.delay(SectorMapVersion.objects.latest().pk).get(timeout=30)
    finally:
        app.conf.task_always_eager = saved

    assert moved == 3
    assert _sectors_by_number()["3"] == "SUD"
    assert stored_counts() == expected_counts()
    assert CallCountsState.objects.get().sector_map_version_id == SectorMapVersion.objects.latest().pk


@pytest.mark.django_db
def test_the_nightly_schedule_is_created_once_at_half_past_three_local_time():
    migration = importlib.import_module("calls.migrations.0005_nightly_recompute")
    PeriodicTask.objects.filter(name=migration.TASK_NAME).delete()

    migration.create(django_apps, None)
    task = PeriodicTask.objects.get(name=migration.TASK_NAME)
    task.enabled = False  # an administrator's change survives the migration running again
    task.save()
    migration.create(django_apps, None)

    task = PeriodicTask.objects.get(name=migration.TASK_NAME)
    assert task.task == "calls.tasks.calls_counts_recompute_task"
    assert task.task in app.tasks
    assert (task.crontab.minute, task.crontab.hour) == ("30", "3")
    assert str(task.crontab.timezone) == settings.TIME_ZONE
    assert not task.enabled

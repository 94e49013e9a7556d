"""The Celery application against the real Redis broker, with a real (embedded) worker."""

import os
import uuid

import pytest
from celery import Task
from celery.contrib.testing.worker import start_worker
from django.db import connection
from kombu.exceptions import EncodeError

from beats.models import Sector
from config.celery import app
from tests.beats.factories import SectorFactory

# A queue of this run's own, so that no other worker on the shared Redis takes these test tasks.
QUEUE = f"tests-config-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class OwnQueueTask(Task):
    def apply_async(self, args=None, kwargs=None, **options):
        options.setdefault("queue", QUEUE)
        return super().apply_async(args, kwargs, **options)


@app.task(name="tests.config.count_sectors", base=OwnQueueTask)
def count_sectors():
    try:
        return Sector.objects.count()
    finally:
        # The worker thread's own connection: close it so that the test database can be flushed and dropped.
        connection.close()


@app.task(name="tests.config.echo", base=OwnQueueTask)
def echo(value):
    return value


@pytest.fixture
def not_eager():
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def worker(not_eager):
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[QUEUE]) as worker:
        yield worker


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_runs_tasks_against_the_same_database(worker):
    SectorFactory.create_batch(3)

    assert count_sectors.delay().get(timeout=20) == 3

    SectorFactory()
    assert count_sectors.delay().get(timeout=20) == 4


def test_task_arguments_must_be_json(not_eager):
    with pytest.raises(EncodeError):
        echo.delay(object())
    with pytest.raises(EncodeError):
        echo.delay({1, 2})


def test_the_app_accepts_json_only():
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"
    assert set(app.conf.accept_content) == {"json"}


def test_tasks_have_time_limits_that_the_broker_outlasts():
    hard = app.conf.task_time_limit
    soft = app.conf.task_soft_time_limit

    assert hard and soft
    assert soft < hard
    assert app.conf.broker_transport_options["visibility_timeout"] > hard

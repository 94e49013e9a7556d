"""A real Celery worker for the tests that need one (the broker is the test Redis)."""

import contextlib
import os
import uuid

from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection

from config.celery import app


def private_queue(name: str) -> str:
    """A queue of this run's own, so that no other worker on the shared Redis takes the test's tasks."""
    return f"tests-{name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _close_connection(**kwargs):
    # The worker thread's own connection: closed so that the test database can be flushed and dropped.
    connection.close()


@contextlib.contextmanager
def real_worker(monkeypatch, task, *, queue: str):
    """A real Celery worker in a thread, taking `task`, whose .delay now sends to `queue`."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    monkeypatch.setattr(task, "delay", lambda *args: task.apply_async(args, queue=queue))
    task_postrun.connect(_close_connection, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]) as worker:
            yield worker
    finally:
        task_postrun.disconnect(_close_connection)
        app.conf.task_always_eager = saved

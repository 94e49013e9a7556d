"""Faults on loopback: a killed database connection, an unreachable database."""

import psycopg
import pytest
from django.conf import settings
from django.core.signals import request_started
from django.db import OperationalError, connection
from django.template import loader
from django.urls import reverse
from django.utils import translation

from beats.models import Sector
from tests.beats.factories import SectorFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_database_connection_is_replaced_when_the_next_request_starts():
    SectorFactory(code="A")
    killed_pid = connection.connection.info.backend_pid
    database = settings.DATABASES["default"]
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        password=database["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [killed_pid])

    # What Django's handler does first for every request (the test client skips it).
    request_started.send(sender=__name__)

    assert Sector.objects.count() == 1
    assert connection.connection.info.backend_pid != killed_pid


@pytest.mark.django_db
def test_an_unreachable_database_gives_a_503_page_with_911(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Sector.objects, "active", unreachable)
    with translation.override("en"):
        response = client.get(reverse("public:sectors"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "Emergency? Call 911." in html and "Traceback" not in html


def test_the_500_page_renders_without_any_context():
    html = loader.get_template("500.html").render()
    assert "911" in html and 'lang="fr"' in html

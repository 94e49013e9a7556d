"""The suite's `migration_data` fixture puts back what the data migrations made when a flush removed it."""

import pytest
from django.contrib.auth.models import Group
from django_celery_beat.models import PeriodicTask

from calls.models import ImportProfile
from tests.conftest import ensure_migration_data


@pytest.mark.django_db
def test_migration_data_is_made_again_after_a_flush():
    Group.objects.all().delete()
    ImportProfile.objects.all().delete()
    PeriodicTask.objects.all().delete()
    ensure_migration_data()
    assert {"Administrator", "Supervisor", "Officer", "Analyst"} <= set(
        Group.objects.values_list("name", flat=True)
    )
    assert set(ImportProfile.objects.values_list("name", flat=True)) >= {"seattle-cad", "longueuil-cad-demo"}
    assert Group.objects.get(name="Analyst").permissions.filter(codename="add_importbatch").exists()
    assert PeriodicTask.objects.exists()

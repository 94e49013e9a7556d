import datetime

import pytest
from django.utils import timezone

from outreach.models import Activity, ActivityType
from outreach.services import activity_save
from tests.beats.factories import SectorFactory, square

pytestmark = [pytest.mark.django_db]


def at(days: int, hour: int = 18) -> datetime.datetime:
    """A time `days` from today, at `hour` in the service's time zone."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def two_sectors(db):
    return (
        SectorFactory(code="VL-01", name="Centre", geometry=square(-73.50, 45.50)),
        SectorFactory(code="BR-01", name="DIX30", municipality="Brossard", geometry=square(-73.48, 45.50)),
    )


@pytest.fixture
def make_activity(db):
    def make(*, sectors=(), **fields) -> Activity:
        values = {
            "title_fr": "Café avec la police",
            "title_en": "Coffee with a cop",
            "kind": ActivityType.EVENT,
            "starts_at": at(3),
            "ends_at": at(3, 20),
            "is_public": True,
            **fields,
        }
        return activity_save(activity=Activity(**values), sectors=sectors)

    return make

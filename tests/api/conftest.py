import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone

from officers.models import Assignment, Language, Officer
from tests.beats.factories import SectorFactory, square
from tests.beats.factories import civic_address as address

DEAD_REDIS = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there

# Inside the sectors of the `territory` fixture.
CENTRE_POINT = {"lon": "-73.515", "lat": "45.535"}
BROSSARD_POINT = {"lon": "-73.465", "lat": "45.455"}


@pytest.fixture
def territory(db, migration_data):
    """Two sectors: VL-01 with a published officer (Julie) and a published colleague (Marc) unassigned;
    BR-01 whose primary officer did not consent to be published."""
    today = timezone.localdate()
    centre = SectorFactory(
        code="VL-01", name="Centre historique", borough="Vieux-Longueuil", geometry=square(-73.52, 45.53)
    )
    brossard = SectorFactory(
        code="BR-01", name="Panama", municipality="Brossard", geometry=square(-73.47, 45.45)
    )
    julie = Officer.objects.create(
        badge_number="1",
        first_name="Julie",
        last_name="Tremblay",
        work_phone="+14505550142",
        work_email="julie.tremblay@example.org",
        is_published=True,
        patrols_by_bike=True,
        bio_fr="Bio privée ?",
    )
    julie.languages.set(Language.objects.filter(code__in=["fr", "en"]))
    marc = Officer.objects.create(badge_number="2", first_name="Marc", last_name="Gagnon", is_published=True)
    hidden = Officer.objects.create(
        badge_number="3",
        first_name="Hidden",
        last_name="Person",
        work_phone="+14505550199",
        work_email="hidden.person@example.org",
        is_published=False,
    )
    Assignment.objects.create(officer=julie, sector=centre, starts_on=today - datetime.timedelta(days=300))
    Assignment.objects.create(officer=hidden, sector=brossard, starts_on=today - datetime.timedelta(days=300))
    address("150", "rue Saint-Charles Ouest", "Longueuil", -73.515, 45.535)
    address("1234", "boulevard Taschereau", "Longueuil", -73.516, 45.536, postal="J4K2V2")
    address("1234", "boulevard Taschereau", "Brossard", -73.465, 45.455, postal="J4Z1A1")
    address("9", "rue du Large", "Longueuil", -73.40, 45.60)  # no sector there
    return {
        "julie": julie,
        "marc": marc,
        "hidden": hidden,
        "centre": centre,
        "brossard": brossard,
        "today": today,
    }


@pytest.fixture
def no_rate_limit(settings):
    settings.API_RATE_LIMIT = ""


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}
    yield
    caches["default"].close()

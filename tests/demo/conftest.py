"""Fixtures of the demo tests."""

import pytest
from django.test import override_settings

from demo.services import demo_seed

DEMO_PASSWORD = "a-long-demo-password-2026"
# Two years of demo calls take seconds to generate and import, on every seed: the tests of the territory and
# the people do without them; tests/demo/test_seed_calls.py asks for a small number explicitly. The same for
# contacts: a few hundred show every path of the seeding (tests/contacts/test_demo.py).
SMALL_DEMO = {"DEMO_CALL_ROWS": 0, "DEMO_CONTACTS": 300}


@pytest.fixture(autouse=True)
def _no_demo_calls_unless_asked(settings):
    for name, value in SMALL_DEMO.items():
        setattr(settings, name, value)


@pytest.fixture(scope="class")
def seeded_demo(class_database, class_media):
    """The whole demo seeded once for a class of tests that start from it (see class_database); the counts
    `demo_seed` returned."""
    with override_settings(**SMALL_DEMO), class_database():
        return demo_seed(admin_username="admin", admin_password=DEMO_PASSWORD)


class FromTheSeededDemo:
    """A base for the tests that start from the seeded demo: they share one seed (`seeded_demo`); what a test
    changes rolls back when it ends. Its portraits are drawn once, in the class media folder, which the test
    modules' own `media` fixture names for these tests."""

    @pytest.fixture
    def media(self, class_media):
        return class_media

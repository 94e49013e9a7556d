"""Fixtures of the demo tests."""

import pytest


@pytest.fixture(autouse=True)
def _no_demo_calls_unless_asked(settings):
    # Two years of demo calls take seconds to generate and import, on every seed: the tests of the territory
    # and the people do without them; tests/demo/test_seed_calls.py asks for a small number explicitly.
    settings.DEMO_CALL_ROWS = 0
    # The same for contacts: a few hundred show every path of the seeding (tests/contacts/test_demo.py).
    settings.DEMO_CONTACTS = 300

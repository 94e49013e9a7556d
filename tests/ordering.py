"""The suite's order: plain database tests first, transactional ones (live server, real workers) last.

pytest-django sorts the tests so, because a transactional test empties the database when it ends: a plain
database test that runs after one finds the data migrations' rows gone and has them rebuilt (seconds each),
and ~1,100 such tests once made the suite four times slower. The sort is silently undone when something else
reorders the tests afterwards, as pytest does for a session-scoped parametrized fixture: a test argument
named like pytest-playwright's fixtures (`page`, `context`, `browser`) pulls its session browser in. So the
order is checked once collection is over, and a broken one stops the run with the tests that caused it.
"""

from collections.abc import Sequence

import pytest
from pytest_django.plugin import validate_django_db

PLAIN, TRANSACTIONAL, NO_DATABASE = "plain", "transactional", "none"


def database_kind(item) -> str:
    """How a collected test uses the database, by the same signs pytest-django sorts on."""
    from django.test import TestCase, TransactionTestCase

    test_class = getattr(item, "cls", None)
    if test_class is not None and issubclass(test_class, TransactionTestCase):
        return PLAIN if issubclass(test_class, TestCase) else TRANSACTIONAL
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        transactional = transactional or transaction or reset_sequences
    if transactional:
        return TRANSACTIONAL
    if marker is not None or "db" in fixtures:
        return PLAIN
    return NO_DATABASE


def plain_tests_after_transactional(items: Sequence) -> list:
    """The plain database tests that come after the first transactional one."""
    kinds = [database_kind(item) for item in items]
    if TRANSACTIONAL not in kinds:
        return []
    first = kinds.index(TRANSACTIONAL)
    return [item for item, kind in zip(items[first:], kinds[first:], strict=True) if kind == PLAIN]


def check_order(items: Sequence) -> None:
    late = plain_tests_after_transactional(items)
    if not late:
        return
    first = next(item for item in items if database_kind(item) == TRANSACTIONAL)
    names = "\n  ".join(item.nodeid for item in late[:10])
    more = f"\n  … and {len(late) - 10} more" if len(late) > 10 else ""
    raise pytest.UsageError(
        f"{len(late)} plain database test(s) would run after a transactional one, each rebuilding the data "
        f"migrations' rows:\n  {names}{more}\nThe first transactional test before them: {first.nodeid}\n"
        "Something reordered the tests after pytest-django: look for a test argument or fixture named like "
        "a plugin's session fixture (pytest-playwright's `page`, `context`, `browser`) and rename it."
    )

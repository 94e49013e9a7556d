"""The collection check that keeps plain database tests ahead of transactional ones (tests/ordering.py)."""

from dataclasses import dataclass, field

import pytest

from tests.ordering import PLAIN, TRANSACTIONAL, check_order, database_kind, plain_tests_after_transactional


@dataclass
class Collected:
    """What the check reads of a collected test."""

    nodeid: str
    fixturenames: list[str] = field(default_factory=list)
    marks: list = field(default_factory=list)
    cls: type | None = None

    def get_closest_marker(self, name):
        return next((mark for mark in self.marks if mark.name == name), None)


def plain(name):
    return Collected(name, ["db"])


def marked(name, **kwargs):
    return Collected(name, marks=[pytest.mark.django_db(**kwargs).mark])


def live(name):
    return Collected(name, ["live_server", "page"])


def test_it_tells_plain_transactional_and_no_database_tests_apart():
    assert database_kind(plain("a")) == PLAIN
    assert database_kind(marked("b")) == PLAIN
    assert database_kind(marked("c", transaction=True)) == TRANSACTIONAL
    assert database_kind(marked("d", reset_sequences=True)) == TRANSACTIONAL
    assert database_kind(live("e")) == TRANSACTIONAL
    assert database_kind(Collected("f", ["transactional_db"])) == TRANSACTIONAL
    assert database_kind(Collected("g", ["settings"])) == "none"


def test_the_order_pytest_django_makes_passes():
    items = [plain("a"), marked("b"), marked("c", transaction=True), live("d"), Collected("e")]
    assert plain_tests_after_transactional(items) == []
    check_order(items)


def test_a_plain_test_after_a_transactional_one_stops_the_run_and_names_both():
    late = plain("tests/calls/test_views.py::test_list")
    items = [plain("a"), live("tests/browser/test_x.py::test_map"), Collected("no-db"), late]
    assert plain_tests_after_transactional(items) == [late]
    with pytest.raises(pytest.UsageError) as raised:
        check_order(items)
    message = str(raised.value)
    assert "1 plain database test(s)" in message
    assert "tests/calls/test_views.py::test_list" in message
    assert "The first transactional test before them: tests/browser/test_x.py::test_map" in message
    assert "`page`" in message


def test_the_message_lists_ten_and_counts_the_rest():
    items = [live("first")] + [plain(f"late-{number}") for number in range(12)]
    with pytest.raises(pytest.UsageError, match=r"… and 2 more"):
        check_order(items)

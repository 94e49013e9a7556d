"""The rate limit's counting: shared by all processes in Redis, sent there in batches by each process."""

import time

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory

from public.ratelimit import batch_size, parse_rate, rate_limit_hit


@pytest.fixture
def mid_window():
    now = time.time()
    with time_machine.travel(now - now % 60 + 20, tick=False):
        yield int((now - now % 60 + 20) // 60)


def hit(address="192.0.2.10"):
    return rate_limit_hit(RequestFactory().get("/api/v1/", REMOTE_ADDR=address))


def shared_count(window, address="192.0.2.10"):
    return cache.get(f"ratelimit:api:{address}:60:{window}")


@pytest.mark.parametrize(("rate", "batch"), [("3/m", 1), ("39/m", 1), ("120/m", 6), ("100000/m", 64)])
def test_small_limits_are_counted_hit_by_hit_and_large_ones_in_batches(rate, batch):
    assert batch_size(parse_rate(rate)) == batch


def test_a_process_sends_its_hits_to_the_shared_counter_in_batches(settings, mid_window):
    settings.API_RATE_LIMIT = "200/m"  # batches of 10
    counts = [hit().count for _ in range(9)]
    assert counts == list(range(1, 10))  # this process's own count is exact
    assert shared_count(mid_window) is None  # nothing sent yet
    assert hit().count == 10
    assert shared_count(mid_window) == 10


def test_other_processes_hits_are_seen_at_the_next_batch_and_the_limit_holds(settings, mid_window):
    settings.API_RATE_LIMIT = "200/m"
    for _ in range(10):
        hit()
    cache.incr(f"ratelimit:api:192.0.2.10:60:{mid_window}", 150)  # another process's hits
    states = [hit() for _ in range(45)]
    assert states[9].count == 170  # the batch that went to Redis brought the others' back
    allowed = [state.allowed for state in states]
    # 200 in all: this process stops at exactly the limit, since near it every hit is sent at once.
    assert allowed.count(True) == 40 and allowed[40:] == [False] * 5
    assert shared_count(mid_window) == 205


def test_each_client_has_its_own_count(settings, mid_window):
    settings.API_RATE_LIMIT = "2/m"
    assert [hit("192.0.2.1").allowed for _ in range(3)] == [True, True, False]
    assert hit("192.0.2.2").allowed

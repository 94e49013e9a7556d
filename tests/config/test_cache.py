"""The site keeps answering when Redis, which only holds the cache, is down."""

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from tests.beats.factories import SectorFactory

DEAD_REDIS = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS},
    }
    yield
    caches["default"].close()


def test_the_cache_is_the_tolerant_redis_backend():
    assert type(caches["default"]).__name__ == "TolerantRedisCache"
    cache.set("probe", 41)
    assert cache.get("probe") == 41


@pytest.mark.django_db
def test_public_pages_and_the_sector_layer_answer_with_redis_down(client, redis_down):
    SectorFactory(code="A")
    assert caches["default"].get("anything", "fallback") == "fallback"
    response = client.get(reverse("api:sector-features"))
    assert response.status_code == 200
    assert [f["id"] for f in response.json()["features"]] == ["A"]
    assert client.get(reverse("public:sectors")).status_code == 200


def test_a_counting_window_counts_and_expires_on_its_own():
    assert [cache.incr_window("window", 5) for _ in range(3)] == [1, 2, 3]
    assert cache.get("window") == 3  # readable through the cache as any integer
    ttl = cache._cache.get_client().ttl(cache.make_key("window"))
    assert 0 < ttl <= 5  # set by the first hit, not pushed back by the next ones
    assert cache.incr_window("another", 5) == 1


def test_a_counting_window_with_redis_down_counts_nothing_and_raises_nothing(redis_down):
    assert caches["default"].incr_window("window", 5) is None

"""Caching, CORS and the rate limit of the public API."""

import time

import pytest
import time_machine
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import reverse

from public.ratelimit import client_address

from .conftest import CENTRE_POINT

pytestmark = pytest.mark.django_db


def test_answers_carry_a_strong_etag_and_if_none_match_gives_304(client, territory):
    first = client.get(reverse("api:lookup"), CENTRE_POINT)
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first["Cache-Control"] == "public, max-age=60"
    again = client.get(reverse("api:lookup"), CENTRE_POINT, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    other = client.get(reverse("api:lookup"), CENTRE_POINT, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and other.content == first.content
    english = client.get(reverse("api:lookup"), {**CENTRE_POINT, "lang": "en"}, HTTP_IF_NONE_MATCH=etag)
    assert english.status_code == 200 and english["ETag"] != etag


def test_the_sector_layer_is_cached_longer_than_lookups(client, territory):
    response = client.get(reverse("api:sector-features"))
    assert response["Cache-Control"] == "public, max-age=3600"
    assert client.get(reverse("api:sector-features"), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_changed_answer_has_a_new_etag(client, territory):
    etag = client.get(reverse("api:lookup"), CENTRE_POINT)["ETag"]
    territory["julie"].work_email = "julie.t@example.org"
    territory["julie"].save()
    response = client.get(reverse("api:lookup"), CENTRE_POINT, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_cors_allows_the_listed_origins_only(client, territory, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://ville.example"]
    allowed = client.get(reverse("api:lookup"), CENTRE_POINT, HTTP_ORIGIN="https://ville.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://ville.example"
    assert "ETag" in allowed["Access-Control-Expose-Headers"]
    refused = client.get(reverse("api:lookup"), CENTRE_POINT, HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in refused


def test_cors_preflight_offers_reads_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://ville.example"]
    preflight = client.options(
        reverse("api:lookup"),
        HTTP_ORIGIN="https://ville.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_cors_is_off_by_default_and_never_on_the_site(client, territory, settings):
    assert settings.CORS_ALLOWED_ORIGINS == []
    response = client.get(reverse("api:lookup"), CENTRE_POINT, HTTP_ORIGIN="https://ville.example")
    assert "Access-Control-Allow-Origin" not in response
    settings.CORS_ALLOWED_ORIGINS = ["https://ville.example"]
    page = client.get(reverse("public:sectors"), HTTP_ORIGIN="https://ville.example")
    assert "Access-Control-Allow-Origin" not in page


@pytest.fixture
def mid_window():
    """Requests made in the middle of a one-minute window, so that none of them starts the next window."""
    now = time.time()
    with time_machine.travel(now - now % 60 + 20, tick=False):
        yield


def test_over_the_limit_a_client_gets_429_with_retry_after(client, territory, settings, mid_window):
    settings.API_RATE_LIMIT = "3/m"
    statuses = [client.get(reverse("api:lookup"), CENTRE_POINT) for _ in range(4)]
    assert [response.status_code for response in statuses] == [200, 200, 200, 429]
    assert statuses[0]["RateLimit-Limit"] == "3" and statuses[0]["RateLimit-Remaining"] == "2"
    assert statuses[0]["RateLimit-Policy"] == "3;w=60"
    refused = statuses[-1]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60 and refused["RateLimit-Remaining"] == "0"
    # Another client has its own window.
    assert client.get(reverse("api:lookup"), CENTRE_POINT, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_behind_the_proxy_the_client_is_the_address_our_proxy_saw(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.BEHIND_TLS_PROXY = False
    assert client_address(request) == "10.0.0.1"  # without a proxy, X-Forwarded-For is the client's word
    settings.BEHIND_TLS_PROXY, settings.AXES_IPWARE_PROXY_COUNT = True, 1
    assert client_address(request) == "203.0.113.9"  # not 6.6.6.6, which the client wrote itself
    assert client_address(factory.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_address(garbage) == "10.0.0.1"


def test_behind_the_proxy_spoofed_forwarded_for_does_not_escape_the_limit(
    client, territory, settings, mid_window
):
    settings.API_RATE_LIMIT = "2/m"
    settings.BEHIND_TLS_PROXY, settings.AXES_IPWARE_PROXY_COUNT = True, 1
    statuses = [
        client.get(
            reverse("api:lookup"), CENTRE_POINT, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_with_redis_down_the_api_answers_without_a_limit(client, territory, settings, redis_down):
    settings.API_RATE_LIMIT = "1/m"
    assert caches["default"].get("anything", "fallback") == "fallback"
    for _ in range(3):
        response = client.get(reverse("api:lookup"), CENTRE_POINT)
        assert response.status_code == 200 and response.json()["outcome"] == "found"
        assert "RateLimit-Limit" not in response
    assert client.get(reverse("api:index")).status_code == 200
    assert client.get(reverse("api:sector", kwargs={"code": "VL-01"})).status_code == 200


def test_an_empty_limit_turns_it_off(client, territory, settings):
    settings.API_RATE_LIMIT = ""
    response = client.get(reverse("api:index"))
    assert response.status_code == 200 and "RateLimit-Limit" not in response


def test_public_answers_do_not_vary_on_cookie(client, territory):
    # A shared cache keeps one copy per language, not one per visitor.
    for url, params in ((reverse("api:lookup"), CENTRE_POINT), (reverse("api:index"), {})):
        response = client.get(url, params)
        assert response.status_code == 200
        assert "Cookie" not in response.get("Vary", ""), response["Vary"]


def test_api_answers_carry_a_policy_that_lets_nothing_load_and_pages_keep_theirs(client, territory):
    api = client.get(reverse("api:lookup"), CENTRE_POINT)
    assert api["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    page = client.get(reverse("public:home"))
    assert "script-src 'self'" in page["Content-Security-Policy"]

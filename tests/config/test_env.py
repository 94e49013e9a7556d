"""The checks config/settings.py reads the environment through: a wrong value stops the start-up, naming it."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_at_least_one, env_some_of, env_viewbox, env_web_address


def test_at_least_one_reads_the_number_or_the_default_and_refuses_zero(monkeypatch):
    monkeypatch.delenv("PROXIMITY_TEST_COUNT", raising=False)
    assert env_at_least_one("PROXIMITY_TEST_COUNT", default=24) == 24
    monkeypatch.setenv("PROXIMITY_TEST_COUNT", "3")
    assert env_at_least_one("PROXIMITY_TEST_COUNT", default=24) == 3
    monkeypatch.setenv("PROXIMITY_TEST_COUNT", "0")
    with pytest.raises(ImproperlyConfigured, match="PROXIMITY_TEST_COUNT must be at least 1"):
        env_at_least_one("PROXIMITY_TEST_COUNT", default=24)


def test_some_of_keeps_the_order_given_and_refuses_an_unknown_or_empty_list(monkeypatch):
    choices = ["csv", "xlsx", "pdf"]
    monkeypatch.delenv("PROXIMITY_TEST_FORMATS", raising=False)
    assert env_some_of("PROXIMITY_TEST_FORMATS", choices=choices) == choices
    monkeypatch.setenv("PROXIMITY_TEST_FORMATS", "pdf,csv")
    assert env_some_of("PROXIMITY_TEST_FORMATS", choices=choices) == ["pdf", "csv"]
    for wrong in ("csv,docx", ","):
        monkeypatch.setenv("PROXIMITY_TEST_FORMATS", wrong)
        with pytest.raises(
            ImproperlyConfigured, match="PROXIMITY_TEST_FORMATS must list some of: csv, xlsx, pdf"
        ):
            env_some_of("PROXIMITY_TEST_FORMATS", choices=choices)


def test_a_web_address_needs_http_or_https_and_a_host_and_may_be_empty_only_when_optional(monkeypatch):
    monkeypatch.setenv("PROXIMITY_TEST_URL", "")
    assert env_web_address("PROXIMITY_TEST_URL", default="") == ""
    monkeypatch.setenv("PROXIMITY_TEST_URL", "https://nominatim.example/search")
    assert env_web_address("PROXIMITY_TEST_URL", default="") == "https://nominatim.example/search"
    for wrong in ("nominatim.example", "ftp://nominatim.example", "https://"):
        monkeypatch.setenv("PROXIMITY_TEST_URL", wrong)
        with pytest.raises(ImproperlyConfigured, match="PROXIMITY_TEST_URL must be an http"):
            env_web_address("PROXIMITY_TEST_URL", default="")
    monkeypatch.setenv("PROXIMITY_TEST_URL", "")
    with pytest.raises(ImproperlyConfigured, match="PROXIMITY_TEST_URL"):
        env_web_address("PROXIMITY_TEST_URL", default="http://localhost:8000")


def test_a_viewbox_is_four_numbers_in_degrees_or_empty(monkeypatch):
    monkeypatch.delenv("PROXIMITY_TEST_VIEWBOX", raising=False)
    assert env_viewbox("PROXIMITY_TEST_VIEWBOX") == ""
    monkeypatch.setenv("PROXIMITY_TEST_VIEWBOX", "-73.6,45.4,-73.3,45.7")
    assert env_viewbox("PROXIMITY_TEST_VIEWBOX") == "-73.6,45.4,-73.3,45.7"
    for wrong in ("-73.6,45.4,-73.3", "a,b,c,d", "-273.6,45.4,-73.3,45.7"):
        monkeypatch.setenv("PROXIMITY_TEST_VIEWBOX", wrong)
        with pytest.raises(ImproperlyConfigured, match="PROXIMITY_TEST_VIEWBOX must be four numbers"):
            env_viewbox("PROXIMITY_TEST_VIEWBOX")

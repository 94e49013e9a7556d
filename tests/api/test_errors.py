"""Bad input is a JSON 400 that names the parameter at fault, never a 500; only reads are allowed."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import CENTRE_POINT

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "field"}


def assert_error(response, status: int, code: str, field: str | None):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "no-store"
    error = response.json()["error"]
    assert set(error) == ERROR_KEYS
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]
    return error


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({}, "missing_parameter", None),
        ({"lon": "-73.5"}, "missing_parameter", "lat"),
        ({"lat": "45.5"}, "missing_parameter", "lon"),
        ({"lon": "", "lat": "45"}, "missing_parameter", "lon"),
        ({"lon": "abc", "lat": "45"}, "invalid_coordinate", "lon"),
        ({"lon": "nan", "lat": "45"}, "invalid_coordinate", "lon"),
        ({"lon": "-73", "lat": "inf"}, "invalid_coordinate", "lat"),
        ({"lon": "-73", "lat": "-Infinity"}, "invalid_coordinate", "lat"),
        ({"lon": "1e999", "lat": "45"}, "coordinate_out_of_range", "lon"),
        ({"address": "٣"}, "invalid_address_id", "address"),
        ({"lon": "1_0", "lat": "45"}, "invalid_coordinate", "lon"),
        ({"lon": "٧٣", "lat": "45"}, "invalid_coordinate", "lon"),
        ({"lon": "0x10", "lat": "45"}, "invalid_coordinate", "lon"),
        ({"lon": "-73.5", "lat": "95"}, "coordinate_out_of_range", "lat"),
        ({"lon": "-180.0001", "lat": "45"}, "coordinate_out_of_range", "lon"),
        ({"lon": "1e300", "lat": "45"}, "coordinate_out_of_range", "lon"),
        ({"q": ""}, "empty_query", "q"),
        ({"q": "   "}, "empty_query", "q"),
        ({"q": "x" * 201}, "query_too_long", "q"),
        ({"q": "150 rue\x00Saint-Charles"}, "invalid_characters", "q"),
        ({"q": "<script>alert(1)</script>"}, "invalid_characters", "q"),
        ({"q": "150 rue {{7*7}}"}, "invalid_characters", "q"),
        ({"address": "abc"}, "invalid_address_id", "address"),
        ({"address": "-1"}, "invalid_address_id", "address"),
        ({"address": "1.5"}, "invalid_address_id", "address"),
        ({"address": "9" * 40}, "invalid_address_id", "address"),
        ({"q": "150 rue Saint-Charles", "lon": "-73.5", "lat": "45.5"}, "conflicting_parameters", "q"),
        ({"q": "150 rue Saint-Charles", "address": "1"}, "conflicting_parameters", "address"),
        ({"lon": "-73.5", "lat": "45.5", "radius": "3"}, "unknown_parameter", "radius"),
        ({"lon": ["-73.5", "-73.4"], "lat": "45.5"}, "repeated_parameter", "lon"),
        ({"lon": "-73.5", "lat": "45.5", "lang": "de"}, "invalid_language", "lang"),
    ],
)
def test_bad_lookup_input_is_a_json_400_naming_the_field(client, territory, params, code, field):
    assert_error(client.get(reverse("api:lookup"), params), 400, code, field)


def test_bytes_that_are_not_utf8_are_refused(client, territory):
    response = client.get(reverse("api:lookup") + "?q=150%20rue%20%FF%FE")
    assert_error(response, 400, "invalid_encoding", "q")


def test_error_messages_are_translated(client, territory):
    english = client.get(reverse("api:lookup"), {"lon": "abc", "lat": "45", "lang": "en"}).json()
    assert english["error"]["message"] == "Give the point as lon and lat in decimal degrees."
    french = client.get(reverse("api:lookup"), {"lon": "abc", "lat": "45", "lang": "fr"}).json()
    assert french["error"]["message"] != english["error"]["message"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_reads_are_allowed(client, territory, method):
    response = getattr(client, method)(reverse("api:lookup"), CENTRE_POINT)
    assert_error(response, 405, "method_not_allowed", None)
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_head_and_options_are_answered(client, territory):
    get = client.get(reverse("api:lookup"), CENTRE_POINT)
    head = client.head(reverse("api:lookup"), CENTRE_POINT)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"] and head["Content-Length"] == str(len(get.content))
    options = client.options(reverse("api:lookup"))
    assert options.status_code == 204 and options["Allow"] == "GET, HEAD, OPTIONS"


def test_an_unknown_address_under_the_api_is_a_json_404(client):
    response = client.get("/api/v1/nothing/here")
    assert_error(response, 404, "not_found", None)


def test_an_unknown_or_inactive_sector_is_a_json_404(client, territory):
    territory["brossard"].is_active = False
    territory["brossard"].save()
    for code in ("NOPE", "BR-01"):
        assert_error(client.get(reverse("api:sector", kwargs={"code": code})), 404, "not_found", "code")


TEXT = st.text(max_size=300)
NUMBER_TEXT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet="0123456789.-+eE_ infa", max_size=30),
    TEXT,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.one_of(
        st.fixed_dictionaries({"q": TEXT}),
        st.fixed_dictionaries({"lon": NUMBER_TEXT, "lat": NUMBER_TEXT}),
        st.fixed_dictionaries({"address": st.one_of(TEXT, st.integers().map(str))}),
        st.dictionaries(st.sampled_from(["q", "lon", "lat", "address", "lang", "x"]), TEXT, max_size=4),
    ),
    raw=st.binary(max_size=60),
)
def test_fuzzed_lookups_always_answer_200_or_400_in_json(territory, no_rate_limit, params, raw):
    client = Client()
    for response in (
        client.get(reverse("api:lookup"), params),
        # Raw bytes, percent-encoded, straight into the query string.
        client.get(reverse("api:lookup") + "?q=" + "".join(f"%{byte:02X}" for byte in raw)),
    ):
        assert response.status_code in (200, 400), response.content
        body = json.loads(response.content)
        assert ("error" in body) == (response.status_code == 400)

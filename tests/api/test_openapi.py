"""The hand-written OpenAPI document is valid and describes every route of public/api_urls.py."""

import re

import pytest
from django.urls import reverse
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from public import api_urls
from public.openapi import openapi_document

pytestmark = pytest.mark.django_db


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get(reverse("api:openapi"))
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_the_validator_would_catch_a_broken_document():
    document = openapi_document()
    document["paths"]["/lookup"]["get"]["responses"] = "nothing"
    with pytest.raises(OpenAPIValidationError):
        validate(document)


def documented_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_route_is_documented_with_its_parameters():
    document = openapi_document()
    routes = [pattern for pattern in api_urls.urlpatterns if pattern.name]  # the JSON 404 catch-all has none
    assert len(routes) >= 7
    for pattern in routes:
        path = documented_path(str(pattern.pattern))
        assert path in document["paths"], path
        operation = document["paths"][path]["get"]
        documented = {
            parameter["name"] for parameter in operation["parameters"] if parameter["in"] == "query"
        }
        assert documented == set(pattern.callback.api_params), path
        for status in ("200", "405", "429"):
            assert status in operation["responses"], (path, status)
    assert set(document["paths"]) == {documented_path(str(pattern.pattern)) for pattern in routes}


def test_documented_errors_match_the_endpoints():
    paths = openapi_document()["paths"]
    assert "400" in paths["/lookup"]["get"]["responses"]
    assert "404" in paths["/sectors/{code}"]["get"]["responses"]

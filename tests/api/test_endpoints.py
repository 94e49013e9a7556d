"""The index, one sector and the published officers."""

import pytest
from django.urls import reverse

from officers.models import Assignment

pytestmark = pytest.mark.django_db


def test_the_index_links_every_endpoint(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        body = client.get(reverse("api:index")).json()
    assert body["name"] == "Proximity" and body["version"]
    assert body["links"]["lookup"] == "http://testserver" + reverse("api:lookup")
    assert body["links"]["openapi"] == "http://testserver" + reverse("api:openapi")
    assert body["links"]["sector"] == "http://testserver/api/v1/sectors/{code}"


def test_a_sector_is_a_geojson_feature_with_its_availability_and_team(client, territory):
    Assignment.objects.create(
        officer=territory["marc"],
        sector=territory["centre"],
        role=Assignment.Role.SECONDARY,
        starts_on=territory["today"],
    )
    response = client.get(reverse("api:sector", kwargs={"code": "VL-01"}), {"lang": "en"})
    assert response["Content-Type"] == "application/geo+json"
    feature = response.json()
    assert feature["type"] == "Feature" and feature["id"] == "VL-01"
    assert feature["geometry"]["type"] == "Polygon"
    properties = feature["properties"]
    assert properties["name"] == "Centre historique" and properties["borough"] == "Vieux-Longueuil"
    assert properties["availability"]["status"] == "covered"
    assert [officer["name"] for officer in properties["officers"]] == ["Julie Tremblay", "Marc Gagnon"]


def test_a_sector_whose_officer_is_unpublished_shows_no_one(client, territory):
    feature = client.get(reverse("api:sector", kwargs={"code": "BR-01"})).json()
    assert feature["properties"]["officers"] == []
    assert feature["properties"]["availability"]["status"] == "covered"


def test_a_warm_sector_takes_two_queries(client, territory, django_assert_num_queries):
    client.get(reverse("api:sector", kwargs={"code": "VL-01"}))
    with django_assert_num_queries(2):  # the map version, for the index and for the map layer
        assert client.get(reverse("api:sector", kwargs={"code": "VL-01"})).status_code == 200


def test_officers_lists_the_published_ones_with_their_sectors_today(client, territory):
    body = client.get(reverse("api:officers"), {"lang": "en"}).json()
    assert [officer["name"] for officer in body["officers"]] == ["Marc Gagnon", "Julie Tremblay"]
    julie = body["officers"][1]
    assert julie["sectors"] == [
        {
            "code": "VL-01",
            "name": "Centre historique",
            "municipality": "Longueuil",
            "borough": "Vieux-Longueuil",
            "url": julie["sectors"][0]["url"],
            "role_in_sector": "primary",
            "role_in_sector_label": "Primary",
        }
    ]
    assert body["officers"][0]["sectors"] == []


def test_officers_takes_a_fixed_number_of_queries(client, territory, django_assert_num_queries):
    with django_assert_num_queries(3):  # officers, languages, today's assignments with their sectors
        client.get(reverse("api:officers"))
    with django_assert_num_queries(0):  # then the cache, until something changes
        client.get(reverse("api:officers"))
    territory["marc"].is_active = False
    territory["marc"].save()
    assert [o["name"] for o in client.get(reverse("api:officers")).json()["officers"]] == ["Julie Tremblay"]

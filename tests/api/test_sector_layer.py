import pytest
from django.urls import reverse

from tests.beats.factories import SectorFactory, square

pytestmark = pytest.mark.django_db


def test_the_sector_layer_is_public_geojson_of_active_sectors(client, django_assert_num_queries):
    SectorFactory(code="A", name="Alpha", geometry=square(-73.50, 45.50))
    SectorFactory(code="Z", geometry=square(-73.40, 45.50), is_active=False)
    response = client.get(reverse("api:sector-features"))
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert [f["properties"]["code"] for f in body["features"]] == ["A"]
    assert body["features"][0]["properties"]["name"] == "Alpha"
    with django_assert_num_queries(1):  # the map version; the layer itself comes from the cache
        client.get(reverse("api:sector-features"))


def test_inactive_sectors_are_for_staff_only(client, make_staff):
    assert client.get(reverse("api:sector-features") + "?include_inactive=1").status_code == 403
    client.force_login(make_staff("sergeant", "beats.view_sector"))
    assert client.get(reverse("api:sector-features") + "?include_inactive=1").status_code == 200


def test_locate_finds_the_sector_of_a_point(client):
    SectorFactory(code="A", name="Alpha", municipality="Longueuil", geometry=square(-73.50, 45.50))
    response = client.get(reverse("api:sector-locate"), {"lon": "-73.495", "lat": "45.505"})
    assert response.json() == {
        "sector": {"code": "A", "name": "Alpha", "municipality": "Longueuil", "borough": ""},
        "rule": "inside",
    }


def test_locate_says_outside_and_refuses_bad_input(client):
    SectorFactory(code="A", geometry=square(-73.50, 45.50))
    outside = client.get(reverse("api:sector-locate"), {"lon": "-70", "lat": "45"})
    assert outside.status_code == 404 and outside.json()["error"]["code"] == "outside"
    assert client.get(reverse("api:sector-locate"), {"lon": "x", "lat": "45"}).status_code == 400
    assert client.get(reverse("api:sector-locate"), {"lon": "-73", "lat": "95"}).status_code == 400


def test_a_warm_locate_takes_no_query_and_a_renamed_sector_shows_at_once(client, django_assert_num_queries):
    sector = SectorFactory(code="VL-01", name="Centre", geometry=square(-73.52, 45.53))
    url = reverse("api:sector-locate")
    client.get(url, {"lon": "-73.515", "lat": "45.535"})
    with django_assert_num_queries(0):
        assert client.get(url, {"lon": "-73.515", "lat": "45.535"}).json()["sector"]["name"] == "Centre"
    sector.name = "Centre historique"
    sector.save()
    assert (
        client.get(url, {"lon": "-73.515", "lat": "45.535"}).json()["sector"]["name"] == "Centre historique"
    )

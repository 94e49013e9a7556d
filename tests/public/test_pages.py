import pytest
from django.urls import reverse
from django.utils import translation

from tests.beats.factories import SectorFactory, square

pytestmark = pytest.mark.django_db


def test_the_sectors_page_lists_active_sectors_by_place(client, django_assert_max_num_queries):
    SectorFactory(
        code="VL-01", name="Centre", municipality="Longueuil", borough="Vieux-Longueuil", population=12000
    )
    SectorFactory(code="BR-01", name="DIX30", municipality="Brossard", geometry=square(-73.4, 45.45))
    SectorFactory(code="OLD", name="Retired", is_active=False, geometry=square(-73.3, 45.45))
    with translation.override("en"):
        url = reverse("public:sectors")
    with django_assert_max_num_queries(2):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Longueuil (Vieux-Longueuil)" in html and "Brossard" in html and "Retired" not in html
    assert html.index("Brossard") < html.index("Longueuil (Vieux-Longueuil)")
    assert "12,000 residents" in html
    assert 'data-features-url="/api/v1/sectors.geojson"' in html


def test_every_public_page_shows_the_emergency_number(client):
    for language in ("fr", "en"):
        with translation.override(language):
            for name in ("public:home", "public:sectors"):
                html = client.get(reverse(name)).content.decode()
                assert "911" in html and 'href="tel:4504637011"' in html


def test_the_sectors_page_works_without_any_sector(client):
    with translation.override("en"):
        response = client.get(reverse("public:sectors"))
    assert "No sector has been published yet." in response.content.decode()

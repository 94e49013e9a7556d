import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beats.models import Sector

from .factories import SectorFactory, square

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "code": "VL-99",
        "name": "Vieux-Longueuil – Test",
        "municipality": "Longueuil",
        "borough": "Vieux-Longueuil",
        "population": "4200",
        "programme_started_on": "",
        "is_active": "on",
        "geometry": json.dumps(square(-73.50, 45.50)),
    }
    return {**data, **overrides}


def test_a_supervisor_adds_a_sector_with_a_drawn_boundary(admin_client_fr):
    response = admin_client_fr.post(reverse("admin:beats_sector_add"), form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    sector = Sector.objects.get(code="VL-99")
    assert sector.geometry["type"] == "Polygon" and sector.population == 4200


def test_a_self_intersecting_boundary_is_refused_with_where_it_crosses(admin_client_fr):
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[-73.5, 45.5], [-73.4, 45.6], [-73.4, 45.5], [-73.5, 45.6], [-73.5, 45.5]]],
    }
    response = admin_client_fr.post(
        reverse("admin:beats_sector_add"), form_data(geometry=json.dumps(bow_tie))
    )
    assert response.status_code == 200
    assert "(-73.450000, 45.550000)" in response.content.decode()
    assert not Sector.objects.exists()


def test_the_change_page_renders_the_map_widget_without_inline_scripts(admin_client_fr):
    sector = SectorFactory()
    response = admin_client_fr.get(reverse("admin:beats_sector_change", args=[sector.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/beats/js/geometry-widget." in html and 'data-geometry-widget="id_geometry-config"' in html
    assert 'id="id_geometry-config"' in html
    assert "<script>" not in html and "<script nonce" not in html


def test_the_list_uses_a_fixed_number_of_queries(admin_client_fr, django_assert_max_num_queries):
    for _ in range(3):
        SectorFactory()
    url = reverse("admin:beats_sector_changelist")
    admin_client_fr.get(url)  # warm the session and the territory check cache
    with django_assert_max_num_queries(12) as few:
        admin_client_fr.get(url)
    for _ in range(20):
        SectorFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client_fr.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="field-code"') == 23


def test_the_upload_page_imports_through_the_same_service(admin_client_fr):
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "UP1", "name": "Uploaded"},
                "geometry": square(-73.5, 45.5),
            }
        ],
    }
    upload = SimpleUploadedFile(
        "sectors.geojson", json.dumps(data).encode(), content_type="application/geo+json"
    )
    response = admin_client_fr.post(
        reverse("admin:beats_sector_import"),
        {
            "file": upload,
            "code_property": "code",
            "name_property": "name",
            "municipality_property": "municipality",
            "default_municipality": "Brossard",
        },
    )
    assert response.status_code == 302
    assert Sector.objects.get(code="UP1").municipality == "Brossard"


def test_a_bad_upload_shows_the_feature_and_reason_and_writes_nothing(admin_client_fr):
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "P"},
                "geometry": {"type": "Point", "coordinates": [0, 0]},
            }
        ],
    }
    upload = SimpleUploadedFile("bad.geojson", json.dumps(data).encode())
    response = admin_client_fr.post(
        reverse("admin:beats_sector_import"), {"file": upload, "code_property": "code"}
    )
    assert response.status_code == 200
    # The staff's language is French by default: the message names the entity in French.
    html = response.content.decode().replace("\u00a0", " ")
    assert "Entité 0 : Le type de géométrie « Point » n’est pas permis" in html
    assert not Sector.objects.exists()


def test_export_all_and_export_selected(admin_client_fr):
    SectorFactory(code="E1")
    second = SectorFactory(code="E2")
    response = admin_client_fr.get(reverse("admin:beats_sector_export"))
    assert response["Content-Type"].startswith("application/geo+json")
    assert [f["id"] for f in json.loads(response.content)["features"]] == ["E1", "E2"]
    response = admin_client_fr.post(
        reverse("admin:beats_sector_changelist"),
        {"action": "export_geojson", "_selected_action": [second.pk]},
    )
    assert [f["id"] for f in json.loads(response.content)["features"]] == ["E2"]


def test_deactivating_takes_sectors_off_the_map(admin_client_fr):
    sector = SectorFactory()
    admin_client_fr.post(
        reverse("admin:beats_sector_changelist"), {"action": "deactivate", "_selected_action": [sector.pk]}
    )
    sector.refresh_from_db()
    assert not sector.is_active


def test_a_staff_member_without_sector_rights_cannot_import(client, make_staff):
    client.force_login(make_staff("analyst", "beats.view_sector"))
    assert client.get(reverse("admin:beats_sector_changelist")).status_code == 200
    assert client.get(reverse("admin:beats_sector_import")).status_code == 403

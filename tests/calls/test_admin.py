import io

import pytest
from django.urls import reverse

from calls.models import CallType, ImportBatch
from calls.services.ingest import calls_import

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(saved_profile):
    rows = [
        ["1", "2024-03-01 10:00:00", "A", "Alarme", "2", "911", "", "", ""],
        ["", "", "A", "", "", "", "", "", ""],
    ]
    return calls_import(
        profile=saved_profile(),
        file=io.BytesIO(csv_bytes(rows)),
        file_name="calls.csv",
        mode=ImportBatch.Mode.THRESHOLD,
        max_bad_percent=50,
    )


@pytest.mark.parametrize("model", ["callcategory", "calltype", "importprofile", "importbatch", "call"])
def test_every_calls_admin_list_opens(admin_client_fr, batch, model):
    response = admin_client_fr.get(reverse(f"admin:calls_{model}_changelist"))
    assert response.status_code == 200


def test_the_batch_page_links_to_its_error_report(admin_client_fr, batch):
    page = admin_client_fr.get(reverse("admin:calls_importbatch_change", args=[batch.pk]))
    url = reverse("admin:calls_importbatch_report", args=[batch.pk])
    assert url in page.content.decode()
    report = admin_client_fr.get(url)
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    assert b"3," in report.content


def test_call_types_are_mapped_from_the_list(admin_client_fr, batch):
    call_type = CallType.objects.get(code="A")
    url = reverse("admin:calls_calltype_changelist")
    response = admin_client_fr.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": call_type.pk,
            "form-0-category": "",
            "form-0-urgency": "urgent",
            "_save": "1",
        },
    )
    assert response.status_code == 302
    call_type.refresh_from_db()
    assert call_type.urgency == "urgent"


def test_a_staff_member_without_permission_gets_no_report(client, make_staff, batch):
    client.force_login(make_staff("nobody"))
    response = client.get(reverse("admin:calls_importbatch_report", args=[batch.pk]))
    assert response.status_code in (302, 403, 404)

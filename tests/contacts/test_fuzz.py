"""Whatever an officer's phone sends, the form answers with a page (a contact or errors), never a 500, and
never half a contact (an identity without its contact, a contact without its category)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import Contact, ContactCategory, ResidentIdentity

pytestmark = pytest.mark.django_db

FIELDS = [
    "when",
    "sector",
    "channel",
    "who",
    "outcome",
    "follow_up_due",
    "summary",
    "referral_to",
    "referral_status",
    "identity_name",
    "identity_phone",
    "identity_email",
    "identity_consent",
    "lon",
    "lat",
]
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "2026-01-01T10:00", "1999-12-31", "9999-12-31T23:59", "-1", "1e309", "nan", "social-worker"]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(st.sampled_from(FIELDS), TEXT),
    categories=st.lists(st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=5)), max_size=3),
)
def test_the_form_never_fails_and_never_half_records(client, unit, data, categories):
    client.force_login(unit["officer_a"].user)
    payload = {key: value.replace("\x00", "") for key, value in data.items()}
    payload["categories"] = [c.replace("\x00", "") for c in categories]
    response = client.post(reverse("staff:contact-new"), payload)
    assert response.status_code in (200, 302)
    assert not Contact.objects.filter(categories__isnull=True).exists()
    assert not ResidentIdentity.objects.filter(consent_given=False).exists()


def test_a_valid_category_id_alone_is_not_enough(client, unit):
    client.force_login(unit["officer_a"].user)
    noise = ContactCategory.objects.get(slug="noise")
    response = client.post(reverse("staff:contact-new"), {"categories": [noise.pk]})
    assert response.status_code == 200 and not Contact.objects.exists()

"""The officers' form, in French and English: what a few taps record, the defaults, and every bad input
answered with a translated message naming the field (never a 500, nothing half-recorded)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from contacts.models import Contact, ContactCategory, IdentityAccess, Referral, ResidentIdentity

from .conftest import NAME, PHONE, log_contact

pytestmark = pytest.mark.django_db


def now_text(delta=datetime.timedelta()):
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def valid_post(**changes):
    data = {
        "when": now_text(),
        "channel": "work_cell",
        "who": "resident",
        "categories": [ContactCategory.objects.get(slug="noise").pk],
        "outcome": "resolved",
        "summary": "Musique forte la nuit",
        "referral_status": "made",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def new_url(language="fr"):
    with translation.override(language):
        return reverse("staff:contact-new")


def test_the_form_defaults_to_now_and_the_officers_sector(client, unit):
    client.force_login(unit["officer_a"].user)
    response = client.get(new_url())
    html = response.content.decode()
    assert response.context["form"].initial["sector"] == unit["first"]
    assert timezone.localtime().strftime("%Y-%m-%dT") in html
    assert 'name="officer"' not in html  # an officer logs their own
    for slug in ("noise", "mental-health"):
        assert f'value="{ContactCategory.objects.get(slug=slug).pk}"' in html


def test_inactive_categories_are_not_offered(client, unit):
    ContactCategory.objects.filter(slug="noise").update(is_active=False)
    client.force_login(unit["officer_a"].user)
    form = client.get(new_url()).context["form"]
    assert "noise" not in {category.slug for category in form.fields["categories"].queryset}


def test_an_officer_logs_a_contact_with_a_referral(client, unit, partner):
    client.force_login(unit["officer_a"].user)
    response = client.post(
        new_url(),
        valid_post(referral_to=str(partner.pk), referral_status="accepted", would_have_called_911="on"),
    )
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff:contact", args=[contact.pk])
    assert (contact.officer, contact.sector, contact.would_have_called_911) == (
        unit["officer_a"],
        unit["first"],
        True,
    )
    referral = contact.referrals.get()
    assert (referral.partner, referral.status) == (partner, "accepted") and referral.accepted_at


def test_a_referral_to_the_social_worker(client, unit):
    client.force_login(unit["officer_a"].user)
    client.post(new_url(), valid_post(referral_to="social-worker"))
    assert Referral.objects.get().to_social_worker


def test_an_identity_with_consent_is_recorded_and_audited(client, unit):
    client.force_login(unit["officer_a"].user)
    client.post(new_url(), valid_post(identity_name=NAME, identity_phone=PHONE, identity_consent="on"))
    assert ResidentIdentity.objects.get().name == NAME
    assert IdentityAccess.objects.get().action == "create"


BAD_INPUT = [
    ("future date", {"when": now_text(datetime.timedelta(days=2))}, "when", "future", "futur"),
    (
        "follow-up before the contact",
        {"follow_up_due": "2001-01-01"},
        "follow_up_due",
        "before the contact",
        "avant le contact",
    ),
    ("unknown category", {"categories": ["999999"]}, "categories", "999999", "999999"),
    ("no category", {"categories": None}, "categories", "at least one category", "au moins une catégorie"),
    ("oversized summary", {"summary": "x" * 501}, "summary", "500", "500"),
    (
        "identity without consent",
        {"identity_name": NAME, "identity_phone": PHONE},
        "identity_consent",
        "consent",
        "consentement",
    ),
    (
        "bad phone",
        {"identity_phone": "123", "identity_consent": "on"},
        "identity_phone",
        "phone",
        "téléphone",
    ),
    ("bad date", {"when": "hier"}, "when", "valid", "valide"),
]


@pytest.mark.parametrize(
    ("case", "changes", "field", "english", "french"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT]
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_bad_input_is_refused_with_a_translated_error_naming_the_field(
    client, unit, case, changes, field, english, french, language
):
    ContactCategory.objects.filter(slug="youth").update(is_active=False)
    client.force_login(unit["officer_a"].user)
    response = client.post(new_url(language), valid_post(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    html = response.content.decode()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    label = str(form[field].label)
    assert f'href="#{form[field].auto_id}"' in summary and label in summary
    if language == "en":
        assert english in " ".join(form.errors[field])
    assert not Contact.objects.exists() and not ResidentIdentity.objects.exists()


def test_a_retired_category_is_refused_by_name(client, unit):
    youth = ContactCategory.objects.get(slug="youth")
    youth.is_active = False
    youth.save()
    client.force_login(unit["officer_a"].user)
    with translation.override("en"):
        response = client.post(new_url("en"), valid_post(categories=[youth.pk]))
    assert "categories" in response.context["form"].errors
    assert not Contact.objects.exists()


def test_closing_a_referral_from_the_contact_page(client, unit, contact_a):
    referral = contact_a.referrals.get()
    client.force_login(unit["officer_a"].user)
    url = reverse("staff:contact-referral", args=[contact_a.pk, referral.pk])
    response = client.post(
        url, {f"r{referral.pk}-status": "completed", f"r{referral.pk}-outcome": "Pris en charge"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "completed" and referral.completed_at and referral.outcome == "Pris en charge"


def test_an_oversized_referral_outcome_is_refused(client, unit, contact_a):
    referral = contact_a.referrals.get()
    client.force_login(unit["officer_a"].user)
    url = reverse("staff:contact-referral", args=[contact_a.pk, referral.pk])
    response = client.post(
        url, {f"r{referral.pk}-status": "completed", f"r{referral.pk}-outcome": "x" * 501}, follow=True
    )
    referral.refresh_from_db()
    assert referral.status == "made"
    assert any("500" in str(message) for message in response.context["messages"])


def test_my_contacts_lists_follow_ups_due(client, unit):
    due = log_contact(unit["officer_a"], outcome="follow_up", follow_up_due=timezone.localdate())
    client.force_login(unit["officer_a"].user)
    response = client.get(reverse("staff:contacts"))
    assert list(response.context["due"]) == [due]
    client.post(reverse("staff:contact-follow-up-done", args=[due.pk]))
    assert not client.get(reverse("staff:contacts")).context["due"]


def test_statistics_count_by_sector_category_channel_and_partner(client, unit, contact_a, contact_b, partner):
    client.force_login(unit["analyst"])
    response = client.get(reverse("staff:contact-statistics"))
    figures = response.context["figures"]
    assert figures["total"] == 2
    assert {row["sector__code"]: row["count"] for row in figures["by_sector"]} == {
        unit["first"].code: 1,
        unit["second"].code: 1,
    }
    assert figures["by_partner"][0]["partner__name"] == partner.name and figures["by_partner"][0]["made"] == 1
    csv_lines = client.get(reverse("staff:contact-statistics-csv")).content.decode().splitlines()
    assert csv_lines[0].startswith("month,sector,category,channel") and len(csv_lines) == 3


def test_statistics_filters_bad_months_with_a_message(client, unit):
    client.force_login(unit["analyst"])
    response = client.get(reverse("staff:contact-statistics"), {"first_month": "2026-13"})
    assert response.status_code == 200
    assert list(response.context["messages"])


def test_an_officer_corrects_their_contact(client, unit, contact_a):
    client.force_login(unit["officer_a"].user)
    url = reverse("staff:contact-edit", args=[contact_a.pk])
    form = client.get(url).context["form"]
    assert form.initial["outcome"] == "referred"
    youth = ContactCategory.objects.get(slug="youth")
    response = client.post(
        url,
        {
            "when": timezone.localtime(contact_a.when).strftime("%Y-%m-%dT%H:%M"),
            "categories": [youth.pk],
            "channel": "patrol",
            "who": "family",
            "outcome": "follow_up",
            "follow_up_due": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "summary": "Corrigé",
        },
    )
    assert response.status_code == 302
    contact_a.refresh_from_db()
    assert (contact_a.channel, contact_a.who, contact_a.outcome, contact_a.summary) == (
        "patrol",
        "family",
        "follow_up",
        "Corrigé",
    )
    assert list(contact_a.categories.all()) == [youth]


def test_a_correction_with_bad_input_names_the_field(client, unit, contact_a):
    client.force_login(unit["officer_a"].user)
    response = client.post(
        reverse("staff:contact-edit", args=[contact_a.pk]),
        {
            "when": now_text(datetime.timedelta(days=3)),
            "categories": [],
            "channel": "patrol",
            "who": "family",
            "outcome": "resolved",
        },
    )
    assert response.status_code == 200
    assert {"when", "categories"} <= set(response.context["form"].errors)
    contact_a.refresh_from_db()
    assert contact_a.channel == "work_cell"


def test_an_officer_account_without_an_officer_record_is_told_to_get_it_linked(client, unit):
    from .conftest import staff_in

    client.force_login(staff_in("Officer", "unlinked"))
    response = client.get(new_url())
    assert response.status_code == 200 and 'id="unlinked"' in response.content.decode()
    client.post(new_url(), valid_post(officer=unit["officer_a"].pk))
    assert not Contact.objects.exists()


def test_a_supervisor_without_an_officer_record_logs_for_an_officer(client, unit):
    client.force_login(unit["supervisor"])
    client.post(new_url(), valid_post(officer=unit["officer_b"].pk))
    contact = Contact.objects.get()
    assert (contact.officer, contact.sector, contact.created_by) == (
        unit["officer_b"],
        unit["second"],
        unit["supervisor"],
    )

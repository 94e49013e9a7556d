"""The services: where a contact lands, the consent rule, the identity audit, bad input, referrals."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contacts.models import (
    Channel,
    Contact,
    ContactCategory,
    IdentityAccess,
    Outcome,
    Referral,
    ResidentIdentity,
)
from contacts.services.contacts import contact_update
from contacts.services.identities import IdentityInput, identity_read
from contacts.services.referrals import ReferralInput, referral_set_status

from .conftest import NAME, PHONE, PHONE_E164, categories, log_contact

pytestmark = pytest.mark.django_db


def test_a_contact_without_a_point_lands_in_the_officers_sector_that_day(unit):
    contact = log_contact(unit["officer_a"])
    assert contact.sector == unit["first"]
    assert contact.created_by == unit["officer_a"].user


def test_a_contact_with_a_point_lands_in_the_sector_of_the_point(unit):
    second = unit["second"]
    lon, lat = (c + 0.005 for c in second.geometry["coordinates"][0][0])
    contact = log_contact(unit["officer_a"], lon=lon, lat=lat)
    assert contact.sector == second


def test_a_point_outside_the_territory_falls_back_on_the_officers_sector(unit):
    assert log_contact(unit["officer_a"], lon=10.0, lat=10.0).sector == unit["first"]


def test_an_officer_with_no_assignment_and_no_sector_chosen_is_told_to_choose(unit):
    from tests.officers.factories import OfficerFactory

    with pytest.raises(ValidationError) as caught:
        log_contact(OfficerFactory())
    assert "sector" in caught.value.message_dict


def test_an_identity_is_recorded_only_with_consent(unit):
    with pytest.raises(ValidationError) as caught:
        log_contact(unit["officer_a"], identity=IdentityInput(name=NAME, phone=PHONE, consent=False))
    assert "consent" in caught.value.message_dict
    assert not Contact.objects.exists() and not ResidentIdentity.objects.exists()


def test_an_identity_with_consent_is_kept_apart_and_its_creation_audited(contact_a, unit):
    identity = ResidentIdentity.objects.get(contact=contact_a)
    assert identity.phone == PHONE_E164 and identity.consent_given and identity.consent_at
    row = IdentityAccess.objects.get()
    assert (row.action, row.user, row.contact) == ("create", unit["officer_a"].user, contact_a)


def test_an_empty_identity_block_records_nothing(unit):
    contact = log_contact(unit["officer_a"], identity=IdentityInput(consent=False))
    assert not ResidentIdentity.objects.filter(contact=contact).exists()


def test_every_identity_read_is_audited(contact_a, unit):
    for _ in range(3):
        assert identity_read(contact=contact_a, user=unit["supervisor"]).name == NAME
    reads = IdentityAccess.objects.filter(action="read")
    assert reads.count() == 3
    assert {(row.user, row.contact_id) for row in reads} == {(unit["supervisor"], contact_a.pk)}


def test_audit_rows_cannot_be_changed_through_the_admin(contact_a, unit, client):
    from django.urls import reverse

    client.force_login(unit["administrator"])
    row = IdentityAccess.objects.get()
    page = client.get(reverse("admin:contacts_identityaccess_change", args=[row.pk]))
    assert page.status_code == 200 and 'name="action"' not in page.content.decode()
    assert client.post(reverse("admin:contacts_identityaccess_delete", args=[row.pk])).status_code == 403
    assert IdentityAccess.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"when": timezone.now() + datetime.timedelta(days=1)}, "when"),
        ({"follow_up_due": datetime.date(2000, 1, 1)}, "follow_up_due"),
        ({"summary": "x" * 501}, "summary"),
        ({"categories": []}, "categories"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_input_is_refused_naming_the_field(unit, fields, field):
    with pytest.raises(ValidationError) as caught:
        log_contact(unit["officer_a"], **fields)
    assert field in caught.value.message_dict


def test_an_inactive_category_is_refused_for_new_contacts_but_kept_on_old_ones(unit):
    contact = log_contact(unit["officer_a"], categories=categories("noise"))
    ContactCategory.objects.filter(slug="noise").update(is_active=False)
    with pytest.raises(ValidationError) as caught:
        log_contact(unit["officer_a"], categories=categories("noise"))
    assert "categories" in caught.value.message_dict
    contact_update(contact=contact, outcome=Outcome.FOLLOW_UP, categories=categories("noise"))


def test_a_referral_closes_with_its_timestamps(contact_a, unit):
    referral = contact_a.referrals.get()
    assert referral.status == "made" and referral.made_at
    referral = referral_set_status(referral=referral, status="accepted", actor=unit["officer_a"].user)
    assert referral.accepted_at and not referral.completed_at
    referral = referral_set_status(referral=referral, status="completed", outcome="Suivi en cours")
    assert referral.completed_at and referral.is_closed and referral.outcome == "Suivi en cours"


def test_a_referral_goes_to_a_partner_or_to_the_social_worker(unit, partner):
    contact = log_contact(unit["officer_a"], referrals=[ReferralInput(to_social_worker=True)])
    assert contact.referrals.get().target
    with pytest.raises(ValidationError):
        log_contact(unit["officer_a"], referrals=[ReferralInput(partner=partner, to_social_worker=True)])
    assert Referral.objects.count() == 1


def test_channel_values_are_the_issues():
    assert len(Channel.values) == 6


def test_an_audit_row_cannot_be_changed_or_deleted_by_the_application(contact_a):
    row = IdentityAccess.objects.get()
    row.action = "read"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    assert IdentityAccess.objects.get().action == "create"

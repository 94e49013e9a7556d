"""The demo's partners and contacts: plausible, spread out, and running twice adds nothing."""

import datetime

import pytest

from contacts.models import Contact, Partner, Referral, ResidentIdentity
from demo.contacts import PARTNERS, demo_seed_contacts, demo_seed_partners

pytestmark = pytest.mark.django_db


def test_partners_are_seeded_once(unit):
    assert demo_seed_partners() == {"partners_created": len(PARTNERS), "partners_unchanged": 0}
    assert demo_seed_partners() == {"partners_created": 0, "partners_unchanged": len(PARTNERS)}
    assert Partner.objects.count() == len(PARTNERS)
    for partner in Partner.objects.all():
        assert partner.phone.startswith("+1450555") and partner.services.exists()
        assert partner.website.endswith(".example.org/")


def test_contacts_are_seeded_once_across_officers_sectors_and_months(unit):
    demo_seed_partners()
    today = datetime.date.today()
    first = demo_seed_contacts(count=200, today=today)
    assert first["contacts_created"] == 200 == Contact.objects.count()
    again = demo_seed_contacts(count=200, today=today)
    assert again == {
        "contacts_created": 0,
        "contacts_unchanged": 200,
        "referrals_created": 0,
        "identities_created": 0,
    }
    assert set(first) == set(again)
    assert Contact.objects.count() == 200
    assert Contact.objects.values("officer").distinct().count() == 2
    assert Contact.objects.values("sector").distinct().count() == 2
    assert Contact.objects.dates("when", "month").count() >= 20
    assert (
        Referral.objects.filter(status="completed").exists()
        and Referral.objects.filter(status="made").exists()
    )
    assert Referral.objects.filter(to_social_worker=True).exists()
    assert 0 < ResidentIdentity.objects.count() < 20
    assert Contact.objects.filter(categories__isnull=True).count() == 0

"""Fixtures of the contacts tests: a small unit (two sectors, two officers, a supervisor, an analyst, a
privacy officer, an administrator), each staff account in the role group the migrations made."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from contacts.models import Channel, ContactCategory, Outcome, Partner
from contacts.services.contacts import contact_create
from contacts.services.identities import IdentityInput
from contacts.services.referrals import ReferralInput
from tests.beats.factories import SectorFactory
from tests.officers.factories import AssignmentFactory, OfficerFactory

ROLES = ["Officer", "Supervisor", "Analyst", "Administrator", "Privacy officer"]
# A made-up resident: none of this may ever reach a log line.
PHONE = "450 555-0199"
PHONE_E164 = "+14505550199"
NAME = "Gisèle Témoin-Fictif"
SUMMARY = "Voisin bruyant au 3e étage, musique la nuit; la dame est épuisée"


def staff_in(role: str, username: str | None = None):
    user = get_user_model().objects.create_user(username=username or f"staff-{role}", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def unit(db):
    """Two sectors, officer A in the first, officer B in the second (each with an Officer account)."""
    first, second = SectorFactory(), SectorFactory()
    officer_a = OfficerFactory(user=staff_in("Officer", "officer-a"))
    officer_b = OfficerFactory(user=staff_in("Officer", "officer-b"))
    AssignmentFactory(officer=officer_a, sector=first, starts_on=datetime.date(2020, 1, 1))
    AssignmentFactory(officer=officer_b, sector=second, starts_on=datetime.date(2020, 1, 1))
    return {
        "first": first,
        "second": second,
        "officer_a": officer_a,
        "officer_b": officer_b,
        "supervisor": staff_in("Supervisor"),
        "analyst": staff_in("Analyst"),
        "privacy": staff_in("Privacy officer"),
        "administrator": staff_in("Administrator"),
    }


@pytest.fixture
def partner(db):
    partner = Partner.objects.create(name="Maison de la famille test", phone="+14505550100", is_public=True)
    partner.services.add(ContactCategory.objects.get(slug="domestic-situation"))
    return partner


def categories(*slugs):
    return list(ContactCategory.objects.filter(slug__in=slugs or ["noise"]))


def log_contact(officer, *, when=None, identity=None, referrals=(), summary=SUMMARY, **fields):
    values = {
        "channel": Channel.WORK_CELL,
        "outcome": Outcome.RESOLVED,
        "categories": categories("noise"),
    }
    values.update(fields)
    return contact_create(
        officer=officer,
        when=when or timezone.now() - datetime.timedelta(hours=1),
        summary=summary,
        identity=identity,
        referrals=referrals,
        actor=officer.user,
        **values,
    )


@pytest.fixture
def contact_a(unit, partner):
    """Officer A's contact, with a consenting resident's identity and a referral."""
    return log_contact(
        unit["officer_a"],
        identity=IdentityInput(name=NAME, phone=PHONE, email="gisele@example.org", consent=True),
        referrals=[ReferralInput(partner=partner)],
        outcome=Outcome.REFERRED,
    )


@pytest.fixture
def contact_b(unit):
    return log_contact(unit["officer_b"])

"""A small unit with two years of calls, a month of contacts, referrals, outreach and coverage, for the report
tests: the figures are then counted again here, from the raw rows, without the report's code."""

import datetime
import random
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from calls.counts import counts_recompute
from calls.models import Urgency
from contacts.models import Channel, Contact, ContactCategory, Outcome, Partner, PartnerType, Referral
from officers.models import Assignment
from outreach.models import Activity, ActivityType, Campaign, CampaignType
from tests.beats.factories import SectorFactory
from tests.calls.observing import observe
from tests.calls.test_counts import make_call, make_type
from tests.officers.factories import AbsenceFactory, AssignmentFactory, OfficerFactory

MONTH = date(2025, 2, 1)


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def months_between(first: date, last: date):
    month = first
    while month <= last:
        yield month
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


@pytest.fixture
def unit(db):
    """Sectors A-01 and B-01 in Longueuil (programme since March 2024), C-01 in Brossard (no programme), D-01
    deactivated; calls from March 2023 to March 2025, unplaced ones too."""
    a = SectorFactory(code="A-01", name="Vieux-Longueuil", programme_started_on=date(2024, 3, 15))
    b = SectorFactory(code="B-01", name="Saint-Hubert", programme_started_on=date(2024, 3, 1))
    c = SectorFactory(code="C-01", name="DIX30", municipality="Brossard", population=3000)
    d = SectorFactory(code="D-01", name="Ancien", is_active=False)
    types = [
        make_type("U1", Urgency.URGENT),
        make_type("N1", Urgency.NON_URGENT),
        make_type("O1", Urgency.OTHER),
    ]
    observe(date(2023, 3, 1), date(2025, 3, 1))  # the import these calls stand for
    rng = random.Random(7)
    for month in months_between(date(2023, 3, 1), date(2025, 3, 1)):
        for sector in (a, b, c, d, None):
            for call_type in types:
                for _ in range(rng.randint(0, 4)):
                    day, hour = rng.randint(1, 28), rng.randint(0, 23)
                    make_call(
                        local(month.year, month.month, day, hour, 30), call_type=call_type, sector=sector
                    )
    # Month boundaries are the service's: late on the 28th is February, just after midnight on the 1st March.
    make_call(local(2025, 2, 28, 23, 50), call_type=types[1], sector=a)
    make_call(local(2025, 3, 1, 0, 10), call_type=types[1], sector=a)
    counts_recompute()
    return {"a": a, "b": b, "c": c, "d": d}


def staff_officer(username: str):
    user = get_user_model().objects.create_user(username=username, is_staff=True)
    return OfficerFactory(user=user)


@pytest.fixture
def activity_data(unit):
    """Contacts, referrals, activities, campaigns and coverage around February 2025."""
    a, b, c = unit["a"], unit["b"], unit["c"]
    officer_a, officer_b, backup = staff_officer("oa"), staff_officer("ob"), staff_officer("bk")
    categories = list(ContactCategory.objects.order_by("position", "slug")[:3])
    rng = random.Random(11)
    channels = Channel.values
    contacts = []
    for sector, officer, n in ((a, officer_a, 14), (b, officer_b, 3), (c, officer_b, 6)):
        for i in range(n):
            day = rng.randint(1, 28)
            when = local(2025, 2, day, rng.randint(8, 22))
            contact = Contact.objects.create(
                officer=officer,
                sector=sector,
                when=when,
                channel=channels[i % len(channels)],
                outcome=Outcome.RESOLVED,
                would_have_called_911=i % 3 == 0,
                follow_up_due=date(2025, 3, 1) if i % 4 == 0 else None,
                follow_up_done=i % 8 == 0,
            )
            contact.categories.set(categories[: 1 + i % 2] if i % 5 else categories[2:3])
            contacts.append(contact)
    # Outside the month: never counted.
    outside = Contact.objects.create(
        officer=officer_a, sector=a, when=local(2025, 1, 31, 23, 59), channel=Channel.TEXT, outcome="resolved"
    )
    outside.categories.set(categories[:1])
    Contact.objects.create(
        officer=officer_a, sector=a, when=local(2025, 3, 1, 0, 1), channel=Channel.TEXT, outcome="resolved"
    ).categories.set(categories[:1])

    food = Partner.objects.create(name="Banque alimentaire", kind=PartnerType.COMMUNITY_SUPPORT)
    shelter = Partner.objects.create(name="=Refuge", kind=PartnerType.HOUSING)
    for i, contact in enumerate(contacts):
        target = [{"partner": food}, {"partner": shelter}, {"to_social_worker": True}][i % 3]
        status = Referral.Status.COMPLETED if i % 2 else Referral.Status.MADE
        Referral.objects.create(
            contact=contact,
            made_at=contact.when,
            status=status,
            completed_at=local(2025, 3, 2)
            if i % 4 == 1
            else (contact.when if status == "completed" else None),
            **target,
        )
    # Made in January, completed in February: completed in the month, not made in it.
    Referral.objects.create(
        contact=outside,
        partner=food,
        made_at=outside.when,
        status=Referral.Status.COMPLETED,
        completed_at=local(2025, 2, 10),
    )

    def activity(title, starts, *, held_in=None, aimed_at=(), attendance=None):
        item = Activity.objects.create(
            title_fr=title,
            kind=ActivityType.EVENT,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            sector=held_in,
            attendance=attendance,
        )
        item.sectors.set(aimed_at)
        return item

    activity("Café", local(2025, 2, 3, 18), held_in=a, attendance=25)
    activity("Kiosque", local(2025, 2, 10, 12), held_in=a, aimed_at=[a, b], attendance=40)
    activity("Présentation", local(2025, 2, 20, 19), aimed_at=[c])
    activity("Partout", local(2025, 2, 21, 19), attendance=100)  # the whole service: the territory only
    activity("Trop tôt", local(2025, 1, 31, 19), held_in=a, attendance=999)

    def campaign(title, starts, ends, sectors=()):
        item = Campaign.objects.create(
            title_fr=title, kind=CampaignType.AWARENESS_WEEK, starts_on=starts, ends_on=ends
        )
        item.sectors.set(sectors)

    campaign("Partout", date(2025, 1, 1), None)
    campaign("Centre", date(2025, 2, 20), date(2025, 3, 5), [a])
    campaign("Brossard", date(2025, 1, 1), date(2025, 2, 1), [c])
    campaign("Finie", date(2024, 1, 1), date(2025, 1, 31), [a, b, c])

    # Coverage: A has its officer all month but 3 days away with a backup; B has no one until the 11th, then
    # its officer, away 2 days with no cover; C has nobody.
    AssignmentFactory(officer=officer_a, sector=a, starts_on=date(2024, 1, 1))
    AbsenceFactory(
        officer=officer_a, starts_on=date(2025, 2, 5), ends_on=date(2025, 2, 7), covering_officer=backup
    )
    AssignmentFactory(officer=officer_b, sector=b, starts_on=date(2025, 2, 11))
    AbsenceFactory(officer=officer_b, starts_on=date(2025, 2, 20), ends_on=date(2025, 2, 21))
    AssignmentFactory(officer=backup, sector=c, starts_on=date(2025, 1, 1), role=Assignment.Role.SECONDARY)
    return {"contacts": contacts, "partners": (food, shelter), "categories": categories}


class Shown:
    """What a report may write for a true count drawn from contact data: the count itself, "< 5" for 1 to 4,
    or "x" when withheld to protect a hidden count beside it (reports.selectors.withhold_complements: only
    counts that are not small themselves). Compares equal to any of these, as an int or as CSV text."""

    def __init__(self, count: int, threshold: int = 5):
        self.count, self.threshold = count, threshold

    def __eq__(self, written) -> bool:
        if 0 < self.count < self.threshold:
            return written == f"< {self.threshold}"
        if written == "x":
            return self.count >= self.threshold
        return written in (self.count, str(self.count))

    def __repr__(self) -> str:
        return f"Shown({self.count})"

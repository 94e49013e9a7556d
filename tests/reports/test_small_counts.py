"""Small contact counts can't be worked out by subtraction: complementary counts are withheld ("x")."""

from datetime import date

import pytest

from contacts.models import Channel, Contact, Partner, PartnerType, Referral
from reports.exporters.csv import report_csv
from reports.selectors import WITHHELD_MARK, Scope, Withheld, monthly_report
from tests.beats.factories import SectorFactory
from tests.officers.factories import OfficerFactory
from tests.reports.conftest import local
from tests.reports.test_csv import parse

pytestmark = pytest.mark.django_db

MONTH = date(2025, 2, 1)


def contacts(sector, officer, channels: dict[str, int], *, referred_to=None):
    made = []
    day = 1
    for channel, n in channels.items():
        for _ in range(n):
            made.append(
                Contact.objects.create(
                    officer=officer,
                    sector=sector,
                    when=local(2025, 2, day, 10),
                    channel=channel,
                    outcome="resolved",
                )
            )
            day = day % 27 + 1
    if referred_to is not None:
        for contact in made:
            Referral.objects.create(contact=contact, partner=referred_to, made_at=contact.when)
    return made


@pytest.fixture
def three_sectors(db, settings):
    settings.REPORTS_SMALL_COUNT_THRESHOLD = 5
    a, b, c = SectorFactory(code="A-01"), SectorFactory(code="B-01"), SectorFactory(code="C-01")
    officer = OfficerFactory()
    # A: 3 contacts (hidden), B: 20, C: 9. Total 32 is shown: without a second hidden count, A = 32 - 20 - 9.
    housing = Partner.objects.create(name="Refuge", kind=PartnerType.HOUSING)
    contacts(a, officer, {Channel.WALK_IN: 3}, referred_to=housing)
    contacts(b, officer, {Channel.WALK_IN: 12, Channel.TEXT: 8}, referred_to=housing)
    contacts(c, officer, {Channel.WALK_IN: 6, Channel.EMAIL: 3}, referred_to=housing)
    return a, b, c


def test_a_hidden_sector_count_is_not_the_total_minus_the_others(three_sectors):
    report = monthly_report(month=MONTH, scope=Scope.territory())
    by_code = {area.code: area for area in report.sectors}

    assert report.shown(by_code["A-01"].contacts) == "< 5"
    # The smallest other sector (C, 9) is withheld: 32 - 20 leaves 12 for A and C together.
    assert report.shown(by_code["C-01"].contacts) == WITHHELD_MARK
    assert report.shown(by_code["B-01"].contacts) == 20
    assert report.shown(report.total.contacts) == 32
    # The same for the referrals of every type, per sector (written in each sector's row of the files).
    assert report.shown(by_code["A-01"].referrals_made) == "< 5"
    assert report.shown(by_code["C-01"].referrals_made) == WITHHELD_MARK
    assert report.shown(report.total.referrals_made) == 32
    # Withheld counts stay true numbers for the totals.
    assert isinstance(by_code["C-01"].contacts, Withheld) and by_code["C-01"].contacts == 9


def test_no_hidden_count_can_be_recovered_from_the_csv(three_sectors):
    """Every group that adds up (sectors → total, channels → contacts) has 0 or ≥ 2 cells not shown."""
    rows = parse(report_csv(monthly_report(month=MONTH, scope=Scope.territory()), language="en"))

    def shown(value: str) -> bool:
        return value not in ("< 5", WITHHELD_MARK)

    for metric, dimension in {
        (row["metric"], row["dimension"]) for row in rows if row["section"] in ("contacts", "referrals")
    }:
        if metric == "contacts_by_category":
            continue
        cells = [row for row in rows if (row["metric"], row["dimension"]) == (metric, dimension)]
        total = next(row for row in cells if row["area_type"] == "total")
        parts = [row for row in cells if row["area_type"] == "sector"]
        if shown(total["value"]):
            assert sum(not shown(row["value"]) for row in parts) != 1, (metric, dimension)
    for area in {row["area_code"] for row in rows}:
        cells = [row for row in rows if row["area_code"] == area]
        total = next(row for row in cells if row["metric"] == "contacts")
        channels = [row for row in cells if row["metric"] == "contacts_by_channel"]
        hidden = sum(not shown(row["value"]) for row in channels)
        if shown(total["value"]):
            assert hidden != 1, area
        elif total["value"] == WITHHELD_MARK:
            assert hidden >= 1, area
        for metric in ("referrals_made", "referrals_completed"):
            total = next(row for row in cells if row["metric"] == metric and not row["dimension"])
            types = [row for row in cells if row["metric"] == metric and row["dimension"]]
            if shown(total["value"]):
                assert sum(not shown(row["value"]) for row in types) != 1, (area, metric)


def test_channels_of_an_area_protect_each_other(three_sectors):
    report = monthly_report(month=MONTH, scope=Scope.sector("C-01"))
    channels = report.total.contacts_by_channel

    # C: 6 walk-ins and 3 e-mails; 9 contacts shown: the e-mails (3) would be 9 - 6. The walk-ins are withheld.
    assert report.shown(channels[Channel.EMAIL]) == "< 5"
    assert report.shown(channels[Channel.WALK_IN]) == WITHHELD_MARK
    assert report.shown(report.total.contacts) == 9


def test_referral_types_protect_each_other(db, settings):
    settings.REPORTS_SMALL_COUNT_THRESHOLD = 5
    sector, officer = SectorFactory(code="R-01"), OfficerFactory()
    housing = Partner.objects.create(name="Refuge", kind=PartnerType.HOUSING)
    youth = Partner.objects.create(name="Jeunes", kind=PartnerType.YOUTH)
    contacts(sector, officer, {Channel.WALK_IN: 2}, referred_to=housing)
    contacts(sector, officer, {Channel.TEXT: 7}, referred_to=youth)
    report = monthly_report(month=MONTH, scope=Scope.sector("R-01"))
    referrals = report.total.referrals

    assert report.shown(referrals[PartnerType.HOUSING].made) == "< 5"
    assert report.shown(referrals[PartnerType.YOUTH].made) == WITHHELD_MARK
    assert sum(figures.made for figures in referrals.values()) == 9


def test_nothing_is_withheld_when_nothing_is_hidden(db, settings):
    settings.REPORTS_SMALL_COUNT_THRESHOLD = 5
    a, b, officer = SectorFactory(code="A-01"), SectorFactory(code="B-01"), OfficerFactory()
    contacts(a, officer, {Channel.WALK_IN: 6})
    contacts(b, officer, {Channel.WALK_IN: 8})
    report = monthly_report(month=MONTH, scope=Scope.territory())

    assert [report.shown(area.contacts) for area in report.sectors] == [6, 8]
    assert report.shown(report.total.contacts_by_channel[Channel.WALK_IN]) == 14

"""Every figure of the monthly report against the same figure counted here from the raw rows (calls, contacts,
referrals, activities, campaigns, assignments and absences), for each scope."""

import datetime
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beats.models import Sector
from calls.counts import counts_recompute
from calls.models import Call, Urgency
from calls.statistics import compare_counts
from contacts.models import Contact, Referral
from officers.selectors import CoverageStatus
from outreach.models import Activity, Campaign
from reports.selectors import SOCIAL_WORKER, Scope, monthly_report
from tests.calls.test_counts import make_call
from tests.reports.conftest import MONTH, local, months_between

pytestmark = pytest.mark.django_db

CLASSES = {"total": None, "urgent": Urgency.URGENT, "non_urgent": Urgency.NON_URGENT}


def month_of(moment: datetime.datetime) -> date:
    local = timezone.localtime(moment)
    return date(local.year, local.month, 1)


def raw_calls(sectors, urgency, months) -> int:
    """Calls counted one by one. `sectors` None: every call, placed or not."""
    months = set(months)
    return sum(
        1
        for call in Call.objects.select_related("call_type")
        if (sectors is None or call.sector_id in sectors)
        and (urgency is None or call.call_type.urgency == urgency)
        and month_of(call.received_at) in months
    )


def check_calls(area, sectors, *, baseline_months):
    for cls, urgency in CLASSES.items():
        figure = area.calls[cls]
        count = raw_calls(sectors, urgency, [MONTH])
        assert figure.count == count
        previous = raw_calls(sectors, urgency, [date(2025, 1, 1)])
        assert figure.previous_month.reference_count == previous
        assert figure.previous_month.significance == compare_counts(count, previous).significance
        last_year = raw_calls(sectors, urgency, [date(2024, 2, 1)])
        assert figure.same_month_last_year.reference_count == last_year
        if baseline_months is None:
            assert figure.baseline is None
        else:
            baseline = raw_calls(sectors, urgency, baseline_months)
            assert figure.baseline.reference_count == baseline
            assert figure.baseline.reference_mean == pytest.approx(baseline / len(baseline_months))
            assert (
                figure.baseline.significance
                == compare_counts(count, baseline, reference_exposure=12).significance
            )
        ytd = raw_calls(sectors, urgency, [date(2025, 1, 1), MONTH])
        last_ytd = raw_calls(sectors, urgency, [date(2024, 1, 1), date(2024, 2, 1)])
        assert (figure.year_to_date, figure.last_year_to_date) == (ytd, last_ytd)
        assert figure.year_to_date_comparison == compare_counts(ytd, last_ytd)


BASELINE = list(months_between(date(2023, 3, 1), date(2024, 2, 1)))


def test_calls_per_sector_and_for_the_territory_equal_the_raw_calls(unit):
    report = monthly_report(month=date(2025, 2, 14), scope=Scope.territory())

    assert report.month == MONTH
    assert [area.code for area in report.sectors] == ["A-01", "B-01", "C-01"]
    for area, key, baseline in (
        (report.sectors[0], "a", BASELINE),
        (report.sectors[1], "b", BASELINE),
        (report.sectors[2], "c", None),
    ):
        check_calls(area, {unit[key].pk}, baseline_months=baseline)
    # The territory: every call, unplaced ones and the deactivated sector's included; no baseline.
    check_calls(report.total, None, baseline_months=None)


def test_a_municipality_sums_its_active_sectors(unit):
    report = monthly_report(month=MONTH, scope=Scope.municipality("Longueuil"))

    assert [area.code for area in report.sectors] == ["A-01", "B-01"]
    assert (report.total.code, report.total.name) == ("Longueuil", "Longueuil")
    # A and B share their baseline window, so the municipality has one too.
    check_calls(report.total, {unit["a"].pk, unit["b"].pk}, baseline_months=BASELINE)


def test_a_sector_scope_is_the_sector_alone(unit):
    report = monthly_report(month=MONTH, scope=Scope.sector("C-01"))

    assert [area.code for area in report.sectors] == ["C-01"]
    check_calls(report.total, {unit["c"].pk}, baseline_months=None)


def in_month(moment) -> bool:
    return moment is not None and month_of(moment) == MONTH


def test_contacts_and_referrals_equal_the_raw_rows(activity_data, unit):
    report = monthly_report(month=MONTH, scope=Scope.territory())
    contacts = [c for c in Contact.objects.prefetch_related("categories") if in_month(c.when)]
    referrals = list(Referral.objects.select_related("contact", "partner"))

    for area, sectors in [(a, {unit[k].pk}) for a, k in zip(report.sectors, "abc", strict=True)] + [
        (report.total, None)
    ]:
        mine = [c for c in contacts if sectors is None or c.sector_id in sectors]
        assert area.contacts == len(mine)
        assert area.contacts_avoided_911 == sum(c.would_have_called_911 for c in mine)
        assert area.follow_ups_open == sum(c.follow_up_due is not None and not c.follow_up_done for c in mine)
        assert area.contacts_by_channel == Counter(c.channel for c in mine)
        assert area.contacts_by_category == Counter(cat.slug for c in mine for cat in c.categories.all())

        made, completed = Counter(), Counter()
        for referral in referrals:
            if sectors is not None and referral.contact.sector_id not in sectors:
                continue
            key = SOCIAL_WORKER if referral.to_social_worker else referral.partner.kind
            made[key] += in_month(referral.made_at)
            completed[key] += referral.status == "completed" and in_month(referral.completed_at)
        figures = {key: (f.made, f.completed) for key, f in area.referrals.items()}
        expected = {
            key: (made[key], completed[key]) for key in made | completed if made[key] or completed[key]
        }
        assert {k: v for k, v in figures.items() if any(v)} == expected
    # The January referral completed in February is in (completed, not made).
    assert report.total.referrals["community_support"].completed >= 1


def test_outreach_equals_the_raw_rows(activity_data, unit):
    report = monthly_report(month=MONTH, scope=Scope.territory())
    activities = [a for a in Activity.objects.prefetch_related("sectors") if in_month(a.starts_at)]
    campaigns = [
        c
        for c in Campaign.objects.prefetch_related("sectors")
        if c.starts_on <= date(2025, 2, 28) and (c.ends_on is None or c.ends_on >= MONTH)
    ]

    for area, key in zip(report.sectors, "abc", strict=True):
        pk = unit[key].pk
        mine = [a for a in activities if a.sector_id == pk or pk in {s.pk for s in a.sectors.all()}]
        assert area.activities == len(mine)
        assert area.attendance == sum(a.attendance or 0 for a in mine)
        targeted = [c for c in campaigns if not c.sectors.all() or pk in {s.pk for s in c.sectors.all()}]
        assert area.campaigns_active == len(targeted)
    assert report.total.activities == len(activities) == 4
    assert report.total.attendance == sum(a.attendance or 0 for a in activities) == 165
    assert report.total.campaigns_active == len(campaigns) == 3


def test_coverage_days_per_status(activity_data):
    report = monthly_report(month=MONTH, scope=Scope.territory())

    days = {area.code: area.coverage_days for area in report.sectors}
    assert days["A-01"] == {"covered": 25, "backup": 3, "away": 0, "vacant": 0}
    assert days["B-01"] == {"covered": 16, "backup": 0, "away": 2, "vacant": 10}
    assert days["C-01"] == {"covered": 0, "backup": 0, "away": 0, "vacant": 28}
    assert report.total.coverage_days == {
        CoverageStatus.COVERED: 41,
        CoverageStatus.BACKUP: 3,
        CoverageStatus.AWAY: 2,
        CoverageStatus.VACANT: 38,
    }


def test_small_counts_are_hidden_at_output_only(activity_data, settings):
    settings.REPORTS_SMALL_COUNT_THRESHOLD = 5
    report = monthly_report(month=MONTH, scope=Scope.territory())
    b = report.sectors[1]

    assert b.contacts == 3  # the true count stays in the report
    assert report.shown(b.contacts) == "< 5"
    assert report.shown(0) == 0
    assert report.shown(5) == 5
    # The total is the sum of the true counts.
    assert report.total.contacts == sum(area.contacts for area in report.sectors) == 23


def test_an_unknown_scope_is_refused(unit):
    with pytest.raises(Sector.DoesNotExist):
        monthly_report(month=MONTH, scope=Scope.municipality("Atlantis"))
    with pytest.raises(Sector.DoesNotExist):
        monthly_report(month=MONTH, scope=Scope.sector("ZZ-99"))


def test_queries_do_not_grow_with_calls_or_contacts(activity_data, unit):
    with CaptureQueriesContext(connection) as before:
        monthly_report(month=MONTH, scope=Scope.territory())
    for day in range(1, 28):
        make_call(local(2025, 2, day, 12), call_type=None, sector=unit["b"])
        contact = Contact.objects.create(
            officer=activity_data["contacts"][0].officer,
            sector=unit["c"],
            when=local(2025, 2, day, 12),
            channel="text",
            outcome="resolved",
        )
        contact.categories.set(activity_data["categories"])
    counts_recompute()
    with CaptureQueriesContext(connection) as after:
        monthly_report(month=MONTH, scope=Scope.territory())
    assert len(after) == len(before) <= 25


def test_a_deactivated_sector_can_still_be_reported_alone(unit):
    report = monthly_report(month=MONTH, scope=Scope.sector("D-01"))

    area = report.total
    for cls, urgency in CLASSES.items():
        assert area.calls[cls].count == raw_calls({unit["d"].pk}, urgency, [MONTH])
        assert area.calls[cls].previous_month is None
    assert area.coverage_days == {status: 0 for status in CoverageStatus.values}

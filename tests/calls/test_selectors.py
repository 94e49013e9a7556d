"""Deltas, series and programme evaluation read from the monthly counts, checked against hand-made expectations;
their queries do not depend on the number of calls."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.counts import counts_recompute
from calls.models import CallCategory, MonthlyCallCount, Urgency
from calls.selectors import programme_evaluation, sector_deltas, sector_monthly_series
from calls.statistics import compare_counts, difference_in_differences
from tests.beats.factories import SectorFactory
from tests.calls.observing import observe
from tests.calls.test_counts import local, make_call, make_type

pytestmark = pytest.mark.django_db


def put(sector, month: date, n: int, urgency=Urgency.NON_URGENT, category=None):
    MonthlyCallCount.objects.create(sector=sector, month=month, urgency=urgency, category=category, count=n)
    observe(month)  # the import these counts stand for


def by_code(rows):
    return {row.code or row.kind: row for row in rows}


def test_deltas_against_previous_month_last_year_and_baseline():
    sector = SectorFactory(code="A", population=4000, programme_started_on=date(2024, 3, 15))
    # Baseline: the 3 full months before March 2024.
    put(sector, date(2023, 12, 1), 10)
    put(sector, date(2024, 1, 1), 20)
    put(sector, date(2024, 2, 1), 30)
    put(sector, date(2024, 2, 1), 5, Urgency.URGENT)
    put(sector, date(2025, 1, 1), 8)
    put(sector, date(2025, 2, 1), 12)
    put(None, date(2025, 2, 1), 3)

    rows = by_code(sector_deltas(month=date(2025, 2, 9), baseline_months=3))

    row = rows["A"]
    assert (row.month, row.count, row.population) == (date(2025, 2, 1), 12, 4000)
    assert row.rate_per_thousand == pytest.approx(3.0)
    assert row.previous_month.reference_count == 8
    assert row.previous_month.absolute_change == 4
    assert row.previous_month.percent_change == pytest.approx(50.0)
    assert row.previous_month.p_value == compare_counts(12, 8).p_value
    assert row.same_month_last_year.reference_count == 35
    assert row.same_month_last_year.percent_change == pytest.approx((12 - 35) / 35 * 100)
    assert row.same_month_last_year.reference_rate_per_thousand == pytest.approx(35 / 4)
    baseline = row.baseline
    assert (baseline.reference_first_month, baseline.reference_last_month) == (
        date(2023, 12, 1),
        date(2024, 2, 1),
    )
    assert baseline.reference_count == 65
    assert baseline.reference_mean == pytest.approx(65 / 3)
    assert baseline.percent_change == pytest.approx((12 - 65 / 3) / (65 / 3) * 100)
    assert baseline.comparison == compare_counts(12, 65, reference_exposure=3)

    unplaced, total = rows["unplaced"], rows["total"]
    assert (unplaced.count, unplaced.rate_per_thousand, unplaced.baseline) == (3, None, None)
    assert unplaced.previous_month.reference_count == 0
    assert total.count == 15 and total.previous_month.reference_count == 8
    assert total.rate_per_thousand == pytest.approx(15 / 4000 * 1000)


def test_filters_by_urgency_and_category():
    theft = CallCategory.objects.create(slug="theft", name_fr="Vol", name_en="Theft")
    sector = SectorFactory(code="A")
    put(sector, date(2024, 5, 1), 4, Urgency.URGENT, theft)
    put(sector, date(2024, 5, 1), 6, Urgency.URGENT)
    put(sector, date(2024, 5, 1), 9, Urgency.NON_URGENT, theft)

    assert by_code(sector_deltas(month=date(2024, 5, 1)))["A"].count == 19
    assert by_code(sector_deltas(month=date(2024, 5, 1), urgency="urgent"))["A"].count == 10
    assert by_code(sector_deltas(month=date(2024, 5, 1), category=theft))["A"].count == 13
    assert by_code(sector_deltas(month=date(2024, 5, 1), urgency="urgent", category=theft.pk))["A"].count == 4


def test_a_zero_reference_gives_no_percentage_and_one_to_three_is_noise():
    quiet = SectorFactory(code="A")
    small = SectorFactory(code="B")
    put(quiet, date(2024, 1, 1), 1)  # the data start in January; February has no call of A
    put(quiet, date(2024, 3, 1), 5)
    put(small, date(2024, 2, 1), 1)
    put(small, date(2024, 3, 1), 3)

    rows = by_code(sector_deltas(month=date(2024, 3, 1)))

    assert rows["A"].previous_month.reference_count == 0
    assert rows["A"].previous_month.percent_change is None
    assert rows["A"].previous_month.absolute_change == 5
    assert rows["B"].previous_month.percent_change == pytest.approx(200.0)
    assert rows["B"].previous_month.significance == "not significant"
    assert rows["B"].previous_month.is_noise


def test_no_comparison_before_the_first_month_of_data_nor_a_baseline_without_enough_months():
    started_early = SectorFactory(code="A", programme_started_on=date(2024, 3, 1))
    no_start = SectorFactory(code="B", programme_started_on=None)
    put(started_early, date(2024, 1, 1), 7)
    put(no_start, date(2024, 2, 1), 7)

    rows = by_code(sector_deltas(month=date(2024, 2, 1), baseline_months=3))
    assert rows["A"].previous_month is not None  # January has data
    assert rows["A"].same_month_last_year is None  # February 2023: before the data
    assert rows["A"].baseline is None  # needs December 2023 to February 2024
    assert rows["B"].baseline is None

    rows = by_code(sector_deltas(month=date(2024, 2, 1), baseline_months=1))
    assert rows["A"].baseline.reference_count == 0  # its one baseline month, February, holds no call of A
    assert rows["A"].baseline.reference_last_month == date(2024, 2, 1)


def test_inactive_sectors_count_in_the_total_only():
    gone = SectorFactory(code="Z", is_active=False)
    here = SectorFactory(code="A")
    put(gone, date(2024, 1, 1), 2)
    put(here, date(2024, 1, 1), 3)

    rows = by_code(sector_deltas(month=date(2024, 1, 1)))

    assert set(rows) == {"A", "unplaced", "total"}
    assert rows["total"].count == 5


def test_no_counts_at_all():
    SectorFactory(code="A")
    # No import observed the month: no data, not zero calls.
    rows = by_code(sector_deltas(month=date(2024, 1, 1)))
    assert rows["A"].count is None and rows["A"].rate_per_thousand is None
    assert rows["A"].previous_month is None and rows["A"].baseline is None
    # An import observed it (its placed calls fell elsewhere): zero calls.
    observe(date(2024, 1, 1))
    rows = by_code(sector_deltas(month=date(2024, 1, 1)))
    assert rows["A"].count == 0
    assert rows["A"].previous_month is None and rows["A"].baseline is None


def _queries_for_deltas(month):
    with CaptureQueriesContext(connection) as captured:
        sector_deltas(month=month)
    return [query["sql"] for query in captured.captured_queries]


def test_reading_deltas_never_reads_the_calls_and_costs_the_same_with_more_calls(
    django_assert_max_num_queries,
):
    sectors = [SectorFactory(programme_started_on=date(2024, 6, 1)) for _ in range(3)]
    observe(date(2023, 1, 1), date(2024, 5, 1))  # the imports the calls below stand for
    kind = make_type("A")
    for day in (3, 9):
        for sector in sectors:
            make_call(local(2024, 5, day, 12), call_type=kind, sector=sector)
    counts_recompute()
    with django_assert_max_num_queries(3):
        sector_deltas(month=date(2024, 5, 1))
    few = _queries_for_deltas(date(2024, 5, 1))

    for month in range(1, 13):
        for day in range(1, 28, 2):
            for sector in [*sectors, None]:
                make_call(local(2023, month, day, 12), call_type=kind, sector=sector)
    counts_recompute()
    many = _queries_for_deltas(date(2024, 5, 1))

    assert len(many) == len(few)
    assert not any("calls_call" in sql for sql in few + many)
    # Each also reads the observed months: one query over the import batches, never the calls.
    with django_assert_max_num_queries(2):
        sector_monthly_series(sectors[0], end=date(2024, 5, 1))
    with django_assert_max_num_queries(2):
        programme_evaluation(
            treated=sectors[:1],
            comparison=sectors[1:],
            before=(date(2023, 1, 1), date(2023, 12, 1)),
            after=(date(2024, 5, 1), date(2024, 5, 1)),
        )


def test_the_monthly_series_splits_urgent_from_non_urgent_with_zeros():
    sector = SectorFactory()
    put(sector, date(2024, 1, 1), 4, Urgency.URGENT)
    put(sector, date(2024, 1, 1), 6, Urgency.NON_URGENT)
    put(sector, date(2024, 1, 1), 1, Urgency.OTHER)
    put(sector, date(2024, 1, 1), 2, Urgency.UNMAPPED)
    put(sector, date(2024, 3, 1), 5, Urgency.NON_URGENT)
    put(None, date(2024, 3, 1), 9, Urgency.NON_URGENT)
    put(sector, date(2023, 10, 1), 100)  # before the window
    observe(date(2024, 1, 1), date(2024, 3, 1))  # February was imported too: a month without calls

    series = sector_monthly_series(sector, months=3, end=date(2024, 3, 20))

    assert [(p.month, p.urgent, p.non_urgent, p.other, p.total) for p in series] == [
        (date(2024, 1, 1), 4, 6, 3, 13),
        (date(2024, 2, 1), 0, 0, 0, 0),
        (date(2024, 3, 1), 0, 5, 0, 5),
    ]
    assert len(sector_monthly_series(sector.pk, end=date(2024, 3, 1))) == 24
    assert sector_monthly_series(None, months=1, end=date(2024, 3, 1))[0].non_urgent == 9


def test_programme_evaluation_pools_sectors_by_window():
    treated = [SectorFactory(), SectorFactory()]
    control = [SectorFactory()]
    for month in (1, 2):
        put(treated[0], date(2023, month, 1), 20)
        put(treated[1], date(2023, month, 1), 10)
        put(control[0], date(2023, month, 1), 30)
    put(treated[0], date(2024, 1, 1), 12)
    put(treated[1], date(2024, 1, 1), 6)
    put(control[0], date(2024, 1, 1), 29)
    put(control[0], date(2022, 12, 1), 500)  # outside both windows

    result = programme_evaluation(
        treated=treated,
        comparison=[control[0].pk],
        before=(date(2023, 1, 1), date(2023, 2, 1)),
        after=(date(2024, 1, 1), date(2024, 1, 1)),
    )

    assert result == difference_in_differences(
        [40, 20],
        [12, 6],
        [60],
        [29],
        treated_before_exposure=2,
        treated_after_exposure=1,
        control_before_exposure=2,
        control_after_exposure=1,
    )
    assert (result.treated_before, result.treated_after, result.control_before, result.control_after) == (
        60,
        18,
        60,
        29,
    )
    with pytest.raises(ValueError):
        programme_evaluation(
            treated=treated,
            comparison=treated[:1],
            before=(date(2023, 1, 1), date(2023, 1, 1)),
            after=(date(2024, 1, 1), date(2024, 1, 1)),
        )

"""Observed months: a month is observed only when a succeeded import that covers it placed calls in the
territory. Before the first observed month and in a gap between imports there is no data, never zero calls —
not in a delta, a baseline, a series or an evaluation. The real Seattle sample, whose calls all fall outside a
territory far from Seattle, changes none of its figures."""

import importlib
import io
from datetime import date, datetime

import pytest
from django.apps import apps

from calls.models import ImportBatch
from calls.observed import observed_months
from calls.selectors import programme_evaluation, sector_deltas, sector_monthly_series
from calls.services.ingest import calls_import
from common.months import service_zone
from reports.exporters.csv import report_csv
from reports.forms import counted_months
from reports.selectors import Scope, monthly_report
from tests.beats.factories import ORIGIN_LAT, ORIGIN_LON, SectorFactory, square
from tests.conftest import SEATTLE

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

INSIDE = (ORIGIN_LON + 0.005, ORIGIN_LAT + 0.005)  # in WEST
OUTSIDE = (ORIGIN_LON + 5, ORIGIN_LAT + 5)  # far from every sector
SEATTLE_SAMPLE = SEATTLE / "spd_call_data_sectorC_sample_2010_2023.csv"

_numbers = iter(range(1, 1_000_000))


def row(time: str, *, at=None, sector: str = "") -> list[str]:
    lon, lat = at or ("", "")
    return [f"N{next(_numbers)}", time, "10-50", "label", "2", "911", str(lon), str(lat), sector]


def run(profile, rows, **kwargs) -> ImportBatch:
    return calls_import(profile=profile, file=io.BytesIO(csv_bytes(rows)), file_name="calls.csv", **kwargs)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=service_zone())


@pytest.fixture
def west():
    SectorFactory(code="EAST", geometry=square(ORIGIN_LON + 0.01, ORIGIN_LAT))
    return SectorFactory(code="WEST", geometry=square(ORIGIN_LON, ORIGIN_LAT), population=1000)


def test_the_period_spans_the_placed_calls_only(saved_profile, west):
    batch = run(
        saved_profile(),
        [
            row("2024-03-05 10:00:00", at=INSIDE),
            row("2024-05-20 10:00:00", at=INSIDE),
            row("2023-01-01 10:00:00", at=OUTSIDE),  # outside the territory: never extends the period
            row("2025-01-01 10:00:00"),  # no coordinates, no sector code: unplaced
            row("2024-06-10 10:00:00", sector="WEST"),  # no coordinates, placed by the source's code
        ],
    )
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert (batch.placed_from, batch.placed_until) == (local(2024, 3, 5, 10), local(2024, 6, 10, 10))
    assert observed_months() == [date(2024, 3, 1), date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)]


def test_a_batch_whose_calls_all_fall_outside_the_territory_observes_no_month(saved_profile, west):
    batch = run(saved_profile(), [row("2024-03-05 10:00:00", at=OUTSIDE), row("2024-04-05 10:00:00")])
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert (batch.placed_from, batch.placed_until) == (None, None)
    assert observed_months() == []
    rows = {r.code or r.kind: r for r in sector_deltas(month=date(2024, 4, 1))}
    # The unplaced call is there, yet no month is observed: no data anywhere, not zero calls.
    assert rows["WEST"].count is None and rows["unplaced"].count is None and rows["total"].count is None


def test_a_rejected_batch_observes_no_month(saved_profile, west):
    batch = run(saved_profile(), [row("2024-03-05 10:00:00", at=INSIDE), row("not a time", at=INSIDE)])
    assert batch.status == ImportBatch.Status.REJECTED
    assert (batch.placed_from, batch.placed_until) == (None, None)
    assert observed_months() == []


def test_a_gap_between_two_imports_is_no_data(saved_profile, west):
    profile = saved_profile()
    run(profile, [row(f"2024-0{m}-10 10:00:00", at=INSIDE) for m in (1, 2) for _ in range(m)])
    run(profile, [row(f"2024-0{m}-10 10:00:00", at=INSIDE) for m in (4, 5) for _ in range(m)])
    assert observed_months() == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 4, 1), date(2024, 5, 1)]

    # March: no import covered it.
    march = {r.code or r.kind: r for r in sector_deltas(month=date(2024, 3, 1))}
    assert march["WEST"].count is None and march["WEST"].rate_per_thousand is None
    assert march["EAST"].count is None and march["WEST"].previous_month is None
    # April against March: no comparison (not "4 calls against 0"); May against April: 5 against 4.
    april = {r.code or r.kind: r for r in sector_deltas(month=date(2024, 4, 1))}
    assert april["WEST"].count == 4 and april["WEST"].previous_month is None
    assert april["EAST"].count == 0  # an observed month without calls is a real zero
    may = {r.code or r.kind: r for r in sector_deltas(month=date(2024, 5, 1))}
    assert may["WEST"].previous_month.reference_count == 4

    # A baseline with an unobserved month is no baseline.
    west.programme_started_on = date(2024, 4, 1)
    west.save()
    assert {r.code: r for r in sector_deltas(month=date(2024, 5, 1), baseline_months=3)}[
        "WEST"
    ].baseline is None
    assert {r.code: r for r in sector_deltas(month=date(2024, 5, 1), baseline_months=1)}[
        "WEST"
    ].baseline is None
    west.programme_started_on = date(2024, 3, 1)
    west.save()
    baseline = {r.code: r for r in sector_deltas(month=date(2024, 5, 1), baseline_months=2)}["WEST"].baseline
    assert (baseline.reference_first_month, baseline.reference_count) == (date(2024, 1, 1), 3)

    # The series: March is None (a gap in the chart), not 0; before the first import too.
    series = sector_monthly_series(west, months=6, end=date(2024, 5, 1))
    assert [(p.month, p.non_urgent, p.total) for p in series] == [
        (date(2023, 12, 1), None, None),
        (date(2024, 1, 1), 0, 1),
        (date(2024, 2, 1), 0, 2),
        (date(2024, 3, 1), None, None),
        (date(2024, 4, 1), 0, 4),
        (date(2024, 5, 1), 0, 5),
    ]

    # The 2×2 leaves the unobserved month out of its window, sums and exposure.
    east = {r.code: r for r in sector_deltas(month=date(2024, 5, 1))}["EAST"].sector_id
    result = programme_evaluation(
        treated=[west],
        comparison=[east],
        before=(date(2024, 1, 1), date(2024, 3, 1)),
        after=(date(2024, 5, 1), date(2024, 5, 1)),
    )
    reference = programme_evaluation(
        treated=[west],
        comparison=[east],
        before=(date(2024, 1, 1), date(2024, 2, 1)),
        after=(date(2024, 5, 1), date(2024, 5, 1)),
    )
    assert result == reference
    with pytest.raises(ValueError, match="observed"):
        programme_evaluation(
            treated=[west],
            comparison=[east],
            before=(date(2024, 3, 1), date(2024, 3, 1)),
            after=(date(2024, 5, 1), date(2024, 5, 1)),
        )


def test_the_page_says_no_data_and_the_chart_leaves_a_gap(saved_profile, west, client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.urls import reverse
    from django.utils import translation

    profile = saved_profile()
    # Two imports, January–February and April–May: March is a gap. (One import of the four months would
    # have observed March: its period spans it.)
    run(profile, [row(f"2024-0{m}-10 10:00:00", at=INSIDE) for m in (1, 2)])
    run(profile, [row(f"2024-0{m}-10 10:00:00", at=INSIDE) for m in (4, 5)])
    user = get_user_model().objects.create_user(username="analyst", is_staff=True)
    user.groups.add(Group.objects.get(name="Analyst"))
    client.force_login(user)
    for language, words in (("en", "no data"), ("fr", "aucune donnée")):
        with translation.override(language):
            table = reverse("staff:call-analysis")
            page = reverse("staff:call-analysis-sector", kwargs={"code": "WEST"})
        body = client.get(table, {"month": "2024-03"}).content.decode()
        assert f'data-field="count">{words}</td>' in body, language
        body = client.get(page, {"month": "2024-05"}).content.decode()
        assert body.count("<polyline") == 2 * 3, language  # each line: before March, and after it
        march = body.split('<tr data-month="2024-03">', 1)[1].split("</tr>", 1)[0]
        assert march.count(f'<td class="num">{words}</td>') == 4, language


def test_the_backfill_reads_each_succeeded_batchs_placed_calls(saved_profile, west):
    profile = saved_profile()
    placed = run(
        profile,
        [
            row("2024-03-05 10:00:00", at=INSIDE),
            row("2024-01-01 10:00:00", at=OUTSIDE),
            row("2024-07-01 10:00:00", sector="WEST"),
        ],
    )
    outside = run(profile, [row("2024-03-05 10:00:00", at=OUTSIDE)])
    rejected = run(profile, [row("2024-03-06 10:00:00", at=INSIDE), row("bad", at=INSIDE)])
    expected = {
        placed.pk: (local(2024, 3, 5, 10), local(2024, 7, 1, 10)),
        outside.pk: (None, None),
        rejected.pk: (None, None),
    }
    ImportBatch.objects.update(placed_from=None, placed_until=None)  # as before the migration

    migration = importlib.import_module("calls.migrations.0008_observed_period")
    migration.backfill_periods(apps, None)

    assert {
        pk: (first, last)
        for pk, first, last in ImportBatch.objects.values_list("pk", "placed_from", "placed_until")
    } == expected


@pytest.fixture
def seattle_sample():
    if not SEATTLE_SAMPLE.is_file():
        pytest.skip(
            f"real Seattle sample not found at {SEATTLE_SAMPLE} (it lives in ../shared/data, outside the project)"
        )
    return SEATTLE_SAMPLE


def _figures() -> tuple:
    def comparison(delta):
        return None if delta is None else (delta.reference_first_month, delta.reference_count, delta.p_value)

    months = [date(2024, 6, 1), date(2024, 12, 1), date(2025, 2, 1), date(2011, 6, 1)]
    deltas = [
        (
            r.month,
            r.code,
            r.count,
            comparison(r.previous_month),
            comparison(r.same_month_last_year),
            comparison(r.baseline),
        )
        for month in months
        for r in sector_deltas(month=month)
        if r.kind == "sector"
    ]
    series = [
        (p.month, p.urgent, p.non_urgent, p.other)
        for r in sector_deltas(month=months[0])
        if r.kind == "sector"
        for p in sector_monthly_series(r.sector_id, months=180, end=date(2025, 2, 1))
    ]
    return deltas, series


def test_the_real_seattle_sample_changes_no_figure_of_a_territory_away_from_seattle(
    saved_profile, shipped_profile, west, seattle_sample
):
    west.programme_started_on = date(2024, 9, 15)
    west.save()
    # The territory's calls, July 2023 to February 2025: the baseline is September 2023 to August 2024.
    profile = saved_profile()
    months = [date(2023, m, 1) for m in range(7, 13)] + [date(2024, m, 1) for m in range(1, 13)]
    months += [date(2025, 1, 1), date(2025, 2, 1)]
    run(
        profile,
        [row(f"{m:%Y-%m}-10 10:00:00", at=INSIDE) for i, m in enumerate(months) for _ in range(i % 5 + 1)],
    )
    before = _figures()
    observed = observed_months()
    report_months = counted_months()
    report = report_csv(monthly_report(month=date(2025, 2, 1), scope=Scope.territory()), language="en")
    assert observed[0] == date(2023, 7, 1) and observed[-1] == date(2025, 2, 1)
    west_baseline = next(d for d in before[0] if d[1] == "WEST" and d[0] == date(2024, 12, 1))[5]
    assert west_baseline[:2] == (date(2023, 9, 1), sum(i % 5 + 1 for i in range(2, 14)))

    seattle = calls_import(
        profile=shipped_profile("seattle-cad"), file=seattle_sample, file_name=seattle_sample.name
    )

    assert seattle.status == ImportBatch.Status.SUCCEEDED and seattle.rows_read > 0
    assert seattle.unplaced == seattle.rows_read  # every call lies outside the territory
    assert (seattle.placed_from, seattle.placed_until) == (None, None)
    assert observed_months() == observed  # no month before the first observed one appears
    after = _figures()
    assert after == before
    # The reports: the same month list (not back to 2010) and the same figures.
    assert counted_months() == report_months and report_months[-1] == date(2023, 7, 1)
    assert (
        report_csv(monthly_report(month=date(2025, 2, 1), scope=Scope.territory()), language="en") == report
    )
    # A month of the sample's (June 2011) is no data, not zero calls against a zero reference.
    assert all(d[2:] == (None, None, None, None) for d in after[0] if d[0] == date(2011, 6, 1))


def test_a_report_withholds_what_rests_on_an_unobserved_month(saved_profile, west):
    from reports.exporters.pdf import report_pdf
    from reports.exporters.xlsx import report_xlsx

    profile = saved_profile()
    run(profile, [row("2024-01-10 10:00:00", at=INSIDE), row("2024-02-10 10:00:00", at=INSIDE)])
    run(profile, [row("2024-04-10 10:00:00", at=INSIDE), row("2024-05-10 10:00:00", at=INSIDE)])
    assert counted_months() == [date(2024, 5, 1), date(2024, 4, 1), date(2024, 2, 1), date(2024, 1, 1)]

    report = monthly_report(month=date(2024, 4, 1), scope=Scope.territory())
    total = report.total.calls["total"]
    assert total.count == 1 and total.previous_month is None  # March: no data, not "1 against 0"
    assert total.year_to_date is None and total.year_to_date_comparison is None  # March is missing
    trend = {point.month: point.total for point in report.total.trend}
    assert (
        trend[date(2024, 3, 1)] is None and trend[date(2023, 12, 1)] is None and trend[date(2024, 4, 1)] == 1
    )
    # Every format renders it.
    assert report_csv(report, language="fr")
    assert report_pdf(report, language="fr")[:4] == b"%PDF"
    assert report_xlsx(report, language="en")[:2] == b"PK"


def test_a_new_sector_map_that_places_the_calls_makes_their_months_observed(saved_profile, west):
    from django.core.management import call_command

    from calls.counts import calls_replace

    far = run(
        saved_profile(), [row("2024-03-05 10:00:00", at=OUTSIDE), row("2024-04-05 10:00:00", at=OUTSIDE)]
    )
    assert observed_months() == []
    SectorFactory(code="FAR", geometry=square(OUTSIDE[0] - 0.005, OUTSIDE[1] - 0.005))
    calls_replace()
    far.refresh_from_db()
    assert (far.placed_from, far.placed_until) == (local(2024, 3, 5, 10), local(2024, 4, 5, 10))
    assert observed_months() == [date(2024, 3, 1), date(2024, 4, 1)]

    ImportBatch.objects.update(placed_from=None, placed_until=None)
    call_command("recompute_call_stats", stdout=io.StringIO())
    assert observed_months() == [date(2024, 3, 1), date(2024, 4, 1)]

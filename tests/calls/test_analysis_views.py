"""The analysts' view of call deltas: who reaches it, the figures on the page and in the CSV against counts made
by hand, the order, "not defined" and noise, bad filters, and a number of queries that does not grow."""

import csv
import io
import re
from datetime import date

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from calls.models import CallCategory, CallCountsState, MonthlyCallCount, Urgency
from calls.presentation.sorting import parse_sort
from calls.statistics import compare_counts
from tests.beats.factories import SectorFactory
from tests.calls.observing import observe

pytestmark = pytest.mark.django_db

MONTH = date(2025, 2, 1)


def put(sector, month: date, n: int, urgency=Urgency.NON_URGENT, category=None):
    MonthlyCallCount.objects.create(sector=sector, month=month, urgency=urgency, category=category, count=n)
    observe(month)  # the import these counts stand for


def member_of(role: str | None, username: str | None = None):
    user = get_user_model().objects.create_user(username=username or f"staff-{role}", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def csv_by_code(response) -> dict[str, dict[str, str]]:
    header, *lines = read_csv(response)
    return {(line[1] or line[0]): dict(zip(header, line, strict=True)) for line in lines}


@pytest.fixture
def territory():
    """Three sectors with hand-made counts for February 2025 and their references."""
    a = SectorFactory(code="A-1", name="Alpha", population=4000, programme_started_on=date(2024, 3, 15))
    b = SectorFactory(code="B-2", name="Bravo", population=1000, programme_started_on=None)
    c = SectorFactory(code="C-3", name="Charlie", population=2000, programme_started_on=None)
    # The import these counts stand for covered March 2023 (the sector page's first month) to March 2025.
    observe(date(2023, 3, 1), date(2025, 3, 1))
    # A: baseline Dec 2023–Feb 2024 (3 months before March 2024), last year Feb 2024, previous Jan 2025.
    put(a, date(2023, 12, 1), 10)
    put(a, date(2024, 1, 1), 20)
    put(a, date(2024, 2, 1), 30)
    put(a, date(2024, 2, 1), 5, Urgency.URGENT)
    put(a, date(2025, 1, 1), 1200)
    put(a, MONTH, 1000)
    put(a, MONTH, 234, Urgency.URGENT)
    # B: 1 → 3 calls, +200 %: noise.
    put(b, date(2025, 1, 1), 1)
    put(b, MONTH, 3)
    # C: nothing the month before, 8 now: % change not defined, yet more than chance would give.
    put(c, MONTH, 8, Urgency.OTHER)
    put(None, MONTH, 7)
    put(None, date(2025, 1, 1), 2)
    return {"A-1": a, "B-2": b, "C-3": c}


@pytest.fixture
def analyst(client):
    client.force_login(member_of("Analyst"))
    return client


PAGES = {
    "list": ("staff:call-analysis", {}),
    "csv": ("staff:call-analysis-csv", {}),
    "sector": ("staff:call-analysis-sector", {"code": "A-1"}),
    "sector-csv": ("staff:call-analysis-sector-csv", {"code": "A-1"}),
}


@pytest.mark.parametrize("view_name", PAGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("Administrator", 200),
        ("Supervisor", 200),
        ("Analyst", 200),
        ("Officer", 403),
        ("", 403),  # staff, in no group
        (None, 302),  # anonymous
    ],
)
def test_who_reaches_the_call_trends(client, territory, view_name, role, expected):
    if role is not None:
        client.force_login(member_of(role))
    name, kwargs = PAGES[view_name]
    response = client.get(url(name, "fr", **kwargs))
    assert response.status_code == expected, f"{role} on {view_name}"
    if role is None:
        assert response["Location"].startswith(url("admin:login", "fr"))


def test_the_paths():
    assert url("staff:call-analysis", "en") == "/en/staff/call-trends/"
    assert url("staff:call-analysis-sector", "en", code="A-1") == "/en/staff/call-trends/sectors/A-1/"


def test_the_staff_menu_links_the_call_trends_for_those_who_may_read_them(client, territory):
    client.force_login(member_of("Analyst"))
    assert url("staff:call-analysis", "fr") in client.get(url("staff:call-analysis", "fr")).content.decode()
    client.force_login(member_of("Officer"))
    assert url("staff:call-analysis", "fr") not in client.get(url("staff:coverage", "fr")).content.decode()


def test_the_csv_figures_equal_counts_made_by_hand(analyst, territory):
    response = analyst.get(url("staff:call-analysis-csv"), {"month": "2025-02", "baseline_months": "3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="call-trends-2025-02.csv"' in response["Content-Disposition"]
    rows = csv_by_code(response)
    a = rows["A-1"]
    assert a["Calls"] == "1234"
    assert float(a["Calls per 1,000 residents"]) == pytest.approx(1234 / 4000 * 1000)
    # Previous month: January 2025, 1200 calls.
    assert a["Previous month: reference calls"] == "1200"
    assert a["Previous month: first month"] == a["Previous month: last month"] == "2025-01"
    assert float(a["Previous month: change"]) == 34
    assert float(a["Previous month: % change"]) == pytest.approx(34 / 1200 * 100, abs=1e-6)
    assert float(a["Previous month: p-value"]) == pytest.approx(compare_counts(1234, 1200).p_value, rel=1e-5)
    assert a["Previous month: significance"] == "not significant"
    # Same month last year: February 2024, 30 + 5 calls.
    assert a["Same month last year: reference calls"] == "35"
    assert a["Same month last year: significance"] == "significant"
    # Baseline: December 2023 to February 2024, 10 + 20 + 35 = 65 calls, mean 21.67.
    assert a["Pre-programme baseline: first month"] == "2023-12"
    assert a["Pre-programme baseline: last month"] == "2024-02"
    assert a["Pre-programme baseline: reference calls"] == "65"
    assert float(a["Pre-programme baseline: reference monthly mean"]) == pytest.approx(65 / 3, abs=1e-6)
    assert float(a["Pre-programme baseline: % change"]) == pytest.approx((1234 - 65 / 3) / (65 / 3) * 100)
    # No programme start for B: no baseline, empty cells rather than zeros.
    assert rows["B-2"]["Pre-programme baseline: reference calls"] == ""
    assert rows["B-2"]["Pre-programme baseline: significance"] == ""
    # The unplaced calls and the whole territory (every count of the month).
    assert rows["unplaced calls"]["Calls"] == "7"
    assert rows["whole territory"]["Calls"] == str(1234 + 3 + 8 + 7)
    assert rows["whole territory"]["Previous month: reference calls"] == str(1200 + 1 + 2)


def test_noise_and_not_defined_are_said_on_the_page_and_in_the_csv(analyst, territory):
    page = analyst.get(url("staff:call-analysis"), {"month": "2025-02"}).content.decode()
    b = row_html(page, "B-2")
    # 1 → 3 calls: +200 %, visibly marked as noise, with no ▲.
    assert "+200.0\xa0%" in b
    assert 'data-mark="noise"' in b and ">noise<" in b
    assert "▲" not in b
    c = row_html(page, "C-3")
    assert "not defined" in c  # 0 → 8: no percentage
    assert "significant increase" in c  # but 8 calls out of nothing is not chance
    rows = csv_by_code(analyst.get(url("staff:call-analysis-csv"), {"month": "2025-02"}))
    assert rows["B-2"]["Previous month: % change"] == "200"
    assert rows["B-2"]["Previous month: significance"] == "not significant"
    assert rows["C-3"]["Previous month: % change"] == ""
    assert rows["C-3"]["Previous month: reference calls"] == "0"


def test_no_comparison_is_a_dash_not_a_zero(analyst, territory):
    # January 2024 has no previous month with data (the first month with counts is December 2023 for the
    # baseline; a year before January 2024 is before it).
    params = {"month": "2024-01", "baseline_months": "3"}
    page = analyst.get(url("staff:call-analysis"), params).content.decode()
    # A year before is before the first month with counts: no comparison, not zero calls.
    a = row_html(page, "A-1")
    assert a.count('data-field="none"') == 1
    assert "no comparison" in a
    assert row_html(page, "B-2").count('data-field="none"') == 2  # and no programme start: no baseline
    rows = csv_by_code(analyst.get(url("staff:call-analysis-csv"), params))
    assert rows["A-1"]["Same month last year: reference calls"] == ""
    assert rows["A-1"]["Previous month: reference calls"] == "10"


def row_html(page: str, code: str) -> str:
    match = re.search(rf'<tr data-kind="sector" data-code="{re.escape(code)}".*?</tr>', page, re.S)
    assert match, f"no row for {code}"
    return match.group(0)


def test_numbers_are_written_the_french_way_in_french(analyst, territory):
    page = analyst.get(url("staff:call-analysis", "fr"), {"month": "2025-02"}).content.decode()
    a = row_html(page, "A-1")
    assert 'data-field="count">1\xa0234<' in a
    assert 'data-field="rate">308,50<' in a
    assert "+2,8\xa0%" in a  # 1234 against 1200
    english = analyst.get(url("staff:call-analysis", "en"), {"month": "2025-02"}).content.decode()
    a = row_html(english, "A-1")
    assert 'data-field="count">1,234<' in a
    assert 'data-field="rate">308.50<' in a


def codes(page: str) -> list[str]:
    return re.findall(r'<tr data-kind="(?:sector|unplaced|total)"(?: data-code="([^"]+)")?', page)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["A-1", "B-2", "C-3"]),
        ("-code", ["C-3", "B-2", "A-1"]),
        ("count", ["B-2", "C-3", "A-1"]),
        ("-count", ["A-1", "C-3", "B-2"]),
        ("rate", ["B-2", "C-3", "A-1"]),
        # % change against the previous month: C's is not defined, so it comes last either way.
        ("prev_pct", ["A-1", "B-2", "C-3"]),
        ("-prev_pct", ["B-2", "A-1", "C-3"]),
        ("-base_ref", ["A-1", "B-2", "C-3"]),
        ("nonsense", ["A-1", "B-2", "C-3"]),
    ],
)
def test_the_table_and_the_csv_follow_the_sort(analyst, territory, sort, expected):
    params = {"month": "2025-02", "sort": sort}
    page = analyst.get(url("staff:call-analysis"), params).content.decode()
    assert codes(page) == [*expected, "", ""]  # then the unplaced calls and the whole territory
    _header, *lines = read_csv(analyst.get(url("staff:call-analysis-csv"), params))
    assert [line[1] for line in lines] == [*expected, "", ""]
    assert [line[0] for line in lines[-2:]] == ["unplaced calls", "whole territory"]


def test_headers_sort_by_their_column_and_say_how_the_table_is_sorted(analyst, territory):
    page = analyst.get(url("staff:call-analysis"), {"month": "2025-02", "sort": "-count"}).content.decode()
    header = re.search(r'<th scope="col"[^>]*data-column="count">.*?</th>', page, re.S).group(0)
    assert 'aria-sort="descending"' in header
    assert "sort=count" in header  # clicking again sorts the other way
    assert page.count("aria-sort=") == 1
    name = re.search(r'<th scope="col"[^>]*data-column="name">.*?</th>', page, re.S).group(0)
    assert "sort=name" in name and "month=2025-02" in name  # filters are kept
    # The CSV link carries the same sort.
    assert re.search(r'href="[^"]*calls\.csv\?[^"]*sort=-count', page)


def test_parse_sort_falls_back_to_the_code():
    assert parse_sort("-year_pct") == ("year_pct", True)
    assert parse_sort("--bogus") == ("code", False)
    assert parse_sort(None) == ("code", False)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"month": "2025-13"}, "Give a month as year-month, e.g. 2025-03."),
        ({"month": "9999-12"}, "Give a month as year-month, e.g. 2025-03."),
        ({"month": "février"}, "Give a month as year-month, e.g. 2025-03."),
        ({"urgency": "very"}, "Select a valid choice."),
        ({"category": "999999"}, "Select a valid choice."),
        ({"category": "x'; drop"}, "Select a valid choice."),
        ({"baseline_months": "0"}, "greater than or equal to 1"),
        ({"baseline_months": "many"}, "Enter a whole number."),
        ({"map": "sideways"}, "Select a valid choice."),
    ],
)
def test_bad_filters_are_said_and_their_default_is_used(analyst, territory, params, message):
    with time_machine.travel(date(2025, 3, 10), tick=False):
        response = analyst.get(url("staff:call-analysis"), params)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="analysis-errors"' in page and message in page
        assert codes(page)[:3] == ["A-1", "B-2", "C-3"]
        # The CSV follows the same fallback instead of failing.
        assert analyst.get(url("staff:call-analysis-csv"), params).status_code == 200
        sector = analyst.get(url("staff:call-analysis-sector", code="A-1"), params)
        assert sector.status_code == 200 and message in sector.content.decode()


def test_the_default_month_is_the_last_complete_month_with_counts(analyst, territory):
    put(territory["A-1"], date(2025, 4, 1), 9)  # the current month: not complete, not the default
    with time_machine.travel(date(2025, 4, 20), tick=False):
        rows = csv_by_code(analyst.get(url("staff:call-analysis-csv")))
        assert rows["A-1"]["Month"] == "2025-02"
        page = analyst.get(url("staff:call-analysis")).content.decode()
        assert 'value="2025-02"' in page
    MonthlyCallCount.objects.all().delete()
    with time_machine.travel(date(2025, 4, 20), tick=False):
        rows = csv_by_code(analyst.get(url("staff:call-analysis-csv")))
        assert rows["A-1"]["Month"] == "2025-04"


def test_filters_by_urgency_and_category(analyst, territory):
    traffic = CallCategory.objects.create(slug="traffic", name_fr="Circulation", name_en="Traffic")
    put(territory["B-2"], MONTH, 4, Urgency.URGENT, traffic)
    rows = csv_by_code(analyst.get(url("staff:call-analysis-csv"), {"month": "2025-02", "urgency": "urgent"}))
    assert rows["A-1"]["Calls"] == "234"
    assert rows["B-2"]["Calls"] == "4"
    assert rows["C-3"]["Calls"] == "0"
    rows = csv_by_code(
        analyst.get(url("staff:call-analysis-csv"), {"month": "2025-02", "category": traffic.pk})
    )
    assert rows["A-1"]["Calls"] == "0"
    assert rows["B-2"]["Calls"] == "4"
    assert rows["whole territory"]["Calls"] == "4"


def test_the_csv_is_safe_in_a_spreadsheet_and_its_headers_are_translated(analyst, territory):
    SectorFactory(code="D-4", name='=HYPERLINK("http://evil.example","x")', population=10)
    lines = read_csv(analyst.get(url("staff:call-analysis-csv"), {"month": "2025-02"}))
    header = lines[0]
    assert header[:6] == ["Row", "Code", "Name", "Month", "Calls", "Calls per 1,000 residents"]
    assert "Previous month: p-value" in header and "Pre-programme baseline: significance" in header
    evil = next(line for line in lines if line[1] == "D-4")
    assert evil[2] == '\'=HYPERLINK("http://evil.example","x")'
    # A negative change is a plain number a spreadsheet reads, not neutralised into text.
    rows = csv_by_code(analyst.get(url("staff:call-analysis-csv"), {"month": "2025-03"}))
    assert rows["A-1"]["Previous month: change"] == "-1234"
    assert rows["A-1"]["Previous month: % change"] == "-100"


def test_the_map_gets_each_sectors_class_and_page(analyst, territory):
    response = analyst.get(url("staff:call-analysis"), {"month": "2025-02", "map": "same_month_last_year"})
    data = response.context["map_data"]
    assert data["B-2"]["previous_month"]["class"] == "noise"
    assert data["C-3"]["previous_month"]["class"] == "undefined"
    assert data["A-1"]["previous_month"]["class"] == "noise"  # +2.8 % on 1200: not significant
    assert data["A-1"]["same_month_last_year"]["class"] == "up-3"
    assert data["B-2"]["baseline"]["class"] == "none"
    assert data["A-1"]["url"] == url("staff:call-analysis-sector", code="A-1")
    page = response.content.decode()
    assert 'data-comparison="same_month_last_year"' in page
    assert 'id="analysis-map-data"' in page and 'aria-label="Map of the active sectors' in page
    assert "<script>" not in page  # the CSP forbids inline scripts: only JSON data and static files


def test_the_page_shows_when_counts_were_written_and_with_which_map(analyst, territory):
    from beats.models import SectorMapVersion

    version = SectorMapVersion.objects.order_by("-id").first()
    CallCountsState.objects.update_or_create(
        pk=1, defaults={"updated_at": "2025-03-01T08:00:00Z", "sector_map_version": version}
    )
    page = analyst.get(url("staff:call-analysis")).content.decode()
    assert "Counts last updated:" in page
    assert f"sector map version {version.pk}" in page


def test_the_sector_page_draws_24_months_with_their_table(analyst, territory):
    response = analyst.get(url("staff:call-analysis-sector", code="A-1"), {"month": "2025-02"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    series = re.findall(r'<tr data-month="(\d{4}-\d{2})">(.*?)</tr>', page, re.S)
    assert len(series) == 24
    assert series[0][0] == "2023-03" and series[-1][0] == "2025-02"
    last = re.findall(r'<td class="num">([^<]*)</td>', series[-1][1])
    assert last == ["234", "1,000", "0", "1,234"]
    feb_2024 = re.findall(r'<td class="num">([^<]*)</td>', dict(series)["2024-02"])
    assert feb_2024 == ["5", "30", "0", "35"]
    # Three lines of 24 points each, coordinates written with a dot in any language.
    assert page.count("<polyline") == 3
    french = analyst.get(url("staff:call-analysis-sector", "fr", code="A-1"), {"month": "2025-02"})
    points = re.findall(r'<polyline points="([^"]+)"', french.content.decode())
    assert all(re.fullmatch(r"[\d.]+,[\d.]+", point) for point in points[0].split())
    assert len(points[0].split()) == 24
    # The sector's row of the table, and the way back that keeps the filters.
    assert row_html(page, "A-1").count("data-field=") > 4
    back = re.search(r'<a href="([^"]+)" id="analysis-back"', page).group(1)
    assert back.startswith(url("staff:call-analysis")) and "month=2025-02" in back


def test_the_sector_csv_has_its_24_months(analyst, territory):
    response = analyst.get(url("staff:call-analysis-sector-csv", code="A-1"), {"month": "2025-02"})
    header, *lines = read_csv(response)
    assert header == ["Code", "Month", "Urgent", "Non-urgent", "Other or not mapped yet", "Total"]
    assert len(lines) == 24
    assert lines[-1] == ["A-1", "2025-02", "234", "1000", "0", "1234"]
    assert 'filename="call-trends-a-1-2025-02.csv"' in response["Content-Disposition"]


def test_an_unknown_sector_is_not_found(analyst, territory):
    assert analyst.get(url("staff:call-analysis-sector", code="ZZ-9")).status_code == 404


def test_the_queries_do_not_grow_with_calls_or_sectors(analyst, territory, django_assert_num_queries):
    pages = [
        (url("staff:call-analysis"), {"month": "2025-02", "sort": "-count"}),
        (url("staff:call-analysis-csv"), {"month": "2025-02"}),
        (url("staff:call-analysis-sector", code="A-1"), {"month": "2025-02"}),
        (url("staff:call-analysis-sector-csv", code="A-1"), {"month": "2025-02"}),
    ]

    def measure() -> list[int]:
        counts = []
        for path, params in pages:
            with CaptureQueriesContext(connection) as captured:
                assert analyst.get(path, params).status_code == 200
            counts.append(len(captured))
        return counts

    before = measure()
    for n in range(20):
        sector = SectorFactory(code=f"X-{n:02d}")
        for month in range(1, 13):
            put(sector, date(2024, month, 1), n + month)
            put(sector, date(2024, month, 1), n, Urgency.URGENT)
    assert measure() == before
    with django_assert_num_queries(before[0]):
        analyst.get(*pages[0])
    # Every page: the session, the user, the second factor, two for the permissions and three to save the
    # session (its idle timer). Then the table: the sectors, the observed months and the counts (+ the
    # categories of the filters and the counts' state on the page); the sector page adds the sector and its
    # months with the observed months (over the import batches, never the calls).
    assert before == [8 + 3 + 2, 8 + 3, 8 + 1 + 3 + 2 + 2, 8 + 1 + 2], before


def test_an_inactive_sectors_page_shows_its_months_but_no_comparison(analyst, territory):
    old = SectorFactory(code="OLD-1", is_active=False)
    put(old, date(2024, 6, 1), 12)
    page = analyst.get(url("staff:call-analysis-sector", code="OLD-1"), {"month": "2025-02"}).content.decode()
    assert 'id="analysis-no-row"' in page
    assert re.search(r'<tr data-month="2024-06">.*?<td class="num">0</td><td class="num">12</td>', page, re.S)
    assert "OLD-1" not in [code for code in codes(analyst.get(url("staff:call-analysis")).content.decode())]

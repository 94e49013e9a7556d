"""The coverage board (staff:coverage) and the coverage selectors it reads.

Rows are made directly with the models so that these tests stand on their own.
"""

import datetime
import json
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from beats.models import Sector
from officers.models import Absence, Assignment, Officer
from officers.selectors import CoverageStatus, coverage_between, coverage_gaps, coverage_on
from tests.beats.factories import SectorFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)
ONE = datetime.timedelta(days=1)
MONTH_BEFORE = DAY - datetime.timedelta(days=30)
# Late evening in Quebec is already the next day in UTC: the board must use the site's day.
NOW = datetime.datetime(2026, 3, 10, 22, 30, tzinfo=ZoneInfo("America/Toronto"))


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def officer(first: str, last: str) -> Officer:
    return Officer.objects.create(
        badge_number=f"{first[:3]}{last[:3]}".upper(), first_name=first, last_name=last
    )


def assign(who, sector, *, starts_on=MONTH_BEFORE, ends_on=None, role=Assignment.Role.PRIMARY):
    return Assignment.objects.create(
        officer=who, sector=sector, role=role, starts_on=starts_on, ends_on=ends_on
    )


def away(who, starts_on, ends_on, covering=None):
    return Absence.objects.create(
        officer=who, starts_on=starts_on, ends_on=ends_on, covering_officer=covering
    )


def board_url(day=None, language="en") -> str:
    with translation.override(language):
        url = reverse("staff:coverage")
    return url if day is None else f"{url}?on={day}"


@pytest.fixture
def supervisor_client(client, make_staff):
    client.force_login(make_staff("sergeant", "officers.view_coverage"))
    return client


@pytest.fixture
def four_sectors():
    """On DAY: COV covered, BAK primary away with a covering officer, AWY away without cover, VAC vacant."""
    covered, backup, uncovered = (
        SectorFactory(code="COV"),
        SectorFactory(code="BAK"),
        SectorFactory(code="AWY"),
    )
    SectorFactory(code="VAC", name="Le vacant")
    assign(officer("Alice", "Arsenault"), covered)
    bob = officer("Bob", "Bergeron")
    assign(bob, backup)
    away(bob, DAY - days(2), DAY + days(3), covering=officer("Carole", "Cloutier"))
    dave = officer("David", "Dubé")
    assign(dave, uncovered)
    away(dave, DAY, DAY + days(4))


class TableReader(HTMLParser):
    """The rows of <table id=…> as {data-code: [cell texts]}, in document order."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.depth, self.rows = table_id, 0, {}
        self.code = self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (self.depth or attrs.get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr" and "data-code" in attrs:
            self.code = attrs["data-code"]
            self.rows[self.code] = []
        elif self.depth and self.code and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[self.code].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            self.code = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(html: str, table_id: str) -> dict[str, list[str]]:
    reader = TableReader(table_id)
    reader.feed(html)
    return reader.rows


def status_data(html: str) -> dict:
    match = re.search(r'<script id="coverage-status" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the status data for the map is missing"
    return json.loads(match.group(1))


# --- The board -------------------------------------------------------------------------------------------


def test_the_board_shows_the_four_statuses_in_the_table(supervisor_client, four_sectors):
    response = supervisor_client.get(board_url(DAY))

    rows = table(response.content.decode(), "coverage-table")
    assert rows["COV"][2:] == ["Covered", "Alice Arsenault", "Alice Arsenault", ""]
    assert rows["BAK"][2:] == [
        "Covered by a backup",
        "Bob Bergeron",
        "Carole Cloutier (designated cover)",
        "March 13, 2026",
    ]
    assert rows["AWY"][2:] == ["Officer away, no cover", "David Dubé", "Nobody", "March 14, 2026"]
    assert rows["VAC"][1:] == ["Le vacant", "Vacant", "none", "Nobody", ""]


def test_the_map_data_gives_each_sector_its_status_and_contact(supervisor_client, four_sectors):
    response = supervisor_client.get(board_url(DAY))

    assert status_data(response.content.decode()) == {
        "COV": {"status": "covered", "label": "Covered", "contact": "Alice Arsenault"},
        "BAK": {"status": "backup", "label": "Covered by a backup", "contact": "Carole Cloutier"},
        "AWY": {"status": "away", "label": "Officer away, no cover", "contact": None},
        "VAC": {"status": "vacant", "label": "Vacant", "contact": None},
    }


def test_the_map_reads_the_cached_sector_features_and_no_inline_script(supervisor_client, four_sectors):
    html = supervisor_client.get(board_url(DAY)).content.decode()

    assert f'data-features-url="{reverse("api:sector-features")}"' in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("src=" in tag or 'type="application/json"' in tag for tag in scripts)
    assert " style=" not in html


def test_sectors_where_residents_reach_nobody_come_first(supervisor_client, four_sectors):
    response = supervisor_client.get(board_url(DAY))

    assert list(table(response.content.decode(), "coverage-table")) == ["VAC", "AWY", "BAK", "COV"]


def test_the_counts_per_status_are_at_the_top(supervisor_client, four_sectors):
    SectorFactory(code="VA2")
    response = supervisor_client.get(board_url(DAY))

    summary = re.search(r'id="coverage-summary">(.*?)</p>', response.content.decode(), re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", "", summary).split())
    assert text == "1 covered · 1 by backup · 1 away without cover · 2 vacant"


def test_a_past_day_shows_that_days_state(supervisor_client):
    sector = SectorFactory(code="NEW")
    assign(officer("Alice", "Arsenault"), sector, starts_on=DAY)

    before = supervisor_client.get(board_url(DAY - ONE))
    on_the_day = supervisor_client.get(board_url(DAY))

    assert table(before.content.decode(), "coverage-table")["NEW"][2] == "Vacant"
    assert status_data(before.content.decode())["NEW"]["status"] == "vacant"
    assert table(on_the_day.content.decode(), "coverage-table")["NEW"][2] == "Covered"
    assert 'value="2026-03-09"' in before.content.decode()


def test_the_day_links_step_one_day_each_way(supervisor_client):
    html = supervisor_client.get(board_url(DAY)).content.decode()

    assert f'href="{board_url("2026-03-09")}" rel="prev"' in html
    assert f'href="{board_url("2026-03-11")}" rel="next"' in html


def test_the_gaps_list_shows_the_days_of_an_uncovered_absence_and_a_vacant_sector(supervisor_client):
    sector = SectorFactory(code="ABS")
    alice = officer("Alice", "Arsenault")
    assign(alice, sector)
    away(alice, DAY + days(3), DAY + days(6))
    SectorFactory(code="VAC")

    response = supervisor_client.get(board_url(DAY))

    gaps = table(response.content.decode(), "coverage-gaps")
    assert list(gaps) == ["VAC", "ABS"]
    assert gaps["ABS"][1:] == ["Officer away, no cover", "March 13, 2026", "March 16, 2026", "4"]
    assert gaps["VAC"][1:] == ["Vacant", "March 10, 2026", "March 23, 2026 (or later)", "14"]


def test_no_gap_in_the_next_14_days_is_said_so(supervisor_client, four_sectors):
    Absence.objects.all().delete()
    Assignment.objects.filter(sector__code="VAC").delete()
    vacant = officer("Eve", "Essiambre")
    assign(vacant, Sector.objects.get(code="VAC"))

    response = supervisor_client.get(board_url(DAY))

    assert "No gap in the next 14 days." in response.content.decode()
    assert 'id="coverage-gaps"' not in response.content.decode()


@pytest.mark.parametrize("value", ["2026-02-30", "yesterday", "10/03/2026", "9999-12-31"])
def test_an_invalid_day_falls_back_to_today_with_a_message(supervisor_client, value):
    with time_machine.travel(NOW, tick=False):
        response = supervisor_client.get(board_url(), {"on": value})

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["day"] == datetime.date(2026, 3, 10)
    assert 'value="2026-03-10"' in html
    assert "is not a valid date" in html
    assert 'class="message error"' in html


def test_without_a_day_the_board_shows_today_in_the_sites_time_zone(supervisor_client):
    with time_machine.travel(NOW, tick=False):
        assert timezone.now().date() == datetime.date(2026, 3, 11)  # already tomorrow in UTC
        response = supervisor_client.get(board_url())

    assert response.context["day"] == datetime.date(2026, 3, 10)
    assert "is not a valid date" not in response.content.decode()


def test_the_board_is_served_in_french(supervisor_client, four_sectors):
    response = supervisor_client.get(board_url(DAY, language="fr"))

    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(board_url(DAY))

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_coverage_permission_are_refused(client, make_staff):
    client.force_login(make_staff("clerk", "beats.view_sector"))

    assert client.get(board_url(DAY)).status_code == 403


def test_staff_with_the_coverage_permission_see_the_board_and_it_is_never_cached(supervisor_client):
    response = supervisor_client.get(board_url(DAY))

    assert response.status_code == 200
    assert "no-cache" in response.headers["Cache-Control"]


def test_the_number_of_queries_does_not_grow_with_the_territory(
    supervisor_client, django_assert_max_num_queries
):
    def staffed_sectors(count):
        for _ in range(count):
            sector = SectorFactory()
            primary = Officer.objects.create(
                badge_number=f"P{sector.code}", first_name="Prim", last_name=sector.code
            )
            cover = Officer.objects.create(
                badge_number=f"C{sector.code}", first_name="Cov", last_name=sector.code
            )
            assign(primary, sector)
            assign(cover, sector, role=Assignment.Role.SECONDARY)
            away(primary, DAY, DAY + days(2), covering=cover)
            away(cover, DAY + days(1), DAY + days(5))

    staffed_sectors(3)
    supervisor_client.get(board_url(DAY))  # warm the session
    with django_assert_max_num_queries(20) as few:
        supervisor_client.get(board_url(DAY))
    staffed_sectors(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = supervisor_client.get(board_url(DAY))
    assert len(table(response.content.decode(), "coverage-table")) == 23
    assert len(table(response.content.decode(), "coverage-gaps")) == 23


# --- The selectors ---------------------------------------------------------------------------------------


def status_of(code: str, day: datetime.date) -> str:
    return next(row.status for row in coverage_on(day) if row.sector.code == code)


def test_the_secondary_officer_is_the_backup_when_the_primary_is_away_without_designated_cover():
    sector = SectorFactory(code="S1")
    primary, secondary = officer("Alice", "Arsenault"), officer("Bob", "Bergeron")
    assign(primary, sector)
    assign(secondary, sector, role=Assignment.Role.SECONDARY)
    away(primary, DAY, DAY)

    [row] = coverage_on(DAY)

    assert row.status == CoverageStatus.BACKUP
    assert row.contact == secondary


def test_an_away_secondary_officer_is_no_backup():
    sector = SectorFactory(code="S1")
    primary, secondary = officer("Alice", "Arsenault"), officer("Bob", "Bergeron")
    assign(primary, sector)
    assign(secondary, sector, role=Assignment.Role.SECONDARY)
    away(primary, DAY, DAY)
    away(secondary, DAY, DAY + ONE)

    [row] = coverage_on(DAY)

    assert row.status == CoverageStatus.AWAY
    assert row.contact is None


def test_a_covering_officer_who_is_away_too_does_not_count():
    sector = SectorFactory(code="S1")
    primary, cover = officer("Alice", "Arsenault"), officer("Carole", "Cloutier")
    assign(primary, sector)
    away(primary, DAY, DAY + days(3), covering=cover)
    away(cover, DAY + ONE, DAY + ONE)

    assert status_of("S1", DAY) == CoverageStatus.BACKUP
    assert status_of("S1", DAY + ONE) == CoverageStatus.AWAY
    assert status_of("S1", DAY + days(2)) == CoverageStatus.BACKUP


def test_when_the_designated_cover_is_away_the_secondary_officer_steps_in():
    sector = SectorFactory(code="S1")
    primary, cover, secondary = officer("Alice", "A"), officer("Carole", "C"), officer("Bob", "B")
    assign(primary, sector)
    assign(secondary, sector, role=Assignment.Role.SECONDARY)
    away(primary, DAY, DAY, covering=cover)
    away(cover, DAY, DAY)

    [row] = coverage_on(DAY)

    assert row.status == CoverageStatus.BACKUP
    assert row.contact == secondary


def test_the_last_day_of_an_assignment_is_worked():
    sector = SectorFactory(code="S1")
    assign(officer("Alice", "Arsenault"), sector, starts_on=DAY - days(5), ends_on=DAY)

    assert status_of("S1", DAY - days(5)) == CoverageStatus.COVERED
    assert status_of("S1", DAY) == CoverageStatus.COVERED
    assert status_of("S1", DAY + ONE) == CoverageStatus.VACANT
    assert status_of("S1", DAY - days(6)) == CoverageStatus.VACANT


def test_the_last_day_of_an_absence_is_away():
    sector = SectorFactory(code="S1")
    alice = officer("Alice", "Arsenault")
    assign(alice, sector)
    away(alice, DAY, DAY + ONE)

    assert status_of("S1", DAY + ONE) == CoverageStatus.AWAY
    assert status_of("S1", DAY + days(2)) == CoverageStatus.COVERED


def test_inactive_sectors_are_left_out():
    SectorFactory(code="S1")
    SectorFactory(code="OLD", is_active=False)

    assert [row.sector.code for row in coverage_on(DAY)] == ["S1"]


def test_coverage_between_gives_every_day_of_the_range():
    SectorFactory(code="S1")

    timeline = coverage_between(DAY, DAY + days(2))

    assert list(timeline) == [DAY, DAY + ONE, DAY + days(2)]


def test_gaps_merge_consecutive_days_even_across_two_absences():
    sector = SectorFactory(code="S1")
    alice = officer("Alice", "Arsenault")
    assign(alice, sector)
    away(alice, DAY + days(2), DAY + days(3))
    away(alice, DAY + days(4), DAY + days(5))

    [gap] = coverage_gaps(starting=DAY, days=14)

    assert (gap.status, gap.starts_on, gap.ends_on, gap.days) == (
        CoverageStatus.AWAY,
        DAY + days(2),
        DAY + days(5),
        4,
    )


def test_gaps_split_when_the_status_changes():
    sector = SectorFactory(code="S1")
    alice = officer("Alice", "Arsenault")
    assign(alice, sector, ends_on=DAY + days(3))
    away(alice, DAY + ONE, DAY + days(3))

    gaps = coverage_gaps(starting=DAY, days=14)

    assert [(g.status, g.starts_on, g.ends_on) for g in gaps] == [
        (CoverageStatus.AWAY, DAY + ONE, DAY + days(3)),
        (CoverageStatus.VACANT, DAY + days(4), DAY + days(13)),
    ]


def test_gaps_split_around_a_covered_day():
    sector = SectorFactory(code="S1")
    alice = officer("Alice", "Arsenault")
    assign(alice, sector)
    away(alice, DAY, DAY + ONE)
    away(alice, DAY + days(3), DAY + days(3))

    gaps = coverage_gaps(starting=DAY, days=14)

    assert [(g.starts_on, g.days) for g in gaps] == [(DAY, 2), (DAY + days(3), 1)]


def test_a_backup_day_is_no_gap():
    sector = SectorFactory(code="S1")
    alice, bob = officer("Alice", "Arsenault"), officer("Bob", "Bergeron")
    assign(alice, sector)
    away(alice, DAY, DAY + days(5), covering=bob)

    assert coverage_gaps(starting=DAY, days=14) == []


@pytest.mark.django_db
def test_coverage_of_one_sector_matches_the_whole_units():
    today = datetime.date(2026, 3, 2)
    sectors = [SectorFactory() for _ in range(3)]
    for n, sector in enumerate(sectors[:2]):
        officer = Officer.objects.create(badge_number=f"one-{n}", first_name="A", last_name=str(n))
        Assignment.objects.create(officer=officer, sector=sector, starts_on=today)
    whole = {row.sector.pk: (row.status, row.primary) for row in coverage_on(today)}
    for sector in sectors:
        [row] = coverage_on(today, sector_id=sector.pk)
        assert (row.status, row.primary) == whole[sector.pk]

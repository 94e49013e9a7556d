"""The report's XLSX workbook, opened with openpyxl: its cells against figures counted here from the raw rows,
its sheets and chart, both languages, small contact counts hidden everywhere, text never a formula."""

import io
import zipfile
from collections import Counter
from datetime import date

import pytest
from django.utils import translation
from openpyxl import load_workbook

from calls.counts import counts_recompute
from calls.models import Call, Urgency
from calls.statistics import compare_counts
from contacts.models import Channel, Contact, ContactCategory, Referral
from officers.selectors import CoverageStatus
from outreach.models import Activity
from reports.exporters.xlsx import report_xlsx, safe_sheet_name
from reports.selectors import Scope, monthly_report
from tests.beats.factories import SectorFactory
from tests.calls.observing import observe
from tests.calls.test_counts import make_call, make_type
from tests.officers.factories import OfficerFactory
from tests.reports.conftest import MONTH, Shown, local, months_between
from tests.reports.test_selectors import in_month, month_of

pytestmark = pytest.mark.django_db

TREND = list(months_between(date(2024, 2, 1), MONTH))
RISE, FALL = "▲", "▼"


def workbook(scope, language="en", month=MONTH):
    data = report_xlsx(monthly_report(month=month, scope=scope), language=language)
    return data, load_workbook(io.BytesIO(data))


def raw_call_counts() -> Counter:
    """(sector id, urgency, month) → calls, counted one by one from the calls."""
    counts = Counter()
    for sector_id, urgency, received in Call.objects.values_list(
        "sector_id", "call_type__urgency", "received_at"
    ):
        counts[(sector_id, urgency or Urgency.OTHER, month_of(received))] += 1
    return counts


def calls(counts, sectors, urgency, months) -> int:
    """`sectors` None: every call; `urgency` None: every class."""
    months = set(months)
    return sum(
        n
        for (sector_id, call_urgency, month), n in counts.items()
        if (sectors is None or sector_id in sectors)
        and (urgency is None or call_urgency == urgency)
        and month in months
    )


def shown(count: int, threshold: int = 5) -> Shown:
    return Shown(count, threshold)


def mark(current: int, reference: int) -> str | None:
    """As the workbook shows it: None (empty cell) when not significant."""
    comparison = compare_counts(current, reference)
    if comparison.significance != "significant":
        return None
    return RISE if current > reference else FALL


def percent(current: int, reference: int) -> float:
    return round((current - reference) / reference * 100, 1) / 100


def sector_table(sheet, first_code: str) -> dict:
    """The summary's table of sectors: {row's first cell: {(group, header): value}}, found by its first code."""
    rows = list(sheet.iter_rows(values_only=True))
    first = next(i for i, row in enumerate(rows) if row[0] == first_code)
    groups, headers = rows[first - 2], rows[first - 1]
    filled, group = [], None
    for cell in groups:  # a merged group header holds its text in its first cell only
        group = cell if cell is not None else group
        filled.append(group)
    table = {}
    for row in rows[first:]:
        if row[0] is None:
            break
        table[row[0]] = {(filled[i], headers[i]): value for i, value in enumerate(row)}
    return table


def figure_rows(sheet) -> dict:
    """A sector sheet's figures: {label in column A: (value, previous month, %, mark, …)}."""
    return {row[0]: row[1:11] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], str)}


def all_cells(book):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet.title, cell


def test_summary_and_sector_sheets_equal_the_raw_rows(activity_data, unit):
    _data, book = workbook(Scope.territory())
    counts = raw_call_counts()
    summary = book["Summary"]
    table = sector_table(summary, "A-01")
    contacts = [c for c in Contact.objects.all() if in_month(c.when)]
    referrals = list(Referral.objects.select_related("contact"))
    activities = [a for a in Activity.objects.prefetch_related("sectors") if in_month(a.starts_at)]
    coverage = {
        "A-01": {"covered": 25, "backup": 3, "away": 0, "vacant": 0},
        "B-01": {"covered": 16, "backup": 0, "away": 2, "vacant": 10},
        "C-01": {"covered": 0, "backup": 0, "away": 0, "vacant": 28},
    }
    coverage["Total"] = {
        status: sum(days[status] for days in coverage.values()) for status in coverage["A-01"]
    }
    with translation.override("en"):
        statuses = {status: str(label) for status, label in CoverageStatus.choices}

    assert list(table) == ["A-01", "B-01", "C-01", "Total"]
    for code, key in (("A-01", "a"), ("B-01", "b"), ("C-01", "c"), ("Total", None)):
        row = table[code]
        sectors = None if key is None else {unit[key].pk}  # the territory: every call, placed or not
        previous = calls(counts, sectors, None, [date(2025, 1, 1)])
        total = calls(counts, sectors, None, [MONTH])
        assert row[("911 calls — all", "Calls")] == total
        assert row[("911 calls — all", "% vs previous month")] == pytest.approx(percent(total, previous))
        marks = [
            value for (group, header), value in row.items() if group == "911 calls — all" and header == "▲▼"
        ]
        assert marks[0] == mark(total, previous)
        assert row[("911 calls — urgent", "Calls")] == calls(counts, sectors, Urgency.URGENT, [MONTH])
        assert row[("911 calls — non-urgent", "Calls")] == calls(counts, sectors, Urgency.NON_URGENT, [MONTH])

        mine = [c for c in contacts if sectors is None or c.sector_id in sectors]
        assert row[("Contacts", "Contacts")] == shown(len(mine))
        avoided = sum(c.would_have_called_911 for c in mine)
        assert row[("Contacts", "Would otherwise have called 911")] == shown(avoided)
        theirs = [r for r in referrals if sectors is None or r.contact.sector_id in sectors]
        made = sum(in_month(r.made_at) for r in theirs)
        completed = sum(r.status == "completed" and in_month(r.completed_at) for r in theirs)
        assert row[("Referrals", "Referrals made")] == shown(made)
        assert row[("Referrals", "Referrals completed")] == shown(completed)

        concerned = [
            a
            for a in activities
            if sectors is None or a.sector_id in sectors or sectors & {s.pk for s in a.sectors.all()}
        ]
        assert row[("Outreach", "Activities")] == len(concerned)
        assert row[("Outreach", "Attendance")] == sum(a.attendance or 0 for a in concerned)
        for status, days in coverage[code].items():
            assert row[("Coverage (days)", statuses[status])] == days

        if key is None:
            continue
        # The sector's own sheet: the same figures, and the small ones hidden there too.
        figures = figure_rows(book[code])
        assert figures["911 calls — all"][0] == total
        assert figures["911 calls — all"][1] == previous
        assert figures["911 calls — urgent"][0] == calls(counts, sectors, Urgency.URGENT, [MONTH])
        assert figures["911 calls — non-urgent"][0] == calls(counts, sectors, Urgency.NON_URGENT, [MONTH])
        ytd = calls(counts, sectors, None, [date(2025, 1, 1), MONTH])
        last_ytd = calls(counts, sectors, None, [date(2024, 1, 1), date(2024, 2, 1)])
        assert figures["911 calls, year to date — all"][0] == ytd
        assert figures["911 calls, year to date — all"][4] == last_ytd
        assert figures["Contacts"][0] == shown(len(mine))
        assert figures["Contacts that would otherwise have called 911"][0] == shown(avoided)
        walk_ins = sum(c.channel == Channel.WALK_IN for c in mine)
        assert figures["Contacts by channel — Walk-in"][0] == shown(walk_ins)
        assert figures["Referrals made"][0] == shown(made)
        assert figures["Outreach activities"][0] == len(concerned)
        assert figures["Coverage days — Vacant"][0] == coverage[code]["vacant"]

    # The scope's key figures: the territory's calls and their comparisons.
    rows = list(summary.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[2] == "This month")
    assert rows[start][2:7] == ("This month", "Previous month", "% change", "▲▼", "Same month last year")
    for offset, (label, urgency) in enumerate(
        (("All calls", None), ("Urgent", Urgency.URGENT), ("Non-urgent", Urgency.NON_URGENT)), 1
    ):
        row = rows[start + offset]
        now = calls(counts, None, urgency, [MONTH])
        previous = calls(counts, None, urgency, [date(2025, 1, 1)])
        last_year = calls(counts, None, urgency, [date(2024, 2, 1)])
        assert row[0] == label
        assert row[2:6] == (now, previous, pytest.approx(percent(now, previous)), mark(now, previous))
        assert row[6:9] == (last_year, pytest.approx(percent(now, last_year)), mark(now, last_year))
        assert row[9] is None  # the territory has no baseline
        ytd = calls(counts, None, urgency, [date(2025, 1, 1), MONTH])
        assert row[12:14] == (ytd, calls(counts, None, urgency, [date(2024, 1, 1), date(2024, 2, 1)]))


def test_the_trend_sheet_and_its_chart(unit):
    data, book = workbook(Scope.territory())
    counts = raw_call_counts()

    assert book.sheetnames == ["Summary", "Trend", "A-01", "B-01", "C-01"]
    rows = list(book["Trend"].iter_rows(values_only=True))
    header = rows.index(("Month", "Urgent", "Non-urgent", "Other", "Total", *[None] * (len(rows[0]) - 5)))
    trend = [row[:5] for row in rows[header + 1 : header + 14]]
    assert (trend[0][0], trend[-1][0]) == ("Feb. 2024", "Feb. 2025")
    assert [row[1:] for row in trend] == [
        (
            calls(counts, None, Urgency.URGENT, [month]),
            calls(counts, None, Urgency.NON_URGENT, [month]),
            calls(counts, None, Urgency.OTHER, [month]),
            calls(counts, None, None, [month]),
        )
        for month in TREND
    ]
    # A sector's sheet has its own 13 months beside its figures.
    a_rows = [row[12:17] for row in book["A-01"].iter_rows(values_only=True) if row[12:13] != (None,)]
    assert a_rows[0] == ("Month", "Urgent", "Non-urgent", "Other", "Total")
    assert [row[4] for row in a_rows[1:14]] == [calls(counts, {unit["a"].pk}, None, [m]) for m in TREND]

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert "Trend!$A$8:$A$20" in chart and "Trend!$E$8:$E$20" in chart
    assert "911 calls per month" in chart
    assert len([name for name in names if name.startswith("xl/charts/chart")]) == 4  # the trend, 3 sectors
    assert not any("comments" in name for name in names)


def test_sheet_names_and_headers_follow_the_language(unit):
    _data, english = workbook(Scope.territory(), "en")
    _data, french = workbook(Scope.territory(), "fr")

    with translation.override("fr"):
        summary = translation.gettext("Summary")
        trend = translation.gettext("Trend")
        monthly = translation.gettext("Monthly report")
    assert summary == "Résumé"
    assert french.sheetnames == [summary, trend, "A-01", "B-01", "C-01"]
    assert english.sheetnames[:2] == ["Summary", "Trend"]
    assert english["Summary"]["A1"].value == "Monthly report — Whole territory — February 2025"
    assert french[summary]["A1"].value == f"{monthly} — Tout le territoire — février 2025"
    english_table = sector_table(english["Summary"], "A-01")
    french_table = sector_table(french[summary], "A-01")
    assert (None, "Sector") in english_table["A-01"] and (None, "Secteur") in french_table["A-01"]
    assert (None, "Nom") in french_table["A-01"]
    assert french_table["Total"][(None, "Nom")] == "Tout le territoire"
    french_trend = [row[:5] for row in french[trend].iter_rows(values_only=True)]
    assert ("Mois", "Urgents", "Non urgents", "Autre", "Total") in french_trend
    header = french_trend.index(("Mois", "Urgents", "Non urgents", "Autre", "Total"))
    assert (french_trend[header + 1][0], french_trend[header + 13][0]) == ("fév. 2024", "fév. 2025")
    assert "Visite au poste" in {
        row[0].split(" — ")[-1] for row in french["A-01"].iter_rows(values_only=True) if row[0]
    }
    properties = english.properties
    assert "Monthly report" in properties.title and "February 2025" in properties.title
    assert monthly in french.properties.title
    assert "février 2025" in french.properties.title


@pytest.fixture
def distinct_unit(db, settings):
    """37 contacts in one sector under a threshold of 50: a count that nothing else in the file equals."""
    settings.REPORTS_SMALL_COUNT_THRESHOLD = 50
    first = SectorFactory(code="H-01", name="Centre")
    second = SectorFactory(code="X/1:*?", name='=HYPERLINK("http://x")', municipality="Brossard")
    urgent, other = make_type("U", Urgency.URGENT), make_type("N", Urgency.NON_URGENT)
    observe(date(2025, 1, 1), date(2025, 2, 1))  # the import these calls stand for
    for day in range(1, 5):
        make_call(local(2025, 2, day, 10), call_type=urgent if day % 2 else other, sector=first)
        make_call(local(2025, 1, day, 10), call_type=other, sector=second)
    counts_recompute()
    officer = OfficerFactory()
    category = ContactCategory.objects.order_by("position", "slug").first()
    contacts = Contact.objects.bulk_create(
        Contact(
            officer=officer,
            sector=first,
            when=local(2025, 2, 1 + i % 27, 9),
            channel=Channel.WALK_IN,
            outcome="resolved",
        )
        for i in range(37)
    )
    Contact.categories.through.objects.bulk_create(
        Contact.categories.through(contact=contact, contactcategory=category) for contact in contacts
    )
    return first, second


def test_small_counts_are_text_and_the_true_count_is_nowhere(distinct_unit):
    assert Contact.objects.filter(sector=distinct_unit[0]).count() == 37
    data, book = workbook(Scope.territory())

    h01 = sector_table(book["Summary"], "H-01")["H-01"]
    assert h01[("Contacts", "Contacts")] == "< 50"
    assert figure_rows(book["H-01"])["Contacts"][0] == "< 50"
    hidden = [cell for _sheet, cell in all_cells(book) if cell.value == "< 50"]
    assert len(hidden) > 5
    assert {cell.data_type for cell in hidden} == {"s"}
    for sheet, cell in all_cells(book):
        assert cell.value != 37 and cell.value != "37", (sheet, cell.coordinate)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/charts/"):
                assert b"<c:v>37</c:v>" not in archive.read(name), name
        assert not any("comments" in name or "vml" in name for name in archive.namelist())


def test_text_that_looks_like_a_formula_stays_text(distinct_unit):
    _data, book = workbook(Scope.territory())

    # The code made a safe sheet name; the name a string cell, wherever it is written.
    assert book.sheetnames == ["Summary", "Trend", "H-01", "X_1___"]
    cells = [cell for _sheet, cell in all_cells(book) if "HYPERLINK" in str(cell.value)]
    assert len(cells) >= 2
    for cell in cells:
        assert cell.data_type == "s"
    assert (
        book["Summary"]
        .cell(row=next(c.row for c in book["Summary"]["A"] if c.value == "X/1:*?"), column=2)
        .value
        == '=HYPERLINK("http://x")'
    )
    assert book["X_1___"]["A1"].value == 'X/1:*? — =HYPERLINK("http://x")'
    assert not any(cell.data_type == "f" for _sheet, cell in all_cells(book))
    # Numbers stay numbers: H-01's fall against January is a negative percentage.
    table = sector_table(book["Summary"], "H-01")
    assert table["X/1:*?"][("911 calls — all", "% vs previous month")] == pytest.approx(-1.0)


def test_a_sector_scope_has_its_sheet_alone(unit):
    _data, book = workbook(Scope.sector("C-01"))

    assert book.sheetnames == ["Summary", "Trend", "C-01"]
    table = sector_table(book["Summary"], "C-01")
    assert list(table) == ["C-01"]
    assert (
        table["C-01"][("911 calls — all", "Calls")]
        == Call.objects.filter(
            sector=unit["c"], received_at__gte=local(2025, 2, 1), received_at__lt=local(2025, 3, 1)
        ).count()
    )


def test_sheet_names_are_made_safe_and_unique():
    used = {"summary", "trend", "history"}

    assert safe_sheet_name("A/B:C*?[x]\\", used) == "A_B_C___x__"
    assert safe_sheet_name("SUMMARY", used) == "SUMMARY (2)"
    assert safe_sheet_name("History", used) == "History (2)"
    long = "L" * 40
    assert safe_sheet_name(long, used) == "L" * 31
    assert safe_sheet_name(long, used) == "L" * 27 + " (2)"
    assert safe_sheet_name("'", used) == "Sector"
    assert all(len(name) <= 31 for name in used)

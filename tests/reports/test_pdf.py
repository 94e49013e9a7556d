"""The report's PDF briefing, read back with pypdf: its figures equal counts made here from the raw rows, small
contact counts are hidden, the words follow the language, and the same data gives the same file."""

import io
import re
from datetime import date

import pytest
from django.conf import settings
from django.db.models import Q, Sum
from django.utils import translation
from pypdf import PdfReader

from calls.models import Call, Urgency
from contacts.models import Channel, Contact, Referral
from outreach.models import Activity
from reports.exporters import render
from reports.exporters.pdf import report_pdf
from reports.selectors import Scope, monthly_report
from tests.reports.conftest import MONTH, local, months_between

pytestmark = pytest.mark.django_db

GENERATED = date(2025, 3, 3)
FEBRUARY = (local(2025, 2, 1), local(2025, 3, 1))
# Coverage days in February 2025, worked out by hand from the fixture's assignments and absences.
COVERAGE = {
    "A-01": (25, 3, 0, 0),
    "B-01": (16, 0, 2, 10),
    "C-01": (0, 0, 0, 28),
    "total": (41, 3, 2, 38),
}


def text_of(data: bytes) -> str:
    """The PDF's text on one line, every run of spaces (no-break ones too) as one space."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def month_bounds(month: date):
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return local(month.year, month.month, 1), local(following.year, following.month, 1)


def raw_calls(sector, urgency=None, month=MONTH) -> int:
    """Calls received in the month, one row each (`sector` "all": every call, placed or not)."""
    start, end = month_bounds(month)
    calls = Call.objects.filter(received_at__gte=start, received_at__lt=end)
    if sector != "all":
        calls = calls.filter(sector=sector)
    if urgency:
        calls = calls.filter(call_type__urgency=urgency)
    return calls.count()


def shown(count: int) -> str:
    """A contact count as the report may write it: hidden when small; any count may also be withheld ("x")
    so that a hidden one next to it cannot be worked out by subtraction."""
    if 0 < count < settings.REPORTS_SMALL_COUNT_THRESHOLD:
        return re.escape(f"< {settings.REPORTS_SMALL_COUNT_THRESHOLD}")
    if count == 0:
        return "0"
    return rf"(?:{count}|x)"  # only a count that is not small itself is withheld


def expected_row(sector) -> list[str]:
    """A sector table row's numbers counted from the raw rows (None: the whole territory), as patterns."""
    start, end = FEBRUARY
    key = "all" if sector is None else sector
    contacts = Contact.objects.filter(when__gte=start, when__lt=end)
    referrals = Referral.objects.all()
    activities = Activity.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if sector is not None:
        contacts = contacts.filter(sector=sector)
        referrals = referrals.filter(contact__sector=sector)
        activities = activities.filter(Q(sector=sector) | Q(sectors=sector)).distinct()
    made = referrals.filter(made_at__gte=start, made_at__lt=end).count()
    completed = referrals.filter(status="completed", completed_at__gte=start, completed_at__lt=end).count()
    attendance = Activity.objects.filter(pk__in=activities.values("pk")).aggregate(n=Sum("attendance"))["n"]
    return [
        number(raw_calls(key)),
        number(raw_calls(key, Urgency.URGENT)),
        number(raw_calls(key, Urgency.NON_URGENT)),
        CHANGE,
        shown(contacts.count()),
        shown(contacts.filter(would_have_called_911=True).count()),
        shown(made),
        shown(completed),
        number(activities.count()),
        number(attendance or 0),
        *[number(days) for days in COVERAGE["total" if sector is None else sector.code]],
    ]


# Any % change: "+14.8%", "\u221214,8 %*" or "+1 300 %" in French, or a dash.
CHANGE = r"(?:[\u2212+]?\d(?:[\d.,]| (?=\d))* ?%\*?|\u2014)"


def number(value) -> str:
    return re.escape(str(value))


def row_pattern(start: str, cells: list[str]) -> str:
    """A table row: its first cells as written, then the cells' patterns in order."""
    return re.escape(start) + "".join(" " + cell for cell in cells) + " "


def test_the_sector_table_equals_the_raw_rows(activity_data, unit, settings):
    settings.REPORTS_SMALL_COUNT_THRESHOLD = 5
    text = text_of(report_pdf(monthly_report(month=MONTH, scope=Scope.territory()), language="en"))

    for key in "abc":
        sector = unit[key]
        assert re.search(row_pattern(f"{sector.code} {sector.name}", expected_row(sector)), text), sector.code
    assert re.search(row_pattern("Total Whole territory", expected_row(None)), text)


def test_small_contact_counts_are_hidden(activity_data, unit, settings):
    settings.REPORTS_SMALL_COUNT_THRESHOLD = 5
    text = text_of(report_pdf(monthly_report(month=MONTH, scope=Scope.territory()), language="en"))

    start, end = FEBRUARY
    true_count = Contact.objects.filter(sector=unit["b"], when__gte=start, when__lt=end).count()
    assert true_count == 3
    b_row = re.search(r"B-01 Saint-Hubert (.*?) C-01 ", text).group(1).split(" ")
    assert b_row[4:6] == ["<", "5"] and "3" not in b_row[3:12]
    # Nor in the detail: no channel, category or partner shows 1 to 4.
    detail = text[text.index("Contacts by channel") : text.index("Notes")]
    assert "< 5" in detail
    for label in Channel.labels:
        assert not re.search(rf"{re.escape(str(label))} [1-4](?!\d)", detail), label


def test_key_figures_and_trend_equal_the_raw_calls(activity_data, unit):
    text = text_of(report_pdf(monthly_report(month=MONTH, scope=Scope.territory()), language="en"))

    for label, urgency in (("All", None), ("Urgent", Urgency.URGENT), ("Non-urgent", Urgency.NON_URGENT)):
        this_year = raw_calls("all", urgency) + raw_calls("all", urgency, date(2025, 1, 1))
        last_year = raw_calls("all", urgency, date(2024, 2, 1)) + raw_calls("all", urgency, date(2024, 1, 1))
        numbers = [
            number(raw_calls("all", urgency)),
            number(raw_calls("all", urgency, date(2025, 1, 1))),
            CHANGE,
            number(raw_calls("all", urgency, date(2024, 2, 1))),
            CHANGE,
            "\u2014",  # the territory has no baseline
            "\u2014",
            number(this_year),
            number(last_year),
        ]
        assert re.search(row_pattern(label, numbers), text), label

    months = list(months_between(date(2024, 2, 1), MONTH))
    labels = "Feb. 2024 March 2024 April 2024 May 2024 June 2024 July 2024 Aug. 2024 Sept. 2024 Oct. 2024 "
    labels += "Nov. 2024 Dec. 2024 Jan. 2025 Feb. 2025"
    assert f"Month {labels} Urgent " in text
    totals = " ".join(str(raw_calls("all", None, month)) for month in months)
    assert f"Total {totals} " in text


def test_french_and_english(activity_data, unit):
    sector = unit["a"]
    sector.name = "« Centre »\u202fNord"
    sector.save()
    report = monthly_report(month=MONTH, scope=Scope.territory())
    french = text_of(report_pdf(report, language="fr"))
    english = text_of(report_pdf(report, language="en"))

    with translation.override("fr"):
        title = translation.gettext("Monthly report")
    assert title in french and "février 2025" in french
    assert "Tout le territoire" in french and "Page 1 sur" in french
    assert "Visite au poste" in french and "fév. 2024 mars 2024" in french
    assert "A-01 « Centre » Nord" in french and "\u202f" not in french  # the font has no narrow space
    assert "Monthly report" in english and "February 2025" in english and "Page 1 of" in english
    assert "Walk-in" in english and "février" not in english and "Tout le territoire" not in english


def test_the_file_opens_with_its_metadata_and_map_legend(activity_data):
    report = monthly_report(month=MONTH, scope=Scope.territory())
    data = render(report, fmt="pdf", language="en")

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    assert reader.metadata.title == "Monthly report \u2014 Whole territory \u2014 February 2025"
    assert reader.metadata.author == settings.SERVICE_NAME
    assert reader.trailer["/Root"]["/Lang"] == "en"
    text = text_of(data)
    assert "change vs same month last year" in text
    assert "\u221225% or less" in text and "+25% or more" in text
    assert "Not significant (noise)" in text and "No comparison possible" in text
    # The same data and date give the same bytes.
    assert report_pdf(report, language="en", generated_on=GENERATED) == report_pdf(
        report, language="en", generated_on=GENERATED
    )


def test_a_sector_report_has_its_baseline(unit):
    report = monthly_report(month=MONTH, scope=Scope.sector("A-01"))
    text = text_of(report_pdf(report, language="fr"))

    baseline = sum(
        raw_calls(unit["a"], None, month) for month in months_between(date(2023, 3, 1), date(2024, 2, 1))
    )
    mean = f"{baseline / 12:.1f}".replace(".", ",")
    numbers = [number(raw_calls(unit["a"])), number(raw_calls(unit["a"], None, date(2025, 1, 1))), CHANGE]
    numbers += [number(raw_calls(unit["a"], None, date(2024, 2, 1))), CHANGE, number(mean)]
    assert re.search(row_pattern("Tous", numbers), text)
    assert "A-01 \u2014 Vieux-Longueuil \u2014 février 2025" in text

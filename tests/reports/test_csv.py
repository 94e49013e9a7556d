"""The report's tidy CSV: layout pinned by a golden file, figures equal to the report's (and so to the raw
rows), small contact counts hidden, both languages, no cell a spreadsheet would run."""

import csv
import io
import os
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from calls.counts import counts_recompute
from calls.models import Urgency
from contacts.models import Channel, Contact, ContactCategory, Partner, PartnerType, Referral
from reports.exporters.csv import COLUMNS, report_csv
from reports.selectors import Scope, monthly_report
from tests.beats.factories import SectorFactory
from tests.calls.observing import observe
from tests.calls.test_counts import make_call, make_type
from tests.officers.factories import OfficerFactory
from tests.reports.conftest import MONTH, local

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden" / "territory-2025-02.en.csv"


def parse(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    _header, *rows = list(reader)
    return [dict(zip([key for key, _ in COLUMNS], row, strict=True)) for row in rows]


@pytest.fixture
def small_unit(db, settings):
    """Fixed names and counts, nothing random: what the golden file shows."""
    settings.REPORTS_SMALL_COUNT_THRESHOLD = 5
    first = SectorFactory(code="G-01", name="Centre", programme_started_on=date(2025, 1, 1))
    second = SectorFactory(code="G-02", name='=HYPERLINK("http://x")', municipality="Brossard")
    urgent, other = make_type("U", Urgency.URGENT), make_type("N", Urgency.NON_URGENT)
    observe(date(2024, 12, 1), date(2025, 2, 1))  # the import these calls stand for
    for day in range(1, 8):
        make_call(local(2025, 2, day, 10), call_type=urgent if day % 2 else other, sector=first)
        make_call(local(2025, 1, day, 10), call_type=other, sector=first)
        make_call(local(2024, 12, day, 10), call_type=other, sector=first)
    make_call(local(2025, 2, 3, 10), call_type=urgent, sector=second)
    counts_recompute()
    officer = OfficerFactory()
    category = ContactCategory.objects.order_by("position", "slug").first()
    partner = Partner.objects.create(name="@Refuge", kind=PartnerType.HOUSING)
    for i in range(6):
        contact = Contact.objects.create(
            officer=officer,
            sector=first if i < 5 else second,
            when=local(2025, 2, 10 + i, 9),
            channel=Channel.WALK_IN,
            outcome="referred",
            would_have_called_911=i < 2,
        )
        contact.categories.set([category])
        Referral.objects.create(contact=contact, partner=partner, made_at=contact.when)
    return first, second


def test_the_layout_matches_the_golden_file(small_unit):
    data = report_csv(monthly_report(month=MONTH, scope=Scope.territory()), language="en")

    if os.environ.get("REGENERATE_GOLDEN"):
        GOLDEN.write_bytes(data)
    assert data == GOLDEN.read_bytes(), "CSV layout changed: check, then REGENERATE_GOLDEN=1"


def test_values_are_the_reports_figures(small_unit):
    report = monthly_report(month=MONTH, scope=Scope.territory())
    rows = parse(report_csv(report, language="en"))

    def value(area_code, metric, dimension="", area_type="sector"):
        (row,) = [
            r
            for r in rows
            if (r["area_code"], r["metric"], r["dimension"], r["area_type"])
            == (area_code, metric, dimension, area_type)
        ]
        return row

    calls = value("G-01", "calls", "total")
    assert calls["value"] == "7"
    assert (calls["previous_month"], calls["previous_month_change_pct"]) == ("7", "0.0")
    assert calls["previous_month_significance"] == "not significant"
    assert calls["last_year"] == ""  # no data in February 2024
    assert calls["baseline"] == ""  # the 12 months before the programme (January 2025) are not all there
    assert value("G-01", "calls", "urgent")["value"] == "4"
    assert value("G-01", "calls_year_to_date", "total")["value"] == "14"
    assert value("", "calls", "total", "total")["value"] == "8"
    # G-02's one contact is hidden, so G-01's 5 are withheld: 6 - 5 would give G-02's away.
    assert value("G-01", "contacts")["value"] == "x"
    assert value("G-02", "contacts")["value"] == "< 5"
    assert value("G-01", "contacts_avoided_911")["value"] == "< 5"
    assert value("G-01", "contacts_by_channel", Channel.WALK_IN)["value"] == "x"
    assert value("G-01", "contacts_by_channel", Channel.TEXT)["value"] == "0"
    # The total is computed from the true counts: 5 + 1, not 5 + "< 5".
    assert value("", "contacts", "", "total")["value"] == "6"
    assert value("", "referrals_made", PartnerType.HOUSING, "total")["value"] == "6"
    assert value("", "referrals_made", PartnerType.YOUTH, "total")["value"] == "0"
    assert value("G-01", "coverage_days", "vacant")["value"] == "28"


def test_headers_and_labels_follow_the_language(small_unit):
    report = monthly_report(month=MONTH, scope=Scope.territory())
    english = report_csv(report, language="en").decode("utf-8-sig").splitlines()
    french = report_csv(report, language="fr").decode("utf-8-sig").splitlines()

    with translation.override("fr"):
        assert next(csv.reader([french[0]])) == [str(label) for _, label in COLUMNS]
    assert english[0].startswith("scope type,scope code,scope,month,")
    assert "mois" in next(csv.reader([french[0]]))
    assert "valeur" in next(csv.reader([french[0]]))
    assert "Tout le territoire" in french[1] and "Whole territory" in english[1]
    assert "Visite au poste" in "".join(french) and "Walk-in" in "".join(english)
    assert "non significatif" in "".join(french)
    # The codes do not change with the language: same rows, same order.
    key = slice(7, 10)
    assert [next(csv.reader([line]))[key] for line in french[1:]] == [
        next(csv.reader([line]))[key] for line in english[1:]
    ]


def test_text_cells_cannot_run_as_formulas(small_unit):
    rows = parse(report_csv(monthly_report(month=MONTH, scope=Scope.territory()), language="en"))

    names = {row["area_name"] for row in rows}
    assert '\'=HYPERLINK("http://x")' in names
    # Referrals are counted per partner type: a partner's name, typed by people, is never written out.
    assert not any("Refuge" in cell for row in rows for cell in row.values())
    for row in rows:
        for key in ("scope_name", "area_name", "dimension", "label"):
            assert not row[key].startswith(("=", "+", "-", "@")), row
    # Numbers stay numbers: a fall is a negative change, not text.
    changes = [row["previous_month_change_pct"] for row in rows if row["previous_month_change_pct"]]
    assert "-57.1" in changes


def test_a_municipality_report_names_its_scope(small_unit):
    rows = parse(report_csv(monthly_report(month=MONTH, scope=Scope.municipality("Brossard")), language="en"))

    assert {(row["scope_type"], row["scope_code"], row["scope_name"]) for row in rows} == {
        ("municipality", "Brossard", "Brossard")
    }
    assert [row["area_code"] for row in rows if row["metric"] == "contacts"] == ["G-02", "Brossard"]

"""The monthly report as a tidy CSV: one row per scope × month × area × metric (× dimension).

Encoding: UTF-8 with a byte-order mark (spreadsheet software then reads the accents right), comma-separated,
CRLF line ends (RFC 4180). Headers, labels and significance marks are in the requested language; the codes
(`scope_type`, `area_type`, `section`, `metric`, `dimension`) never change with it, so a script can read
either language. Numbers are written with a dot as decimal separator, percentages rounded to 0.1. Text cells
are neutralised against formulas (common.spreadsheets); numbers are not (a negative change stays a number).

Columns, in this order (header shown in English):

=============================  ====================================================================
scope_type                     territory, municipality or sector
scope_code                     the municipality's name or the sector's code; empty for the territory
scope_name                     the scope as people name it
month                          YYYY-MM
area_type                      sector (one of the scope's sectors) or total (the whole scope)
area_code                      the sector's code; for the total, the scope's code
area_name                      the sector's or the scope's name
section                        calls, contacts, referrals, outreach, coverage
metric                         see below
dimension                      the breakdown's code (urgency class, channel, category slug, partner
                               type or "social_worker", coverage status); empty when none
label                          metric and dimension in words
value                          the figure; from contact data (sections contacts and referrals), a
                               count from 1 to threshold - 1 is written "< 5" (threshold 5), and
                               "x" where withheld so that such a count cannot be worked out by
                               subtraction (reports.selectors.withhold_complements)
previous_month                 calls of the previous month
previous_month_change_pct      % change against it
previous_month_significance    significant / not significant (exact Poisson test, calls.statistics)
last_year                      calls of the same month last year (year-to-date rows: last year to date)
last_year_change_pct           % change against it
last_year_significance         as above
baseline                       mean monthly calls before the programme started
baseline_change_pct            % change against it
baseline_significance          as above
=============================  ====================================================================

Metrics: calls (dimension total, urgent, non_urgent), calls_year_to_date (same dimensions), contacts,
contacts_avoided_911, follow_ups_open, contacts_by_channel (one row per channel), contacts_by_category (one row
per category; a contact with two categories counts in both), referrals_made and referrals_completed (one row
per partner type, then one for the service's social worker, after a row without dimension for all), activities,
attendance, campaigns_active, coverage_days (covered, backup, away, vacant).

Comparison cells are empty where there is nothing to compare with (no data yet for the reference months, no
programme start date). Rows come in a fixed order: the scope's sectors by code, then the total; inside an
area, the order above; channels and coverage statuses in their models' order, categories in their display
order, partner types in their model's order with the social worker last.

Totals are the sums of the true counts: hiding a sector's small count does not change the total.
"""

from __future__ import annotations

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.selectors import Delta
from common.spreadsheets import neutralise_cell
from contacts.models import Channel, PartnerType
from officers.selectors import CoverageStatus

from ..selectors import SOCIAL_WORKER, AreaFigures, CallFigures, MonthlyReport, ReferralFigures

COLUMNS = [
    ("scope_type", gettext_lazy("scope type")),
    ("scope_code", gettext_lazy("scope code")),
    ("scope_name", gettext_lazy("scope")),
    ("month", gettext_lazy("month")),
    ("area_type", gettext_lazy("area type")),
    ("area_code", gettext_lazy("area code")),
    ("area_name", gettext_lazy("area")),
    ("section", gettext_lazy("section")),
    ("metric", gettext_lazy("metric")),
    ("dimension", gettext_lazy("dimension")),
    ("label", gettext_lazy("label")),
    ("value", gettext_lazy("value")),
    ("previous_month", gettext_lazy("previous month")),
    ("previous_month_change_pct", gettext_lazy("change vs previous month (%)")),
    ("previous_month_significance", gettext_lazy("significance vs previous month")),
    ("last_year", gettext_lazy("last year")),
    ("last_year_change_pct", gettext_lazy("change vs last year (%)")),
    ("last_year_significance", gettext_lazy("significance vs last year")),
    ("baseline", gettext_lazy("baseline (monthly mean)")),
    ("baseline_change_pct", gettext_lazy("change vs baseline (%)")),
    ("baseline_significance", gettext_lazy("significance vs baseline")),
]
# The columns holding text that came from outside (names people typed): the only ones neutralised.
_TEXT_COLUMNS = {"scope_code", "scope_name", "area_code", "area_name", "dimension", "label"}

METRICS = {
    "calls": gettext_lazy("911 calls"),
    "calls_year_to_date": gettext_lazy("911 calls, year to date"),
    "contacts": gettext_lazy("Contacts"),
    "contacts_avoided_911": gettext_lazy("Contacts that would otherwise have called 911"),
    "follow_ups_open": gettext_lazy("Follow-ups open"),
    "contacts_by_channel": gettext_lazy("Contacts by channel"),
    "contacts_by_category": gettext_lazy("Contacts by category"),
    "referrals_made": gettext_lazy("Referrals made"),
    "referrals_completed": gettext_lazy("Referrals completed"),
    "activities": gettext_lazy("Outreach activities"),
    "attendance": gettext_lazy("Attendance at outreach activities"),
    "campaigns_active": gettext_lazy("Campaigns active"),
    "coverage_days": gettext_lazy("Coverage days"),
}
CALL_CLASS_LABELS = {
    "total": gettext_lazy("all"),
    "urgent": gettext_lazy("urgent"),
    "non_urgent": gettext_lazy("non-urgent"),
}
SIGNIFICANCE_LABELS = {
    "significant": gettext_lazy("significant"),
    "not significant": gettext_lazy("not significant"),
}


def _pct(value: float | None):
    return "" if value is None else round(value, 1)


def _delta_cells(delta: Delta | None, *, mean: bool = False) -> list:
    if delta is None:
        return ["", "", ""]
    reference = round(delta.reference_mean, 1) if mean else delta.reference_count
    return [reference, _pct(delta.percent_change), str(SIGNIFICANCE_LABELS[delta.significance])]


def _call_comparisons(figure: CallFigures) -> list:
    return (
        _delta_cells(figure.previous_month)
        + _delta_cells(figure.same_month_last_year)
        + _delta_cells(figure.baseline, mean=True)
    )


def _ytd_comparisons(figure: CallFigures) -> list:
    comparison = figure.year_to_date_comparison
    last_year = (
        ["", "", ""]
        if comparison is None
        else [
            figure.last_year_to_date,
            _pct(comparison.percent_change),
            str(SIGNIFICANCE_LABELS[comparison.significance]),
        ]
    )
    return ["", "", "", *last_year, "", "", ""]


def area_rows(report: MonthlyReport, area: AreaFigures):
    """(section, metric, dimension, dimension label, value, comparison cells) in the documented order."""
    none = [""] * 9
    for cls, label in CALL_CLASS_LABELS.items():
        figure = area.calls[cls]
        yield "calls", "calls", cls, label, figure.count, _call_comparisons(figure)
    for cls, label in CALL_CLASS_LABELS.items():
        figure = area.calls[cls]
        yield "calls", "calls_year_to_date", cls, label, figure.year_to_date, _ytd_comparisons(figure)

    shown = report.shown
    yield "contacts", "contacts", "", "", shown(area.contacts), none
    yield "contacts", "contacts_avoided_911", "", "", shown(area.contacts_avoided_911), none
    yield "contacts", "follow_ups_open", "", "", shown(area.follow_ups_open), none
    for channel, label in Channel.choices:
        yield (
            "contacts",
            "contacts_by_channel",
            channel,
            label,
            shown(area.contacts_by_channel.get(channel, 0)),
            none,
        )
    french = translation.get_language().startswith("fr")
    slugs = list(report.categories) + sorted(set(area.contacts_by_category) - set(report.categories))
    for slug in slugs:
        names = report.categories.get(slug, (slug, slug))
        label = names[0] if french else (names[1] or names[0])
        yield (
            "contacts",
            "contacts_by_category",
            slug,
            label,
            shown(area.contacts_by_category.get(slug, 0)),
            none,
        )

    # Every type, every month, so that months line up; a type removed from the model but still in the data last.
    partners = [*PartnerType.values, SOCIAL_WORKER]
    partners += sorted(set(area.referrals) - set(partners))
    labels = dict(PartnerType.choices) | {SOCIAL_WORKER: _("the service's social worker")}
    for metric, attribute in (("referrals_made", "made"), ("referrals_completed", "completed")):
        yield "referrals", metric, "", "", shown(getattr(area, metric)), none
        for key in partners:
            figures = area.referrals.get(key, ReferralFigures())
            yield "referrals", metric, key, labels.get(key, key), shown(getattr(figures, attribute)), none

    yield "outreach", "activities", "", "", area.activities, none
    yield "outreach", "attendance", "", "", area.attendance, none
    yield "outreach", "campaigns_active", "", "", area.campaigns_active, none
    for status, label in CoverageStatus.choices:
        yield "coverage", "coverage_days", status, label, area.coverage_days.get(status, 0), none


def report_rows(report: MonthlyReport) -> list[list]:
    """The header and the rows, in the active language."""
    scope = report.scope
    territory = scope.kind == "territory"
    scope_name = _("Whole territory") if territory else report.scope_name
    rows = [[str(label) for _key, label in COLUMNS]]
    for area in [*report.sectors, report.total]:
        if area.kind == "total":
            area_code, area_name = scope.code, scope_name if scope.kind != "sector" else area.name
        else:
            area_code, area_name = area.code, area.name
        for section, metric, dimension, dimension_label, value, comparisons in area_rows(report, area):
            label = str(METRICS[metric])
            if dimension_label:
                label = f"{label} — {dimension_label}"
            cells = [
                scope.kind,
                scope.code,
                scope_name,
                report.month.strftime("%Y-%m"),
                area.kind,
                area_code,
                area_name,
                section,
                metric,
                dimension,
                label,
                value,
                *comparisons,
            ]
            rows.append(
                [
                    neutralise_cell(cell) if key in _TEXT_COLUMNS else cell
                    for (key, _label), cell in zip(COLUMNS, cells, strict=True)
                ]
            )
    return rows


def report_csv(report: MonthlyReport, *, language: str) -> bytes:
    """The report as CSV bytes (UTF-8 with BOM), headers and labels in `language` ("fr" or "en")."""
    with translation.override(language):
        rows = report_rows(report)
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")

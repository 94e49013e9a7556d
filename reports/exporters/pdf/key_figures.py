"""The briefing's first section: the header (service, title, scope, month, generation date) and the key
figures of the scope's total (911 calls by urgency against the previous month, the same month last year and
the pre-programme baseline, year to date; contacts, referrals, outreach, coverage)."""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from officers.selectors import CoverageStatus

from ...selectors import CALL_CLASSES, MonthlyReport
from ..csv import CALL_CLASS_LABELS, METRICS
from .layout import RULE, WIDTH, grid_style, para
from .text import BOLD, FONT, SIGNIFICANT, change_text, clean, month_name, number_text, scope_name


def header(report: MonthlyReport, styles, generated_on: date) -> list:
    return [
        para(settings.SERVICE_NAME, styles["service"]),
        para(_("Monthly report"), styles["title"]),
        para(f"{scope_name(report)} — {month_name(report.month)}", styles["subtitle"]),
        para(
            _("Generated on %(date)s. Figures for %(month)s, from the stored monthly counts and records.")
            % {"date": date_format(generated_on, "DATE_FORMAT"), "month": month_name(report.month)},
            styles["meta"],
        ),
    ]


def key_calls(report: MonthlyReport, styles) -> list:
    """The scope's calls per urgency class against each reference, and the year to date."""
    head, headr = styles["head"], styles["headr"]
    year = report.month.year
    # Narrow column headers: words already translated short ("Écart").
    change, calls = pgettext("difference in calls", "Change"), _("Calls")
    rows = [
        [
            para(_("911 calls"), head),
            Paragraph(f"{escape(clean(MONTHS[report.month.month]))}<br/>{report.month.year}", headr),
            para(_("Previous month"), head),
            "",
            para(_("Same month last year"), head),
            "",
            para(_("Pre-programme baseline (monthly mean)"), head),
            "",
            para(_("Year to date"), head),
            "",
            "",
        ],
        [
            "",
            para(calls, headr),
            para(calls, headr),
            para(change, headr),
            para(calls, headr),
            para(change, headr),
            para(_("Mean"), headr),
            para(change, headr),
            para(str(year), headr),
            para(str(year - 1), headr),
            para(change, headr),
        ],
    ]
    for cls in CALL_CLASSES:
        figure = report.total.calls[cls]
        previous, last_year, baseline = figure.previous_month, figure.same_month_last_year, figure.baseline
        rows.append(
            [
                clean(str(CALL_CLASS_LABELS[cls]).capitalize()),
                number_text(figure.count),
                "—" if previous is None else number_text(previous.reference_count),
                change_text(previous),
                "—" if last_year is None else number_text(last_year.reference_count),
                change_text(last_year),
                "—" if baseline is None else number_text(baseline.reference_mean, 1),
                change_text(baseline),
                number_text(figure.year_to_date),
                "—" if figure.last_year_to_date is None else number_text(figure.last_year_to_date),
                change_text(figure.year_to_date_comparison),
            ]
        )
    # Counts are short, the change columns' headers and values longer.
    # A territory's year to date runs to six digits ("505 231"): 15 mm holds them at 8 points.
    count, delta = 15 * mm, 17 * mm
    widths = [20 * mm, 17 * mm, count, delta, count, delta, count, delta, count, count, delta]
    style = [
        *grid_style(2),
        ("SPAN", (0, 0), (0, 1)),
        ("SPAN", (2, 0), (3, 0)),
        ("SPAN", (4, 0), (5, 0)),
        ("SPAN", (6, 0), (7, 0)),
        ("SPAN", (8, 0), (10, 0)),
        ("VALIGN", (0, 0), (-1, 1), "BOTTOM"),
        ("FONTNAME", (1, 2), (1, -1), BOLD),
        ("FONTSIZE", (0, 2), (-1, -1), 8),
        ("LINEBEFORE", (2, 0), (2, -1), 0.4, RULE),
        ("LINEBEFORE", (4, 0), (4, -1), 0.4, RULE),
        ("LINEBEFORE", (6, 0), (6, -1), 0.4, RULE),
        ("LINEBEFORE", (8, 0), (8, -1), 0.4, RULE),
    ]
    table = Table(rows, colWidths=widths, style=TableStyle(style), repeatRows=2)
    legend = para(
        _(
            "%(mark)s significant change (exact Poisson test, p < 0.05); a change without %(mark)s is within "
            "the usual month-to-month variation (noise). — nothing to compare with."
        )
        % {"mark": SIGNIFICANT},
        styles["small"],
    )
    return [para(_("Key figures"), styles["h2"]), table, Spacer(1, 2), legend]


def key_activity(report: MonthlyReport, values: dict, styles) -> list:
    left = [
        (METRICS["contacts"], values[("contacts", "")][1]),
        (METRICS["contacts_avoided_911"], values[("contacts_avoided_911", "")][1]),
        (METRICS["follow_ups_open"], values[("follow_ups_open", "")][1]),
        (METRICS["referrals_made"], values[("referrals_made", "")][1]),
        (METRICS["referrals_completed"], values[("referrals_completed", "")][1]),
    ]
    right = [
        (METRICS["activities"], values[("activities", "")][1]),
        (METRICS["attendance"], values[("attendance", "")][1]),
        (METRICS["campaigns_active"], values[("campaigns_active", "")][1]),
    ]
    right += [
        (f"{METRICS['coverage_days']} — {label}", values[("coverage_days", status)][1])
        for status, label in CoverageStatus.choices
    ]
    rows = []
    for index in range(max(len(left), len(right))):
        row = []
        for column in (left, right):
            label, value = column[index] if index < len(column) else ("", "")
            row += [para(label, styles["cell"]) if label else "", number_text(value) if label != "" else ""]
        rows.append(row)
    half = WIDTH / 2
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTNAME", (1, 0), (1, -1), BOLD),
        ("FONTNAME", (3, 0), (3, -1), BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("ALIGN", (3, 0), (3, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (1, len(left) - 1), 0.25, RULE),
        ("LINEBELOW", (2, 0), (3, len(right) - 1), 0.25, RULE),
        ("RIGHTPADDING", (1, 0), (1, -1), 12),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    table = Table(rows, colWidths=[half - 20 * mm, 20 * mm, half - 16 * mm, 16 * mm], style=TableStyle(style))
    return [para(_("Contacts, referrals, outreach and coverage"), styles["h3"]), table]

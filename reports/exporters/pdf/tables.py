"""The briefing's tables: one row per sector (and the scope's total), then the detail of contacts and
referrals for the total. Counts drawn from contact data come through `MonthlyReport.shown` (via
csv.area_rows), so no true small count is ever written."""

from __future__ import annotations

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from officers.selectors import CoverageStatus

from ...selectors import CALL_CLASSES, MonthlyReport
from ..csv import CALL_CLASS_LABELS, METRICS, area_rows
from .layout import RULE, WIDTH, grid_style, para
from .text import (
    FONT,
    SIGNIFICANT,
    area_values,
    change_text,
    clean,
    number_text,
    scope_name,
    withheld_sentence,
)


class _Rotated(Flowable):
    """A header cell's paragraph turned to read upwards: narrow numeric columns keep whole words."""

    def __init__(self, paragraph: Paragraph, length: float):
        super().__init__()
        self.paragraph, self.length = paragraph, length

    def wrap(self, available_width, available_height):
        self._width, self._height = self.paragraph.wrap(self.length, available_width)
        return self._height, self._width

    def draw(self):
        self.canv.saveState()
        self.canv.rotate(90)
        self.paragraph.drawOn(self.canv, 0, -self._height)
        self.canv.restoreState()


def sector_table(report: MonthlyReport, styles) -> list:
    head = styles["head"]

    def up(text):
        return _Rotated(para(text, head), 62)

    group = [para(_("Sector"), head), "", para(_("911 calls"), head), "", "", ""]
    group += [""] * 6 + [para(_("Coverage days"), head), "", "", ""]
    columns = [
        para(_("Code"), head),
        para(_("Name"), head),
        *[up(CALL_CLASS_LABELS[cls]) for cls in CALL_CLASSES],
        up(_("non-urgent vs last year")),
        up(METRICS["contacts"]),
        up(_("911 avoided")),
        up(METRICS["referrals_made"]),
        up(METRICS["referrals_completed"]),
        up(METRICS["activities"]),
        up(_("Attendance")),
        *[up(label) for _status, label in CoverageStatus.choices],
    ]
    name_width = 28 * mm
    rows = [group, columns]
    for area in [*report.sectors, report.total]:
        values = area_values(report, area)
        if area.kind == "total":
            code, name = _("Total"), scope_name(report)
        else:
            code, name = area.code, area.name
        rows.append(
            [
                clean(code),
                _fit(clean(name), name_width - 5, FONT, 6.5),
                *[number_text(area.calls[cls].count) for cls in CALL_CLASSES],
                change_text(area.calls["non_urgent"].same_month_last_year),
                *[
                    number_text(values[(metric, "")][1])
                    for metric in (
                        "contacts",
                        "contacts_avoided_911",
                        "referrals_made",
                        "referrals_completed",
                        "activities",
                        "attendance",
                    )
                ],
                *[number_text(values[("coverage_days", status)][1]) for status in CoverageStatus.values],
            ]
        )
    code_width, change_width = 13 * mm, 17 * mm
    other = (WIDTH - code_width - name_width - change_width) / 13
    widths = [code_width, name_width, other, other, other, change_width] + [other] * 10
    style = [
        *grid_style(2, total_row=True, font_size=6.5),
        ("ALIGN", (1, 0), (1, -1), "LEFT"),
        ("VALIGN", (0, 0), (-1, 1), "BOTTOM"),
        ("SPAN", (0, 0), (1, 0)),
        ("SPAN", (2, 0), (5, 0)),
        ("SPAN", (12, 0), (15, 0)),
        ("LINEBELOW", (2, 0), (5, 0), 0.4, RULE),
        ("LINEBELOW", (12, 0), (15, 0), 0.4, RULE),
    ]
    for column in (2, 6, 8, 10, 12):
        style.append(("LINEBEFORE", (column, 0), (column, -1), 0.4, RULE))
    for row in range(3, len(rows) - 1, 2):
        style.append(("BACKGROUND", (0, row), (-1, row), colors.HexColor("#f7f7f7")))
    table = Table(rows, colWidths=widths, style=TableStyle(style), repeatRows=2)
    note = para(
        _(
            "Contacts and referrals from 1 to %(below)s are shown as “< %(threshold)s”. %(mark)s "
            "significant change. The total includes what no sector row shows (calls placed in no sector, "
            "sectors since deactivated, activities for the whole service)."
        )
        % {"below": report.threshold - 1, "threshold": report.threshold, "mark": SIGNIFICANT}
        + withheld_sentence(report),
        styles["small"],
    )
    return [
        CondPageBreak(40 * mm),
        para(_("Sectors"), styles["h2"]),
        table,
        Spacer(1, 2),
        note,
    ]


def _fit(text: str, width: float, font: str, size: float) -> str:
    """The text cut with an ellipsis to fit on one line."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def details(report: MonthlyReport, styles) -> list:
    """Contacts by channel and by category, referrals per partner (type), for the scope's total."""
    rows = list(area_rows(report, report.total))
    head, headr = styles["head"], styles["headr"]

    def two_columns(title, label_head, entries):
        data = [[para(label_head, head), para(_("Contacts"), headr)]]
        data += [[para(label, styles["cell"]), number_text(value)] for label, value in entries]
        table = Table(
            data, colWidths=[WIDTH / 2 - 26 * mm, 18 * mm], style=TableStyle(grid_style(1)), hAlign="LEFT"
        )
        return [para(title, styles["h3"]), table]

    channels = [
        (label, value) for _s, metric, _d, label, value, _c in rows if metric == "contacts_by_channel"
    ]
    categories = [
        (label, value) for _s, metric, _d, label, value, _c in rows if metric == "contacts_by_category"
    ]
    side_by_side = Table(
        [
            [
                two_columns(METRICS["contacts_by_channel"], _("Channel"), channels),
                two_columns(METRICS["contacts_by_category"], _("Category"), categories),
            ]
        ],
        colWidths=[WIDTH / 2, WIDTH / 2],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]),
    )

    referrals: dict[str, list] = {}  # dimension → [label, made, completed]
    totals = {}
    for _s, metric, dimension, label, value, _c in rows:
        if metric not in ("referrals_made", "referrals_completed"):
            continue
        if not dimension:
            totals[metric] = value
            continue
        entry = referrals.setdefault(dimension, [label, 0, 0])
        entry[1 if metric == "referrals_made" else 2] = value
    data = [[para(_("Referred to"), head), para(_("Made"), headr), para(_("Completed"), headr)]]
    data += [
        [para(label, styles["cell"]), number_text(made), number_text(done)]
        for label, made, done in referrals.values()
    ]
    data.append(
        [
            clean(_("Total")),
            number_text(totals.get("referrals_made", 0)),
            number_text(totals.get("referrals_completed", 0)),
        ]
    )
    referral_table = Table(
        data,
        colWidths=[WIDTH / 2 - 26 * mm, 18 * mm, 18 * mm],
        style=TableStyle(grid_style(1, total_row=True)),
        hAlign="LEFT",
    )
    title = _("Detail — %(scope)s") % {"scope": scope_name(report)}
    return [
        CondPageBreak(60 * mm),
        para(title, styles["h2"]),
        side_by_side,
        KeepTogether([para(_("Referrals"), styles["h3"]), referral_table]),
    ]

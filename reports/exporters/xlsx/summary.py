"""The Summary sheet: the scope's 911 calls with their comparisons and its other key figures, then one row
per sector (and the scope's total), frozen header and autofilter."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from officers.selectors import CoverageStatus

from ...selectors import CALL_CLASSES
from .cells import MARK_HEADER, Sheet, change_mark, change_percent
from .workbook import ReportWorkbook

CLASS_NAMES = {
    "total": gettext_lazy("All calls"),
    "urgent": gettext_lazy("Urgent"),
    "non_urgent": gettext_lazy("Non-urgent"),
}

# Summary sheet's columns.
CODE_COL, NAME_COL, FIRST_FIGURE_COL = 0, 1, 2


def summary_sheet(wb: ReportWorkbook, sheet: Sheet) -> None:
    report, fmt, ws = wb.report, wb.fmt, sheet.ws
    title = " — ".join([_("Monthly report"), wb.scope_name, wb.month_name])
    row = wb.title(sheet, title, settings.SERVICE_NAME)

    # The scope's calls: one row per class, with every comparison and the year to date.
    sheet.text(row, 0, _("911 calls — %(scope)s") % {"scope": wb.scope_name}, fmt.heading)
    row += 1
    sheet.headers(
        row,
        FIRST_FIGURE_COL,
        [
            _("This month"),
            _("Previous month"),
            _("% change"),
            MARK_HEADER,
            _("Same month last year"),
            _("% change"),
            MARK_HEADER,
            _("Baseline (monthly mean)"),
            _("% change"),
            MARK_HEADER,
            _("Year to date"),
            _("Last year to date"),
            _("% change"),
            MARK_HEADER,
        ],
    )
    sheet.headers(row, 0, [_("Calls"), ""])
    ws.set_row(row, 40)
    for cls in CALL_CLASSES:
        row += 1
        figure = report.total.calls[cls]
        sheet.text(row, 0, CLASS_NAMES[cls], fmt.cells[("text", False)])
        col = FIRST_FIGURE_COL
        sheet.put(row, col, figure.count, "int")
        for delta, reference_kind in (
            (figure.previous_month, "int"),
            (figure.same_month_last_year, "int"),
            (figure.baseline, "decimal"),
        ):
            reference = None
            if delta is not None:
                reference = delta.reference_count if reference_kind == "int" else delta.reference_mean
                reference = round(reference, 1)
            sheet.put(row, col + 1, reference, reference_kind)
            sheet.put(row, col + 2, change_percent(delta), "percent")
            sheet.put(row, col + 3, change_mark(delta), "mark")
            col += 3
        comparison = figure.year_to_date_comparison
        sheet.put(row, col + 1, figure.year_to_date, "int")
        sheet.put(row, col + 2, figure.last_year_to_date, "int")
        sheet.put(row, col + 3, change_percent(comparison), "percent")
        sheet.put(row, col + 4, change_mark(comparison), "mark")

    # The scope's other figures, in one row.
    row += 2
    sheet.text(
        row,
        0,
        _("Contacts, referrals, outreach and coverage — %(scope)s") % {"scope": wb.scope_name},
        fmt.heading,
    )
    row += 1
    columns = other_columns(wb)
    sheet.headers(row, FIRST_FIGURE_COL, [label for label, _kind, _get in columns])
    ws.set_row(row, 40)
    row += 1
    for offset, (_label, kind, get) in enumerate(columns):
        sheet.put(row, FIRST_FIGURE_COL + offset, get(report.total), kind)

    # One row per sector, then the scope's total.
    row += 2
    sheet.text(row, 0, _("By sector"), fmt.heading)
    row += 1
    columns = _sector_columns(wb)
    group_row, header_row = row, row + 1
    col = 0
    for group, members in columns:
        if group and len(members) > 1:
            ws.merge_range(group_row, col, group_row, col + len(members) - 1, str(group), fmt.group)
        elif group:
            ws.write_string(group_row, col, str(group), fmt.group)
        else:
            ws.write_blank(group_row, col, None, fmt.group)
        sheet.headers(header_row, col, [label for label, _kind, _get in members])
        col += len(members)
    last_col = col - 1
    ws.set_row(header_row, 54)
    row = header_row
    areas = list(report.sectors)
    if report.scope.kind != "sector":
        areas.append(report.total)
    for area in areas:
        row += 1
        bold = area.kind == "total"
        col = 0
        for _group, members in columns:
            for _label, kind, get in members:
                sheet.put(row, col, get(area), kind, bold=bold)
                col += 1
    ws.autofilter(header_row, 0, row - (1 if report.scope.kind != "sector" else 0), last_col)
    ws.freeze_panes(header_row + 1, FIRST_FIGURE_COL)
    row += 2
    if report.scope.kind == "territory":
        sheet.text(
            row,
            0,
            _(
                "The territory's total counts every call (unplaced ones and those of sectors since "
                "deactivated) and every activity, including those aimed at no sector: it can exceed the sum "
                "of the sector rows."
            ),
            fmt.note,
        )
    elif report.scope.kind == "municipality":
        sheet.text(row, 0, _("The municipality's total is the sum of its active sectors."), fmt.note)

    ws.set_column(CODE_COL, CODE_COL, 12)
    ws.set_column(NAME_COL, NAME_COL, 28)
    ws.set_column(FIRST_FIGURE_COL, last_col, 11)
    wb.page(sheet, header_row)


def other_columns(wb: ReportWorkbook):
    """(header, cell kind, value of an area) of the figures that are not calls."""
    shown = wb.report.shown
    columns = [
        (_("Contacts"), "int", lambda a: shown(a.contacts)),
        (_("Would otherwise have called 911"), "int", lambda a: shown(a.contacts_avoided_911)),
        (_("Follow-ups open"), "int", lambda a: shown(a.follow_ups_open)),
        (_("Referrals made"), "int", lambda a: shown(a.referrals_made)),
        (_("Referrals completed"), "int", lambda a: shown(a.referrals_completed)),
        (_("Activities"), "int", lambda a: a.activities),
        (_("Attendance"), "int", lambda a: a.attendance),
        (_("Campaigns active"), "int", lambda a: a.campaigns_active),
    ]
    for status, label in CoverageStatus.choices:
        columns.append(
            (
                _("Days: %(status)s") % {"status": label},
                "int",
                lambda a, status=status: a.coverage_days.get(status, 0),
            )
        )
    return columns


def _sector_columns(wb: ReportWorkbook):
    """[(group header, [(header, cell kind, value of an area)])] of the summary's table of sectors."""

    def calls(cls):
        return lambda a: a.calls[cls].count

    def comparison(cls, attribute):
        return lambda a: change_percent(getattr(a.calls[cls], attribute))

    def mark(cls, attribute):
        return lambda a: change_mark(getattr(a.calls[cls], attribute))

    def with_comparisons(cls):
        members = [(_("Calls"), "int", calls(cls))]
        for attribute, header in (
            ("previous_month", _("% vs previous month")),
            ("same_month_last_year", _("% vs same month last year")),
            ("baseline", _("% vs baseline")),
        ):
            members.append((header, "percent", comparison(cls, attribute)))
            members.append((MARK_HEADER, "mark", mark(cls, attribute)))
        return members

    def code(area):
        return _("Total") if area.kind == "total" else area.code

    def name(area):
        return wb.scope_name if area.kind == "total" else area.name

    others = other_columns(wb)
    return [
        ("", [(_("Sector"), "text", code), (_("Name"), "text", name)]),
        (_("911 calls — all"), with_comparisons("total")),
        (_("911 calls — urgent"), [(_("Calls"), "int", calls("urgent"))]),
        (_("911 calls — non-urgent"), with_comparisons("non_urgent")),
        (_("Contacts"), others[:3]),
        (_("Referrals"), others[3:5]),
        (_("Outreach"), others[5:8]),
        (_("Coverage (days)"), [(label, kind, get) for label, kind, get in _coverage_columns()]),
    ]


def _coverage_columns():
    return [
        (label, "int", lambda a, status=status: a.coverage_days.get(status, 0))
        for status, label in CoverageStatus.choices
    ]

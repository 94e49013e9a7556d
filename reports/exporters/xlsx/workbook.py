"""What every sheet of the workbook shares: the report, the cell formats, the words at the top of each sheet
(title, when it was made, the notes on small counts and significance) and the page setup."""

from __future__ import annotations

import xlsxwriter
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ...selectors import WITHHELD_MARK, MonthlyReport
from .cells import FALL, RISE, CellFormats, Sheet


class ReportWorkbook:
    """The workbook being written for one report, in the language active when it is made."""

    def __init__(self, report: MonthlyReport, book: xlsxwriter.Workbook, language: str):
        self.report = report
        self.book = book
        self.language = language
        self.fmt = CellFormats(book)
        territory = report.scope.kind == "territory"
        self.scope_name = _("Whole territory") if territory else report.scope_name
        self.month_name = formats.date_format(report.month, "YEAR_MONTH_FORMAT")
        self.generated = formats.date_format(timezone.localtime(timezone.now()), "DATETIME_FORMAT")
        self.small_note = " ".join(
            (
                _("Counts from contact data below %(n)s are shown as “< %(n)s”.") % {"n": report.threshold},
                _("“%(mark)s”: a count withheld so that a hidden one cannot be worked out by subtraction.")
                % {"mark": WITHHELD_MARK},
            )
        )
        self.mark_note = _(
            "%(rise)s / %(fall)s: significant rise / fall (exact Poisson test, p < 0.05); no mark: a change "
            "that chance alone could produce. Baseline: mean monthly calls in the 12 months before the "
            "programme started."
        ) % {"rise": RISE, "fall": FALL}

    def title(self, sheet: Sheet, title: str, subtitle: str = "") -> int:
        """Title, subtitle and notes at the top of a sheet; the next free row."""
        sheet.text(0, 0, title, self.fmt.title)
        subtitle = subtitle or " — ".join([settings.SERVICE_NAME, _("Monthly report"), self.month_name])
        sheet.text(1, 0, subtitle, self.fmt.subtitle)
        sheet.text(2, 0, _("Generated: %(when)s") % {"when": self.generated}, self.fmt.note)
        sheet.text(3, 0, self.small_note, self.fmt.note)
        sheet.text(4, 0, self.mark_note, self.fmt.note)
        return 6

    @staticmethod
    def page(sheet: Sheet, header_row: int) -> None:
        ws = sheet.ws
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row)

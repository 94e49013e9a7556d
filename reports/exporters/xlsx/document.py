"""The workbook put together: its sheets in order (Summary, Trend, one per sector) and its properties."""

from __future__ import annotations

import io

import xlsxwriter
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from ...selectors import MonthlyReport
from .cells import Sheet, safe_sheet_name
from .sector import sector_sheet
from .summary import summary_sheet
from .trend import trend_sheet
from .workbook import ReportWorkbook


def _write(wb: ReportWorkbook) -> None:
    used = {"history"}
    summary_name = safe_sheet_name(_("Summary"), used, fallback="Summary")
    trend_name = safe_sheet_name(_("Trend"), used, fallback="Trend")
    summary = Sheet(wb.book.add_worksheet(summary_name), wb.fmt)
    trend = Sheet(wb.book.add_worksheet(trend_name), wb.fmt)
    summary_sheet(wb, summary)
    trend_sheet(wb, trend, trend_name)
    for area in wb.report.sectors:
        name = safe_sheet_name(area.code, used)
        sector_sheet(wb, Sheet(wb.book.add_worksheet(name), wb.fmt), name, area)
    summary.ws.activate()
    _properties(wb)


def _properties(wb: ReportWorkbook) -> None:
    title = " — ".join([settings.SERVICE_NAME, _("Monthly report"), wb.scope_name, wb.month_name])
    wb.book.set_properties(
        {
            "title": title,
            "subject": _("Monthly report: %(scope)s, %(month)s")
            % {
                "scope": wb.scope_name,
                "month": wb.month_name,
            },
            "author": settings.SERVICE_NAME,
            "company": settings.SERVICE_NAME,
            "category": _("Monthly report"),
            "keywords": _("911 calls, contacts, referrals, outreach, coverage"),
            "comments": f"{wb.small_note} {wb.mark_note}",
        }
    )
    wb.book.set_custom_property("Language", wb.language)
    wb.book.set_custom_property("Month", wb.report.month.strftime("%Y-%m"))


def report_xlsx(report: MonthlyReport, *, language: str) -> bytes:
    """The report as the bytes of an XLSX workbook, every text in `language` ("fr" or "en")."""
    buffer = io.BytesIO()
    with translation.override(language):
        book = xlsxwriter.Workbook(
            buffer,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        _write(ReportWorkbook(report, book, language))
        book.close()
    return buffer.getvalue()

"""The monthly report written out: CSV (tidy), XLSX (a formatted workbook) and PDF (a printable briefing).

Every format is drawn from the same `reports.selectors.MonthlyReport`, in the language asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ExportFormat:
    code: str
    label: object  # lazy text
    content_type: str
    extension: str


FORMATS = {
    "csv": ExportFormat("csv", _("CSV (tidy data)"), "text/csv; charset=utf-8", "csv"),
    "xlsx": ExportFormat(
        "xlsx",
        _("XLSX workbook"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "pdf": ExportFormat("pdf", _("PDF briefing"), "application/pdf", "pdf"),
}


def render(report, *, fmt: str, language: str) -> bytes:
    """The report as the bytes of a file in format `fmt` ("csv", "xlsx" or "pdf"), in `language`."""
    if fmt == "csv":
        from .csv import report_csv

        return report_csv(report, language=language)
    if fmt == "xlsx":
        from .xlsx import report_xlsx

        return report_xlsx(report, language=language)
    if fmt == "pdf":
        from .pdf import report_pdf

        return report_pdf(report, language=language)
    raise ValueError(f"unknown report format {fmt!r}")

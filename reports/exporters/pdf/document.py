"""The briefing put together: its sections in order on A4 pages, each with "Page X of Y" and the title.

Built with `invariant=1` (no creation time, no random document id): the same data and generation date give the
same bytes.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from io import BytesIO

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from ...selectors import MonthlyReport
from .key_figures import header, key_activity, key_calls
from .layout import GREY, MARGIN, PAGE_W, RULE, paragraph_styles
from .notes import notes
from .tables import details, sector_table
from .text import FONT, area_values, clean, month_name, register_fonts, scope_name
from .trends import map_section, trend_section


def _title(report: MonthlyReport) -> str:
    return clean(f"{_('Monthly report')} — {scope_name(report)} — {month_name(report.month)}")


class _NumberedCanvas(Canvas):
    """Draws "Page X of Y" and the report's title on every page, once the number of pages is known."""

    def __init__(self, *args, footer: str = "", page_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer, self._page_text, self._pages = footer, page_text, []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        count = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.saveState()
            self.setFont(FONT, 7)
            self.setFillColor(GREY)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.4)
            self.line(MARGIN, 11 * mm, PAGE_W - MARGIN, 11 * mm)
            self.drawString(MARGIN, 7.5 * mm, self._footer)
            self.drawRightString(PAGE_W - MARGIN, 7.5 * mm, self._page_text(self._pageNumber, count))
            self.restoreState()
            super().showPage()
        super().save()


def report_pdf(report: MonthlyReport, *, language: str, generated_on: date | None = None) -> bytes:
    """The report as a PDF briefing (bytes) in `language` ("fr" or "en"). `generated_on`: the date printed
    (default: today in the service's time zone)."""
    register_fonts()
    with translation.override(language):
        generated_on = generated_on or timezone.localdate()
        styles = paragraph_styles()
        title = _title(report)
        story = [
            *header(report, styles, generated_on),
            *key_calls(report, styles),
            *key_activity(report, area_values(report, report.total), styles),
            *map_section(report, styles),
            *trend_section(report, styles),
            *sector_table(report, styles),
            *details(report, styles),
            *notes(report, styles),
        ]
        out = BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=16 * mm,
            title=title,
            author=settings.SERVICE_NAME,
            subject=clean(
                _("911 calls, contacts, referrals, outreach and coverage for %(month)s")
                % {"month": month_name(report.month)}
            ),
            creator=settings.SERVICE_NAME,
            lang=language,
            invariant=1,
        )
        doc.build(story, canvasmaker=partial(_NumberedCanvas, footer=title, page_text=_page_text))
    return out.getvalue()


def _page_text(number: int, count: int) -> str:
    return clean(_("Page %(number)s of %(count)s") % {"number": number, "count": count})

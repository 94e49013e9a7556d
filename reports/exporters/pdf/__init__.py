"""The monthly report as a printable PDF briefing (A4 portrait) for a unit's management, in French or English.

In order: the header (service, title, scope, month, generation date); the key figures of the scope's total (911
calls by urgency against the previous month, the same month last year and the pre-programme baseline, year to
date; contacts, referrals, outreach, coverage); a map of the sectors coloured by the change in non-urgent calls
against the same month last year; the 13-month trend as a chart and as a table; one row per sector; the detail
of contacts and referrals for the total; notes on reading the figures. Each page has "Page X of Y" and the title.

One module per part: `text` (the font and how numbers and words are written), `layout` (page, colours,
styles, table grid), `key_figures`, `trends` (the map and the trend, drawn by the language-free
`map_drawing` and `chart_drawing`), `tables` (sectors and detail), `notes`, and `document`, which puts them
together. Counts drawn from contact data go through `MonthlyReport.shown` (via csv.area_rows), so no true
small count is ever written.

Built with `invariant=1` (no creation time, no random document id): the same data and generation date give the
same bytes.
"""

from .document import report_pdf

__all__ = ["report_pdf"]

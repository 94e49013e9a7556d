"""The monthly report as a formatted XLSX workbook, for analysts to send on to management.

Sheets, in this order:

* Summary: title, when the file was made, the notes on small counts and significance; the scope's 911 calls
  with their comparisons (previous month, same month last year, baseline monthly mean, year to date) and its
  other key figures; then one row per sector (and the scope's total), frozen header and autofilter
  (`summary`);
* Trend: the scope's calls over the 13 months up to the report's month, and a line chart of them (`trend`);
* one sheet per sector of the scope, named after its code: its figures as the CSV gives them
  (`csv.area_rows`, grouped by section), its own 13-month table and chart (`sector`).

`cells` writes every cell, `workbook` holds what the sheets share, `document` puts the sheets together.

Numbers are written as numbers (a fall is a negative percentage, not text); percentages are real percentages
("0.0%" format), rounded to 0.1 % as in the CSV. Counts drawn from contact data come through
`MonthlyReport.shown`: "< 5" is a text cell and the true count is written nowhere (no hidden cell, comment
or chart data: the charts show calls only). Text from people (sector names, codes) is written with
`write_string` and the workbook never turns text into formulas or links, so `=HYPERLINK(…)` stays text.
"""

from .cells import safe_sheet_name
from .document import report_xlsx

__all__ = ["report_xlsx", "safe_sheet_name"]

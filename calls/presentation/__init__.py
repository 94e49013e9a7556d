"""How the analysts' pages show the call deltas (calls.analysis_views only renders what these modules build).

* `filters` — the page's filters, read from the query string and written back into links.
* `formatting` — numbers, p-values and months for the reader's language.
* `table` — the sortable table of sectors and its column headers.
* `maps` — the choropleth's colour classes, tooltips and labels.
* `chart` — the sector page's line chart, as coordinates for inline SVG.
* `exports` — the same figures as CSV rows, unformatted, and the CSV response.
"""

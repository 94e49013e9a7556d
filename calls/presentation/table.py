"""The analysts' table of sectors: each row's cells, formatted for the reader, and the column headers that sort it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from ..selectors import Delta, MonthPoint, SectorDelta
from .filters import Filters
from .formatting import month_label, number, p_value_text, trimmed
from .sorting import COMPARISON_COLUMNS, SORT_KEYS


def _mark(delta: Delta) -> str:
    if delta.is_noise:
        return "noise"
    return "up" if delta.absolute_change > 0 else "down"


def comparison_cell(delta: Delta | None) -> dict:
    """What the table shows for one comparison of one row."""
    if delta is None:
        return {"delta": None}
    return {
        "delta": delta,
        "reference": number(delta.reference_mean, trimmed(delta.reference_mean)),
        "change": number(delta.absolute_change, trimmed(delta.absolute_change), signed=True),
        "percent": None
        if delta.percent_change is None
        else number(delta.percent_change, 1, signed=True) + "\u00a0%",
        "mark": _mark(delta),
        "p_value": p_value_text(delta.p_value),
    }


def no_data() -> str:
    """What a figure of a month no import observed reads: never a zero."""
    return gettext("no data")


def table_row(row: SectorDelta) -> dict:
    return {
        "row": row,
        "url": reverse("staff:call-analysis-sector", kwargs={"code": row.code})
        if row.kind == "sector"
        else None,
        "count": no_data() if row.count is None else number(row.count),
        "rate": number(row.rate_per_thousand, 2),
        "comparisons": [comparison_cell(getattr(row, attribute)) for _k, attribute, _h in COMPARISON_COLUMNS],
    }


COLUMN_LABELS = {
    "code": gettext_lazy("Code"),
    "name": gettext_lazy("Name"),
    "count": gettext_lazy("Calls"),
    "rate": gettext_lazy("Calls per 1,000 residents"),
    "ref": pgettext_lazy("what calls are compared with", "Reference"),
    "change": pgettext_lazy("difference in calls", "Change"),
    # xgettext:no-python-format (a plain percent sign, never formatted)
    "pct": gettext_lazy("% change"),
    "p": gettext_lazy("Significance"),
}


def header_cells(filters: Filters, base_url: str | None) -> list[dict]:
    """The table's column headers. With `base_url`, each is a link that sorts by its column (ascending first,
    then the other way) and the sorted one carries aria-sort."""
    cells = []
    for column in SORT_KEYS:
        part = column.rsplit("_", 1)[-1] if "_" in column else column
        current = column == filters.sort
        cell = {
            "column": column,
            "label": COLUMN_LABELS[part],
            "numeric": part not in ("code", "name", "p"),
            "group": part == "ref",
            "aria_sort": None,
            "url": None,
        }
        if base_url is not None:
            descending_next = current and not filters.descending
            cell["url"] = f"{base_url}?{filters.query(sort=('-' if descending_next else '') + column)}"
            if current:
                cell["aria_sort"] = "descending" if filters.descending else "ascending"
        cells.append(cell)
    return cells


def series_rows(points: list[MonthPoint]) -> list[dict]:
    """The sector page's table of its months, beside the chart: each month and its counts, formatted."""
    return [
        {
            "point": point,
            "label": month_label(point.month),
            "cells": [
                number(point.urgent),
                number(point.non_urgent),
                number(point.other),
                number(point.total),
            ]
            if point.observed
            else [no_data()] * 4,
        }
        for point in points
    ]

"""The analysts' figures as CSV: the table's rows (same filters, same order) and a sector's months, with numbers
unformatted, and the response that carries them to a spreadsheet."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from beats.models import Sector
from common.spreadsheets import neutralise_cell

from ..selectors import Delta, MonthPoint, SectorDelta
from .sorting import COMPARISON_COLUMNS

Cell = str | int | float | None


def csv_response(header: list[str], rows: list[list[Cell]], filename: str) -> HttpResponse:
    """CSV for a spreadsheet: UTF-8 with a BOM (Excel reads it right). Text cells that a spreadsheet would run as
    a formula are neutralised; numbers are written plainly (a dot for decimals, no grouping), so that −12 stays a
    number: they come from our own arithmetic, never from what someone typed."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for line in [header, *rows]:
        writer.writerow([_cell(cell) for cell in line])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("no booleans in the CSV")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    return neutralise_cell(str(value))


def significance_text(delta: Delta) -> str:
    if delta.is_noise:
        return _("not significant")
    return _("significant")


def kind_text(row: SectorDelta) -> str:
    return {
        "sector": pgettext("row of the calls table", "sector"),
        "unplaced": _("unplaced calls"),
        "total": _("whole territory"),
    }[row.kind]


def table_csv(rows: list[SectorDelta]) -> tuple[list[str], list[list[Cell]]]:
    """The header and lines of the table's CSV, rows in the order given."""
    header = [
        pgettext("CSV column: sector, unplaced calls or whole territory", "Row"),
        _("Code"),
        _("Name"),
        _("Month"),
        _("Calls"),
        _("Calls per 1,000 residents"),
    ]
    for _key, _attribute, heading in COMPARISON_COLUMNS:
        header += [
            _("%(comparison)s: first month") % {"comparison": heading},
            _("%(comparison)s: last month") % {"comparison": heading},
            _("%(comparison)s: reference calls") % {"comparison": heading},
            _("%(comparison)s: reference monthly mean") % {"comparison": heading},
            _("%(comparison)s: change") % {"comparison": heading},
            _("%(comparison)s: %% change") % {"comparison": heading},
            _("%(comparison)s: p-value") % {"comparison": heading},
            _("%(comparison)s: significance") % {"comparison": heading},
        ]
    lines = []
    for row in rows:
        line: list[Cell] = [
            kind_text(row),
            row.code,
            row.name,
            row.month.strftime("%Y-%m"),
            row.count,
            row.rate_per_thousand,
        ]
        for _key, attribute, _heading in COMPARISON_COLUMNS:
            delta = getattr(row, attribute)
            if delta is None:
                line += [""] * 8
                continue
            line += [
                delta.reference_first_month.strftime("%Y-%m"),
                delta.reference_last_month.strftime("%Y-%m"),
                delta.reference_count,
                delta.reference_mean,
                delta.absolute_change,
                delta.percent_change,
                delta.p_value,
                significance_text(delta),
            ]
        lines.append(line)
    return header, lines


def series_csv(sector: Sector, points: list[MonthPoint]) -> tuple[list[str], list[list[Cell]]]:
    """The header and lines of a sector's months."""
    header = [_("Code"), _("Month"), _("Urgent"), _("Non-urgent"), _("Other or not mapped yet"), _("Total")]
    lines: list[list[Cell]] = [
        [sector.code, point.month.strftime("%Y-%m"), point.urgent, point.non_urgent, point.other, point.total]
        for point in points
    ]
    return header, lines

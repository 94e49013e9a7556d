"""The order of the analysts' table: its sortable columns, the sort parameter, and the rows in that order."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy

from ..selectors import SectorDelta

# (key in the sort parameter, SectorDelta attribute, heading)
COMPARISON_COLUMNS = (
    ("prev", "previous_month", gettext_lazy("Previous month")),
    ("year", "same_month_last_year", gettext_lazy("Same month last year")),
    ("base", "baseline", gettext_lazy("Pre-programme baseline")),
)
DEFAULT_SORT = "code"

SortKey = Callable[[SectorDelta], object]


def _delta_value(attribute: str, field: str) -> SortKey:
    def value(row: SectorDelta) -> float | None:
        delta = getattr(row, attribute)
        return None if delta is None else getattr(delta, field)

    return value


SORT_KEYS: dict[str, SortKey] = {
    "code": lambda row: row.code,
    "name": lambda row: row.name.casefold(),
    "count": lambda row: row.count,
    "rate": lambda row: row.rate_per_thousand,
}
for _key, _attribute, _heading in COMPARISON_COLUMNS:
    SORT_KEYS[f"{_key}_ref"] = _delta_value(_attribute, "reference_mean")
    SORT_KEYS[f"{_key}_change"] = _delta_value(_attribute, "absolute_change")
    SORT_KEYS[f"{_key}_pct"] = _delta_value(_attribute, "percent_change")
    SORT_KEYS[f"{_key}_p"] = _delta_value(_attribute, "p_value")


def parse_sort(value: str | None) -> tuple[str, bool]:
    """The sort parameter ("count", "-year_pct") as (column, descending); an unknown one is the default."""
    value = (value or "").strip()
    descending = value.startswith("-")
    column = value.lstrip("-")
    if column not in SORT_KEYS:
        return DEFAULT_SORT, False
    return column, descending


def sort_rows(rows: list[SectorDelta], column: str, descending: bool) -> list[SectorDelta]:
    """Sectors by `column` (rows without a value last, in either direction; ties by code), then the unplaced
    calls and the whole territory, which stay at the bottom."""
    sectors = sorted((row for row in rows if row.kind == "sector"), key=lambda row: row.code)
    key = SORT_KEYS[column]
    with_value = [row for row in sectors if key(row) is not None]
    without = [row for row in sectors if key(row) is None]
    with_value.sort(key=key, reverse=descending)
    others = [row for row in rows if row.kind == "unplaced"] + [row for row in rows if row.kind == "total"]
    return with_value + without + others

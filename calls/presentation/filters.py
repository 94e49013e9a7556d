"""The analysts' filters: read from the query string (a bad or missing value is its default), and written
back into the links of the page, so that a link keeps what is on screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.http import QueryDict

from ..forms import COMPARISONS, DEFAULT_BASELINE_MONTHS, CallAnalysisForm
from ..models import CallCategory
from ..selectors import default_analysis_month
from .sorting import parse_sort


@dataclass(frozen=True)
class Filters:
    month: date
    urgency: str
    category: CallCategory | None
    baseline_months: int
    map: str
    sort: str
    descending: bool

    def query(self, **changes: object) -> str:
        """The query string of these filters (with `changes`), for links that keep what is on screen."""
        values = {
            "month": self.month.strftime("%Y-%m"),
            "urgency": self.urgency,
            "category": self.category.pk if self.category else "",
            "baseline_months": self.baseline_months,
            "map": self.map,
            "sort": ("-" if self.descending else "") + self.sort,
        }
        values.update(changes)
        return urlencode({name: value for name, value in values.items() if value not in ("", None)})


def read_filters(query: QueryDict) -> tuple[CallAnalysisForm, Filters]:
    """The GET filters. A missing value is its default (shown in the form as if chosen); a bad one is its
    default too, and the form keeps the error to show beside what was typed."""
    data = query.copy()
    defaults = {"baseline_months": str(DEFAULT_BASELINE_MONTHS), "map": COMPARISONS[0][0]}
    for name, value in defaults.items():
        if not data.get(name):
            data[name] = value
    if not data.get("month"):
        data["month"] = f"{default_analysis_month():%Y-%m}"
    form = CallAnalysisForm(data)
    form.is_valid()
    cleaned = form.cleaned_data
    sort, descending = parse_sort(query.get("sort"))
    filters = Filters(
        month=cleaned.get("month") or default_analysis_month(),
        urgency=cleaned.get("urgency") or "",
        category=cleaned.get("category"),
        baseline_months=cleaned.get("baseline_months") or DEFAULT_BASELINE_MONTHS,
        map=cleaned.get("map") or COMPARISONS[0][0],
        sort=sort,
        descending=descending,
    )
    return form, filters

"""What a monthly report holds: its scope, each area's figures and the report itself, with the rule for
writing a small count (`MonthlyReport.shown`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from calls.selectors import Delta, MonthPoint
from calls.statistics import CountComparison

ScopeKind = Literal["territory", "municipality", "sector"]
CALL_CLASSES = ("total", "urgent", "non_urgent")
WITHHELD_MARK = "x"


class Withheld(int):
    """A count withheld so that a small one next to it cannot be worked out by subtraction. It stays the
    true number for sums (int arithmetic returns plain ints); only `MonthlyReport.shown` writes it "x"."""

    __slots__ = ()


TREND_MONTHS = 13
SOCIAL_WORKER = "social_worker"


@dataclass(frozen=True, slots=True)
class Scope:
    """The whole territory, one municipality (by name) or one sector (by code)."""

    kind: ScopeKind
    code: str = ""

    @classmethod
    def territory(cls) -> Scope:
        return cls("territory")

    @classmethod
    def municipality(cls, name: str) -> Scope:
        return cls("municipality", name)

    @classmethod
    def sector(cls, code: str) -> Scope:
        return cls("sector", code)


@dataclass(frozen=True, slots=True)
class CallFigures:
    """One urgency class (or all calls) for the month, with its comparisons (None: no data to compare with).
    The count is None when no import observed the month, the year to date when one of its months is missing
    (calls.observed): no data, never zero."""

    count: int | None
    previous_month: Delta | None
    same_month_last_year: Delta | None
    baseline: Delta | None
    year_to_date: int | None
    last_year_to_date: int | None
    year_to_date_comparison: CountComparison | None


@dataclass(frozen=True, slots=True)
class ReferralFigures:
    made: int = 0
    completed: int = 0


@dataclass(slots=True)
class AreaFigures:
    """A sector's figures, or the scope's total (`kind` "total")."""

    kind: Literal["sector", "total"]
    code: str
    name: str
    calls: dict[str, CallFigures] = field(default_factory=dict)  # keys: CALL_CLASSES
    contacts: int = 0
    contacts_avoided_911: int = 0
    follow_ups_open: int = 0
    contacts_by_channel: dict[str, int] = field(default_factory=dict)
    contacts_by_category: dict[str, int] = field(default_factory=dict)
    # Per partner type (contacts.models.PartnerType value), or SOCIAL_WORKER for the service's own.
    referrals: dict[str, ReferralFigures] = field(default_factory=dict)
    # Over every type: stored (not summed when written) so that a total can be withheld like any count.
    referrals_made: int = 0
    referrals_completed: int = 0
    activities: int = 0
    attendance: int = 0
    campaigns_active: int = 0
    coverage_days: dict[str, int] = field(default_factory=dict)  # keys: CoverageStatus values
    # The 13 months up to the report's month, oldest first (urgent, non-urgent, other; .total).
    trend: list[MonthPoint] = field(default_factory=list)
    # A sector's boundary, simplified for drawing (GeoJSON Polygon or MultiPolygon, WGS84); None for totals.
    geometry: dict | None = None


@dataclass(slots=True)
class MonthlyReport:
    month: date
    scope: Scope
    scope_name: str
    threshold: int
    sectors: list[AreaFigures]
    total: AreaFigures
    categories: dict[str, tuple[str, str]]  # slug → (French name, English name), in display order

    def shown(self, count: int) -> int | str:
        """A count drawn from contact data as it may be shown: "< 5" for 1 to 4 (the threshold - 1), "x" when
        withheld to protect such a count (see `withhold_complements`).

        Zero is shown: it singles nobody out."""
        if isinstance(count, Withheld):
            return WITHHELD_MARK
        if 0 < count < self.threshold:
            return f"< {self.threshold}"
        return count


# An area's figures while the report is built: by sector id, and the scope's total under "total".
Areas = dict[int | str, AreaFigures]

"""The monthly report's figures, for the whole territory, a municipality or a sector.

Read from stored aggregates and the other apps' selectors, never from the raw calls:

* 911 calls (`call_figures`): calls.selectors.sector_deltas (previous month, same month last year, pre-programme baseline, with
  the significance of calls.statistics) over MonthlyCallCount, and one more read of MonthlyCallCount for the
  year to date;
* contacts and referrals (`contact_figures`): grouped counts of contacts.models (no free text, no identity). "Follow-ups open" are
  the month's contacts whose follow-up is not done when the report is built (the model keeps no date for
  "done"); referrals are counted per partner type (contacts.models.PartnerType), the social worker apart;
* outreach (`outreach_figures`): activities that started in the month and campaigns running in it (outreach.models);
* coverage (`coverage_figures`): officers.selectors.coverage_between, day by day.

What each total covers:

* a sector row: what is recorded for the sector;
* the territory total: everything, including unplaced calls, sectors since deactivated and activities aimed
  at no sector (that is why it can exceed the sum of the sector rows);
* a municipality total: the sum over its active sectors. Its calls have no baseline comparison unless every
  sector shares the same baseline window (their programmes may have started on different dates).

Numbers are true counts here. Small counts drawn from contact data are hidden only when written out
(`MonthlyReport.shown`): totals are the sums of the true counts, never of the hidden ones. A hidden count
must not be found again by subtraction (a total minus the parts shown), so where a group of counts adds up to
a shown total and exactly one of them is hidden, a second one is withheld too (`withhold_complements`: the
classic complementary suppression of statistical agencies, in `small_counts`), and written "x".

`figures` holds what a report is made of, `report` puts it together (`monthly_report`).
"""

from .figures import (
    CALL_CLASSES,
    SOCIAL_WORKER,
    TREND_MONTHS,
    WITHHELD_MARK,
    AreaFigures,
    CallFigures,
    MonthlyReport,
    ReferralFigures,
    Scope,
    ScopeKind,
    Withheld,
)
from .report import monthly_report
from .small_counts import withhold_complements

__all__ = [
    "CALL_CLASSES",
    "SOCIAL_WORKER",
    "TREND_MONTHS",
    "WITHHELD_MARK",
    "AreaFigures",
    "CallFigures",
    "MonthlyReport",
    "ReferralFigures",
    "Scope",
    "ScopeKind",
    "Withheld",
    "monthly_report",
    "withhold_complements",
]

"""The evaluation's input (a sector × month panel of observed months), its errors, and the stacked design.

A month is in a sector's `counts` only when it was observed (an import covered it); an absent month is *no
data*, never a zero, so nothing here fills the calendar. The stacked design builds one sub-experiment per start
cohort (the sectors that started in the same month): that cohort's sectors and the sectors not treated by the
end of its window (never in the programme, or starting later), over the months −12 … +24 around the start.
Sectors already treated are never controls, which is what a single two-way fixed-effects regression over
staggered starts gets wrong (it compares late starters with early ones and can even flip the sign).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

WINDOW_BEFORE = 12  # months before the start in each sub-experiment (relative months −12 … −1)
WINDOW_AFTER = 24  # months from the start (relative months 0 … +24)
# A programme sector needs this many observed months on each side of its start: fewer, and its "before" or
# "after" rests on a season's fragment (6 months still spans half the year on each side).
MIN_MONTHS_BEFORE = 6
MIN_MONTHS_AFTER = 6


class EvaluationError(ValueError):
    """The evaluation cannot be computed from this panel; str(error) is a translated message for analysts."""

    message = _("The programme cannot be evaluated.")

    def __init__(self, message: str | None = None) -> None:
        # Each subclass says its reason in `message`; one whose reason names the data passes it here.
        if message is not None:
            self.message = message
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


class NoProgrammeSector(EvaluationError):
    message = _("No sector has a programme start date: there is nothing to evaluate.")


class NoComparisonSector(EvaluationError):
    message = _(
        "No comparison sector has observed months around the programme starts: the effect cannot be estimated."
    )


class TooFewObservedMonths(EvaluationError):
    message = _(
        "No programme sector has at least 6 observed months before and 6 observed months after its start."
    )


class NoCalls(EvaluationError):
    message = _("There are no calls of this kind in these sectors and months: there is nothing to evaluate.")


class ModelDidNotConverge(EvaluationError):
    message = _("The count model did not converge on these data: no effect can be given.")


@dataclass(frozen=True)
class SectorSeries:
    """One sector's observed months: `counts` maps a month (its first day) to that month's number of calls.

    `start` is the programme start month (first day), None for a sector never in the programme.
    """

    code: str
    start: date | None
    counts: Mapping[date, int]


@dataclass(frozen=True)
class EvaluationPanel:
    """Every sector of the territory with its observed months, and which sectors border which (by code)."""

    sectors: tuple[SectorSeries, ...]
    neighbours: Mapping[str, frozenset[str]] = field(default_factory=dict)


def month_index(month: date) -> int:
    """Months counted from year 0, so that a difference of two indexes is a number of months."""
    return month.year * 12 + month.month - 1


@dataclass(frozen=True)
class Stack:
    """The stacked sub-experiments as aligned arrays, one row per observed sector-month of a sub-experiment.

    `sector_fe` numbers cohort × sector (the cohort-specific sector fixed effects), `month_fe` cohort ×
    relative month (the cohort-specific calendar-month effects: within a cohort a relative month is one
    calendar month), `cluster` the sector across sub-experiments (errors are clustered by sector).
    `sector_code` is the row's sector, `treated_code` the same for programme sectors and "" for controls,
    `cohort_start` the month index (month_index) of the row's sub-experiment's start.
    """

    counts: np.ndarray
    sector_fe: np.ndarray
    month_fe: np.ndarray
    cluster: np.ndarray
    treated: np.ndarray
    relative_month: np.ndarray
    sector_code: np.ndarray
    treated_code: np.ndarray
    cohort_start: np.ndarray
    treated_codes: tuple[str, ...]
    comparison_codes: tuple[str, ...]
    first_month: date
    last_month: date
    warnings: tuple[str, ...]


def comparison_pool(panel: EvaluationPanel, *, exclude_neighbours: bool) -> list[SectorSeries]:
    """The sectors never in the programme, less those bordering a programme sector when asked (spillover)."""
    programme = {sector.code for sector in panel.sectors if sector.start is not None}
    bordering = {code for code in programme for code in panel.neighbours.get(code, frozenset())}
    return [
        sector
        for sector in panel.sectors
        if sector.start is None and not (exclude_neighbours and sector.code in bordering)
    ]


def build_stack(panel: EvaluationPanel, *, exclude_neighbours: bool = False) -> Stack:
    """The stacked sub-experiments of `panel` (see the module docstring), or the EvaluationError that applies.

    Programme sectors with too few observed months around their start are left out, with a warning naming
    them; a cohort whose window no control observed is left out the same way.
    """
    programme = [sector for sector in panel.sectors if sector.start is not None]
    if not programme:
        raise NoProgrammeSector
    pool = comparison_pool(panel, exclude_neighbours=exclude_neighbours)
    warnings: list[str] = []
    kept, short = [], []
    for sector in programme:
        relative = [month_index(month) - month_index(sector.start) for month in sector.counts]
        before = sum(1 for r in relative if -WINDOW_BEFORE <= r < 0)
        after = sum(1 for r in relative if 0 <= r <= WINDOW_AFTER)
        (kept if before >= MIN_MONTHS_BEFORE and after >= MIN_MONTHS_AFTER else short).append(sector)
    if short:
        warnings.append(
            gettext("Left out for lack of observed months around their start: %(codes)s.")
            % {"codes": ", ".join(sorted(sector.code for sector in short))}
        )
    if not kept:
        raise TooFewObservedMonths
    cohorts: dict[int, list[SectorSeries]] = {}
    for sector in kept:
        cohorts.setdefault(month_index(sector.start), []).append(sector)
    rows: list[tuple[int, int, int, int, int, int, str, date, str, int]] = []
    positions = {sector.code: index for index, sector in enumerate(panel.sectors)}
    clusters: dict[str, int] = {}
    used_treated: set[str] = set()
    used_controls: set[str] = set()
    cohort_number = 0
    for start in sorted(cohorts):
        controls = list(pool) + [
            sector for sector in programme if month_index(sector.start) > start + WINDOW_AFTER
        ]
        cohort_rows = []
        control_seen = set()
        for sector, is_treated in [(s, True) for s in cohorts[start]] + [(s, False) for s in controls]:
            sector_fe = cohort_number * len(panel.sectors) + positions[sector.code]
            cluster = clusters.setdefault(sector.code, len(clusters))
            for month, count in sector.counts.items():
                if count < 0:
                    raise ValueError("a count cannot be negative")
                relative = month_index(month) - start
                if -WINDOW_BEFORE <= relative <= WINDOW_AFTER:
                    month_fe = cohort_number * (WINDOW_BEFORE + WINDOW_AFTER + 1) + relative + WINDOW_BEFORE
                    code = sector.code if is_treated else ""
                    cohort_rows.append(
                        (
                            count,
                            sector_fe,
                            month_fe,
                            cluster,
                            int(is_treated),
                            relative,
                            code,
                            month,
                            sector.code,
                            start,
                        )
                    )
                    if not is_treated:
                        control_seen.add(sector.code)
        if not control_seen:
            warnings.append(
                gettext("Left out for lack of comparison sectors observed around their start: %(codes)s.")
                % {"codes": ", ".join(sorted(sector.code for sector in cohorts[start]))}
            )
            continue
        used_controls |= control_seen
        used_treated |= {sector.code for sector in cohorts[start]}
        rows.extend(cohort_rows)
        cohort_number += 1
    if not rows:
        raise NoComparisonSector
    columns = list(zip(*rows, strict=True))
    months = columns[7]
    return Stack(
        counts=np.asarray(columns[0], dtype=float),
        sector_fe=_dense(np.asarray(columns[1])),
        month_fe=_dense(np.asarray(columns[2])),
        cluster=np.asarray(columns[3]),
        treated=np.asarray(columns[4], dtype=float),
        relative_month=np.asarray(columns[5]),
        sector_code=np.asarray(columns[8], dtype=object),
        treated_code=np.asarray(columns[6], dtype=object),
        cohort_start=np.asarray(columns[9]),
        treated_codes=tuple(sorted(used_treated)),
        comparison_codes=tuple(sorted(used_controls)),
        first_month=min(months),
        last_month=max(months),
        warnings=tuple(warnings),
    )


def _dense(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0 … k−1 (fixed effects with no row take no column)."""
    return np.unique(labels, return_inverse=True)[1]

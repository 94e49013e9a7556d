"""The arithmetic behind the analysts' figures: changes in call counts, whether a change is real, programme effects.

Pure Python (standard library only): no models, no database. The selectors that read the monthly counts pass
plain numbers in and get small frozen dataclasses back, so the dashboard, the map and the CSV export show the same
figures. docs/statistics.md explains the numbers to analysts in plain words. The exact test that says whether a
change is real is calls.exact_test's.

"Exposure" below is how much time (or population × time) a count was collected over, in any unit as long as the
two sides of a comparison use the same one: a 12-month baseline total has exposure 12 next to a month's count with
exposure 1.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

from .exact_test import checked_count, checked_exposure, exact_poisson_p_value

SIGNIFICANCE_LEVEL = 0.05

Significance = Literal["significant", "not significant"]


def percent_change(current: float, reference: float) -> float | None:
    """How much `current` differs from `reference`, in % of `reference` (+50.0 means half as much again).

    None when the reference is 0: a change from nothing has no percentage ("not defined" on screen), and
    showing +100 % or infinity would be a made-up figure. 0 → 0 is None too.
    """
    if current < 0 or reference < 0:
        raise ValueError("counts and rates cannot be negative")
    if reference == 0:
        return None
    return (current - reference) / reference * 100.0


def rate_per_thousand(count: float, population: float | None) -> float | None:
    """Calls per 1,000 residents, so that sectors of different sizes can be compared.

    None when the population is unknown or 0 (no rate can be given, rather than a misleading 0 or infinity).
    """
    if count < 0:
        raise ValueError("a count cannot be negative")
    if population is None or population == 0:
        return None
    if population < 0:
        raise ValueError("a population cannot be negative")
    return count / population * 1000.0


def baseline_mean(monthly_counts: Sequence[float], months: int) -> float | None:
    """The sector's usual monthly level before its programme started: the mean of the last `months` months.

    `monthly_counts` holds the months *before* the programme start, oldest first, with 0 for a month without
    calls (a missing month is not a zero: the caller fills the calendar). None when fewer than `months` months
    are available: a shorter baseline would be a different figure, and this one does not pretend otherwise.
    """
    if months < 1:
        raise ValueError("a baseline needs at least one month")
    if len(monthly_counts) < months:
        return None
    window = monthly_counts[len(monthly_counts) - months :]
    return math.fsum(window) / months


@dataclass(frozen=True, slots=True)
class CountComparison:
    """A count against a reference (previous month, same month last year, baseline), and whether it is noise.

    Rates are per unit of exposure (per month when exposures are in months). `percent_change` and `rate_ratio`
    are None when the reference is 0. `p_value` comes from the exact test; "significant" means p < 0.05, i.e.
    chance alone would rarely produce a change this large. "+200 %" on 1 → 3 calls is "not significant": noise.
    """

    current: int
    reference: int
    current_exposure: float
    reference_exposure: float
    current_rate: float
    reference_rate: float
    absolute_change: float
    percent_change: float | None
    rate_ratio: float | None
    p_value: float
    significance: Significance

    @property
    def is_noise(self) -> bool:
        return self.significance == "not significant"


def compare_counts(
    current: int, reference: int, *, current_exposure: float = 1.0, reference_exposure: float = 1.0
) -> CountComparison:
    """Compare two call counts, adjusting for how long each was collected over.

    For a baseline, pass the baseline's total count with its number of months as `reference_exposure` (not the
    mean with exposure 1: the test must know that 120 calls over 12 months is firmer evidence than 10 in one).
    `absolute_change` is the difference of the rates (of the counts when both exposures are 1).
    """
    current, reference = checked_count(current), checked_count(reference)
    current_exposure, reference_exposure = (
        checked_exposure(current_exposure),
        checked_exposure(reference_exposure),
    )
    current_rate = current / current_exposure
    reference_rate = reference / reference_exposure
    p_value = exact_poisson_p_value(
        current, reference, a_exposure=current_exposure, b_exposure=reference_exposure
    )
    return CountComparison(
        current=current,
        reference=reference,
        current_exposure=current_exposure,
        reference_exposure=reference_exposure,
        current_rate=current_rate,
        reference_rate=reference_rate,
        absolute_change=current_rate - reference_rate,
        percent_change=percent_change(current_rate, reference_rate),
        rate_ratio=current_rate / reference_rate if reference_rate else None,
        p_value=p_value,
        significance=_significance(p_value),
    )


def compare_to_baseline(
    current: int, monthly_counts_before_start: Sequence[int], months: int, *, current_months: int = 1
) -> CountComparison | None:
    """`current` (over `current_months` months) against the mean of the last `months` months before the start.

    None when fewer than `months` months precede the programme start, as `baseline_mean`.
    """
    if baseline_mean(monthly_counts_before_start, months) is None:
        return None
    window = monthly_counts_before_start[len(monthly_counts_before_start) - months :]
    return compare_counts(
        current,
        sum(checked_count(count) for count in window),
        current_exposure=current_months,
        reference_exposure=months,
    )


@dataclass(frozen=True, slots=True)
class DiDResult:
    """Programme effect by difference-in-differences, as a ratio of rate ratios with its confidence interval.

    `ratio` 0.80 (`percent_effect` -20.0) reads: in programme sectors, calls went down 20 % more than the
    comparison sectors' trend predicted. The interval [ci_low, ci_high] is the range of effects compatible
    with the data: if the study were repeated many times, 95 % of intervals built this way would contain the
    true effect. An interval that contains 1 (0 %) means no effect can be claimed. Counts are the pooled,
    uncorrected sums; the ratios use the corrected counts when `continuity_corrected` is true.
    """

    treated_before: int
    treated_after: int
    control_before: int
    control_after: int
    treated_rate_ratio: float
    control_rate_ratio: float
    ratio: float
    ci_low: float
    ci_high: float
    confidence: float
    percent_effect: float
    percent_ci_low: float
    percent_ci_high: float
    standard_error: float
    p_value: float
    significance: Significance
    continuity_corrected: bool

    @property
    def is_noise(self) -> bool:
        return self.significance == "not significant"


def difference_in_differences(
    treated_before: int | Sequence[int],
    treated_after: int | Sequence[int],
    control_before: int | Sequence[int],
    control_after: int | Sequence[int],
    *,
    treated_before_exposure: float | Sequence[float] = 1.0,
    treated_after_exposure: float | Sequence[float] = 1.0,
    control_before_exposure: float | Sequence[float] = 1.0,
    control_after_exposure: float | Sequence[float] = 1.0,
    confidence: float = 0.95,
) -> DiDResult:
    """How much more calls changed in programme ("treated") sectors than in comparison ("control") sectors.

    Each count is one sector's or a list of sectors' (pooled: counts and exposures summed). An exposure is the
    length of the window (months, or resident-months); a single number applies to every sector of the list.
    The estimate is (treated after / before) ÷ (control after / before), each per unit of exposure; the
    interval and p-value come from the Poisson variance of its logarithm (1/T₀ + 1/T₁ + 1/C₀ + 1/C₁) with a
    normal approximation.

    A zero count makes that variance infinite, so 0.5 is then added to all four counts (Haldane–Anscombe
    correction) and `continuity_corrected` is set: the figure is still given, but it rests on too few calls and
    its very wide interval says so.

    Assumptions, to be stated next to the figure: without the programme both groups would have followed the
    same trend (parallel trends); calls are independent events (Poisson — real monthly counts often vary more,
    which makes this interval too narrow); the programme does not change calls in comparison sectors
    (no spillover, e.g. calls displaced next door).
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    t0, e_t0, t1, e_t1 = _pool_group(
        treated_before, treated_before_exposure, treated_after, treated_after_exposure
    )
    c0, e_c0, c1, e_c1 = _pool_group(
        control_before, control_before_exposure, control_after, control_after_exposure
    )
    corrected = 0 in (t0, t1, c0, c1)
    shift = 0.5 if corrected else 0.0
    treated_ratio = ((t1 + shift) / e_t1) / ((t0 + shift) / e_t0)
    control_ratio = ((c1 + shift) / e_c1) / ((c0 + shift) / e_c0)
    log_ratio = math.log(treated_ratio) - math.log(control_ratio)
    standard_error = math.sqrt(sum(1.0 / (count + shift) for count in (t0, t1, c0, c1)))
    normal = NormalDist()
    z_critical = normal.inv_cdf(0.5 + confidence / 2)
    ci_low = math.exp(log_ratio - z_critical * standard_error)
    ci_high = math.exp(log_ratio + z_critical * standard_error)
    # cdf(-|z|) rather than 1 - cdf(|z|): keeps small p-values instead of rounding them to 0.
    p_value = min(1.0, 2.0 * normal.cdf(-abs(log_ratio) / standard_error))
    ratio = math.exp(log_ratio)
    return DiDResult(
        treated_before=t0,
        treated_after=t1,
        control_before=c0,
        control_after=c1,
        treated_rate_ratio=treated_ratio,
        control_rate_ratio=control_ratio,
        ratio=ratio,
        ci_low=ci_low,
        ci_high=ci_high,
        confidence=confidence,
        percent_effect=(ratio - 1.0) * 100.0,
        percent_ci_low=(ci_low - 1.0) * 100.0,
        percent_ci_high=(ci_high - 1.0) * 100.0,
        standard_error=standard_error,
        p_value=p_value,
        significance=_significance(p_value),
        continuity_corrected=corrected,
    )


def _significance(p_value: float) -> Significance:
    return "significant" if p_value < SIGNIFICANCE_LEVEL else "not significant"


def _pool(counts: int | Sequence[int], exposure: float | Sequence[float]) -> tuple[int, float, int]:
    """Sum a group's counts and exposures; also return the number of sectors."""
    if isinstance(counts, Sequence):
        if not counts:
            raise ValueError("a group needs at least one sector")
        if isinstance(exposure, Sequence):
            if len(exposure) != len(counts):
                raise ValueError("one exposure per sector, or a single one for all")
            total_exposure = math.fsum(checked_exposure(value) for value in exposure)
        else:
            total_exposure = checked_exposure(exposure) * len(counts)
        return sum(checked_count(count) for count in counts), total_exposure, len(counts)
    if isinstance(exposure, Sequence):
        raise ValueError("a list of exposures needs a list of counts")
    return checked_count(counts), checked_exposure(exposure), 1


def _pool_group(
    before: int | Sequence[int],
    before_exposure: float | Sequence[float],
    after: int | Sequence[int],
    after_exposure: float | Sequence[float],
) -> tuple[int, float, int, float]:
    count_before, exposure_before, sectors_before = _pool(before, before_exposure)
    count_after, exposure_after, sectors_after = _pool(after, after_exposure)
    if sectors_before != sectors_after:
        raise ValueError("a group must list the same sectors before and after")
    return count_before, exposure_before, count_after, exposure_after

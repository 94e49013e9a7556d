"""The arithmetic behind the analysts' figures: changes in call counts, whether a change is real, programme effects.

Pure Python (standard library only): no models, no database. The selectors that read the monthly counts pass
plain numbers in and get small frozen dataclasses back, so the dashboard, the map and the CSV export show the same
figures. docs/statistics.md explains the numbers to analysts in plain words.

"Exposure" below is how much time (or population × time) a count was collected over, in any unit as long as the
two sides of a comparison use the same one: a 12-month baseline total has exposure 12 next to a month's count with
exposure 1.
"""

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np

SIGNIFICANCE_LEVEL = 0.05

Significance = Literal["significant", "not significant"]

# As R's binom.test: outcomes whose probability equals the observed one's up to rounding count as "as extreme".
_RELATIVE_TOLERANCE = 1e-7
# Tail terms are summed relative to the observed outcome's probability (1); below this the rest cannot show.
_NEGLIGIBLE = 1e-17
# Tail terms summed one by one before switching to numpy blocks of _BLOCK_TERMS (see _tail_sum).
_SCALAR_TERMS = 128
_BLOCK_TERMS = 1024


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


def exact_poisson_p_value(a: int, b: int, *, a_exposure: float = 1.0, b_exposure: float = 1.0) -> float:
    """Two-sided p-value of "the two counts come from the same underlying rate" (exact conditional test).

    Given the total n = a + b, the share that falls on the first side follows a binomial law with probability
    a_exposure / (a_exposure + b_exposure) when the rates are equal. The p-value is the probability of all the
    outcomes no more likely than the one observed (R's binom.test, same tolerance). Read it as: "if nothing had
    changed, how often would chance alone give a split at least this lopsided?" — small means the change is real.

    Only the two tails are summed, from log-gamma anchors, so the cost grows with √n, not n (n in the millions
    is fine). A p-value below ~1e-300 is returned as 0.0.
    """
    a, b = _count(a), _count(b)
    a_exposure, b_exposure = _exposure(a_exposure), _exposure(b_exposure)
    n = a + b
    if n == 0:
        return 1.0
    log_total = math.log(a_exposure + b_exposure)
    log_p = math.log(a_exposure) - log_total
    log_q = math.log(b_exposure) - log_total
    log_n_factorial = math.lgamma(n + 1)

    def log_pmf(i: int) -> float:
        return log_n_factorial - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q

    log_observed = log_pmf(a)
    threshold = log_observed + math.log1p(_RELATIVE_TOLERANCE)
    mode = _binomial_mode(n, a_exposure, b_exposure)
    # Probabilities rise up to the mode and fall after it, so the outcomes no more likely than the observed one
    # are a prefix [0, low] and a suffix [high, n]; binary search finds both ends in O(log n).
    low = _last_at_most(log_pmf, threshold, 0, mode)
    high = _first_at_most(log_pmf, threshold, mode, n)
    if low >= high:
        return 1.0
    rho = a_exposure / b_exposure
    total = 0.0
    if low >= 0:
        total += _tail_sum(math.exp(log_pmf(low) - log_observed), low, 0, -1, lambda i: i / (n - i + 1) / rho)
    if high <= n:
        total += _tail_sum(
            math.exp(log_pmf(high) - log_observed), high, n, 1, lambda i: (n - i) / (i + 1) * rho
        )
    log_p_value = log_observed + math.log(total)
    return 0.0 if log_p_value < -745.0 else min(1.0, math.exp(log_p_value))


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
    current, reference = _count(current), _count(reference)
    current_exposure, reference_exposure = _exposure(current_exposure), _exposure(reference_exposure)
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
        sum(_count(count) for count in window),
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


def _count(value: int) -> int:
    if isinstance(value, bool):
        raise TypeError("a count must be an integer, not a boolean")
    count = operator.index(value)  # accepts numpy integers, refuses 2.5
    if count < 0:
        raise ValueError("a count cannot be negative")
    return count


def _exposure(value: float) -> float:
    exposure = float(value)
    if not (math.isfinite(exposure) and exposure > 0):
        raise ValueError("an exposure must be a positive number")
    return exposure


def _pool(counts: int | Sequence[int], exposure: float | Sequence[float]) -> tuple[int, float, int]:
    """Sum a group's counts and exposures; also return the number of sectors."""
    if isinstance(counts, Sequence):
        if not counts:
            raise ValueError("a group needs at least one sector")
        if isinstance(exposure, Sequence):
            if len(exposure) != len(counts):
                raise ValueError("one exposure per sector, or a single one for all")
            total_exposure = math.fsum(_exposure(value) for value in exposure)
        else:
            total_exposure = _exposure(exposure) * len(counts)
        return sum(_count(count) for count in counts), total_exposure, len(counts)
    if isinstance(exposure, Sequence):
        raise ValueError("a list of exposures needs a list of counts")
    return _count(counts), _exposure(exposure), 1


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


def _binomial_mode(n: int, a_exposure: float, b_exposure: float) -> int:
    # P(i) / P(i - 1) = (n - i + 1) / i × a_exposure / b_exposure: probabilities rise while that is ≥ 1.
    mode = min(n, max(0, math.floor((n + 1) * a_exposure / (a_exposure + b_exposure))))
    while mode < n and (n - mode) * a_exposure > (mode + 1) * b_exposure:
        mode += 1
    while mode > 0 and (n - mode + 1) * a_exposure < mode * b_exposure:
        mode -= 1
    return mode


def _last_at_most(log_pmf: Callable[[int], float], threshold: float, start: int, mode: int) -> int:
    """Largest i in [start, mode] with log_pmf(i) <= threshold (log_pmf rises there), or start - 1."""
    if log_pmf(mode) <= threshold:
        return mode
    below, above = start - 1, mode
    while above - below > 1:
        middle = (below + above) // 2
        if log_pmf(middle) <= threshold:
            below = middle
        else:
            above = middle
    return below


def _first_at_most(log_pmf: Callable[[int], float], threshold: float, mode: int, stop: int) -> int:
    """Smallest i in [mode, stop] with log_pmf(i) <= threshold (log_pmf falls there), or stop + 1."""
    if log_pmf(mode) <= threshold:
        return mode
    above, below = mode, stop + 1
    while below - above > 1:
        middle = (above + below) // 2
        if log_pmf(middle) <= threshold:
            below = middle
        else:
            above = middle
    return below


def _tail_sum(term: float, start: int, stop: int, step: int, ratio: Callable) -> float:
    """Sum a tail outwards from `start`, each term `ratio(i)` times the previous, until the rest is negligible.

    `ratio` takes an index or a numpy array of indices. A tail spans a few standard deviations, √n terms: the
    first _SCALAR_TERMS one by one (small counts, the usual case, stay cheap), the rest in numpy blocks, so a
    month of 25,000 calls costs about what a month of 2,500 does.
    """
    total = 0.0
    i = start
    for _ in range(_SCALAR_TERMS):
        total += term
        if i == stop:
            return total
        r = ratio(i)
        # Ratios only shrink further out, so what is left is at most a geometric series.
        if r < 1.0 and term * r / (1.0 - r) <= _NEGLIGIBLE:
            return total
        term *= r
        i += step
    while True:
        last = i + step * (_BLOCK_TERMS - 1)
        if (last - stop) * step > 0:
            last = stop
        indices = np.arange(i, last + step, step, dtype=np.float64)
        terms = term * np.concatenate(([1.0], np.cumprod(ratio(indices[:-1]))))
        total += float(terms.sum())
        if last == stop:
            return total
        term = float(terms[-1])
        r = float(ratio(last))
        if r < 1.0 and term * r / (1.0 - r) <= _NEGLIGIBLE:
            return total
        term *= r
        i = last + step

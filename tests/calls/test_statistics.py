"""The analysts' arithmetic, checked against exact rational enumeration and constructed data (no database)."""

import math
import time
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calls.exact_test import exact_poisson_p_value
from calls.statistics import (
    baseline_mean,
    compare_counts,
    compare_to_baseline,
    difference_in_differences,
    percent_change,
    rate_per_thousand,
)

TOLERANCE = Fraction(1, 10**7)  # R's binom.test relErr - 1


def brute_force_p_value(a: int, b: int, a_exposure: Fraction, b_exposure: Fraction) -> Fraction:
    """The definition, in exact arithmetic: P(all outcomes no more likely than the observed one | n = a + b)."""
    n = a + b
    p = a_exposure / (a_exposure + b_exposure)
    probabilities = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    threshold = probabilities[a] * (1 + TOLERANCE)
    return sum((value for value in probabilities if value <= threshold), Fraction(0))


def linear_p_value(a: int, b: int) -> float:
    """An independent O(n) evaluation (every outcome, log-gamma), for equal exposures."""
    n = a + b
    log_pmf = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) - n * math.log(2)
        for i in range(n + 1)
    ]
    threshold = log_pmf[a] + math.log1p(1e-7)
    return math.fsum(math.exp(value) for value in log_pmf if value <= threshold)


counts = st.integers(min_value=0, max_value=40)
# Exposures as exact binary fractions, so that the float the code sees is the very number the reference uses.
exposures = st.sampled_from(
    [Fraction(1), Fraction(2), Fraction(3), Fraction(12), Fraction(1, 2), Fraction(5, 4)]
)


# percent_change, rate_per_thousand, baseline_mean


def test_percent_change_is_relative_to_the_reference():
    assert percent_change(150, 100) == 50.0
    assert percent_change(3, 1) == 200.0
    assert percent_change(80, 100) == pytest.approx(-20.0)
    assert percent_change(0, 4) == -100.0


def test_percent_change_is_not_defined_from_zero():
    assert percent_change(5, 0) is None
    assert percent_change(0, 0) is None


def test_percent_change_refuses_negative_counts():
    with pytest.raises(ValueError):
        percent_change(-1, 3)


def test_rate_per_thousand_needs_a_population():
    assert rate_per_thousand(25, 5000) == 5.0
    assert rate_per_thousand(25, None) is None
    assert rate_per_thousand(25, 0) is None
    with pytest.raises(ValueError):
        rate_per_thousand(25, -10)


def test_baseline_mean_uses_the_last_months_before_the_start():
    assert baseline_mean([100, 1, 2, 3], 3) == 2.0
    assert baseline_mean([4, 0, 2], 3) == 2.0


def test_baseline_mean_says_when_there_are_not_enough_months():
    assert baseline_mean([1, 2], 3) is None
    assert baseline_mean([], 1) is None
    with pytest.raises(ValueError):
        baseline_mean([1, 2], 0)


# The exact conditional test


@settings(max_examples=400, deadline=None)
@given(a=counts, b=counts, a_exposure=exposures, b_exposure=exposures)
def test_exact_test_matches_brute_force_enumeration(a, b, a_exposure, b_exposure):
    expected = brute_force_p_value(a, b, a_exposure, b_exposure)
    actual = exact_poisson_p_value(a, b, a_exposure=float(a_exposure), b_exposure=float(b_exposure))
    assert actual == pytest.approx(float(expected), rel=1e-9, abs=1e-300)


@pytest.mark.parametrize(
    ("a", "b", "a_exposure", "b_exposure"),
    [(0, 0, 1, 1), (0, 1, 1, 1), (4, 4, 1, 1), (2, 3, 1, 1), (0, 40, 12, 1), (40, 0, 12, 1), (7, 30, 1, 3)],
)
def test_exact_test_matches_brute_force_at_the_edges(a, b, a_exposure, b_exposure):
    expected = brute_force_p_value(a, b, Fraction(a_exposure), Fraction(b_exposure))
    actual = exact_poisson_p_value(a, b, a_exposure=a_exposure, b_exposure=b_exposure)
    assert actual == pytest.approx(float(expected), rel=1e-9, abs=1e-300)


@settings(max_examples=300, deadline=None)
@given(
    a=st.integers(0, 5000),
    b=st.integers(0, 5000),
    a_exposure=st.floats(0.01, 100),
    b_exposure=st.floats(0.01, 100),
)
def test_exact_test_is_symmetric_and_a_probability(a, b, a_exposure, b_exposure):
    forward = exact_poisson_p_value(a, b, a_exposure=a_exposure, b_exposure=b_exposure)
    backward = exact_poisson_p_value(b, a, a_exposure=b_exposure, b_exposure=a_exposure)
    assert 0.0 <= forward <= 1.0
    assert forward == pytest.approx(backward, rel=1e-9, abs=1e-300)


def test_exact_test_never_rejects_more_often_than_its_level():
    # Under "no change", outcomes flagged at 5 % must have at most 5 % probability in total (exact enumeration).
    for n in (5, 20, 57, 120):
        flagged = sum(
            (Fraction(math.comb(n, a), 2**n) for a in range(n + 1) if exact_poisson_p_value(a, n - a) < 0.05),
            Fraction(0),
        )
        assert flagged <= Fraction(5, 100)


def test_one_to_three_calls_is_noise():
    comparison = compare_counts(3, 1)
    assert comparison.percent_change == 200.0
    assert comparison.p_value == pytest.approx(0.625)
    assert comparison.significance == "not significant"
    assert comparison.is_noise


def test_a_hundred_to_a_hundred_and_sixty_is_significant():
    comparison = compare_counts(160, 100)
    assert comparison.absolute_change == 60
    assert comparison.percent_change == pytest.approx(60.0)
    assert comparison.rate_ratio == pytest.approx(1.6)
    assert comparison.p_value < 0.001
    assert comparison.significance == "significant"
    assert not comparison.is_noise


def test_nothing_against_nothing():
    comparison = compare_counts(0, 0)
    assert comparison.p_value == 1.0
    assert comparison.percent_change is None
    assert comparison.rate_ratio is None
    assert comparison.is_noise


def test_calls_from_none_has_no_percentage_but_a_test():
    comparison = compare_counts(12, 0)
    assert comparison.percent_change is None
    assert comparison.p_value == pytest.approx(2 * 2**-12)  # 12-0 or 0-12
    assert comparison.significance == "significant"


def test_exposures_are_used_by_the_test():
    # 10 calls this month against 120 over a 12-month baseline: exactly the usual level.
    same_level = compare_counts(10, 120, reference_exposure=12)
    assert same_level.percent_change == 0.0
    assert same_level.p_value == 1.0
    # The same numbers read as two single months would be a large, "significant" drop.
    assert compare_counts(10, 120).significance == "significant"
    # 20 against a monthly mean of 10 over 12 months is real; against a single month of 10 it is borderline.
    assert compare_counts(20, 120, reference_exposure=12).p_value < compare_counts(20, 10).p_value


def test_compare_to_baseline_uses_the_window_total_and_its_length():
    months_before = [50, 9, 11, 10, 10]
    comparison = compare_to_baseline(14, months_before, 4)
    assert comparison == compare_counts(14, 40, reference_exposure=4)
    assert comparison.reference_rate == 10.0
    assert compare_to_baseline(14, months_before, 6) is None


def test_counts_must_be_whole_and_exposures_positive():
    with pytest.raises(TypeError):
        compare_counts(2.5, 1)
    with pytest.raises(ValueError):
        compare_counts(-1, 1)
    with pytest.raises(ValueError):
        compare_counts(1, 1, reference_exposure=0)
    assert compare_counts(np.int64(3), np.int64(1)).p_value == pytest.approx(0.625)


def test_hundreds_of_thousands_of_calls_are_quick_and_agree_with_every_outcome_summed():
    started = time.perf_counter()
    p_value = exact_poisson_p_value(200_000, 201_000)
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"\nexact test, a=200,000 b=201,000: p={p_value:.6f} in {elapsed_ms:.2f} ms")
    assert p_value == pytest.approx(linear_p_value(200_000, 201_000), rel=1e-6)
    # The normal approximation with continuity correction is close at this size.
    z = (abs(200_000 - 200_500) - 0.5) / math.sqrt(401_000 / 4)
    assert p_value == pytest.approx(2 * 0.5 * math.erfc(z / math.sqrt(2)), rel=1e-3)


@pytest.mark.parametrize(
    ("a", "b", "a_exposure", "b_exposure"),
    [
        (3_000, 36_500, 1.0, 12.0),
        (25_000, 24_200, 1.0, 1.0),
        (980, 1_000, 1.0, 1.0),
        (40_000, 80_500, 1.0, 2.0),
    ],
)
def test_long_tails_summed_in_blocks_agree_with_every_outcome_summed(a, b, a_exposure, b_exposure):
    """Tails longer than the first terms summed one by one go through numpy blocks: same p-value."""
    n = a + b
    log_p = math.log(a_exposure / (a_exposure + b_exposure))
    log_q = math.log(b_exposure / (a_exposure + b_exposure))
    log_pmf = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q
        for i in range(n + 1)
    ]
    threshold = log_pmf[a] + math.log1p(1e-7)
    expected = min(1.0, math.fsum(math.exp(value) for value in log_pmf if value <= threshold))
    assert exact_poisson_p_value(a, b, a_exposure=a_exposure, b_exposure=b_exposure) == pytest.approx(
        expected, rel=1e-9, abs=1e-300
    )


def test_extreme_splits_give_tiny_p_values_without_errors():
    assert exact_poisson_p_value(0, 1000) == pytest.approx(2 * 2.0**-1000, rel=1e-9)
    assert exact_poisson_p_value(0, 5000) == 0.0
    assert exact_poisson_p_value(1_000_000, 0) == 0.0


# Difference-in-differences


def test_did_recovers_a_built_in_drop():
    # Programme sectors lose 20 % of their calls; comparison sectors stay flat.
    result = difference_in_differences(800, 640, 1200, 1200)
    assert result.ratio == pytest.approx(0.8)
    assert result.percent_effect == pytest.approx(-20.0)
    assert result.ci_low < 0.8 < result.ci_high
    assert result.ci_high < 1.0
    assert result.significance == "significant"
    assert not result.continuity_corrected


def test_did_takes_away_the_common_trend():
    # Everything rises 10 %, programme sectors then 20 % less than that: the effect is still 0.8.
    result = difference_in_differences(1000, 880, 2000, 2200)
    assert result.control_rate_ratio == pytest.approx(1.1)
    assert result.treated_rate_ratio == pytest.approx(0.88)
    assert result.ratio == pytest.approx(0.8)


def test_did_uses_exposures():
    # Before: 12 months; after: 6 months. Rates per month are what is compared.
    result = difference_in_differences(
        1200,
        480,
        2400,
        1200,
        treated_before_exposure=12,
        treated_after_exposure=6,
        control_before_exposure=12,
        control_after_exposure=6,
    )
    assert result.treated_rate_ratio == pytest.approx(0.8)
    assert result.control_rate_ratio == pytest.approx(1.0)
    assert result.ratio == pytest.approx(0.8)


def test_did_pools_several_sectors_per_group():
    pooled = difference_in_differences(
        [300, 500], [240, 400], [600, 400, 200], [600, 400, 200], treated_after_exposure=[1, 1]
    )
    summed = difference_in_differences(800, 640, 1200, 1200)
    assert pooled.treated_before == 800
    assert pooled.control_after == 1200
    assert pooled.ratio == pytest.approx(summed.ratio)
    assert pooled.ci_low == pytest.approx(summed.ci_low)
    with pytest.raises(ValueError):
        difference_in_differences([1, 2], [1], 5, 5)
    with pytest.raises(ValueError):
        difference_in_differences([1, 2], [1, 2], 5, 5, treated_before_exposure=[1, 2, 3])


def test_did_interval_narrows_as_counts_grow():
    widths = []
    for scale in (1, 10, 100):
        result = difference_in_differences(80 * scale, 64 * scale, 120 * scale, 120 * scale)
        assert result.ratio == pytest.approx(0.8)
        widths.append(math.log(result.ci_high) - math.log(result.ci_low))
    assert widths[0] > widths[1] > widths[2]
    assert widths[1] / widths[2] == pytest.approx(math.sqrt(10))
    # With few calls the same 20 % drop cannot be told from noise.
    assert difference_in_differences(8, 6, 12, 12).is_noise


def test_did_interval_and_p_value_agree():
    result = difference_in_differences(400, 330, 500, 480)
    standard_error = math.sqrt(1 / 400 + 1 / 330 + 1 / 500 + 1 / 480)
    assert result.standard_error == pytest.approx(standard_error)
    assert result.ci_low == pytest.approx(result.ratio * math.exp(-1.959964 * standard_error))
    assert result.percent_ci_high == pytest.approx((result.ci_high - 1) * 100)
    # The 95 % interval excludes 1 exactly when p < 0.05.
    assert (result.ci_high < 1) == (result.p_value < 0.05)
    wider = difference_in_differences(400, 330, 500, 480, confidence=0.99)
    assert wider.ci_low < result.ci_low < result.ci_high < wider.ci_high


def test_did_without_any_change_is_noise():
    result = difference_in_differences(100, 100, 300, 300)
    assert result.ratio == 1.0
    assert result.p_value == 1.0
    assert result.is_noise


def test_did_corrects_a_zero_count_and_says_so():
    result = difference_in_differences(4, 0, 10, 9)
    assert result.continuity_corrected
    assert result.treated_after == 0
    assert result.ratio == pytest.approx((0.5 / 4.5) / (9.5 / 10.5))
    assert result.standard_error == pytest.approx(math.sqrt(1 / 4.5 + 1 / 0.5 + 1 / 10.5 + 1 / 9.5))
    assert math.isfinite(result.ci_low)
    assert result.ci_low > 0


def test_did_interval_covers_the_true_effect_about_95_percent_of_the_time():
    # What the interval means: over many repetitions of a study with a true effect of 0.8, ~95 % of intervals
    # contain 0.8. Poisson counts drawn with a fixed seed.
    rng = np.random.default_rng(5)
    draws = rng.poisson([200, 160, 300, 330], size=(2000, 4))
    covered = 0
    for treated_before, treated_after, control_before, control_after in draws.tolist():
        result = difference_in_differences(treated_before, treated_after, control_before, control_after)
        true_ratio = (160 / 200) / (330 / 300)
        covered += result.ci_low <= true_ratio <= result.ci_high
    assert 0.93 <= covered / 2000 <= 0.97

"""The exact test behind "is this change real?": two Poisson counts from the same underlying rate or not.

Pure Python and numpy, no database. calls.statistics builds its comparisons on it; docs/statistics.md explains
the p-value to analysts. The cost grows with √(the counts), not with the counts: only the two tails of the
binomial law are summed, from log-gamma anchors, in numpy blocks past the first terms.
"""

import math
import operator
from collections.abc import Callable

import numpy as np

# As R's binom.test: outcomes whose probability equals the observed one's up to rounding count as "as extreme".
_RELATIVE_TOLERANCE = 1e-7
# Tail terms are summed relative to the observed outcome's probability (1); below this the rest cannot show.
_NEGLIGIBLE = 1e-17
# Tail terms summed one by one before switching to numpy blocks of _BLOCK_TERMS (see _tail_sum).
_SCALAR_TERMS = 128
_BLOCK_TERMS = 1024


def exact_poisson_p_value(a: int, b: int, *, a_exposure: float = 1.0, b_exposure: float = 1.0) -> float:
    """Two-sided p-value of "the two counts come from the same underlying rate" (exact conditional test).

    Given the total n = a + b, the share that falls on the first side follows a binomial law with probability
    a_exposure / (a_exposure + b_exposure) when the rates are equal. The p-value is the probability of all the
    outcomes no more likely than the one observed (R's binom.test, same tolerance). Read it as: "if nothing had
    changed, how often would chance alone give a split at least this lopsided?" — small means the change is real.

    Only the two tails are summed, from log-gamma anchors, so the cost grows with √n, not n (n in the millions
    is fine). A p-value below ~1e-300 is returned as 0.0.
    """
    a, b = checked_count(a), checked_count(b)
    a_exposure, b_exposure = checked_exposure(a_exposure), checked_exposure(b_exposure)
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


def checked_count(value: int) -> int:
    """A count as an int: a numpy integer is one, a boolean, 2.5 or a negative number is not."""
    if isinstance(value, bool):
        raise TypeError("a count must be an integer, not a boolean")
    count = operator.index(value)  # accepts numpy integers, refuses 2.5
    if count < 0:
        raise ValueError("a count cannot be negative")
    return count


def checked_exposure(value: float) -> float:
    """An exposure as a float: positive and finite."""
    exposure = float(value)
    if not (math.isfinite(exposure) and exposure > 0):
        raise ValueError("an exposure must be a positive number")
    return exposure


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

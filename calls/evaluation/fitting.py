"""The count model: Poisson on sector-months with two sets of fixed effects, errors clustered by sector.

Why Poisson with clustered errors rather than a negative binomial: the Poisson estimate of a rate ratio is
consistent whatever the variance of the counts (only the mean model must be right), and the sector-clustered
(sandwich) errors then absorb both over-dispersion and the correlation of a sector's months with each other.
A negative binomial with fixed effects is neither consistent (the incidental-parameter problem of its
dispersion with many fixed effects) nor robust to within-sector correlation; its errors are only right if its
variance formula is.

How it is fitted: a stacked panel has thousands of fixed effects (each cohort's sectors and months), far too
many for dummy columns (200 sectors × 60 months took minutes in statsmodels' GLM). So the fixed effects are
absorbed, as ppmlhdfe does (Correia, Guimarães & Zylkin, Stata Journal 2020): iteratively reweighted least
squares where each step sweeps the fixed effects out of the working response and of the regressors by
weighted alternating means. At the optimum, statsmodels' GLM (Poisson, `cov_type="cluster"`) is fitted on the
swept regressors with the fixed effects in the offset: by the Frisch–Waugh–Lovell theorem its score and
Hessian are those of the full model's coefficients of interest, so its clustered covariance, intervals and Wald
tests are the full model's.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import sparse
from statsmodels.genmod.generalized_linear_model import GLMResultsWrapper
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from .panel import ModelDidNotConverge, NoCalls

MAX_ITERATIONS = 100
DEVIANCE_TOLERANCE = 1e-9
SWEEP_TOLERANCE = 1e-10
MAX_SWEEPS = 500
SCORE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class FittedCounts:
    """The coefficients of interest (log rate ratios) and statsmodels' results for their inference.

    `results` has the sector-clustered covariance; `model_based` the quasi-Poisson one (Poisson variance
    scaled by the Pearson χ²: over-dispersion, not the correlation of a sector's months), for what the
    clustered one cannot give: a coefficient that rests on a single sector (its own score sums to zero, so
    clustering would leave it almost no variance).
    """

    params: np.ndarray
    results: GLMResultsWrapper  # conf_int(), pvalues, wald_test()
    model_based: GLMResultsWrapper


def fit_poisson_fixed_effects(
    *,
    counts: np.ndarray,
    regressors: np.ndarray,
    fixed_effects: tuple[np.ndarray, ...],
    clusters: np.ndarray,
) -> FittedCounts:
    """Fit log E[count] = fixed effects + regressors · β and cluster β's errors by `clusters`.

    `fixed_effects` are integer labels 0 … k−1 per row (one array per set); rows whose fixed-effect group
    has no call at all are dropped first (their effect is −∞ and they say nothing about β). Raises
    ModelDidNotConverge when the iterations do not settle or give non-finite values.
    """
    keep = _informative_rows(counts, fixed_effects=fixed_effects)
    if not keep.any():  # not one call (a call type nobody reported): no rate to compare
        raise NoCalls
    y, x = counts[keep], regressors[keep]
    groups = [_indicator(labels[keep]) for labels in fixed_effects]
    mu = (y + y.mean()) / 2.0
    eta = np.log(mu)
    deviance = np.inf
    swept_x = x
    beta = np.zeros(x.shape[1])
    for _ in range(MAX_ITERATIONS):
        working = eta + (y - mu) / mu
        swept = _sweep(np.column_stack([working, x]), weights=mu, groups=groups)
        swept_z, swept_x = swept[:, 0], swept[:, 1:]
        weighted = swept_x * mu[:, None]
        try:
            beta = np.linalg.solve(weighted.T @ swept_x, weighted.T @ swept_z)
        except np.linalg.LinAlgError:  # a regressor the fixed effects explain entirely: no estimate exists
            raise ModelDidNotConverge from None
        eta = working - (swept_z - swept_x @ beta)
        mu = np.exp(eta)
        new_deviance = _poisson_deviance(y, mu=mu)
        if not np.isfinite(new_deviance):
            raise ModelDidNotConverge
        if abs(new_deviance - deviance) <= DEVIANCE_TOLERANCE * max(1.0, new_deviance):
            break
        deviance = new_deviance
    else:
        raise ModelDidNotConverge
    # The full model's inference, from statsmodels: swept regressors, fixed effects in the offset.
    swept_x = _sweep(x, weights=mu, groups=groups)
    offset = eta - swept_x @ beta
    # hasconst=False: the swept regressors have no constant, and statsmodels would otherwise look for one
    # with an SVD of the whole design (most of the fit's time).
    model = sm.GLM(y, swept_x, family=sm.families.Poisson(), offset=offset, hasconst=False)
    # β is already the optimum (its score is checked): statsmodels takes it as is (no step, hence the
    # silenced "maximum iterations" warning) and computes the clustered covariance at it.
    if np.abs(model.score(beta)).max() > SCORE_TOLERANCE * max(1.0, float(y.sum())):
        raise ModelDidNotConverge
    fixed = {"method": "newton", "start_params": beta, "maxiter": 0, "disp": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        results = model.fit(**fixed, cov_type="cluster", cov_kwds={"groups": clusters[keep]})
        model_based = model.fit(**fixed, scale="X2")
    if not np.all(np.isfinite(results.bse)) or not np.all(np.isfinite(model_based.bse)):
        raise ModelDidNotConverge
    return FittedCounts(params=np.asarray(results.params), results=results, model_based=model_based)


def _informative_rows(counts: np.ndarray, *, fixed_effects: tuple[np.ndarray, ...]) -> np.ndarray:
    """Rows whose every fixed-effect group has calls, repeated until stable (a dropped row can empty another)."""
    keep = np.ones(counts.shape[0], dtype=bool)
    while True:
        before = keep.sum()
        for labels in fixed_effects:
            totals = np.bincount(labels[keep], weights=counts[keep], minlength=labels.max() + 1)
            keep &= totals[labels] > 0
        if keep.sum() == before:
            return keep


def _indicator(labels: np.ndarray) -> sparse.csr_matrix:
    """The rows × groups 0/1 matrix of a fixed effect, groups renumbered after dropping rows."""
    dense = np.unique(labels, return_inverse=True)[1]
    return sparse.csr_matrix(
        (np.ones(dense.shape[0]), (np.arange(dense.shape[0]), dense)), shape=(dense.shape[0], dense.max() + 1)
    )


def _sweep(values: np.ndarray, *, weights: np.ndarray, groups: list[sparse.csr_matrix]) -> np.ndarray:
    """`values` less their weighted projection on every fixed effect (alternating weighted group means)."""
    result = np.array(values, dtype=float, copy=True)
    group_weights = [indicator.T @ weights for indicator in groups]
    scale = max(1.0, float(np.abs(result).max()))
    for _ in range(MAX_SWEEPS):
        change = 0.0
        for indicator, total in zip(groups, group_weights, strict=True):
            means = (indicator.T @ (result * weights[:, None])) / total[:, None]
            shift = indicator @ means
            result -= shift
            change = max(change, float(np.abs(shift).max()))
        if change <= SWEEP_TOLERANCE * scale:
            return result
    raise ModelDidNotConverge


def _poisson_deviance(y: np.ndarray, *, mu: np.ndarray) -> float:
    ratio = np.where(y > 0, y / np.where(mu > 0, mu, 1.0), 1.0)
    return float(2.0 * np.sum(np.where(y > 0, y * np.log(ratio), 0.0) - (y - mu)))

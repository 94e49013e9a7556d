"""Simulated territories with a known programme effect, for the tests and the benchmarks (numpy only).

Each sector's monthly calls are gamma-Poisson (negative binomial: real counts vary more than Poisson) around
sector level × season × common shocks × effect, where the effect applies from the sector's start month on.
Sectors sit on a grid (neighbours share a side); programme sectors start in staggered cohorts; a few months
are left unobserved at random (absent, not zero), as after a gap between imports.
"""

from datetime import date

import numpy as np

from common.months import add_months

from .panel import EvaluationPanel, SectorSeries


def simulate_territory(
    *,
    seed: int,
    sectors: int = 60,
    months: int = 60,
    programme_share: float = 0.4,
    cohorts: int = 3,
    effect: float = 0.8,
    dispersion: float = 20.0,
    pre_trend: float = 0.0,
    missing_share: float = 0.02,
    first_month: date = date(2020, 1, 1),
) -> EvaluationPanel:
    """A territory of `sectors` sectors over `months` months with a true rate ratio `effect` after each start.

    `dispersion` is the gamma shape (variance μ + μ²/dispersion); `pre_trend` a monthly log-slope the
    programme sectors follow during the 12 months before their start (0: parallel trends hold). Starts are
    spread over the middle of the period, each at least 12 months from its ends.
    """
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(sectors)))
    level = np.exp(rng.normal(np.log(40.0), 0.5, size=sectors))
    season = 0.15 * np.sin(2 * np.pi * np.arange(months) / 12.0 + rng.uniform(0, 2 * np.pi))
    shocks = rng.normal(0.0, 0.05, size=months)
    shocks[rng.integers(months)] += 0.3  # one month everyone had more calls (a storm, a dispatch change)
    programme = rng.permutation(sectors)[: max(1, round(programme_share * sectors))]
    cohort_starts = np.linspace(12, months - 13, cohorts).round().astype(int)
    starts: dict[int, int] = {int(s): int(cohort_starts[i % cohorts]) for i, s in enumerate(programme)}
    series = []
    for sector in range(sectors):
        log_mean = np.log(level[sector]) + season + shocks
        start = starts.get(sector)
        if start is not None:
            relative = np.arange(months) - start
            log_mean = log_mean + np.where(relative >= 0, np.log(effect), 0.0)
            log_mean = log_mean + np.where(
                (relative < 0) & (relative >= -12), pre_trend * (relative + 1), 0.0
            )
        mean = np.exp(log_mean) * rng.gamma(dispersion, 1.0 / dispersion, size=months)
        counts = rng.poisson(mean)
        observed = rng.random(months) >= missing_share
        series.append(
            SectorSeries(
                code=f"S{sector:03d}",
                start=add_months(first_month, start) if start is not None else None,
                counts={add_months(first_month, m): int(counts[m]) for m in range(months) if observed[m]},
            )
        )
    neighbours = {}
    for sector in range(sectors):
        row, column = divmod(sector, side)
        around = [(row - 1, column), (row + 1, column), (row, column - 1), (row, column + 1)]
        neighbours[f"S{sector:03d}"] = frozenset(
            f"S{r * side + c:03d}"
            for r, c in around
            if 0 <= c < side and 0 <= r * side + c < sectors and r >= 0
        )
    return EvaluationPanel(sectors=tuple(series), neighbours=neighbours)

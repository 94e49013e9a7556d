"""Benchmark: does the programme evaluation's 95 % interval cover the truth, and how biased is the naive 2×2?

    .venv/bin/python bench/evaluation_coverage.py                    # 200 territories per true effect
    .venv/bin/python bench/evaluation_coverage.py --territories 500  # more
    .venv/bin/python bench/evaluation_coverage.py --sectors 17       # a territory the demo's size

Issue 14 asks that over ≥ 200 simulated territories the interval cover a true effect of −20 % in 90–98 % of
them and call a true effect of 0 significant in ≤ 7 %. Each territory (calls.evaluation.simulation, one seed
each): 60 sectors (--sectors) over 60 months, 40 % of them in the programme in 3 staggered start cohorts, gamma-Poisson
counts (shape 20) with sector levels, a season, common monthly shocks and one month of +30 % for all, 2 % of
months unobserved. For each true effect it prints, for calls.evaluation.evaluate_programme: the mean ratio,
its bias, the interval's coverage, the share called significant (p < 0.05), the share with a pre-trend
warning (there is none in the simulation: those are false alarms); and the same for the naive 2×2
(calls.statistics.difference_in_differences, every programme sector pooled into one window: the 12 months
before the earliest start against the 12 months from it, against the never-treated sectors, observed months
only) on the same territories. No database: the evaluation is pure.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.update(dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1"))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the project root
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from calls.evaluation import EvaluationPanel, evaluate_programme  # noqa: E402
from calls.evaluation.panel import month_index  # noqa: E402
from calls.evaluation.simulation import simulate_territory  # noqa: E402
from calls.statistics import difference_in_differences  # noqa: E402


def naive_two_by_two(panel: EvaluationPanel) -> tuple[float, float, float]:
    """(ratio, ci_low, ci_high) of the pooled 2×2 around the earliest start (module docstring)."""
    start = min(month_index(sector.start) for sector in panel.sectors if sector.start)
    groups: dict[bool, list[tuple[int, int, int, int]]] = {True: [], False: []}
    for sector in panel.sectors:
        relative = {month_index(month) - start: count for month, count in sector.counts.items()}
        before = [count for r, count in relative.items() if -12 <= r < 0]
        after = [count for r, count in relative.items() if 0 <= r < 12]
        if before and after:
            groups[sector.start is not None].append((sum(before), len(before), sum(after), len(after)))
    treated, control = groups[True], groups[False]
    result = difference_in_differences(
        [row[0] for row in treated],
        [row[2] for row in treated],
        [row[0] for row in control],
        [row[2] for row in control],
        treated_before_exposure=[row[1] for row in treated],
        treated_after_exposure=[row[3] for row in treated],
        control_before_exposure=[row[1] for row in control],
        control_after_exposure=[row[3] for row in control],
    )
    return result.ratio, result.ci_low, result.ci_high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=int, default=200)
    parser.add_argument("--sectors", type=int, default=60)
    arguments = parser.parse_args()
    n, sectors = arguments.territories, arguments.sectors
    print(f"{n} simulated territories per true effect ({sectors} sectors × 60 months, 3 start cohorts)")
    print(
        f"{'true effect':>12} {'estimator':<16} {'mean ratio':>10} {'bias':>8} {'coverage':>9} "
        f"{'significant':>11} {'pre-trend warnings':>18}"
    )
    began = time.perf_counter()
    for effect in (0.8, 1.0):
        model, naive, warned = [], [], 0
        for seed in range(n):
            panel = simulate_territory(seed=100_000 + seed, sectors=sectors, effect=effect)
            result = evaluate_programme(panel)
            model.append((result.effect.ratio, result.effect.ci_low, result.effect.ci_high))
            warned += result.pre_trend_p_value is not None and result.pre_trend_p_value < 0.05
            naive.append(naive_two_by_two(panel))
        for name, rows, warnings in (
            ("stacked Poisson", model, f"{warned / n:.1%}"),
            ("naive 2×2", naive, ""),
        ):
            mean = statistics.fmean(row[0] for row in rows)
            coverage = sum(low < effect < high for _, low, high in rows) / n
            significant = sum(not low <= 1.0 <= high for _, low, high in rows) / n
            print(
                f"{effect - 1:>+12.0%} {name:<16} {mean:>10.3f} {mean - effect:>+8.3f} {coverage:>9.1%} "
                f"{significant:>11.1%} {warnings:>18}"
            )
    print(f"({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()

"""Benchmark: the programme evaluation of 200 sectors × 60 months, next to a trivial pass over the same panel.

    .venv/bin/python bench/evaluation_speed.py              # median of 7 runs
    .venv/bin/python bench/evaluation_speed.py --repeat 15

Issue 14 asks for the evaluation of 200 sectors × 60 months in ≤ 1 s. The territory is simulated
(calls.evaluation.simulation, seed 2026): 200 sectors, 60 months, a quarter of them in the programme in 4
staggered start cohorts. Timed, each the median of --repeat runs after a warm-up, on one core (the BLAS
thread pools are set to 1: the machine is shared):

  evaluate_programme   calls.evaluation.evaluate_programme: the stacked effect, the event study with its
                       pre-trend test, the per-sector effects and the displacement difference (three
                       count-model fits over the stacked sub-experiments, and the WDD);
  pandas groupby sum   baseline: the panel's rows (built once, outside the timing) in a DataFrame, summed by
                       sector with DataFrame.groupby — the least any computation over the panel costs.

No database: the evaluation is pure, and the selectors' reading of the monthly counts is call_deltas.py's.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

os.environ.update(dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1"))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the project root
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

import pandas as pd  # noqa: E402

from calls.evaluation import evaluate_programme  # noqa: E402
from calls.evaluation.simulation import simulate_territory  # noqa: E402

TARGET_SECONDS = 1.0


def timed(function: Callable[[], object], *, repeat: int) -> float:
    function()  # warm-up
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        runs.append(time.perf_counter() - began)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    arguments = parser.parse_args()
    panel = simulate_territory(seed=2026, sectors=200, months=60, programme_share=0.25, cohorts=4)
    frame = pd.DataFrame(
        [(sector.code, month, count) for sector in panel.sectors for month, count in sector.counts.items()],
        columns=["sector", "month", "count"],
    )
    result = evaluate_programme(panel)
    print(
        f"200 sectors × 60 months, {len(frame)} observed sector-months, {len(result.treated)} programme "
        f"sectors; effect {result.effect.ratio:.3f} (95 %: {result.effect.ci_low:.3f}–{result.effect.ci_high:.3f})"
    )
    evaluation = timed(lambda: evaluate_programme(panel), repeat=arguments.repeat)
    baseline = timed(lambda: frame.groupby("sector")["count"].sum(), repeat=arguments.repeat)
    print(f"{'evaluate_programme':<22} {evaluation * 1000:>9.1f} ms")
    print(f"{'pandas groupby sum':<22} {baseline * 1000:>9.1f} ms")
    verdict = "met" if evaluation <= TARGET_SECONDS else "NOT met"
    print(f"target ≤ {TARGET_SECONDS:.0f} s: {verdict}  (load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()

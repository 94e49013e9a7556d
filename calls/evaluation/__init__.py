"""The programme evaluation's statistics: did calls fall in programme sectors, by how much, how sure are we.

Pure functions over a sector × month panel (no models, no database): the selectors build an
`EvaluationPanel` from the monthly counts and get an `Evaluation` back, so the page, the report and
`manage.py evaluate_programme` show the same figures. docs/statistics.md explains them to analysts.

- panel.py: the input (observed months only), the errors, the stacked sub-experiments;
- fitting.py: the Poisson count model with absorbed fixed effects and sector-clustered errors;
- effects.py: the effect, the event study with its pre-trend check, the per-sector effects;
- displacement.py: the weighted displacement difference;
- simulation.py: simulated territories with a known truth, for the tests and the benchmarks.
"""

from .displacement import Displacement, panel_displacement, weighted_displacement_difference
from .effects import Evaluation, EventStudyPoint, RateRatio, SectorEffect, evaluate_programme
from .panel import (
    EvaluationError,
    EvaluationPanel,
    ModelDidNotConverge,
    NoCalls,
    NoComparisonSector,
    NoProgrammeSector,
    SectorSeries,
    TooFewObservedMonths,
)

__all__ = [
    "Displacement",
    "Evaluation",
    "EvaluationError",
    "EvaluationPanel",
    "EventStudyPoint",
    "ModelDidNotConverge",
    "NoCalls",
    "NoComparisonSector",
    "NoProgrammeSector",
    "RateRatio",
    "SectorEffect",
    "SectorSeries",
    "TooFewObservedMonths",
    "evaluate_programme",
    "panel_displacement",
    "weighted_displacement_difference",
]

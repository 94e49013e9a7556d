"""An evaluation as plain data: the JSON object `manage.py evaluate_programme --json` prints (issue's field
names), ready for a page, a report or another program."""

from __future__ import annotations

from typing import Any

from .effects import Evaluation


def evaluation_as_dict(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation's figures by name; months as YYYY-MM, ratios as rate ratios (0.8 is −20 %)."""
    effect = evaluation.effect
    displacement = evaluation.displacement
    return {
        "method": evaluation.method,
        "effect": effect.ratio,
        "ci_low": effect.ci_low,
        "ci_high": effect.ci_high,
        "p_value": effect.p_value,
        "treated": list(evaluation.treated),
        "comparison": list(evaluation.comparison),
        "months": [f"{evaluation.first_month:%Y-%m}", f"{evaluation.last_month:%Y-%m}"],
        "event_study": [
            {"relative_month": p.relative_month, "ratio": p.ratio, "ci_low": p.ci_low, "ci_high": p.ci_high}
            for p in evaluation.event_study
        ],
        "pre_trend_p_value": evaluation.pre_trend_p_value,
        "displacement": None
        if displacement is None
        else {
            "wdd": displacement.wdd,
            "z": displacement.z,
            "p_value": displacement.p_value,
            "areas": {name: list(codes) for name, codes in displacement.areas.items()},
        },
        "per_sector": [
            {"code": s.code, "ratio": s.ratio, "ci_low": s.ci_low, "ci_high": s.ci_high, "p_value": s.p_value}
            for s in evaluation.per_sector
        ],
        "warnings": [str(warning) for warning in evaluation.warnings],
    }

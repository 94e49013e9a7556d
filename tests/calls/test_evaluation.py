"""The programme evaluation's statistics (calls/evaluation) against simulated territories with a known truth.

The simulator (calls.evaluation.simulation) draws over-dispersed counts with sector levels, a season, a common
shock, staggered starts and a true effect; the coverage over hundreds of territories is bench/evaluation_coverage.py's.
"""

import math
from datetime import date

import numpy as np
import pytest
from django.utils import translation
from scipy.stats import norm

from calls.evaluation import (
    EvaluationError,
    EvaluationPanel,
    ModelDidNotConverge,
    NoComparisonSector,
    NoProgrammeSector,
    SectorSeries,
    TooFewObservedMonths,
    evaluate_programme,
    fitting,
    panel_displacement,
    weighted_displacement_difference,
)
from calls.evaluation.panel import build_stack, month_index
from calls.evaluation.simulation import simulate_territory
from common.months import add_months

FIRST = date(2020, 1, 1)


def _series(code: str, start: date | None, counts: list[int], *, first: date = FIRST) -> SectorSeries:
    return SectorSeries(
        code=code, start=start, counts={add_months(first, i): n for i, n in enumerate(counts)}
    )


@pytest.fixture(scope="module")
def large_territory_result():
    return evaluate_programme(simulate_territory(seed=11, sectors=100, effect=0.8))


def test_a_true_effect_of_minus_20_percent_is_recovered_inside_its_interval(large_territory_result):
    effect = large_territory_result.effect
    assert effect.ci_low < 0.8 < effect.ci_high
    assert effect.ratio == pytest.approx(0.8, abs=0.04)
    assert effect.p_value < 0.001
    assert large_territory_result.method.startswith("stacked Poisson")
    assert large_territory_result.warnings == ()


def test_the_event_study_is_near_1_before_the_start_and_near_0_8_after(large_territory_result):
    points = {point.relative_month: point for point in large_territory_result.event_study}
    assert sorted(points) == list(range(-12, 25))
    assert points[-1].ratio == 1.0
    pre = [math.log(points[m].ratio) for m in range(-12, -1)]
    post = [math.log(points[m].ratio) for m in range(0, 25)]
    # Every ratio is against month −1, whose own noise moves them all alike: hence the looser "near 1".
    assert math.exp(np.mean(pre)) == pytest.approx(1.0, abs=0.1)
    assert sum(points[m].ci_low < 1.0 < points[m].ci_high for m in range(-12, -1)) >= 9
    assert math.exp(np.mean(post) - np.mean(pre)) == pytest.approx(0.8, abs=0.05)
    assert math.exp(np.mean(post)) == pytest.approx(0.8, abs=0.1)
    assert all(points[m].ci_low < points[m].ratio < points[m].ci_high for m in points if m != -1)
    assert large_territory_result.pre_trend_p_value >= 0.05


def test_each_programme_sector_has_its_own_effect(large_territory_result):
    per_sector = large_territory_result.per_sector
    assert [effect.code for effect in per_sector] == list(large_territory_result.treated)
    covered = sum(effect.ci_low < 0.8 < effect.ci_high for effect in per_sector)
    assert covered >= 0.8 * len(per_sector)


def test_a_true_effect_of_zero_is_not_significant():
    result = evaluate_programme(simulate_territory(seed=6, sectors=60, effect=1.0))
    assert result.effect.p_value >= 0.05
    assert result.effect.ci_low < 1.0 < result.effect.ci_high


def test_a_pre_trend_raises_the_plain_warning():
    result = evaluate_programme(simulate_territory(seed=3, sectors=60, pre_trend=0.03))
    assert result.pre_trend_p_value < 0.05
    with translation.override("en"):
        english = evaluate_programme(simulate_territory(seed=3, sectors=60, pre_trend=0.03))
    assert any("did not move alike" in warning for warning in english.warnings)
    with translation.override("fr"):
        french = evaluate_programme(simulate_territory(seed=3, sectors=60, pre_trend=0.03))
    assert any("n’évoluaient pas de la même façon" in warning for warning in french.warnings)


def test_already_treated_sectors_are_never_controls_and_absent_months_give_no_row():
    panel = simulate_territory(seed=8, sectors=30, cohorts=3, missing_share=0.1)
    stack = build_stack(panel)
    starts = {sector.code: sector.start for sector in panel.sectors}
    counts = {sector.code: sector.counts for sector in panel.sectors}
    assert len({int(start) for start in stack.cohort_start}) == 3
    for row in range(stack.counts.shape[0]):
        code, cohort = stack.sector_code[row], int(stack.cohort_start[row])
        month = add_months(date(cohort // 12, cohort % 12 + 1, 1), int(stack.relative_month[row]))
        assert counts[code][month] == stack.counts[row]  # an observed month, never a filled-in one
        if stack.treated[row] == 0:
            assert starts[code] is None or month_index(starts[code]) > cohort + 24
        else:
            assert month_index(starts[code]) == cohort
    assert set(stack.treated_codes) == {code for code, start in starts.items() if start}


def test_the_wdd_is_the_papers_formula_on_hand_computed_counts():
    result = weighted_displacement_difference(
        treated_before=100,
        treated_after=80,
        control_before=200,
        control_after=190,
        displacement_before=50,
        displacement_after=55,
        displacement_control_before=120,
        displacement_control_after=118,
    )
    # ΔA − ΔB + ΔD − ΔC = −20 + 10 + 5 + 2; variance: the sum of the eight counts.
    assert result.wdd == -3
    assert result.z == pytest.approx(-3 / math.sqrt(913))
    assert result.p_value == pytest.approx(2 * norm.sf(3 / math.sqrt(913)))
    with pytest.raises(ValueError):
        weighted_displacement_difference(
            treated_before=-1,
            treated_after=0,
            control_before=0,
            control_after=0,
            displacement_before=0,
            displacement_after=0,
            displacement_control_before=0,
            displacement_control_after=0,
        )


def test_the_territory_wdd_scales_the_shared_control_pool_to_each_area():
    start = add_months(FIRST, 12)
    panel = EvaluationPanel(
        sectors=(
            _series("A", start, [10] * 12 + [8] * 12),
            _series("D", None, [5] * 12 + [6] * 12),
            _series("B", None, [20] * 24),
            _series("FAR", None, [20] * 23),  # one month absent: not in the WDD at all
        ),
        neighbours={"A": frozenset({"D"}), "D": frozenset({"A"})},
    )
    result = panel_displacement(panel)
    # A: 120 → 96, D: 60 → 72, B: 240 → 240 scaled by (120 + 60) / 240 = 0.75.
    assert result.wdd == pytest.approx(-24 + 12 - 0.75 * 0)
    assert result.z == pytest.approx(-12 / math.sqrt(120 + 96 + 60 + 72 + 0.75**2 * 480))
    assert result.areas == {"treated": ("A",), "displacement": ("D",), "control": ("B",)}
    assert panel_displacement(EvaluationPanel(sectors=panel.sectors, neighbours={})) is None


def test_no_programme_sector_is_a_clear_translated_error():
    panel = EvaluationPanel(sectors=(_series("A", None, [5] * 30), _series("B", None, [5] * 30)))
    with pytest.raises(NoProgrammeSector) as error:
        evaluate_programme(panel)
    assert isinstance(error.value, EvaluationError) and isinstance(error.value, ValueError)
    with translation.override("en"):
        assert str(error.value) == "No sector has a programme start date: there is nothing to evaluate."
    with translation.override("fr"):
        assert (
            str(error.value)
            == "Aucun secteur n’a de date de début de programme\u00a0: il n’y a rien à évaluer."
        )


def test_no_comparison_sector_is_a_clear_error():
    start = add_months(FIRST, 12)
    panel = EvaluationPanel(sectors=(_series("A", start, [5] * 30), _series("B", start, [6] * 30)))
    with pytest.raises(NoComparisonSector):
        evaluate_programme(panel)
    # A comparison sector observed only long before the starts is no comparison either.
    late = add_months(FIRST, 40)
    panel = EvaluationPanel(
        sectors=(_series("A", late, [5] * 12, first=add_months(late, -6)), _series("B", None, [5] * 12))
    )
    with pytest.raises(NoComparisonSector):
        evaluate_programme(panel)


def test_too_few_observed_months_around_the_start_is_a_clear_error():
    start = add_months(FIRST, 5)  # only 5 observed months before it
    panel = EvaluationPanel(sectors=(_series("A", start, [5] * 30), _series("B", None, [5] * 30)))
    with pytest.raises(TooFewObservedMonths) as error:
        evaluate_programme(panel)
    with translation.override("fr"):
        assert "6 mois observés avant son début" in str(error.value)


def test_a_sector_short_of_months_is_left_out_with_a_warning():
    panel = simulate_territory(seed=4, sectors=40)
    start = add_months(FIRST, 55)  # 5 observed months after the start: too few
    short = EvaluationPanel(sectors=(*panel.sectors, _series("SHORT", start, [40] * 60)), neighbours={})
    with translation.override("en"):
        result = evaluate_programme(short)
    assert "SHORT" not in result.treated
    assert any("SHORT" in warning for warning in result.warnings)


def test_a_model_that_does_not_converge_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(fitting, "MAX_ITERATIONS", 1)
    with pytest.raises(ModelDidNotConverge) as error:
        evaluate_programme(simulate_territory(seed=1, sectors=20))
    with translation.override("en"):
        assert "did not converge" in str(error.value)


def test_leaving_out_the_neighbours_of_programme_sectors_takes_them_out_of_the_comparison():
    panel = simulate_territory(seed=9, sectors=49)
    programme = {sector.code for sector in panel.sectors if sector.start}
    bordering = {code for sector in programme for code in panel.neighbours[sector]} - programme
    everyone = evaluate_programme(panel)
    apart = evaluate_programme(panel, exclude_neighbours=True)
    assert bordering & set(everyone.comparison)
    assert not bordering & set(apart.comparison)
    assert set(apart.comparison) == set(everyone.comparison) - bordering
    assert apart.effect.ci_low < 0.8 < apart.effect.ci_high
    # The displacement check still reads the neighbours: they are its displacement area.
    assert set(apart.displacement.areas["displacement"]) <= bordering


def test_with_few_programme_sectors_the_pre_trend_is_tested_as_a_trend():
    # 7 programme sectors: fewer than the 11 pre-start months, so the joint test gives way to the linear trend.
    drifting = evaluate_programme(simulate_territory(seed=12, sectors=17, pre_trend=0.05))
    assert len(drifting.treated) <= 11
    assert drifting.pre_trend_p_value < 0.05
    parallel = evaluate_programme(simulate_territory(seed=12, sectors=17))
    assert parallel.pre_trend_p_value >= 0.05
    assert parallel.effect.ci_low < 0.8 < parallel.effect.ci_high


def test_a_sector_without_calls_after_its_start_gets_no_figure_of_its_own_but_the_rest_stands():
    panel = simulate_territory(seed=4, sectors=40)
    start = add_months(FIRST, 30)
    silent = _series("SILENT", start, [3] * 30 + [0] * 30)
    with translation.override("en"):
        result = evaluate_programme(EvaluationPanel(sectors=(*panel.sectors, silent)))
    assert "SILENT" in result.treated
    assert "SILENT" not in {effect.code for effect in result.per_sector}
    assert any("SILENT" in warning and "no calls after" in warning for warning in result.warnings)
    assert len(result.per_sector) == len(result.treated) - 1


def test_a_negative_count_is_refused():
    start = add_months(FIRST, 12)
    panel = EvaluationPanel(sectors=(_series("A", start, [5] * 29 + [-1]), _series("B", None, [5] * 30)))
    with pytest.raises(ValueError, match="negative"):
        evaluate_programme(panel)

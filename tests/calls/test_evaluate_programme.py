"""`manage.py evaluate_programme`: the evaluation of the stored counts, as JSON or a table, with clear errors.

A simulated territory (calls.evaluation.simulation, a true effect of −20 %) is written as sectors on a grid,
monthly counts and the import that observed them; the command must give exactly what the evaluation gives on
the simulated panel itself, and find the grid's neighbours from the sector boundaries.
"""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from beats.models import Sector
from calls.evaluation import evaluate_programme
from calls.evaluation.export import evaluation_as_dict
from calls.evaluation.selectors import evaluation_panel, sector_neighbours
from calls.evaluation.simulation import simulate_territory
from calls.models import MonthlyCallCount, Urgency
from tests.beats.factories import SectorFactory, square
from tests.calls.observing import observe

pytestmark = pytest.mark.django_db

SIZE = 0.01


@pytest.fixture
def territory():
    panel = simulate_territory(seed=11, sectors=36, months=48, missing_share=0.0, effect=0.8)
    side = 6
    months = sorted({month for series in panel.sectors for month in series.counts})
    rows = []
    for index, series in enumerate(panel.sectors):
        row, column = divmod(index, side)
        sector = SectorFactory(
            code=series.code,
            programme_started_on=series.start,
            geometry=square(-73.60 + column * SIZE, 45.50 + row * SIZE, SIZE),
        )
        rows += [
            MonthlyCallCount(sector=sector, month=month, urgency=Urgency.NON_URGENT, count=count)
            for month, count in series.counts.items()
            if count
        ]
    MonthlyCallCount.objects.bulk_create(rows)
    observe(months[0], months[-1])
    return panel


def run(*arguments) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("evaluate_programme", *arguments, stdout=out)
    return out.getvalue()


def test_the_json_is_the_evaluation_of_the_stored_counts(territory):
    printed = json.loads(run("--outcome", "non_urgent", "--json"))

    assert printed == json.loads(json.dumps(evaluation_as_dict(evaluate_programme(territory))))
    assert printed["ci_low"] < 0.8 < printed["ci_high"]
    assert printed["months"] == ["2020-01", "2023-12"]
    assert set(printed["treated"]) == {s.code for s in territory.sectors if s.start}
    assert {point["relative_month"] for point in printed["event_study"]} >= {-12, 0, 24}
    assert set(printed["displacement"]) == {"wdd", "z", "p_value", "areas"}
    assert {sector["code"] for sector in printed["per_sector"]} <= set(printed["treated"])


def test_neighbours_are_the_sectors_sharing_a_side_not_a_corner(territory):
    neighbours = sector_neighbours(list(Sector.objects.order_by("code")))

    assert neighbours == {code: frozenset(around) for code, around in territory.neighbours.items()}
    assert neighbours["S000"] == {"S001", "S006"}  # not S007, the diagonal: one corner in common


def test_the_panel_is_the_stored_counts_of_the_observed_months(territory):
    assert evaluation_panel(urgency=Urgency.NON_URGENT) == territory


def test_from_and_to_keep_the_months_between_them(territory):
    panel = evaluation_panel(urgency=Urgency.NON_URGENT, first=date(2021, 1, 1), last=date(2022, 12, 1))

    months = {month for series in panel.sectors for month in series.counts}
    assert (min(months), max(months), len(months)) == (date(2021, 1, 1), date(2022, 12, 1), 24)


def test_an_outcome_without_any_call_is_a_clear_error(territory):
    with pytest.raises(CommandError, match="There are no calls of this kind in these sectors and months"):
        run("--outcome", "urgent", "--json")


def test_the_table_says_the_effect_and_its_interval(territory):
    table = run("--outcome", "non_urgent")

    assert "Effect: rate ratio 0." in table
    assert "95 % interval" in table
    assert "Month from the start | ratio | 95 % interval" in table


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--outcome", "weather"), "“weather” is neither all, urgent, non_urgent nor a call category."),
        (("--treated", "S000,X99"), "No active sector has the code X99."),
        (("--from", "2024-13"), "“2024-13” is not a month written YYYY-MM."),
        (("--from", "2023-01", "--to", "2022-01"), "--to comes before --from."),
    ],
)
def test_bad_arguments_are_named(territory, arguments, message):
    with pytest.raises(CommandError, match=message):
        run(*arguments)


def test_a_treated_sector_without_a_start_and_a_comparison_sector_with_one_are_refused(territory):
    never = next(s.code for s in territory.sectors if s.start is None)
    started = next(s.code for s in territory.sectors if s.start is not None)

    with pytest.raises(CommandError, match=f"Not in the programme \\(no start date\\): {never}."):
        run("--treated", never)
    with pytest.raises(CommandError, match=f"In the programme, so not a comparison sector: {started}."):
        run("--comparison", started)


def test_without_programme_sectors_the_message_says_so():
    SectorFactory(code="A-1", geometry=square(-73.5, 45.5))
    observe(date(2024, 1, 1), date(2025, 12, 1))

    with pytest.raises(CommandError, match="No sector has a programme start date"):
        run("--json")


def test_the_table_is_written_the_french_way_in_french(territory):
    out = StringIO()
    with translation.override("fr"):
        call_command("evaluate_programme", "--outcome", "non_urgent", stdout=out)
    table = out.getvalue()

    ratio = json.loads(run("--outcome", "non_urgent", "--json"))["effect"]
    assert f"Effet\u00a0: rapport des taux {ratio:.3f}".replace(".", ",") in table
    assert "intervalle à 95\u00a0%" in table
    assert "Secteurs du programme\u00a0:" in table

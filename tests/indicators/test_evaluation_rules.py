"""The arithmetic of evaluations, without a database: the region's Σ/Σ, the target in
force, judging one value, and the area verdicts."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import pytest

from services.indicators.evaluation_rules import (
    Observed,
    area_verdicts,
    breakdowns_shown,
    comparable_periods,
    counted,
    judge,
    region_values,
    targets_in_force,
)
from services.indicators.schemas import EvaluationItem, EvaluationStatus
from services.indicators.targets import parse_target
from shared.periods import Period

D = Decimal


class Figures(NamedTuple):
    indicator: str
    breakdown: str
    period: str
    numerator: Decimal
    denominator: Decimal
    status: str = "final"


class Target(NamedTuple):
    indicator: str
    year: int
    org_unit: str
    expression: str

    @property
    def parsed(self) -> str:
        return parse_target(self.expression).model_dump_json()


# --------------------------------------------------------------------------- region values


def test_the_region_value_is_the_sum_of_numerators_over_the_sum_of_denominators() -> None:
    # 90 % of 10 and 50 % of 100: a mean of percentages would say 70.
    values = region_values(
        [
            Figures("ID1", "total", "2024", D(9), D(10)),
            Figures("ID1", "total", "2024", D(50), D(100)),
        ],
        {"ID1": "percent"},
    )
    assert values == {("ID1", "total", "2024"): Observed(D("53.6364"), "final", aggregated=True)}


def test_region_values_are_scaled_to_the_unit_and_kept_per_breakdown_and_period() -> None:
    values = region_values(
        [
            Figures("ID1", "total", "2024", D(3), D(2000)),
            Figures("ID1", "total", "2023", D(1), D(1000)),
            Figures("ID2", "akut", "2024", D(1), D(4)),
        ],
        {"ID1": "per_1000_inhabitants", "ID2": "count"},
    )
    assert values[("ID1", "total", "2024")].value == D("1.5")
    assert values[("ID1", "total", "2023")].value == D(1)
    assert values[("ID2", "akut", "2024")].value == D("0.25")


def test_a_preliminary_unit_figure_makes_the_region_value_preliminary() -> None:
    values = region_values(
        [
            Figures("ID1", "total", "2024", D(1), D(2)),
            Figures("ID1", "total", "2024", D(1), D(2), "preliminary"),
        ],
        {"ID1": "percent"},
    )
    assert values[("ID1", "total", "2024")].status == "preliminary"


def test_no_region_value_comes_from_zero_denominators() -> None:
    assert region_values([Figures("ID1", "total", "2024", D(0), D(0))], {}) == {}


# --------------------------------------------------------------------------- targets in force


def test_the_latest_target_set_for_the_year_or_before_is_in_force() -> None:
    chosen = targets_in_force(
        [Target("ID1", 2022, "REGION", ">75%"), Target("ID1", 2024, "REGION", ">85%")]
    )
    assert (chosen["ID1"].expression, chosen["ID1"].year, chosen["ID1"].source) == (
        ">85%",
        2024,
        "region",
    )


def test_a_committees_own_target_wins_unless_the_region_set_a_newer_one() -> None:
    own = targets_in_force(
        [Target("ID1", 2024, "REGION", ">85%"), Target("ID1", 2024, "SUS", ">92%")]
    )
    assert (own["ID1"].source, own["ID1"].org_unit, own["ID1"].expression) == (
        "org_unit",
        "SUS",
        ">92%",
    )
    newer = targets_in_force(
        [Target("ID1", 2024, "REGION", ">85%"), Target("ID1", 2023, "SUS", ">92%")]
    )
    assert (newer["ID1"].source, newer["ID1"].org_unit) == ("region", None)


# --------------------------------------------------------------------------- judging


def test_comparable_periods_are_the_same_span_in_every_earlier_year() -> None:
    periods = comparable_periods(Period.parse("2024-01/2024-08"))
    assert periods[:3] == ["2024-01/2024-08", "2023-01/2023-08", "2022-01/2022-08"]
    assert periods[-1] == "1990-01/1990-08"


def series(**values: str | None) -> dict[str, Observed]:
    """Period (``y2024``) → a final value, or a missing result for None."""
    return {
        p.removeprefix("y"): Observed(D(v), "final") if v is not None else Observed(None, "missing")
        for p, v in values.items()
    }


PERIODS = ["2024", "2023", "2022"]


def status(
    expression: str | None, values: dict[str, Observed], *, higher_is_better: bool = True
) -> EvaluationStatus:
    target = parse_target(expression) if expression is not None else None
    return judge(target, values, PERIODS, higher_is_better=higher_is_better).status


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        (None, series(y2024="90"), "no_target"),
        ("-", series(y2024="90"), "no_target"),
        (">85%", {}, "no_data"),
        (">85%", series(y2024=None), "no_data"),
        (">85%", series(y2024="90"), "met"),
        (">85%", series(y2024="85"), "not_met"),
        ("100%", series(y2024="100"), "met"),
        ("Ökning", series(y2024="5"), "not_evaluable"),
        ("Ökning", series(y2024="5", y2023="4"), "met"),
        ("ökning ≥10%/år", series(y2024="110", y2023="100"), "met"),
        ("ökning ≥10%/år", series(y2024="109.9", y2023="100"), "not_met"),
    ],
)
def test_a_value_is_judged_against_the_target_in_force(
    expression: str | None, values: dict[str, Observed], expected: EvaluationStatus
) -> None:
    assert status(expression, values) == expected


def test_a_change_compares_with_the_newest_earlier_period_that_has_a_value() -> None:
    values = series(y2024="69.2", y2023=None, y2022="68.2")
    judgement = judge(
        parse_target("NPE: förbättring ≥1,0 enhet"), values, PERIODS, higher_is_better=True
    )
    assert judgement.status == "met"  # exactly 1,0 better
    assert judgement.compared_with is not None
    assert (judgement.compared_with.period, judgement.compared_with.value) == ("2022", D("68.2"))


def test_improvement_follows_the_indicators_direction() -> None:
    values = series(y2024="10", y2023="12")
    assert status("+1 enhet", values, higher_is_better=False) == "met"
    assert status("+1 enhet", values, higher_is_better=True) == "not_met"


def test_a_preliminary_value_is_judged_as_it_is() -> None:
    values = {"2024": Observed(D(90), "preliminary")}
    assert status(">85%", values) == "met"


def test_breakdowns_shown_put_total_first_and_default_to_total() -> None:
    assert breakdowns_shown(["vardcentraler", "total", "akut"], None) == [
        "total",
        "akut",
        "vardcentraler",
    ]
    assert breakdowns_shown([], None) == ["total"]
    assert breakdowns_shown(["total"], "akut") == ["akut"]


# --------------------------------------------------------------------------- area verdicts


def item(
    indicator: str, status: EvaluationStatus, breakdown: str = "total", area: str = "A"
) -> EvaluationItem:
    return EvaluationItem(
        indicator=indicator,
        name=indicator,
        goal="G",
        area=area,
        delmal=None,
        unit="percent",
        direction="higher_is_better",
        org_unit="REGION",
        period="2024",
        breakdown=breakdown,
        value=None,
        result_status=None,
        target=None,
        status=status,
        compared_with=None,
    )


def test_an_indicator_counts_once_through_its_total_else_once_per_breakdown() -> None:
    items = [
        item("ID1", "met"),
        item("ID1", "not_met", "svf_1"),
        item("NPE", "met", "akut"),
        item("NPE", "not_met", "psykiatri"),
    ]
    assert [(i.indicator, i.breakdown) for i in counted(items)] == [
        ("ID1", "total"),
        ("NPE", "akut"),
        ("NPE", "psykiatri"),
    ]


def test_an_area_is_met_when_at_least_half_of_its_judged_evaluations_are() -> None:
    items = [
        item("ID1", "met"),
        item("ID2", "not_met"),
        item("ID3", "no_data"),
        item("ID4", "no_target"),
        item("ID5", "not_met", area="B"),
        item("ID6", "met", area="B"),
        item("ID7", "not_met", area="B"),
        item("ID8", "no_target", area="C"),
    ]
    a, b, c = area_verdicts(items)
    assert (a.area, a.indicators, a.with_target, a.evaluated, a.met) == ("A", 4, 3, 2, 1)
    assert (a.share, a.verdict) == (D("0.5"), "met")
    assert (b.share, b.verdict) == (D("0.3333"), "not_met")
    assert (c.share, c.verdict) == (None, "not_evaluable")

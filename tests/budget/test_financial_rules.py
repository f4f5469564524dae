"""The financial goals' rules, on figures the tests make up (no database).

Each goal is judged exactly on its boundary (2 %, 25 %, 100 %, a balanskravsresultat of 0)
and one krona beside it; the basis points shown are rounded toward not meeting the goal,
so a figure that looks met is met.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.budget import financial_rules as rules
from services.budget.financial_rules import YearFigures
from services.budget.financial_schemas import FinancialFiguresRow
from services.budget.money import Ratio, meets, percent, ratio, share_of
from shared.reference import goals

REVENUE = 50_000_000_000  # each year; Σ over five years 250 000 000 000


def _years(
    results: dict[int, int], revenue: int = REVENUE, **other: int | None
) -> dict[int, YearFigures]:
    return {
        y: YearFigures(y, tax_and_grant_revenue=revenue, result=r, **other)
        for y, r in results.items()
    }


def _five(total: int) -> dict[int, int]:
    """Results 2020–2024 adding up to ``total`` (unevenly: the period counts, not a year)."""
    return {
        2020: -1_000_000_000,
        2021: 0,
        2022: 3_000_000_000,
        2023: 0,
        2024: total - 2_000_000_000,
    }


# --- arithmetic ---------------------------------------------------------------------------


def test_ratio_rounds_toward_not_meeting_the_goal() -> None:
    assert ratio(1, 3, "at_least") == Ratio(1, 3, 3333, False)
    assert ratio(1, 3, "at_most").bp == 3334
    assert ratio(-1, 3, "at_least").bp == -3334
    assert ratio(-1, 3, "at_most").bp == -3333
    assert ratio(2, 100, "at_least") == Ratio(2, 100, 200, True)
    with pytest.raises(ValueError):
        ratio(1, 0, "at_least")


def test_meets_compares_integers_exactly() -> None:
    assert meets(2, 100, 200, "at_least") and not meets(1_999_999, 100_000_000, 200, "at_least")
    assert meets(25, 100, 2500, "at_most") and not meets(25_000_001, 100_000_000, 2500, "at_most")


def test_share_of_is_exact_and_percent_reads() -> None:
    assert share_of(5_000_001, 200) == Decimal("100000.02")
    assert share_of(3, 2500) == Decimal("0.75")
    assert (percent(200), percent(2501), percent(-5), percent(0)) == (
        "2.00 %",
        "25.01 %",
        "-0.05 %",
        "0.00 %",
    )


# --- Resultatmål --------------------------------------------------------------------------


def test_result_goal_exactly_two_percent_over_five_years_is_met() -> None:
    goal = rules.result_goal(2024, _years(_five(5_000_000_000)))
    assert goal.status == "met"
    assert goal.window == (2020, 2024) and goal.years == (2020, 2021, 2022, 2023, 2024)
    assert goal.value == 5_000_000_000 and goal.limit == Decimal(5_000_000_000)
    assert goal.ratio == Ratio(5_000_000_000, 250_000_000_000, 200, True)
    assert [f["year"] for f in goal.figures] == [2020, 2021, 2022, 2023, 2024]
    assert goal.figures[0] == {
        "year": 2020,
        "result": -1_000_000_000,
        "tax_and_grant_revenue": REVENUE,
    }


def test_result_goal_one_krona_short_is_not_met_and_never_shown_as_two_percent() -> None:
    goal = rules.result_goal(2024, _years(_five(4_999_999_999)))
    assert goal.status == "not_met"
    assert goal.ratio is not None and goal.ratio.bp == 199 and not goal.ratio.exact


def test_result_goal_with_a_year_missing_is_not_evaluable_naming_it() -> None:
    figures = _years(_five(9_000_000_000))
    del figures[2021]
    goal = rules.result_goal(2024, figures)
    assert goal.status == "not_evaluable"
    assert goal.missing_years == (2021,)
    assert goal.value is None and goal.ratio is None and goal.limit is None
    assert "2021" in goal.explanation
    assert [f["year"] for f in goal.figures] == [2020, 2022, 2023, 2024]


def test_result_goal_with_a_figure_not_stated_is_not_evaluable_naming_it() -> None:
    figures = _years(_five(9_000_000_000))
    figures[2022] = YearFigures(2022, tax_and_grant_revenue=None, result=3_000_000_000)
    goal = rules.result_goal(2024, figures)
    assert goal.status == "not_evaluable"
    assert goal.missing_figures == (rules.Missing(2022, "tax_and_grant_revenue"),)
    assert goal.missing_years == ()


# --- Balanskravet -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "adjustments", "status"),
    [(100, -100, "met"), (100, -101, "not_met"), (-5, 5, "met"), (0, 0, "met")],
)
def test_balance_requirement_is_the_adjusted_result_not_negative(
    result: int, adjustments: int, status: str
) -> None:
    figures = {2024: YearFigures(2024, result=result, balance_adjustments=adjustments)}
    goal = rules.balance_goal(2024, figures)
    assert goal.status == status
    assert goal.value == result + adjustments and goal.window is None


def test_balance_requirement_without_the_year_is_not_evaluable() -> None:
    assert rules.balance_goal(2024, {}).missing_years == (2024,)


# --- Skuldsättningsmål --------------------------------------------------------------------


def test_net_debt_exactly_25_percent_is_met_one_krona_more_is_not() -> None:
    at = {2024: YearFigures(2024, tax_and_grant_revenue=REVENUE, net_debt=REVENUE // 4)}
    goal = rules.net_debt_goal(2024, at)
    assert goal.status == "met" and goal.ratio is not None and goal.ratio.bp == 2500
    assert goal.limit == Decimal(12_500_000_000)
    over = {2024: YearFigures(2024, tax_and_grant_revenue=REVENUE, net_debt=REVENUE // 4 + 1)}
    goal = rules.net_debt_goal(2024, over)
    assert goal.status == "not_met"
    assert goal.ratio is not None and goal.ratio.bp == 2501 and not goal.ratio.exact


def test_a_negative_net_debt_meets_the_goal() -> None:
    lending = {2024: YearFigures(2024, tax_and_grant_revenue=REVENUE, net_debt=-1)}
    assert rules.net_debt_goal(2024, lending).status == "met"


# --- Finansieringsmål ---------------------------------------------------------------------


def _financing(result: int, depreciation: int, investments: int) -> dict[int, YearFigures]:
    return {
        2024: YearFigures(
            2024,
            tax_and_grant_revenue=REVENUE,
            result=result,
            depreciation=depreciation,
            investments=investments,
            net_debt=0,
        )
    }


def test_self_financing_at_100_percent_is_met_below_is_not() -> None:
    figures = _financing(1_000_000_000, 3_000_000_000, 4_000_000_000)
    goal = rules.self_financing_goal(2024, figures, rules.net_debt_goal(2024, figures))
    assert goal.status == "met" and goal.ratio == Ratio(4_000_000_000, 4_000_000_000, 10_000, True)
    assert goal.debt_goal_status == "met"
    assert "plan for 2023–2025" in goal.explanation and "debt goal 2024: met" in goal.explanation
    later = {
        2030: YearFigures(2030, **{k: v for k, v in vars(figures[2024]).items() if k != "year"})
    }
    beyond = rules.self_financing_goal(2030, later, rules.net_debt_goal(2030, later))
    assert "plan" not in beyond.explanation and "debt goal 2030: met" in beyond.explanation
    short = rules.self_financing_goal(2024, _financing(1_000_000_000, 3_000_000_000, 4_000_000_001))
    assert short.status == "not_met" and short.ratio is not None and short.ratio.bp == 9999


def test_self_financing_without_investments_has_nothing_to_finance() -> None:
    goal = rules.self_financing_goal(2024, _financing(-1, 0, 0))
    assert goal.status == "met" and goal.ratio is None and goal.value == -1


def test_self_financing_with_investments_not_stated_is_not_evaluable() -> None:
    figures = {2024: YearFigures(2024, result=1, depreciation=1, investments=None)}
    goal = rules.self_financing_goal(2024, figures)
    assert goal.status == "not_evaluable"
    assert goal.missing_figures == (rules.Missing(2024, "investments"),)


# --- all together ---------------------------------------------------------------------------


def test_evaluate_gives_every_goal_and_their_places_in_the_goal_hierarchy() -> None:
    judged = rules.evaluate(2024, {})
    assert [g.goal for g in judged] == [
        "result",
        "balance_requirement",
        "self_financing",
        "net_debt",
    ]
    assert {g.status for g in judged} == {"not_evaluable"}
    areas = {a.code: a.name for g in goals() for a in g.areas}
    assert {g.goal_area: areas[g.goal_area] for g in judged} == {
        "G5.A1": "Resultatmål",
        "G5.A2": "Finansieringsmål",
        "G5.A3": "Skuldsättningsmål",
    }


def _row(**changes: object) -> FinancialFiguresRow:
    base: dict[str, object] = {"year": 2024, **{f: 1 for f in rules.FIGURES}}
    return FinancialFiguresRow.model_validate({**base, **changes})


def test_row_rules_name_the_field() -> None:
    assert rules.row_errors(_row()) == []
    assert [e["loc"] for e in rules.row_errors(_row(tax_and_grant_revenue=0))] == [
        ["tax_and_grant_revenue"]
    ]
    assert [e["loc"] for e in rules.row_errors(_row(investments=-1, depreciation=-1))] == [
        ["depreciation"],
        ["investments"],
    ]
    assert [e["loc"] for e in rules.row_errors(_row(org_unit="SUS"))] == [["org_unit"]]
    assert rules.row_record(_row(net_debt=None))["id"] == "REGION/2024"

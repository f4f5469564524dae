"""The rules of stated totals and the headline drawn from them: pure, no database."""

from __future__ import annotations

from typing import Any

from services.budget.stated_rules import (
    Picked,
    Stated,
    figure_id,
    pick_totals,
    total_errors,
    total_record,
)
from services.budget.stated_schemas import ReportedFigureRow, TotalRow
from services.budget.summary_figures import headline
from shared.periods import Period


def _row(**kw: Any) -> TotalRow:
    return TotalRow.model_validate({"org_unit": "HSN", "year": 2024, **kw})


def _stated(kind: str, month: str | None, result: int) -> Stated:
    return Stated(kind, month, None, None, result, None, None, None)


def _fields(row: TotalRow) -> list[str]:
    return [e["loc"][-1] for e in total_errors(row)]


def test_a_total_states_its_result_or_its_revenue_and_cost() -> None:
    assert _fields(_row(kind="budget", result=0)) == []
    assert _fields(_row(kind="budget", revenue=5, cost=3)) == []
    assert _fields(_row(kind="budget", revenue=5, cost=3, result=2)) == []
    assert _fields(_row(kind="budget", revenue=5, cost=3, result=3)) == ["result"]
    assert _fields(_row(kind="budget", revenue=5)) == ["cost"]
    assert _fields(_row(kind="budget", cost=5)) == ["revenue"]
    assert _fields(_row(kind="budget")) == ["result"]


def test_a_totals_month_follows_its_kind_and_year() -> None:
    assert _fields(_row(kind="budget", month="2024-12", result=0)) == ["month"]
    assert _fields(_row(kind="outcome", result=0)) == ["month"]
    assert _fields(_row(kind="forecast", result=0)) == ["month"]
    assert _fields(_row(kind="outcome", month="2025-01", result=0)) == ["month"]
    assert _fields(_row(kind="outcome", month="2024-08", result=0)) == []


def test_the_record_computes_the_result_and_keys_on_kind_and_month() -> None:
    record = total_record(_row(kind="forecast", month="2024-08", revenue=10, cost=25))
    assert record["id"] == "HSN/2024/forecast/2024-08" and record["result"] == -15
    assert total_record(_row(kind="budget", result=7))["id"] == "HSN/2024/budget"


def test_a_figures_id_is_its_natural_key() -> None:
    row = ReportedFigureRow.model_validate(
        {"org_unit": "HSN", "year": 2024, "figure": "f", "measure": "outcome", "amount": 1}
    )
    assert figure_id(row) == "HSN/2024/f/-/outcome"
    other = row.model_copy(update={"item": "psykiatri", "value_year": 2023})
    assert figure_id(other) == "HSN/2024/f/psykiatri/outcome/2023"


def test_the_latest_outcome_and_forecast_through_the_month_are_picked() -> None:
    totals = [
        _stated("budget", None, 0),
        _stated("outcome", "2024-04", 1),
        _stated("outcome", "2024-08", 2),
        _stated("outcome", "2024-12", 3),
        _stated("forecast", "2024-03", 4),
        _stated("forecast", "2024-10", 5),
    ]
    picked = pick_totals(totals, Period.parse("2024-09"))
    assert picked.budget is not None and picked.budget.result == 0
    assert picked.outcome is not None and picked.outcome.month == "2024-08"
    assert picked.forecast is not None and picked.forecast.month == "2024-03"
    assert pick_totals(totals[1:], Period.parse("2024-02")) == Picked(None, None, None)


def test_without_a_budget_total_the_deviation_and_verdict_stay_open() -> None:
    """HSN 2024: the result is stated, the budgeted result is not."""
    december = Period.parse("2024-12")
    head = headline(
        "HSN", 2024, december, Picked(None, _stated("outcome", "2024-12", 85_300_000), None)
    )
    assert head.figures.outcome_result == 85_300_000
    assert head.figures.deviation is None and head.figures.meets_budget_rule is None
    assert head.missing == ["budget"] and head.outcome_months == 12
    assert "85,3 mnkr" in head.explanation and "No budget total is stated" in head.explanation


def test_the_verdict_is_judged_on_the_totals_like_on_a_line() -> None:
    december = Period.parse("2024-12")
    budget = _stated("budget", None, 0)
    worse = headline("HSN", 2024, december, Picked(budget, _stated("outcome", "2024-12", -1), None))
    assert (worse.figures.meets_budget_rule, worse.figures.meets_budget_rule_basis) == (
        False,
        "outcome",
    )
    august = Period.parse("2024-08")
    part = headline(
        "HSN",
        2024,
        august,
        Picked(_stated("budget", None, -120), _stated("outcome", "2024-08", -79), None),
    )
    assert part.figures.budget_result_to_date == -80 and part.figures.deviation == 1
    assert part.figures.meets_budget_rule_basis == "outcome_pro_rata"
    assert part.missing == ["forecast"]
    empty = headline("PVN", 2024, august, Picked(None, None, None))
    assert empty.missing == ["budget", "outcome", "forecast"]
    assert "No total is stated for PVN 2024" in empty.explanation

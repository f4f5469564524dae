"""The summary's arithmetic without a database: to date, deviation, totals, the budget rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.budget import schemas as s
from services.budget.summary_figures import (
    budget_rule,
    earmarked_summary,
    line_figures,
    through_month,
    total_figures,
)
from shared.errors import InvalidInput
from shared.periods import Period
from tests.budget.helpers import MN


def test_a_summary_runs_through_december_unless_told() -> None:
    assert through_month(2024, None) == Period(2024, 12, 12, "month")
    assert through_month(2024, "2024-08").last_month == 8


def test_through_a_month_of_another_year_is_422_naming_through() -> None:
    with pytest.raises(InvalidInput) as caught:
        through_month(2024, "2023-08")
    assert [e["loc"] for e in caught.value.errors or []] == [["query", "through"]]


@pytest.mark.parametrize(
    ("months", "budget", "to_date", "outcome", "forecast", "judged"),
    [
        (12, -100, -100, -100, None, (True, "outcome")),  # not worse than budget
        (12, -100, -100, -101, -90, (False, "outcome")),  # the full year ignores forecasts
        (6, -1200, -600, -700, -1250, (False, "forecast")),
        (6, -1200, -600, -700, None, (False, "outcome_pro_rata")),
        (6, -1200, -600, None, None, (None, None)),
        (12, None, None, -100, -90, (None, None)),  # no budget, nothing to judge
    ],
)
def test_the_budget_rule(
    months: int,
    budget: int | None,
    to_date: int | None,
    outcome: int | None,
    forecast: int | None,
    judged: tuple[bool | None, str | None],
) -> None:
    assert budget_rule(months, budget, to_date, outcome, forecast) == judged


def test_part_year_compares_the_outcome_with_the_budget_pro_rata() -> None:
    f = line_figures(8, budget_result=-1200 * MN, outcome_result=-880 * MN, forecast_result=None)
    assert f.budget_result_to_date == -800 * MN
    assert f.deviation == -80 * MN
    assert (f.meets_budget_rule, f.meets_budget_rule_basis) == (False, "outcome_pro_rata")
    assert f.forecast_deviation is None


def test_the_forecast_deviation_is_against_the_full_year_budget() -> None:
    f = line_figures(6, budget_result=-1200 * MN, outcome_result=None, forecast_result=-1250 * MN)
    assert f.forecast_deviation == -50 * MN
    assert f.deviation is None
    assert (f.meets_budget_rule, f.meets_budget_rule_basis) == (False, "forecast")


def test_totals_deviate_only_over_lines_with_both_budget_and_outcome() -> None:
    lines = [
        line_figures(12, -100, -90, None),
        line_figures(12, None, -50, None),  # no budget stated: no deviation
        line_figures(12, -40, None, None),  # no outcome yet
    ]
    totals = total_figures(12, lines)
    assert totals.budget_result == -140
    assert totals.outcome_result == -140
    assert totals.deviation == 10
    assert (totals.meets_budget_rule, totals.meets_budget_rule_basis) == (True, "outcome")


def test_a_committee_without_lines_has_no_totals() -> None:
    totals = total_figures(12, [])
    assert set(totals.kronor().values()) == {None}
    assert totals.meets_budget_rule is None


def _entry(eid: str, amount: int | None, used: int | None) -> s.EarmarkedOut:
    return s.EarmarkedOut(
        id=eid,
        org_unit="HSN",
        year=2024,
        kind="statsbidrag",
        purpose=eid,
        amount=amount,
        used_amount=used,
        line=None,
        assignment_id=None,
        allocation_key=None,
        decision=None,
        counterparty=None,
        co_org_units=[],
        updated_at=datetime(2024, 1, 1, tzinfo=UTC),
        change_seq=1,
    )


def test_earmarked_money_named_without_an_amount_is_counted_not_summed() -> None:
    e = earmarked_summary([_entry("a", 15 * MN, 9 * MN), _entry("b", None, None)])
    assert (e.amount_total, e.used_total, e.amount_not_stated) == (15 * MN, 9 * MN, 1)

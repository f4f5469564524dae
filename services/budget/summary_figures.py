"""The arithmetic of a committee's summary: pure functions, no session, no I/O.

Per line, ``budget_result`` is revenue - cost for the full year; the budget to date is it
pro rata through the last month (``money.prorate``); ``deviation`` is the outcome to date
against that. The economic rule (the result must not be worse than the budget) is judged
on the outcome for the full year, otherwise on the latest forecast, otherwise on the
outcome to date. Totals sum the lines that have each figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.budget import schemas as s
from services.budget.money import difference, prorate, sum_known
from shared.errors import InvalidInput, field_error
from shared.periods import Period


def through_month(year: int, through: str | None) -> Period:
    """The last month a summary of ``year`` covers: ``through`` (a month, ``YYYY-MM``),
    December when not given; 422 naming ``through`` for a month of another year."""
    if through is None:
        return Period(year, 12, 12, "month")
    month = Period.parse(through)
    if month.year != year:
        raise InvalidInput(
            f"through={through} is not a month of {year}.",
            errors=[field_error(["query", "through"], f"not a month of {year}")],
        )
    return month


def budget_rule(
    months: int,
    budget: int | None,
    to_date: int | None,
    outcome: int | None,
    forecast: int | None,
) -> tuple[bool | None, s.BudgetRuleBasis | None]:
    """The economic rule: the result must not be worse than the budget.

    Full year: the outcome against the budget. Part of the year: the latest full-year
    forecast against the full-year budget; without a forecast, the outcome to date
    against the budget pro rata. None (and no basis) when nothing can be judged.
    """
    if budget is None:
        return None, None
    if months == 12 and outcome is not None:
        return outcome >= budget, "outcome"
    if forecast is not None:
        return forecast >= budget, "forecast"
    if outcome is not None and to_date is not None:
        return outcome >= to_date, "outcome_pro_rata"
    return None, None


@dataclass(frozen=True)
class Figures:
    """The results of one line, or the totals over all lines, and the rule judged on them."""

    budget_result: int | None
    budget_result_to_date: int | None
    outcome_result: int | None
    deviation: int | None
    forecast_result: int | None
    forecast_deviation: int | None
    meets_budget_rule: bool | None
    meets_budget_rule_basis: s.BudgetRuleBasis | None

    def kronor(self) -> dict[str, int | None]:
        """The figures in kronor, by their names in the summary."""
        return {
            "budget_result": self.budget_result,
            "budget_result_to_date": self.budget_result_to_date,
            "outcome_result": self.outcome_result,
            "deviation": self.deviation,
            "forecast_result": self.forecast_result,
            "forecast_deviation": self.forecast_deviation,
        }


def line_figures(
    months: int, budget_result: int | None, outcome_result: int | None, forecast_result: int | None
) -> Figures:
    """A line's figures through month ``months``; None where the line lacks what it takes."""
    to_date = prorate(budget_result, months) if budget_result is not None else None
    meets, basis = budget_rule(months, budget_result, to_date, outcome_result, forecast_result)
    return Figures(
        budget_result=budget_result,
        budget_result_to_date=to_date,
        outcome_result=outcome_result,
        deviation=difference(outcome_result, to_date),
        forecast_result=forecast_result,
        forecast_deviation=difference(forecast_result, budget_result),
        meets_budget_rule=meets,
        meets_budget_rule_basis=basis,
    )


def total_figures(months: int, lines: Sequence[Figures]) -> Figures:
    """The committee's totals: each figure summed over the lines that have it, so the
    deviation covers only the lines with both budget and outcome. The rule is judged on
    the summed deviations (not worse than zero)."""
    deviation = sum_known(ln.deviation for ln in lines)
    forecast_deviation = sum_known(ln.forecast_deviation for ln in lines)
    meets, basis = budget_rule(months, 0, 0, deviation, forecast_deviation)
    return Figures(
        budget_result=sum_known(ln.budget_result for ln in lines),
        budget_result_to_date=sum_known(ln.budget_result_to_date for ln in lines),
        outcome_result=sum_known(ln.outcome_result for ln in lines),
        deviation=deviation,
        forecast_result=sum_known(ln.forecast_result for ln in lines),
        forecast_deviation=forecast_deviation,
        meets_budget_rule=meets,
        meets_budget_rule_basis=basis,
    )


def earmarked_summary(items: list[s.EarmarkedOut]) -> s.EarmarkedSummary:
    """The entries with the sums of what is stated: amounts, known use, and how many
    entries are named without an amount (their money is not counted as zero)."""
    return s.EarmarkedSummary(
        items=items,
        amount_total=sum(e.amount for e in items if e.amount is not None),
        used_total=sum(e.used_amount for e in items if e.used_amount is not None),
        amount_not_stated=sum(e.amount is None for e in items),
    )

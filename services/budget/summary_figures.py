"""The arithmetic of a committee's summary: pure functions, no session, no I/O.

Per line, ``budget_result`` is revenue - cost for the full year; the budget to date is it
pro rata through the last month (``money.prorate``); ``deviation`` is the outcome to date
against that. The economic rule (the result must not be worse than the budget) is judged
on the outcome for the full year, otherwise on the latest forecast, otherwise on the
outcome to date. The headline is the same arithmetic on the committee's stated totals
(``headline``); the line sums add up the lines that have each figure and are never the
headline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.budget import schemas as s
from services.budget import summary_schemas as ss
from services.budget.money import difference, mnkr, prorate, sum_known
from services.budget.stated_rules import Picked
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
) -> tuple[bool | None, ss.BudgetRuleBasis | None]:
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
    meets_budget_rule_basis: ss.BudgetRuleBasis | None

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
    """The line sums: each figure summed over the lines that have it, so the deviation
    covers only the lines with both budget and outcome (the rule, judged on the summed
    deviations, is not shown: the lines are not the committee's total)."""
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


@dataclass(frozen=True)
class Headline:
    """The committee's headline figures from its stated totals, and what they lack."""

    figures: Figures
    outcome_months: int | None
    missing: list[ss.TotalPart]
    explanation: str


def headline(org_unit: str, year: int, through: Period, picked: Picked) -> Headline:
    """The headline through ``through`` from the totals picked for it.

    The outcome total is year to date through its own month, so the budget to date (and
    the deviation) is pro rata through that month. The rule is judged as on a line: on
    the outcome when it covers the whole year, else on the forecast, else on the outcome
    against the budget to date. Nothing missing is filled in."""
    budget = picked.budget.result if picked.budget else None
    outcome = picked.outcome.result if picked.outcome else None
    forecast = picked.forecast.result if picked.forecast else None
    outcome_months = (
        Period.parse(picked.outcome.month).last_month
        if picked.outcome and picked.outcome.month
        else None
    )
    months = outcome_months or through.last_month
    to_date = prorate(budget, months) if budget is not None else None
    meets, basis = budget_rule(months, budget, to_date, outcome, forecast)
    figures = Figures(
        budget_result=budget,
        budget_result_to_date=to_date,
        outcome_result=outcome,
        deviation=difference(outcome, to_date),
        forecast_result=forecast,
        forecast_deviation=difference(forecast, budget),
        meets_budget_rule=meets,
        meets_budget_rule_basis=basis,
    )
    missing: list[ss.TotalPart] = []
    if budget is None:
        missing.append("budget")
    if outcome is None:
        missing.append("outcome")
    if forecast is None and through.last_month < 12:
        missing.append("forecast")
    return Headline(
        figures,
        outcome_months,
        missing,
        _explain(org_unit, year, through, picked, figures, missing),
    )


_BASIS = {
    "outcome": "the outcome for the whole year",
    "forecast": "the latest forecast for the year",
    "outcome_pro_rata": "the outcome to date against the budget to date",
}


def _explain(
    org_unit: str,
    year: int,
    through: Period,
    picked: Picked,
    figures: Figures,
    missing: list[ss.TotalPart],
) -> str:
    """What the headline rests on, and what it lacks, in a few sentences."""
    unit = f"{org_unit} {year}"
    if picked.budget is None and picked.outcome is None and picked.forecast is None:
        return (
            f"No total is stated for {unit} (load one at /v1/totals), so the headline is "
            "empty; the lines are summed under line_sums, which is not the committee's total."
        )
    stated = []
    if picked.budget is not None:
        stated.append(f"budget result {mnkr(picked.budget.result)} mnkr")
    if picked.outcome is not None:
        stated.append(
            f"outcome result {mnkr(picked.outcome.result)} mnkr through {picked.outcome.month}"
        )
    if picked.forecast is not None:
        stated.append(
            f"forecast result {mnkr(picked.forecast.result)} mnkr made in {picked.forecast.month}"
        )
    text = [f"Stated for {unit}: {'; '.join(stated)}."]
    if "budget" in missing:
        text.append(
            "No budget total is stated, so the deviation and the budget rule cannot be judged."
        )
    if "outcome" in missing:
        text.append(f"No outcome total is stated through {through}.")
    if "forecast" in missing:
        text.append(f"No forecast total has been made by {through}.")
    if figures.meets_budget_rule is not None:
        basis = _BASIS[figures.meets_budget_rule_basis or "outcome"]
        verdict = "met" if figures.meets_budget_rule else "not met"
        text.append(f"The budget rule is {verdict}, judged on {basis}.")
    elif "budget" not in missing:
        text.append("The budget rule cannot be judged without an outcome or a forecast.")
    return " ".join(text)


def earmarked_summary(items: list[s.EarmarkedOut]) -> ss.EarmarkedSummary:
    """The entries with the sums of what is stated: amounts, known use, and how many
    entries are named without an amount (their money is not counted as zero)."""
    return ss.EarmarkedSummary(
        items=items,
        amount_total=sum(e.amount for e in items if e.amount is not None),
        used_total=sum(e.used_amount for e in items if e.used_amount is not None),
        amount_not_stated=sum(e.amount is None for e in items),
    )

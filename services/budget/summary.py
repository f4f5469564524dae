"""A committee's economy for a year: grant, budget, outcome, forecast and deviation.

Three steps: read what is stored (``repository``, a fixed handful of queries), compute
the figures (``summary_figures``, pure), and build the answer with its mnkr display
strings (here). The grant is shown beside the lines' results, never added to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from services.budget import schemas as s
from services.budget.earmarked import earmarked_of
from services.budget.grants import find_grant
from services.budget.money import difference, mnkr, mnkr_strings
from services.budget.repository import budget_lines as line_repo
from services.budget.repository import flows as flow_repo
from services.budget.repository import reported as reported_repo
from services.budget.summary_figures import (
    Figures,
    earmarked_summary,
    line_figures,
    through_month,
    total_figures,
)


def committee_summary(session: Session, org_unit: str, year: int, through: str | None) -> s.Summary:
    """The summary of ``org_unit``'s ``year`` from January through the month ``through``
    (``YYYY-MM``; December when not given)."""
    last = through_month(year, through)
    months = last.last_month
    grant = find_grant(session, org_unit, year)
    budgets = {r.line: r for r in line_repo.budget_lines_of(session, org_unit, year)}
    outcomes = {
        # A sum comes back as a Decimal on Postgres; kronor are whole, so int() is exact.
        r.line: _amounts(int(r.revenue), int(r.cost))
        for r in flow_repo.outcome_sums(session, org_unit, last)
    }
    forecasts = {
        r.line: s.ForecastAmounts(
            made_in=r.made_in, revenue=r.revenue, cost=r.cost, result=r.revenue - r.cost
        )
        for r in flow_repo.latest_forecasts(session, org_unit, last)
    }
    earmarked = earmarked_of(session, org_unit, year)
    reported = _reported(session, org_unit, year, set(budgets))

    stated = {d.line: d.deviation for d in reported.deviations}
    built = [
        _summary_line(
            name, months, budgets.get(name), outcomes.get(name), forecasts.get(name), stated
        )
        for name in sorted(set(budgets) | set(outcomes) | set(forecasts))
    ]
    lines = [line for line, _ in built]
    totals = total_figures(months, [figures for _, figures in built])
    figures = {"grant": grant.total if grant else None, **totals.kronor()}
    return s.Summary(
        org_unit=org_unit,
        year=year,
        through=str(last),
        months=months,
        grant_subtotals=grant.subtotals if grant else None,
        coverage=s.Coverage(
            lines=len(lines),
            compared=sum(ln.deviation is not None for ln in lines),
            without_budget=[ln.line for ln in lines if ln.budget is None],
            without_outcome=[ln.line for ln in lines if ln.outcome is None],
        ),
        lines=lines,
        earmarked=earmarked_summary(earmarked),
        reported=reported,
        mnkr=mnkr_strings(figures),
        grant=figures["grant"],
        **asdict(totals),
    )


def _amounts(revenue: int | None, cost: int | None) -> s.Amounts | None:
    """Revenue, cost and result; None when the budget is not stated."""
    if revenue is None or cost is None:
        return None
    return s.Amounts(revenue=revenue, cost=cost, result=revenue - cost)


def _summary_line(
    name: str,
    months: int,
    budget_line: Any | None,
    outcome: s.Amounts | None,
    forecast: s.ForecastAmounts | None,
    stated: Mapping[str, int],
) -> tuple[s.SummaryLine, Figures]:
    budget = _amounts(budget_line.revenue, budget_line.cost) if budget_line else None
    figures = line_figures(
        months,
        budget.result if budget else None,
        outcome.result if outcome else None,
        forecast.result if forecast else None,
    )
    line = s.SummaryLine(
        line=name,
        label=budget_line.label if budget_line else None,
        counterparty=budget_line.counterparty if budget_line else None,
        budget=budget,
        outcome=outcome,
        forecast=forecast,
        reported_deviation=stated.get(name),
        mnkr=mnkr_strings(figures.kronor()),
        **asdict(figures),
    )
    return line, figures


def _reported(session: Session, org_unit: str, year: int, budget_lines: set[str]) -> s.Reported:
    """The figures as the source report prints them, shown beside the computed ones."""
    r = reported_repo.reported_result(session, org_unit, year)
    result = None
    if r is not None:
        deviation = difference(r.outcome_result, r.budget_result)
        result = s.ReportedResultOut(
            budget_result=r.budget_result,
            budget_result_stated=r.budget_result_stated,
            outcome_result=r.outcome_result,
            deviation=deviation,
            reproducible_from_lines=r.reproducible_from_lines,
            note=r.note,
            source_text=r.source_text,
            mnkr=mnkr_strings(
                {
                    "budget_result": r.budget_result,
                    "outcome_result": r.outcome_result,
                    "deviation": deviation,
                }
            ),
        )
    deviations: Sequence[Any] = reported_repo.reported_deviations(session, org_unit, year)
    return s.Reported(
        result=result,
        deviations=[
            s.ReportedDeviationOut(
                line=d.line,
                label=d.label,
                deviation=d.deviation,
                deviation_mnkr=mnkr(d.deviation),
                has_budget_line=d.line in budget_lines,
                source_text=d.source_text,
            )
            for d in deviations
        ],
    )

"""A committee's economy for a year: its stated totals as the headline, and beside them
the grant, the lines (budget, outcome, forecast, deviation) and their sums, earmarked
money and the other figures its report states.

Three steps: read what is stored (``repository``, a fixed handful of queries), compute
the figures (``summary_figures`` and ``stated_rules``, pure), and build the answer with
its mnkr display strings (here). The grant is shown beside the results, never added to
them; the lines' sums are shown as such, never as the committee's total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from services.budget import summary_schemas as ss
from services.budget.earmarked import earmarked_out
from services.budget.grants import find_grant
from services.budget.money import mnkr, mnkr_strings
from services.budget.repository import flows as flow_repo
from services.budget.repository.store import (
    EARMARKED,
    LINE,
    REPORTED_DEVIATION,
    REPORTED_FIGURE,
    TOTAL,
    rows_of_year,
)
from services.budget.stated import as_stated, figure_out
from services.budget.stated_rules import Picked, Stated, pick_totals
from services.budget.summary_figures import (
    Figures,
    Headline,
    earmarked_summary,
    headline,
    line_figures,
    through_month,
    total_figures,
)

#: What a summary reads of the committee's year, in one statement (``rows_of_year``).
YEAR_TABLES = (LINE, TOTAL, EARMARKED, REPORTED_DEVIATION, REPORTED_FIGURE)


def committee_summary(
    session: Session,
    org_unit: str,
    year: int,
    through: str | None,
    *,
    stored: Mapping[str, Sequence[Any]] | None = None,
) -> ss.Summary:
    """The summary of ``org_unit``'s ``year`` from January through the month ``through``
    (``YYYY-MM``; December when not given). ``stored``: the year's rows by table name
    when the caller has read them already (``store.rows_of_year``; else read here)."""
    last = through_month(year, through)
    months = last.last_month
    grant = find_grant(session, org_unit, year)
    if stored is None:
        stored = rows_of_year(session, YEAR_TABLES, org_unit, year)
    totals = stored[TOTAL.name]
    budgets = {r.line: r for r in stored[LINE.name]}
    outcomes = {
        # A sum comes back as a Decimal on Postgres; kronor are whole, so int() is exact.
        r.line: _amounts(int(r.revenue), int(r.cost))
        for r in flow_repo.outcome_sums(session, org_unit, last)
    }
    forecasts = {
        r.line: ss.ForecastAmounts(
            made_in=r.made_in, revenue=r.revenue, cost=r.cost, result=r.revenue - r.cost
        )
        for r in flow_repo.latest_forecasts(session, org_unit, last)
    }
    earmarked = [earmarked_out(r) for r in stored[EARMARKED.name]]
    picked = pick_totals(as_stated(totals), last)
    head = headline(org_unit, year, last, picked)
    deviations = stored[REPORTED_DEVIATION.name]
    figures = stored[REPORTED_FIGURE.name]

    stated = {d.line: d.deviation for d in deviations}
    built = [
        _summary_line(
            name, months, budgets.get(name), outcomes.get(name), forecasts.get(name), stated
        )
        for name in sorted(set(budgets) | set(outcomes) | set(forecasts))
    ]
    summary_lines = [line for line, _ in built]
    sums = total_figures(months, [figures for _, figures in built])
    compared = sum(ln.deviation is not None for ln in summary_lines)
    kronor = {"grant": grant.total if grant else None, **head.figures.kronor()}
    return ss.Summary(
        org_unit=org_unit,
        year=year,
        through=str(last),
        months=months,
        grant_subtotals=grant.subtotals if grant else None,
        total=_total(picked, head),
        line_sums=ss.LineSums(
            lines=len(summary_lines),
            compared=compared,
            **sums.kronor(),
            mnkr=mnkr_strings(sums.kronor()),
        ),
        coverage=ss.Coverage(
            lines=len(summary_lines),
            compared=compared,
            without_budget=[ln.line for ln in summary_lines if ln.budget is None],
            without_outcome=[ln.line for ln in summary_lines if ln.outcome is None],
        ),
        lines=summary_lines,
        earmarked=earmarked_summary(earmarked),
        reported=ss.Reported(
            result=_reported_result(picked, head, sums, str(last)),
            deviations=[_deviation(d, set(budgets)) for d in deviations],
            figures=[figure_out(f) for f in figures],
        ),
        mnkr=mnkr_strings(kronor),
        grant=kronor["grant"],
        **asdict(head.figures),
    )


def _stated(t: Stated | None) -> ss.StatedAmounts | None:
    if t is None:
        return None
    return ss.StatedAmounts(
        revenue=t.revenue,
        cost=t.cost,
        result=t.result,
        month=t.month,
        derived=t.derivation is not None,
        derivation=t.derivation,
        note=t.note,
        source_text=t.source_text,
        mnkr=mnkr_strings({"revenue": t.revenue, "cost": t.cost, "result": t.result}),
    )


def _total(picked: Picked, head: Headline) -> ss.CommitteeTotal:
    return ss.CommitteeTotal(
        budget=_stated(picked.budget),
        outcome=_stated(picked.outcome),
        forecast=_stated(picked.forecast),
        outcome_months=head.outcome_months,
        missing=head.missing,
        explanation=head.explanation,
    )


def _amounts(revenue: int | None, cost: int | None) -> ss.Amounts | None:
    """Revenue, cost and result; None when the budget is not stated."""
    if revenue is None or cost is None:
        return None
    return ss.Amounts(revenue=revenue, cost=cost, result=revenue - cost)


def _summary_line(
    name: str,
    months: int,
    budget_line: Any | None,
    outcome: ss.Amounts | None,
    forecast: ss.ForecastAmounts | None,
    stated: Mapping[str, int],
) -> tuple[ss.SummaryLine, Figures]:
    budget = _amounts(budget_line.revenue, budget_line.cost) if budget_line else None
    figures = line_figures(
        months,
        budget.result if budget else None,
        outcome.result if outcome else None,
        forecast.result if forecast else None,
    )
    line = ss.SummaryLine(
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


def _reported_result(
    picked: Picked, head: Headline, sums: Figures, through: str
) -> ss.ReportedResultOut | None:
    """The earlier form of the stated result: the same totals as the headline."""
    if picked.budget is None and picked.outcome is None:
        return None
    first = picked.outcome or picked.budget
    assert first is not None
    reproducible = (
        picked.outcome is not None
        and picked.outcome.month == through
        and sums.outcome_result == picked.outcome.result
    )
    figures = {
        "budget_result": head.figures.budget_result,
        "outcome_result": head.figures.outcome_result,
        "deviation": head.figures.deviation,
    }
    return ss.ReportedResultOut(
        budget_result_stated=picked.budget is not None,
        reproducible_from_lines=reproducible,
        note=first.note,
        source_text=first.source_text,
        mnkr=mnkr_strings(figures),
        **figures,
    )


def _deviation(d: Any, budget_lines: set[str]) -> ss.ReportedDeviationOut:
    return ss.ReportedDeviationOut(
        line=d.line,
        label=d.label,
        deviation=d.deviation,
        deviation_mnkr=mnkr(d.deviation),
        share_bp=d.share_bp,
        has_budget_line=d.line in budget_lines,
        source_text=d.source_text,
    )

"""A committee's forecast rounds for a year (``GET /v1/forecast-rounds``): the latest
round made by a month, its deviation from the budget and how it moved since the previous
round, per line and for the committee's total.

Three queries (the round months' line forecasts, the year's stated totals, the year's
budget lines), then the rules of ``round_rules``; nothing is summed into a total the
committee did not state, and nothing missing is filled in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from services.budget.money import mnkr_strings
from services.budget.repository import budget_lines as line_repo
from services.budget.repository import reported as reported_repo
from services.budget.repository import rounds as rounds_repo
from services.budget.round_rules import (
    Round,
    RoundFigures,
    RoundName,
    latest_two,
    round_figures,
    rounds_through,
)
from services.budget.summary_figures import through_month


class RoundMade(BaseModel):
    """One round of the year up to `through`, and what the committee made in it."""

    round: RoundName
    made_in: str
    made: bool
    lines: int = Field(description="Lines forecast in the round.")
    total_result: int | None = Field(description="The stated total forecast's result.")


class Figures(BaseModel):
    budget_result: int | None = Field(description="Full-year budget result.")
    forecast_result: int | None = Field(description="The latest round's forecast result.")
    deviation: int | None = Field(description="forecast_result - budget_result.")
    previous_forecast_result: int | None = Field(description="The previous round's.")
    movement: int | None = Field(description="forecast_result - previous_forecast_result.")
    mnkr: dict[str, str]


class RoundLine(Figures):
    line: str
    label: str | None


class ForecastRounds(BaseModel):
    org_unit: str
    year: int
    through: str
    rounds: list[RoundMade]
    latest_round: RoundName | None
    latest_made_in: str | None
    previous_round: RoundName | None
    previous_made_in: str | None
    total: Figures = Field(
        description="The committee's own stated totals (budget and forecast), never the "
        "lines' sum; null where not stated."
    )
    lines: list[RoundLine]


def _figures(figures: RoundFigures) -> dict[str, Any]:
    return {**figures.kronor(), "mnkr": mnkr_strings(figures.kronor())}


def _month(r: Round | None) -> str | None:
    return r.made_in if r else None


def forecast_rounds(
    session: Session,
    org_unit: str,
    year: int,
    through: str | None,
    *,
    lines: Sequence[Any] | None = None,
    totals: Sequence[Any] | None = None,
) -> ForecastRounds:
    """``org_unit``'s forecast rounds of ``year`` made by ``through`` (``YYYY-MM`` in the
    year; December when not given). ``lines`` and ``totals``: the year's budget lines and
    stated totals when the caller has read them already (else read here)."""
    last = through_month(year, through)
    rounds = rounds_through(last)
    line_forecasts: dict[tuple[str, str], int] = {}
    for f in rounds_repo.forecasts_in(session, org_unit, [r.made_in for r in rounds]):
        line_forecasts[(f.made_in, f.line)] = f.revenue - f.cost
    round_months = {r.made_in for r in rounds}
    budget_total: int | None = None
    total_forecasts: dict[str, int] = {}
    if totals is None:
        totals = reported_repo.totals_of(session, org_unit, year)
    if lines is None:
        lines = line_repo.budget_lines_of(session, org_unit, year)
    for t in totals:
        if t.kind == "budget":
            budget_total = t.result
        elif t.kind == "forecast" and t.month in round_months:
            total_forecasts[t.month] = t.result
    budgets = {b.line: b for b in lines}

    made = {m for m, _ in line_forecasts} | set(total_forecasts)
    latest, previous = latest_two(rounds, made)
    now, before = _month(latest), _month(previous)
    names = sorted(set(budgets) | {ln for m, ln in line_forecasts if m in (now, before)})
    round_lines = []
    for name in names:
        b = budgets.get(name)
        budget = b.revenue - b.cost if b and b.revenue is not None and b.cost is not None else None
        figures = round_figures(
            budget,
            line_forecasts.get((now, name)) if now else None,
            line_forecasts.get((before, name)) if before else None,
        )
        round_lines.append(
            RoundLine.model_validate(
                {"line": name, "label": b.label if b else None, **_figures(figures)}
            )
        )
    total = round_figures(
        budget_total,
        total_forecasts.get(now) if now else None,
        total_forecasts.get(before) if before else None,
    )
    return ForecastRounds(
        org_unit=org_unit,
        year=year,
        through=str(last),
        rounds=[
            RoundMade(
                round=r.name,
                made_in=r.made_in,
                made=r.made_in in made,
                lines=sum(1 for m, _ in line_forecasts if m == r.made_in),
                total_result=total_forecasts.get(r.made_in),
            )
            for r in rounds
        ],
        latest_round=latest.name if latest else None,
        latest_made_in=now,
        previous_round=previous.name if previous else None,
        previous_made_in=before,
        total=Figures.model_validate(_figures(total)),
        lines=round_lines,
    )

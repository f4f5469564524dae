"""Evaluations (måluppfyllelse): every indicator's result judged against its target in
force, for one org unit and period, and the verdict per area.

Four queries whatever the number of indicators: indicators, targets, the unit's results
for the period and the same span in earlier years, and (for ``REGION``) the units'
numerators and denominators where the region has no stored value. The arithmetic is in
``evaluation_rules``.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from services.indicators import repository
from services.indicators.evaluation_rules import (
    Observed,
    area_verdicts,
    breakdowns_shown,
    comparable_periods,
    judge,
    region_values,
    targets_in_force,
)
from services.indicators.goal_tree import tree_position
from services.indicators.models import REGION
from services.indicators.schemas import AreaEvaluation, EvaluationItem, TargetInForce
from shared.errors import NotFound
from shared.periods import Period


def evaluations(
    session: Session,
    org_unit: str,
    period: Period,
    *,
    indicator: str | None = None,
    breakdown: str | None = None,
) -> list[EvaluationItem]:
    """Every indicator (× breakdown with results) judged for one org unit and period, in
    the goal hierarchy's order."""
    indicators = repository.indicators_to_evaluate(session, indicator)
    if indicator is not None and not indicators:
        raise NotFound(f"No indicator {indicator!r}.")
    in_force = targets_in_force(repository.targets_up_to(session, period.year, org_unit, indicator))
    periods = comparable_periods(period)
    # (indicator, breakdown) → period → value; the unit's stored values win over sums.
    series: dict[tuple[str, str], dict[str, Observed]] = defaultdict(dict)
    if org_unit == REGION:
        figures = repository.unit_figures(
            session, periods, indicator=indicator, breakdown=breakdown
        )
        units = {row.code: row.unit for row in indicators}
        for (code, bd, per), observed in region_values(figures, units).items():
            series[(code, bd)][per] = observed
    own = repository.results_of(
        session, org_unit, periods, indicator=indicator, breakdown=breakdown
    )
    for row in own:
        series[(row.indicator, row.breakdown)][row.period] = Observed(row.value, row.status)
    with_results: dict[str, list[str]] = defaultdict(list)
    for code, bd in series:
        with_results[code].append(bd)

    here = str(period)
    items: list[EvaluationItem] = []
    for ind in sorted(indicators, key=lambda x: tree_position(x.goal, x.area, x.delmal, x.code)):
        chosen = in_force.get(ind.code)
        target = (
            TargetInForce(
                expression=chosen.expression,
                year=chosen.year,
                source=chosen.source,
                org_unit=chosen.org_unit,
                kind=chosen.parsed.kind,
            )
            if chosen is not None
            else None
        )
        for bd in breakdowns_shown(with_results.get(ind.code, []), breakdown):
            values = series.get((ind.code, bd), {})
            current = values.get(here)
            judgement = judge(
                chosen.parsed if chosen else None,
                values,
                periods,
                higher_is_better=ind.direction != "lower_is_better",
            )
            items.append(
                EvaluationItem(
                    indicator=ind.code,
                    name=ind.name,
                    goal=ind.goal,
                    area=ind.area,
                    delmal=ind.delmal,
                    unit=ind.unit,
                    direction=ind.direction,
                    org_unit=org_unit,
                    period=here,
                    breakdown=bd,
                    value=current.value if current else None,
                    result_status=current.status if current else None,
                    aggregated=bool(current and current.aggregated),
                    target=target,
                    status=judgement.status,
                    compared_with=judgement.compared_with,
                )
            )
    return items


def area_evaluations(session: Session, org_unit: str, period: Period) -> list[AreaEvaluation]:
    """Per area: evaluations counted, met, share and the ≥ half-met verdict (000, footnote 6)."""
    return area_verdicts(evaluations(session, org_unit, period))

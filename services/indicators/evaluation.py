"""Evaluations (måluppfyllelse): every indicator's result judged against its target in
force, for one org unit and period, and the verdict per area.

Four queries whatever the number of indicators: indicators, targets, the results of the
units whose values the evaluation reads (the org unit's own; for HSN and RS also the
region's) in the spans it may need (the period, its months, the spans covering its start,
the same in earlier years), and, where the region is read, the units' numerators and
denominators. How a value is found for a period (stored, rolled up from months, year to
date) is in ``series_rules``; judging and the area verdicts in ``evaluation_rules``; where
an (indicator, breakdown) sits in the goal tree in ``goal_tree``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import cast

from sqlalchemy.orm import Session

from services.indicators import repository
from services.indicators.catalogue import coverage_notes, time_aggregation
from services.indicators.evaluation_rules import (
    area_verdicts,
    breakdowns_shown,
    judge_value,
    targets_in_force,
    values_read,
)
from services.indicators.goal_tree import (
    Placement,
    placement_of,
    stored_placements,
    tree_position,
)
from services.indicators.models import REGION
from services.indicators.repository import Row
from services.indicators.schemas import (
    AreaEvaluation,
    EvaluationItem,
    MonthsOut,
    ResultStatus,
    TargetInForce,
)
from services.indicators.series_rules import (
    Figure,
    Span,
    candidate_periods,
    current_value,
    earlier_values,
    region_figures,
    span_of,
)
from shared.errors import NotFound
from shared.periods import Period

#: (indicator, breakdown) → span → figure.
Series = dict[tuple[str, str], dict[Span, Figure]]


@cache
def _span(period: str) -> Span:
    return span_of(Period.parse(period))


def _series(
    session: Session,
    org_unit: str,
    period: Period,
    indicators: dict[str, Row],
    *,
    indicator: str | None,
    breakdown: str | None,
) -> dict[tuple[str, str], tuple[str, dict[Span, Figure]]]:
    """Per (indicator, breakdown): whose results are shown and their figures by span. The
    first unit of ``values_read`` with any result for the pair is the one shown; for the
    region, a stored value wins over the units' Σ/Σ for the same span."""
    readers = values_read(org_unit)
    periods = candidate_periods(period)
    by_unit: dict[str, Series] = {unit: defaultdict(dict) for unit in readers}
    if REGION in readers:
        figures = repository.unit_figures(
            session, periods, indicator=indicator, breakdown=breakdown
        )
        units = {code: row.unit for code, row in indicators.items()}
        for (code, bd, per), figure in region_figures(figures, units).items():
            by_unit[REGION][(code, bd)][_span(per)] = figure
    for row in repository.results_of(
        session, readers, periods, indicator=indicator, breakdown=breakdown
    ):
        by_unit[row.org_unit][(row.indicator, row.breakdown)][_span(row.period)] = Figure(
            row.value, row.status, row.numerator, row.denominator
        )
    chosen: dict[tuple[str, str], tuple[str, dict[Span, Figure]]] = {}
    for unit in readers:
        for key, figures_by_span in by_unit[unit].items():
            chosen.setdefault(key, (unit, figures_by_span))
    return chosen


def evaluations(
    session: Session,
    org_unit: str,
    period: Period,
    *,
    indicator: str | None = None,
    breakdown: str | None = None,
) -> list[EvaluationItem]:
    """Every indicator (× breakdown with results) judged for one org unit and period, in
    the goal hierarchy's order, each breakdown where the annex places it."""
    indicators = {row.code: row for row in repository.indicators_to_evaluate(session, indicator)}
    if indicator is not None and not indicators:
        raise NotFound(f"No indicator {indicator!r}.")
    in_force = targets_in_force(repository.targets_up_to(session, period.year, org_unit, indicator))
    chosen = _series(
        session, org_unit, period, indicators, indicator=indicator, breakdown=breakdown
    )
    with_results: dict[str, list[str]] = defaultdict(list)
    for code, bd in chosen:
        with_results[code].append(bd)

    here, span = str(period), span_of(period)
    ordered: list[tuple[tuple[int, int, int, str], int, EvaluationItem]] = []
    for ind in indicators.values():
        target = in_force.get(ind.code)
        shown_target = (
            TargetInForce(
                expression=target.expression,
                year=target.year,
                source=target.source,
                org_unit=target.org_unit,
                kind=target.parsed.kind,
            )
            if target is not None
            else None
        )
        own_place = Placement(ind.goal, ind.area, ind.delmal)
        elsewhere = stored_placements(ind.placements)
        how, notes = time_aggregation(ind), coverage_notes(ind)
        for bd in breakdowns_shown(with_results.get(ind.code, []), breakdown):
            values_of, series = chosen.get((ind.code, bd), (org_unit, {}))
            current = current_value(series, span, how, ind.unit)
            judgement = judge_value(
                target.parsed if target else None,
                current,
                earlier_values(series, span, current, how, ind.unit),
                higher_is_better=ind.direction != "lower_is_better",
            )
            place = placement_of(own_place, elsewhere, bd)
            coverage = current.coverage if current else None
            months = current.months if current else None
            item = EvaluationItem(
                indicator=ind.code,
                name=ind.name,
                goal=place.goal,
                area=place.area,
                delmal=place.delmal,
                unit=ind.unit,
                direction=ind.direction,
                org_unit=org_unit,
                period=here,
                breakdown=bd,
                value=current.value if current else None,
                result_status=cast(ResultStatus, current.status) if current else None,
                aggregated=bool(current and current.aggregated),
                target=shown_target,
                status=judgement.status,
                compared_with=judgement.compared_with,
                value_org_unit=values_of if current else None,
                coverage=coverage,
                coverage_note=notes.get(coverage) if coverage else None,
                months=MonthsOut(found=months.found, of=months.of) if months else None,
            )
            position = tree_position(place.goal, place.area, place.delmal, ind.code)
            ordered.append((position, len(ordered), item))
    return [item for _, _, item in sorted(ordered, key=lambda o: (o[0], o[1]))]


def area_evaluations(session: Session, org_unit: str, period: Period) -> list[AreaEvaluation]:
    """Per area: evaluations counted, met, share and the ≥ half-met verdict (000, footnote 6)."""
    return area_verdicts(evaluations(session, org_unit, period))


@dataclass(frozen=True)
class Summary:
    """One org unit's evaluations for a period and the area verdicts over them."""

    evaluations: list[EvaluationItem]
    areas: list[AreaEvaluation]


def summary(session: Session, org_unit: str, period: Period) -> Summary:
    """The evaluations and the area verdicts from one evaluation pass: the items of
    ``evaluations`` and ``area_evaluations`` for the same org unit and period."""
    items = evaluations(session, org_unit, period)
    return Summary(items, area_verdicts(items))

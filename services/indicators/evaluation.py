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
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from operator import itemgetter
from typing import NamedTuple, cast

from sqlalchemy.orm import Session

from services.indicators import evaluation_repository
from services.indicators.catalogue import coverage_notes, time_aggregation
from services.indicators.evaluation_rules import (
    ChosenTarget,
    area_verdicts,
    breakdowns_shown,
    judge_value,
    targets_in_force,
    values_read,
)
from services.indicators.goal_tree import (
    BreakdownPlacement,
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
    TimeAggregation,
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


@dataclass(frozen=True)
class _Indicator:
    """What an evaluation reads of one indicator: the same for each of its breakdowns."""

    code: str
    name: str
    unit: str
    direction: str
    higher_is_better: bool
    own_place: Placement
    elsewhere: tuple[BreakdownPlacement, ...]
    how: TimeAggregation
    notes: Mapping[str, str]


@lru_cache(maxsize=4096)
def _indicator(row: Row) -> _Indicator:
    """An indicator's row as an evaluation reads it. Kept by the row's content (a row
    equals another with the same values): the next pass finds the indicators it read
    before, unless a write changed them, without parsing their placements and notes again
    (read by name, a row's columns cost more than the rest of the evaluation's rules)."""
    return _Indicator(
        code=row.code,
        name=row.name,
        unit=row.unit,
        direction=row.direction,
        higher_is_better=row.direction != "lower_is_better",
        own_place=Placement(row.goal, row.area, row.delmal),
        elsewhere=tuple(stored_placements(row.placements)),
        how=time_aggregation(row),
        notes=coverage_notes(row),
    )


class _UnitFigures(NamedTuple):
    """A row of ``evaluation_repository.unit_figures`` as a named tuple (read by name, as
    ``_StoredTarget``): a region evaluation reads thousands."""

    indicator: str
    period: str
    breakdown: str
    numerator: Decimal
    denominator: Decimal
    status: str


class _StoredTarget(NamedTuple):
    """A target's row (``evaluation_repository.targets_up_to``) as a named tuple: read by name many
    times over in choosing the target in force, which a row does far more slowly."""

    indicator: str
    year: int
    org_unit: str
    expression: str
    parsed: str


def _series(
    session: Session,
    org_unit: str,
    period: Period,
    units: Mapping[str, str],
    *,
    indicator: str | None,
    breakdown: str | None,
) -> dict[tuple[str, str], tuple[str, dict[Span, Figure]]]:
    """Per (indicator, breakdown): whose results are shown and their figures by span. The
    first unit of ``values_read`` with any result for the pair is the one shown; for the
    region, a stored value wins over the units' Σ/Σ for the same span (``units``: each
    indicator's unit, which the Σ/Σ is scaled to)."""
    readers = values_read(org_unit)
    periods = candidate_periods(period)
    by_unit: dict[str, Series] = {unit: {} for unit in readers}
    if REGION in readers:
        region = by_unit[REGION]
        rows = evaluation_repository.unit_figures(
            session, periods, indicator=indicator, breakdown=breakdown
        )
        figures = map(_UnitFigures._make, rows)
        for (code, bd, per), figure in region_figures(figures, units).items():
            region.setdefault((code, bd), {})[_span(per)] = figure
    rows = evaluation_repository.results_of(
        session, readers, periods, indicator=indicator, breakdown=breakdown
    )
    # By position, in the order ``results_of`` gives.
    for unit, code, bd, per, value, status, numerator, denominator in rows:
        series = by_unit[unit].setdefault((code, bd), {})
        series[_span(per)] = Figure(value, status, numerator, denominator)
    chosen: dict[tuple[str, str], tuple[str, dict[Span, Figure]]] = {}
    for unit in readers:
        for key, figures_by_span in by_unit[unit].items():
            chosen.setdefault(key, (unit, figures_by_span))
    return chosen


def _shown(target: ChosenTarget | None) -> TargetInForce | None:
    if target is None:
        return None
    return TargetInForce(
        expression=target.expression,
        year=target.year,
        source=target.source,
        org_unit=target.org_unit,
        kind=target.parsed.kind,
    )


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
    indicators = [
        _indicator(row) for row in evaluation_repository.indicators_to_evaluate(session, indicator)
    ]
    if indicator is not None and not indicators:
        raise NotFound(f"No indicator {indicator!r}.")
    targets = evaluation_repository.targets_up_to(session, period.year, org_unit, indicator)
    in_force = targets_in_force(_StoredTarget._make(row) for row in targets)
    chosen = _series(
        session,
        org_unit,
        period,
        {ind.code: ind.unit for ind in indicators},
        indicator=indicator,
        breakdown=breakdown,
    )
    with_results: dict[str, list[str]] = defaultdict(list)
    for code, bd in chosen:
        with_results[code].append(bd)

    here, span = str(period), span_of(period)
    no_series: tuple[str, dict[Span, Figure]] = (org_unit, {})
    ordered: list[tuple[tuple[int, int, int, str], EvaluationItem]] = []
    for ind in indicators:
        target = in_force.get(ind.code)
        parsed, shown_target = (target.parsed, _shown(target)) if target else (None, None)
        for bd in breakdowns_shown(with_results.get(ind.code, ()), breakdown):
            values_of, series = chosen.get((ind.code, bd), no_series)
            current = current_value(series, span, ind.how, ind.unit)
            judgement = judge_value(
                parsed,
                current,
                earlier_values(series, span, current, ind.how, ind.unit),
                higher_is_better=ind.higher_is_better,
            )
            place = placement_of(ind.own_place, ind.elsewhere, bd)
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
                coverage_note=ind.notes.get(coverage) if coverage else None,
                months=MonthsOut(found=months.found, of=months.of) if months else None,
            )
            ordered.append((tree_position(place.goal, place.area, place.delmal, ind.code), item))
    # A stable sort: items at the same position keep the order they were made in.
    ordered.sort(key=itemgetter(0))
    return [item for _, item in ordered]


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

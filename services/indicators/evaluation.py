"""Evaluations (måluppfyllelse): every indicator's result judged against its target in
force, for one org unit and period, and the verdict per area.

Three queries whatever the number of indicators: the indicators, their targets, and the
results of the units whose values the evaluation reads (the org unit's own; for HSN and
RS also the region's) in the spans it may need (the period, its months, the spans
covering its start, the same in earlier years); where the region is read, a fourth for
the units' numerators and denominators. How a value is found for a period (stored, rolled up from months, year to
date) is in ``series_rules``; judging and the area verdicts in ``evaluation_rules``; where
an (indicator, breakdown) sits in the goal tree in ``goal_tree``.

One module (past 400 lines) because the pass reads its rows into light records
(``Evaluated``) that two outputs share: the models of ``/v1/evaluations`` and the plain
JSON of the view section (``item_json``), written field for field alike; split, the two
would drift.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from services.indicators import evaluation_repository
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
from services.indicators.result_rows import DEFAULT_BREAKDOWN
from services.indicators.schemas import (
    AreaEvaluation,
    ComparedWith,
    EvaluationItem,
    EvaluationStatus,
    json_number,
)
from services.indicators.series_rules import (
    Figure,
    MonthsFound,
    Span,
    TimeAggregation,
    candidate_periods,
    current_value,
    default_time_aggregation,
    earlier_values,
    region_figures,
    span_of,
    span_of_text,
)
from services.indicators.targets import ParsedTarget
from shared.errors import NotFound
from shared.periods import Period

#: (indicator, breakdown) → span → figure.
Series = dict[tuple[str, str], dict[Span, Figure]]


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
    #: Where its ``total`` sits, and that place's position in the goal tree.
    total_place: Placement
    total_position: tuple[int, int, int, str]


class _IndicatorRow(NamedTuple):
    """A row of ``evaluation_repository.indicators_to_evaluate`` as a named tuple."""

    code: str
    name: str
    unit: str
    direction: str
    goal: str
    area: str
    delmal: str | None
    time_aggregation: TimeAggregation | None
    placements: str | None
    coverage_notes: str | None
    kind: str


@lru_cache(maxsize=4096)
def _indicator(values: tuple[Any, ...]) -> _Indicator:
    """An indicator's row as an evaluation reads it. Kept by the row's values (a tuple: a
    row compares with another far more slowly): the next pass finds the indicators it read
    before, unless a write changed them, without parsing their placements and notes again."""
    row = _IndicatorRow._make(values)
    own_place = Placement(row.goal, row.area, row.delmal)
    elsewhere = tuple(stored_placements(row.placements))
    total = placement_of(own_place, elsewhere, DEFAULT_BREAKDOWN)
    return _Indicator(
        code=row.code,
        name=row.name,
        unit=row.unit,
        direction=row.direction,
        higher_is_better=row.direction != "lower_is_better",
        own_place=own_place,
        elsewhere=elsewhere,
        # As ``catalogue.time_aggregation`` and ``catalogue.coverage_notes`` read a row.
        how=row.time_aggregation or default_time_aggregation(row.unit),
        notes=json.loads(row.coverage_notes) if row.coverage_notes else {},
        total_place=total,
        total_position=tree_position(total.goal, total.area, total.delmal, row.code),
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


def own_results(session: Session, org_unit: str, period: Period) -> Sequence[Row]:
    """The stored results an evaluation of ``org_unit`` for ``period`` reads, of every
    indicator (``evaluation_repository.results_of``): a follow-up section reads them once
    for its evaluations and its production volumes (whose periods are among these)."""
    return evaluation_repository.results_of(
        session, values_read(org_unit), candidate_periods(period), indicator=None, breakdown=None
    )


def _series(
    session: Session,
    org_unit: str,
    period: Period,
    units: Mapping[str, str],
    results: Sequence[Row] | None,
    *,
    indicator: str | None,
    breakdown: str | None,
) -> dict[tuple[str, str], tuple[str, dict[Span, Figure]]]:
    """Per (indicator, breakdown): whose results are shown and their figures by span. The
    first unit of ``values_read`` with any result for the pair is the one shown; for the
    region, a stored value wins over the units' Σ/Σ for the same span (``units``: each
    indicator's unit, which the Σ/Σ is scaled to). ``results``: the rows of ``own_results``
    when already read."""
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
            region.setdefault((code, bd), {})[span_of_text(per)] = figure
    if results is None:
        results = evaluation_repository.results_of(
            session, readers, periods, indicator=indicator, breakdown=breakdown
        )
    # By position, in the order ``results_of`` gives.
    for unit, code, bd, per, value, status, numerator, denominator in results:
        series = by_unit[unit].setdefault((code, bd), {})
        series[span_of_text(per)] = Figure(value, status, numerator, denominator)
    chosen: dict[tuple[str, str], tuple[str, dict[Span, Figure]]] = {}
    for unit in readers:
        for key, figures_by_span in by_unit[unit].items():
            chosen.setdefault(key, (unit, figures_by_span))
    return chosen


class Evaluated(NamedTuple):
    """One evaluation as the pass makes it: the fields of ``EvaluationItem``, in its order,
    its parts not yet models. Made light because a pass makes one per indicator and
    breakdown (most of a committee's without data), and the follow-up section sends them
    as JSON without making the models at all (``item_json``)."""

    indicator: str
    name: str
    goal: str
    area: str
    delmal: str | None
    unit: str
    direction: str
    org_unit: str
    period: str
    breakdown: str
    value: Decimal | None
    result_status: str | None
    aggregated: bool
    #: ``TargetInForce``'s fields (a mapping shared by the pass's items: read only).
    target: Mapping[str, Any] | None
    status: EvaluationStatus
    compared_with: ComparedWith | None
    value_org_unit: str | None
    coverage: str | None
    coverage_note: str | None
    months: MonthsFound | None


def _same(value: Decimal) -> Decimal:
    return value


def _fields(item: Evaluated, number: Callable[[Decimal], Any]) -> dict[str, Any]:
    """``item`` as ``EvaluationItem``'s fields, in its order; each number through ``number``."""
    compared, months = item.compared_with, item.months
    return {
        "indicator": item.indicator,
        "name": item.name,
        "goal": item.goal,
        "area": item.area,
        "delmal": item.delmal,
        "unit": item.unit,
        "direction": item.direction,
        "org_unit": item.org_unit,
        "period": item.period,
        "breakdown": item.breakdown,
        "value": None if item.value is None else number(item.value),
        "result_status": item.result_status,
        "aggregated": item.aggregated,
        "target": item.target,
        "status": item.status,
        "compared_with": (
            None
            if compared is None
            else {"period": compared.period, "value": number(compared.value)}
        ),
        "value_org_unit": item.value_org_unit,
        "coverage": item.coverage,
        "coverage_note": item.coverage_note,
        "months": None if months is None else {"found": months.found, "of": months.of},
    }


#: Per indicator: the parsed target in force and ``TargetInForce``'s fields of it.
InForce = Mapping[str, tuple[ParsedTarget | None, Mapping[str, Any] | None]]
_NO_TARGET: tuple[None, None] = (None, None)


@lru_cache(maxsize=256)
def _in_force(targets: tuple[tuple[Any, ...], ...]) -> InForce:
    """The targets in force among ``targets`` (rows of ``targets_up_to``, as tuples), each
    with the fields an evaluation shows of it (``evaluation_rules.targets_in_force``). Kept
    by the rows read: they change only with a write, and each pass of a unit finds the same
    ones (a shared answer: read only)."""
    chosen = targets_in_force(map(_StoredTarget._make, targets))
    return {code: (target.parsed, _target_fields(target)) for code, target in chosen.items()}


def _target_fields(target: ChosenTarget) -> dict[str, Any]:
    """``TargetInForce``'s fields, in its order."""
    return {
        "expression": target.expression,
        "year": target.year,
        "source": target.source,
        "org_unit": target.org_unit,
        "kind": target.parsed.kind,
    }


def item_model(item: Evaluated) -> EvaluationItem:
    """``item`` as the API's model (the items of ``GET /v1/evaluations``)."""
    return EvaluationItem.model_validate(_fields(item, _same))


def item_json(item: Evaluated) -> dict[str, Any]:
    """``item`` as ``item_model(item)`` serializes to JSON (``pydantic_core.to_json``), the
    same bytes, without making the model (numbers as ``schemas.Number`` sends them)."""
    return _fields(item, json_number)


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
    rows = evaluation_repository.indicators_to_evaluate(session, indicator)
    if indicator is not None and not rows:
        raise NotFound(f"No indicator {indicator!r}.")
    found = evaluate(session, org_unit, period, rows, indicator=indicator, breakdown=breakdown)
    return [item_model(item) for item in found]


def evaluate(
    session: Session,
    org_unit: str,
    period: Period,
    indicator_rows: Iterable[Row],
    results: Sequence[Row] | None = None,
    *,
    indicator: str | None = None,
    breakdown: str | None = None,
) -> list[Evaluated]:
    """``evaluations`` of the quality indicators of ``indicator_rows`` (the columns of
    ``evaluation_repository.indicators_to_evaluate``), as light records; ``results``: the
    rows of ``own_results`` when already read (and neither ``indicator`` nor
    ``breakdown`` narrows the pass)."""
    indicators = [_indicator(tuple(row)) for row in indicator_rows]
    targets = evaluation_repository.targets_up_to(session, period.year, org_unit, indicator)
    in_force = _in_force(tuple(map(tuple, targets)))
    chosen = _series(
        session,
        org_unit,
        period,
        {ind.code: ind.unit for ind in indicators},
        results,
        indicator=indicator,
        breakdown=breakdown,
    )
    with_results: dict[str, list[str]] = defaultdict(list)
    for code, bd in chosen:
        with_results[code].append(bd)

    here, span = str(period), span_of(period)
    no_series: tuple[str, dict[Span, Figure]] = (org_unit, {})
    ordered: list[tuple[tuple[int, int, int, str], Evaluated]] = []
    for ind in indicators:
        parsed, target = in_force.get(ind.code, _NO_TARGET)
        shown = with_results.get(ind.code)
        if shown is None and breakdown is None:
            # Most of a unit's indicators: no result in the spans read, so one ``total``
            # without a value (what the steps below come to for an empty series).
            judged = judge_value(parsed, None, (), higher_is_better=ind.higher_is_better)
            item = _without_value(
                ind, ind.total_place, org_unit, here, DEFAULT_BREAKDOWN, target, judged.status
            )
            ordered.append((ind.total_position, item))
            continue
        for bd in breakdowns_shown(shown or (), breakdown):
            values_of, series = chosen.get((ind.code, bd), no_series)
            current = current_value(series, span, ind.how, ind.unit)
            judgement = judge_value(
                parsed,
                current,
                earlier_values(series, span, current, ind.how, ind.unit),
                higher_is_better=ind.higher_is_better,
            )
            place = placement_of(ind.own_place, ind.elsewhere, bd)
            item = _without_value(ind, place, org_unit, here, bd, target, judgement.status)
            if current is not None:
                coverage = current.coverage
                item = item._replace(
                    value=current.value,
                    result_status=current.status,
                    aggregated=current.aggregated,
                    compared_with=judgement.compared_with,
                    value_org_unit=values_of,
                    coverage=coverage,
                    coverage_note=ind.notes.get(coverage) if coverage else None,
                    months=current.months,
                )
            ordered.append((tree_position(place.goal, place.area, place.delmal, ind.code), item))
    # A stable sort: items at the same position keep the order they were made in.
    ordered.sort(key=itemgetter(0))
    return [item for _, item in ordered]


def _without_value(
    ind: _Indicator,
    place: Placement,
    org_unit: str,
    period: str,
    breakdown: str,
    target: Mapping[str, Any] | None,
    status: EvaluationStatus,
) -> Evaluated:
    """An evaluation without a value found (judged ``no_target`` or ``no_data``)."""
    return Evaluated(
        ind.code,
        ind.name,
        place.goal,
        place.area,
        place.delmal,
        ind.unit,
        ind.direction,
        org_unit,
        period,
        breakdown,
        None,
        None,
        False,
        target,
        status,
        None,
        None,
        None,
        None,
        None,
    )


def area_evaluations(session: Session, org_unit: str, period: Period) -> list[AreaEvaluation]:
    """Per area: evaluations counted, met, share and the ≥ half-met verdict (000, footnote 6)."""
    rows = evaluation_repository.indicators_to_evaluate(session, None)
    return area_verdicts(evaluate(session, org_unit, period, rows))


@dataclass(frozen=True)
class Summary:
    """One org unit's evaluations for a period and the area verdicts over them."""

    evaluations: list[EvaluationItem]
    areas: list[AreaEvaluation]


def summary(session: Session, org_unit: str, period: Period) -> Summary:
    """The evaluations and the area verdicts from one evaluation pass: the items of
    ``evaluations`` and ``area_evaluations`` for the same org unit and period."""
    rows = evaluation_repository.indicators_to_evaluate(session, None)
    found = evaluate(session, org_unit, period, rows)
    return Summary([item_model(item) for item in found], area_verdicts(found))

"""Production volumes (produktionsvolymer) compared with the previous year:
``GET /v1/production``.

Seeds 001 (lines ~373–379, ~502) and 002 (~2440–2456): unique patients and production
volumes are followed monthly and compared with the previous year. A volume is an indicator
of ``kind: volume``: no target, not evaluated, results loaded as any other
(``POST /v1/results``). Which unit's results are shown follows the evaluations: the unit's
own, else for HSN and RS the region's (``value_org_unit``). The arithmetic is
``production_rules``; here the reading and the CSV form.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from services.indicators import production_repository as repository
from services.indicators.catalogue import time_aggregation
from services.indicators.evaluation_rules import values_read
from services.indicators.production_rules import Comparison, compare_with_previous_year
from services.indicators.production_schemas import ProductionItem
from services.indicators.repository import Row
from services.indicators.schemas import json_number
from services.indicators.series_rules import Figure, Span, span_of, span_of_text, span_texts
from shared.errors import InvalidInput, field_error
from shared.periods import MIN_YEAR, Period


def _periods_read(period: Period) -> list[str]:
    """Every stored period text a comparison of ``period`` may read: the period and the
    same span a year earlier (in each form a span may be stored), and their months."""
    texts: list[str] = []
    for p in (period, period.previous_comparable()):
        if p.year < MIN_YEAR:
            continue  # before any period a result may have: nothing stored to read
        texts += span_texts(span_of(p))
        if p.month_count > 1:
            texts += [str(m) for m in p.months()]
    return texts


@lru_cache(maxsize=1024)
def _read_of(period: str) -> frozenset[str]:
    # The periods asked are few (a year, a month, ...): the same sets over and over.
    return frozenset(_periods_read(Period.parse(period)))


def production(
    session: Session, org_unit: str, period: Period, indicator: str | None = None
) -> list[ProductionItem]:
    """Each volume (× breakdown with results) of ``org_unit`` for ``period`` beside the same
    period of the previous year; a volume without results comes once as ``total``."""
    volumes = repository.volume_indicators(session, indicator)
    if indicator is not None and not volumes:
        kind = repository.indicator_kind(session, indicator)
        why = "unknown indicator" if kind is None else "not a volume indicator (kind quality)"
        raise InvalidInput(
            f"{indicator!r}: {why}; /v1/production lists production volumes.",
            errors=[field_error(["query", "indicator"], why)],
        )
    rows = repository.volume_results(
        session, values_read(org_unit), _periods_read(period), indicator
    )
    return [item_model(c) for c in compared(volumes, rows, org_unit, period)]


class Compared(NamedTuple):
    """One volume (× breakdown) compared: what a ``ProductionItem`` shows, not yet one."""

    volume: Any
    org_unit: str
    value_org_unit: str | None
    breakdown: str
    comparison: Comparison


def compared(
    volumes: Iterable[Any], results: Iterable[Row], org_unit: str, period: Period
) -> list[Compared]:
    """Each volume of ``volumes`` (rows with ``volume_indicators``' code, name, unit, goal,
    area, delmal and time_aggregation; by code) compared for ``org_unit`` and ``period``.

    ``results``: stored results by position (org unit, indicator, breakdown, period, value,
    status, numerator, denominator), as ``volume_results`` and the evaluations'
    ``evaluation_repository.results_of`` give them: of any indicator and period, only the
    volumes' in the periods a comparison reads count (a follow-up section passes the rows
    its evaluations read, which hold those)."""
    readers = values_read(org_unit)
    wanted = _read_of(str(period))
    by_unit: dict[str, dict[tuple[str, str], dict[Span, Figure]]] = {
        unit: defaultdict(dict) for unit in readers
    }
    for reader, code, bd, per, value, status, numerator, denominator in results:
        if per in wanted:
            figures = by_unit[reader][(code, bd)]
            figures[span_of_text(per)] = Figure(value, status, numerator, denominator)
    chosen: dict[tuple[str, str], tuple[str, dict[Span, Figure]]] = {}
    for reader in readers:
        for key, found in by_unit[reader].items():
            chosen.setdefault(key, (reader, found))
    breakdowns: dict[str, list[str]] = defaultdict(list)
    for code, breakdown in sorted(chosen):
        breakdowns[code].append(breakdown)
    out: list[Compared] = []
    for ind in volumes:
        for breakdown in breakdowns.get(ind.code) or ["total"]:
            shown = chosen.get((ind.code, breakdown))
            unit: str | None = shown[0] if shown else None
            series: dict[Span, Figure] = shown[1] if shown else {}
            comparison = compare_with_previous_year(series, period, time_aggregation(ind), ind.unit)
            out.append(Compared(ind, org_unit, unit, breakdown, comparison))
    return out


def _same(value: Decimal) -> Decimal:
    return value


def _optional(value: Decimal | None, number: Callable[[Decimal], Any]) -> Any:
    return None if value is None else number(value)


def _fields(item: Compared, number: Callable[[Decimal], Any]) -> dict[str, Any]:
    """``item`` as ``ProductionItem``'s fields, in its order; each number through ``number``."""
    ind, comparison = item.volume, item.comparison
    change = comparison.change
    return {
        "indicator": ind.code,
        "name": ind.name,
        "unit": ind.unit,
        "goal": ind.goal,
        "area": ind.area,
        "delmal": ind.delmal,
        "org_unit": item.org_unit,
        "value_org_unit": item.value_org_unit,
        "breakdown": item.breakdown,
        "period": comparison.period,
        "previous_period": comparison.previous_period,
        "basis": comparison.basis,
        "value": _optional(change.value, number),
        "previous_value": _optional(change.previous_value, number),
        "change": _optional(change.change, number),
        "change_pct": _optional(change.change_pct, number),
        "months": (
            {"compared": comparison.months_compared, "of": comparison.months_of}
            if comparison.months_compared is not None and comparison.months_of is not None
            else None
        ),
        "gaps": comparison.gaps,
        "monthly": [
            {
                "month": m.month,
                "value": _optional(m.change.value, number),
                "previous_value": _optional(m.change.previous_value, number),
                "change": _optional(m.change.change, number),
                "change_pct": _optional(m.change.change_pct, number),
            }
            for m in comparison.monthly
        ],
    }


def item_model(item: Compared) -> ProductionItem:
    """``item`` as the API's model (the items of ``GET /v1/production``)."""
    return ProductionItem.model_validate(_fields(item, _same))


def item_json(item: Compared) -> dict[str, Any]:
    """``item`` as ``item_model(item)`` serializes to JSON (``pydantic_core.to_json``), the
    same bytes, without making the model (numbers as ``schemas.Number`` sends them)."""
    return _fields(item, json_number)


CSV_COLUMNS = (
    "line",
    "indicator",
    "name",
    "unit",
    "org_unit",
    "value_org_unit",
    "breakdown",
    "period",
    "previous_period",
    "basis",
    "value",
    "previous_value",
    "change",
    "change_pct",
    "months_compared",
    "months_of",
    "gaps",
)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def production_csv(items: list[ProductionItem]) -> str:
    """The items as one flat table: a ``period`` line per item, then a ``month`` line per
    month compared (UTF-8, comma, decimal point, empty cells for nulls, gaps ``;``-joined)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for it in items:
        head = [it.indicator, it.name, it.unit, it.org_unit, it.value_org_unit, it.breakdown]
        writer.writerow(
            _cell(c)
            for c in [
                "period",
                *head,
                it.period,
                it.previous_period,
                it.basis,
                it.value,
                it.previous_value,
                it.change,
                it.change_pct,
                it.months.compared if it.months else None,
                it.months.of if it.months else None,
                ";".join(it.gaps),
            ]
        )
        for m in it.monthly:
            previous_month = str(Period.parse(m.month).previous_comparable())
            writer.writerow(
                _cell(c)
                for c in [
                    "month",
                    *head,
                    m.month,
                    previous_month,
                    "months",
                    m.value,
                    m.previous_value,
                    m.change,
                    m.change_pct,
                    None,
                    None,
                    "",
                ]
            )
    return out.getvalue()

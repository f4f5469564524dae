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
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from services.indicators import production_repository as repository
from services.indicators.catalogue import time_aggregation
from services.indicators.evaluation_rules import values_read
from services.indicators.production_rules import Comparison, compare_with_previous_year
from services.indicators.production_schemas import (
    MonthlyChange,
    MonthsCompared,
    ProductionItem,
)
from services.indicators.series_rules import Figure, Span, span_of, span_texts
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
    readers = values_read(org_unit)
    by_unit: dict[str, dict[tuple[str, str], dict[Span, Figure]]] = {
        unit: defaultdict(dict) for unit in readers
    }
    for row in repository.volume_results(session, readers, _periods_read(period), indicator):
        by_unit[row.org_unit][(row.indicator, row.breakdown)][span_of(Period.parse(row.period))] = (
            Figure(row.value, row.status, row.numerator, row.denominator)
        )
    chosen: dict[tuple[str, str], tuple[str, dict[Span, Figure]]] = {}
    for reader in readers:
        for key, figures in by_unit[reader].items():
            chosen.setdefault(key, (reader, figures))
    breakdowns: dict[str, list[str]] = defaultdict(list)
    for code, breakdown in sorted(chosen):
        breakdowns[code].append(breakdown)
    items: list[ProductionItem] = []
    for ind in volumes:
        for breakdown in breakdowns.get(ind.code) or ["total"]:
            shown = chosen.get((ind.code, breakdown))
            unit: str | None = shown[0] if shown else None
            series: dict[Span, Figure] = shown[1] if shown else {}
            compared = compare_with_previous_year(series, period, time_aggregation(ind), ind.unit)
            items.append(_item(ind, org_unit, unit, breakdown, compared))
    return items


def _item(
    ind: Any, org_unit: str, unit: str | None, breakdown: str, compared: Comparison
) -> ProductionItem:
    change = compared.change
    return ProductionItem(
        indicator=ind.code,
        name=ind.name,
        unit=ind.unit,
        goal=ind.goal,
        area=ind.area,
        delmal=ind.delmal,
        org_unit=org_unit,
        value_org_unit=unit,
        breakdown=breakdown,
        period=compared.period,
        previous_period=compared.previous_period,
        basis=compared.basis,
        value=change.value,
        previous_value=change.previous_value,
        change=change.change,
        change_pct=change.change_pct,
        months=(
            MonthsCompared(compared=compared.months_compared, of=compared.months_of)
            if compared.months_compared is not None and compared.months_of is not None
            else None
        ),
        gaps=compared.gaps,
        monthly=[
            MonthlyChange(
                month=m.month,
                value=m.change.value,
                previous_value=m.change.previous_value,
                change=m.change.change,
                change_pct=m.change.change_pct,
            )
            for m in compared.monthly
        ],
    )


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

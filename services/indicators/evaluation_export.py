"""Evaluations as one flat CSV table (``Accept: text/csv``): the JSON items, one line each.

Pure: items in, text out. UTF-8, comma-separated, ``.`` as decimal point, empty cells for
nulls; nested fields flattened (``target_expression``, ``compared_with_period``,
``months_found``, …).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from services.indicators.schemas import EvaluationItem

COLUMNS = (
    "indicator",
    "name",
    "goal",
    "area",
    "delmal",
    "unit",
    "direction",
    "org_unit",
    "value_org_unit",
    "period",
    "breakdown",
    "value",
    "result_status",
    "aggregated",
    "coverage",
    "coverage_note",
    "months_found",
    "months_of",
    "target_expression",
    "target_year",
    "target_source",
    "target_org_unit",
    "status",
    "compared_with_period",
    "compared_with_value",
)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def evaluation_row(item: EvaluationItem) -> list[Any]:
    """One item's cells in ``COLUMNS`` order."""
    target, compared, months = item.target, item.compared_with, item.months
    cells = [
        item.indicator,
        item.name,
        item.goal,
        item.area,
        item.delmal,
        item.unit,
        item.direction,
        item.org_unit,
        item.value_org_unit,
        item.period,
        item.breakdown,
        item.value,
        item.result_status,
        item.aggregated,
        item.coverage,
        item.coverage_note,
        months.found if months else None,
        months.of if months else None,
        target.expression if target else None,
        target.year if target else None,
        target.source if target else None,
        target.org_unit if target else None,
        item.status,
        compared.period if compared else None,
        compared.value if compared else None,
    ]
    return [_cell(c) for c in cells]


def evaluations_csv(items: list[EvaluationItem]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(evaluation_row(item) for item in items)
    return out.getvalue()

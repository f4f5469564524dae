"""The rules of what a report states: totals, reported deviations, other figures.

Pure functions, no session and no I/O. A bad row's errors name its fields (the load puts
its row number in front); a good row becomes the record stored, its id its natural key
written out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from services.budget.stated_schemas import ReportedDeviationRow, ReportedFigureRow, TotalRow
from shared.errors import field_error
from shared.periods import Period


def total_id(org_unit: str, year: int, kind: str, month: str | None) -> str:
    """``HSN/2024/budget``, ``HSN/2024/outcome/2024-12``, ``HSN/2024/forecast/2024-08``."""
    return f"{org_unit}/{year}/{kind}" + (f"/{month}" if month else "")


def total_errors(row: TotalRow) -> list[dict[str, Any]]:
    """What is wrong with a total row, by field; empty when it may be stored."""
    errors: list[dict[str, Any]] = []
    if row.kind == "budget" and row.month is not None:
        errors.append(field_error(["month"], "a budget total is for the whole year: no month"))
    elif row.kind != "budget" and row.month is None:
        what = "the last month of the year to date" if row.kind == "outcome" else "made in"
        errors.append(field_error(["month"], f"an {row.kind} total needs its month ({what})"))
    elif row.month is not None and Period.parse(row.month).year != row.year:
        errors.append(field_error(["month"], f"{row.month} is not a month of {row.year}"))
    if (row.revenue is None) != (row.cost is None):
        missing = "revenue" if row.revenue is None else "cost"
        errors.append(field_error([missing], "give revenue and cost together, or neither"))
    elif row.revenue is None and row.result is None:
        errors.append(field_error(["result"], "a total states its result, or its revenue and cost"))
    elif (
        row.revenue is not None
        and row.cost is not None
        and row.result is not None
        and row.result != row.revenue - row.cost
    ):
        errors.append(
            field_error(
                ["result"], f"result {row.result} is not revenue - cost ({row.revenue - row.cost})"
            )
        )
    return errors


def total_record(row: TotalRow) -> dict[str, Any]:
    """The stored form of a good total row: its id, and its result computed when not given."""
    result = row.result
    if result is None:
        assert row.revenue is not None and row.cost is not None  # total_errors said so
        result = row.revenue - row.cost
    return {
        "id": total_id(row.org_unit, row.year, row.kind, row.month),
        "org_unit": row.org_unit,
        "year": row.year,
        "kind": row.kind,
        "month": row.month,
        "revenue": row.revenue,
        "cost": row.cost,
        "result": result,
        "derivation": row.derivation,
        "note": row.note,
        "source_text": row.source_text,
    }


def deviation_errors(row: ReportedDeviationRow) -> list[dict[str, Any]]:
    """A reported deviation has no rule beyond its fields' own."""
    return []


def deviation_record(row: ReportedDeviationRow) -> dict[str, Any]:
    return {"id": f"{row.org_unit}/{row.year}/{row.line}", **row.model_dump()}


def figure_errors(row: ReportedFigureRow) -> list[dict[str, Any]]:
    """A figure states an amount, a share, or both."""
    if row.amount is None and row.share_bp is None:
        return [field_error(["amount"], "a figure states an amount, a share (share_bp) or both")]
    return []


def figure_id(row: ReportedFigureRow) -> str:
    """``HSN/2024/lou_ersattningstak/psykiatri/ceiling``; ``-`` for no item, and the
    value's own year last when it is not the report's."""
    parts = [row.org_unit, str(row.year), row.figure, row.item or "-", row.measure]
    if row.value_year is not None:
        parts.append(str(row.value_year))
    return "/".join(parts)


def figure_record(row: ReportedFigureRow) -> dict[str, Any]:
    return {
        **row.model_dump(),
        "id": figure_id(row),
        "about_org_units": ",".join(row.about_org_units),
    }


@dataclass(frozen=True)
class Stated:
    """One stated total as stored."""

    kind: str
    month: str | None
    revenue: int | None
    cost: int | None
    result: int
    derivation: str | None
    note: str | None
    source_text: str | None


@dataclass(frozen=True)
class Picked:
    """The totals a summary through a month rests on."""

    budget: Stated | None
    outcome: Stated | None
    forecast: Stated | None


def pick_totals(totals: Iterable[Stated], through: Period) -> Picked:
    """The budget; the outcome of the latest month <= ``through`` it is stated for (year
    to date); the forecast made in the latest month <= ``through``."""
    last = str(through)
    budget: Stated | None = None
    latest: dict[str, Stated] = {}
    for t in totals:
        if t.kind == "budget":
            budget = t
        elif t.month is not None and t.month <= last:
            held = latest.get(t.kind)
            if held is None or (held.month or "") < t.month:
                latest[t.kind] = t
    return Picked(budget, latest.get("outcome"), latest.get("forecast"))

"""The rules of budget lines and of the outcome and forecast rows booked on them.

Pure functions, no session and no I/O: ``budget_lines`` and ``flows`` read what they need
and ask these.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from services.budget import schemas as s
from shared.errors import Conflict, InvalidInput, field_error
from shared.keys import Principal
from shared.reference import org_units


def line_id(org_unit: str, year: int, line: str) -> str:
    """A budget line's id, its natural key written out: ``HSN/2024/tandvard``."""
    return f"{org_unit}/{year}/{line}"


def tombstone_matches(lid: str, org_units: Collection[str] | None, year: int | None) -> bool:
    """Whether a deleted line's id (``HSN/2024/tandvard``) is of one of ``org_units`` (None:
    any) and of ``year`` (None: any): a listing shows only such deletions."""
    unit, _, rest = lid.partition("/")
    line_year = rest.partition("/")[0]
    return (org_units is None or unit in org_units) and (year is None or line_year == str(year))


def flow_row_id(org_unit: str, line: str, month: str) -> str:
    """An outcome's or forecast's id: ``HSN/tandvard/2024-12`` (the month it is booked or
    made in)."""
    return f"{org_unit}/{line}/{month}"


def check_line(body: s.BudgetLineIn) -> None:
    """Revenue and cost are stated together, or both null (the budget is not stated)."""
    if (body.revenue is None) != (body.cost is None):
        missing = "revenue" if body.revenue is None else "cost"
        raise InvalidInput(
            "Give both revenue and cost, or neither (budget not stated).",
            errors=[field_error(["body", missing], "missing")],
        )


def check_deletable(
    org_unit: str, year: int, line: str, *, outcomes: int, forecasts: int, earmarked: int
) -> None:
    """409 while outcomes, forecasts or earmarked money of the line's year refer to it."""
    used_by = [
        what
        for what, n in (
            ("outcomes", outcomes),
            ("forecasts", forecasts),
            ("earmarked money", earmarked),
        )
        if n
    ]
    if used_by:
        raise Conflict(
            f"Budget line {line!r} of {org_unit} {year} has {' and '.join(used_by)}; "
            "it cannot be deleted while they refer to it."
        )


def check_rows_authorised(principal: Principal, rows: Sequence[Any]) -> None:
    """403 when a key bound to org units loads a row of any other (known) org unit, before
    any row is validated: a load never half-writes another committee's figures."""
    if not principal.org_units:
        return
    foreign = sorted(
        {
            r["org_unit"]
            for r in rows
            if isinstance(r, dict)
            and isinstance(r.get("org_unit"), str)
            and r["org_unit"] in org_units()
            and not principal.may_speak_for(r["org_unit"])
        }
    )
    if foreign:
        principal.check_org_unit(foreign[0])


def no_line_error(org_unit: str, line: str, year: int) -> dict[str, Any]:
    """A row's error when its org unit has no such budget line for the row's year."""
    return field_error(
        ["line"],
        f"{org_unit} has no budget line {line!r} for {year}; PUT /v1/budget-lines first",
    )

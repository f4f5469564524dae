"""A listed result as the JSON object the API gives (``schemas.ResultOut``), written
straight from its row: no model per row on a page of 10 000 or an export of millions.

Pure: no database. Postgres writes the same object itself (``listing_repository``); this
is the form for the other stores, and the reference the tests hold both to.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

#: A listed result's fields, in the order of its JSON object and of the CSV export.
RESULT_FIELDS = (
    "id",
    "indicator",
    "org_unit",
    "period",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "status",
    "updated_at",
    "change_seq",
)
_TEXT = ("indicator", "org_unit", "period", "breakdown", "status")
_NUMBERS = ("value", "numerator", "denominator")


def number_json(value: Decimal | None) -> str:
    """An exact number as ``ResultOut`` writes it: integral ones as integers, the others as
    the float's shortest form; null for none."""
    if value is None:
        return "null"
    if value == value.to_integral_value():
        return str(int(value))
    return json.dumps(float(value))


def time_json(value: datetime) -> str:
    """A time as pydantic writes a UTC one: ``2024-01-02T03:04:05.123400Z``, the fraction
    only when there is one."""
    utc = value.astimezone(UTC).replace(tzinfo=None)
    text = utc.isoformat(timespec="microseconds" if utc.microsecond else "seconds")
    return f'"{text}Z"'


def result_json(row: Any) -> str:
    """One result's JSON object from a row with the ``RESULT_FIELDS`` columns."""
    m = row._mapping
    parts = [f'"id":{int(m["id"])}']
    parts += [f'"{f}":{json.dumps(m[f], ensure_ascii=False)}' for f in _TEXT[:4]]
    parts += [f'"{f}":{number_json(m[f])}' for f in _NUMBERS]
    parts.append(f'"status":{json.dumps(m["status"], ensure_ascii=False)}')
    parts.append(f'"updated_at":{time_json(m["updated_at"])}')
    parts.append(f'"change_seq":{int(m["change_seq"])}')
    return "{" + ",".join(parts) + "}"

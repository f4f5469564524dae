"""A listed result as the JSON object the API gives (``schemas.ResultOut``), written
straight from its row: no model per row on a page of 10 000 or an export of millions.

Pure: no database. Postgres writes the same object itself (``listing_repository``); this
is the form for the other stores, and the reference the tests hold both to.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from json.encoder import encode_basestring
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
#: A text value as ``json.dumps(value, ensure_ascii=False)`` writes it, without building
#: an encoder per call: the C function ``json.dumps`` itself calls for a string.
_text: Callable[[str], str] = encode_basestring


def number_json(value: Decimal | None) -> str:
    """An exact number as ``ResultOut`` writes it: integral ones as integers, the others as
    the float's shortest form; null for none."""
    if value is None:
        return "null"
    if value == value.to_integral_value():
        return str(int(value))
    number = float(value)
    # ``repr`` is what ``json.dumps`` writes for a finite float, without its encoder.
    return repr(number) if math.isfinite(number) else json.dumps(number)


def time_json(value: datetime) -> str:
    """A time as pydantic writes a UTC one: ``2024-01-02T03:04:05.123400Z``, the fraction
    only when there is one."""
    utc = value.astimezone(UTC).replace(tzinfo=None)
    text = utc.isoformat(timespec="microseconds" if utc.microsecond else "seconds")
    return f'"{text}Z"'


def result_json(row: Any) -> str:
    """One result's JSON object from a row of the ``RESULT_FIELDS`` columns in that order
    (a listing's row, ``listing_repository``), read by position rather than by name."""
    ident, indicator, org_unit, period, breakdown, value, numerator, denominator, *rest = row
    status, updated_at, change_seq = rest
    return (
        f'{{"id":{int(ident)},"indicator":{_text(indicator)},"org_unit":{_text(org_unit)},'
        f'"period":{_text(period)},"breakdown":{_text(breakdown)},'
        f'"value":{number_json(value)},"numerator":{number_json(numerator)},'
        f'"denominator":{number_json(denominator)},"status":{_text(status)},'
        f'"updated_at":{time_json(updated_at)},"change_seq":{int(change_seq)}}}'
    )

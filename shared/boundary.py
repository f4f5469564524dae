"""The values every route takes from outside, validated once at the edge.

An org unit code, a year, a month and a period come in as text in paths, queries, JSON
bodies and CSV cells. Each has one type here, with one rule and one message per mistake,
so a router declares ``org_unit: OrgUnitQuery`` and everything behind it trusts the
value: an unknown org unit or an impossible period is a 422 naming the field before any
service code runs.

Use the ``*Field`` aliases in pydantic models (bodies, read models) and the ``*Path`` /
``*Query`` aliases in FastAPI signatures. ``shared.periods`` keeps the period arithmetic.
"""

# No `from __future__ import annotations`: the period dependencies below are closures whose
# annotations FastAPI must read as real objects, not as strings naming local variables.
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Query
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from shared.errors import InvalidInput, field_error
from shared.periods import (
    MAX_YEAR,
    MIN_YEAR,
    MONTH_PATTERN,
    PERIOD_PATTERN,
    Period,
    PeriodError,
    PeriodField,
)
from shared.reference import org_units

__all__ = [
    "MAX_BIGINT",
    "MAX_PERIODS",
    "MAX_YEAR",
    "MIN_YEAR",
    "MonthField",
    "MonthQuery",
    "OptionalMonthQuery",
    "OptionalOrgUnitQuery",
    "OptionalPeriodQuery",
    "OptionalTimestampQuery",
    "OptionalYearQuery",
    "OrgUnitField",
    "OrgUnitPath",
    "OrgUnitQuery",
    "Period",
    "PeriodField",
    "PeriodQuery",
    "PeriodsQuery",
    "RowIdPath",
    "TimestampQuery",
    "YearField",
    "YearPath",
    "YearQuery",
    "check_month",
    "check_org_unit_code",
]

ORG_UNIT_PATTERN = r"^[A-Z][A-Z0-9_]{1,31}$"


def check_org_unit_code(value: str) -> str:
    """One rule for an org unit code: it must be one of the reference units."""
    if value not in org_units():
        raise ValueError(f"unknown org unit {value!r}; GET /v1/org-units lists them")
    return value


def _org_unit_schema() -> dict[str, Any]:
    # The schema names exactly the codes the validator accepts: the reference units.
    return {"type": "string", "enum": sorted(org_units()), "examples": ["HSN", "SUS", "REGION"]}


#: An org unit code from the reference data (``REGION``, ``HSN``, ``SUS``, …).
OrgUnitField = Annotated[
    str, AfterValidator(check_org_unit_code), WithJsonSchema(_org_unit_schema())
]

#: A year the suite can hold (the same bounds as a period's year).
YearField = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR, examples=[2024])]

_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)


def check_month(value: Any) -> str:
    """One rule for a month: ``YYYY-MM`` with a real month and a year in range."""
    if not isinstance(value, str) or not _MONTH.fullmatch(value.strip()):
        raise ValueError("a month is written YYYY-MM, such as 2024-08")
    try:
        period = Period.parse(value.strip())
    except PeriodError as exc:
        raise ValueError(str(exc)) from exc
    return str(period)


#: A calendar month as text, ``2024-08`` (outcomes are booked per month, forecasts made in one).
MonthField = Annotated[
    str,
    BeforeValidator(check_month),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": MONTH_PATTERN, "examples": ["2024-08"]}),
]

# FastAPI signatures: the same types with where they come from.
OrgUnitPath = Annotated[OrgUnitField, Path(description="An org unit code, e.g. HSN.")]
OrgUnitQuery = Annotated[OrgUnitField, Query(description="An org unit code, e.g. HSN.")]
OptionalOrgUnitQuery = Annotated[
    OrgUnitField | None, Query(description="Only this org unit (a code, e.g. HSN).")
]
YearPath = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR, description="A year, e.g. 2024.")]
YearQuery = Annotated[int, Query(ge=MIN_YEAR, le=MAX_YEAR, description="A year, e.g. 2024.")]
OptionalYearQuery = Annotated[
    int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="Only this year, e.g. 2024.")
]
MonthQuery = Annotated[MonthField, Query(description="A month, YYYY-MM.")]
#: The largest SQL BIGINT: row ids and change numbers. SQLite cannot even compare with a
#: larger integer (an OverflowError inside the driver), so one is refused at the edge, named.
MAX_BIGINT = 2**63 - 1
RowIdPath = Annotated[
    int, Path(ge=1, le=MAX_BIGINT, description="The row's id, as its listing gives it.")
]
OptionalMonthQuery = Annotated[MonthField | None, Query(description="A month, YYYY-MM.")]


_PERIOD_HELP = "2024, 2024-Q3, 2024-T2, 2024-08 or 2024-01/2024-08."
_PERIOD_PATTERN = PERIOD_PATTERN


def _parse_period(name: str, text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise InvalidInput(
            f"{name}: {exc}", errors=[field_error(["query", name], str(exc))]
        ) from exc


def period_query(name: str = "period", description: str = _PERIOD_HELP) -> Any:
    """A required period query parameter, parsed once (FastAPI cannot take a dataclass as a
    query type, so the text goes through this dependency): ``period: PeriodQuery``."""

    async def parse(
        value: Annotated[
            str,
            Query(
                alias=name, description=description, json_schema_extra={"pattern": _PERIOD_PATTERN}
            ),
        ],
    ) -> Period:
        return _parse_period(name, value)

    return Depends(parse)


def optional_period_query(name: str = "period", description: str = _PERIOD_HELP) -> Any:
    """The same, optional: ``None`` when the parameter is absent."""

    async def parse(
        value: Annotated[
            str | None,
            Query(
                alias=name, description=description, json_schema_extra={"pattern": _PERIOD_PATTERN}
            ),
        ] = None,
    ) -> Period | None:
        return None if value is None else _parse_period(name, value)

    return Depends(parse)


#: ``period: PeriodQuery`` — the ``period`` query parameter as a parsed ``Period``.
PeriodQuery = Annotated[Period, period_query()]
OptionalPeriodQuery = Annotated[Period | None, optional_period_query()]


_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
_TIMESTAMP_HELP = "a time in RFC 3339 with its offset, such as 2024-08-01T00:00:00Z"


def _rfc3339_text(value: Any) -> Any:
    """Only RFC 3339 text: no Unix numbers (``0.5``), no dates without a time or offset."""
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError(f"expected {_TIMESTAMP_HELP}")
    return value


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("the time is out of range") from exc


#: A point in time from a query (``updated_since``, ``since``), in UTC.
Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_rfc3339_text),
    AfterValidator(_in_utc),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2024-08-01T00:00:00Z"]}),
]
TimestampQuery = Annotated[Timestamp, Query(description=f"From this time on: {_TIMESTAMP_HELP}.")]
OptionalTimestampQuery = Annotated[
    Timestamp | None, Query(description=f"From this time on: {_TIMESTAMP_HELP}.")
]


#: At most this many periods in one repeated ``period`` parameter (two years of months).
MAX_PERIODS = 24


async def _periods(
    period: Annotated[
        list[str],
        Query(
            description=f"A period ({_PERIOD_HELP[:-1]}); repeat for several, at most {MAX_PERIODS}."
        ),
    ],
) -> list[Period]:
    errors = []
    parsed: dict[Period, None] = {}  # in the order asked, each once
    for n, text in enumerate(period):
        try:
            parsed[Period.parse(text)] = None
        except PeriodError as exc:
            errors.append(field_error(["query", "period", n], str(exc)))
    if len(period) > MAX_PERIODS:
        errors.append(field_error(["query", "period"], f"at most {MAX_PERIODS} periods"))
    if errors:
        raise InvalidInput(f"period: {errors[0]['msg']}", errors=errors)
    return list(parsed)


#: ``periods: PeriodsQuery`` — a repeatable ``period`` query parameter, each parsed once.
PeriodsQuery = Annotated[list[Period], Depends(_periods)]

"""What the indicators service expected and got for an org unit and periods (results).

``GET /v1/expected`` answers the gateway's calendar (``/v1/due``) for this service: for
each asked period, each indicator the unit is expected to report (``due_rules``), whether
a result came and when. One query whatever the count (``due_repository``); the same
answer shape in the three services: ``{org_unit, periods, items: [{kind, org_unit,
period, subject, received, received_at, detail}]}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from services.indicators import due_repository
from services.indicators.due_rules import Cadence, expected_for, got, periods_to_read
from services.indicators.evaluation_rules import values_read
from services.indicators.series_rules import Span, span_of
from shared.periods import Period


class ResultsSubject(BaseModel):
    """The indicator a result is expected of, and how it is looked for."""

    indicator: str
    name: str
    cadence: Cadence = Field(
        description="`period`: a result for the period itself; `monthly`: one for each month "
        "of it (or for the period)."
    )
    expected_from: list[str] = Field(
        description="The units whose results count, in order of preference (HSN and RS: "
        "their own, then REGION's)."
    )
    reported_by: str | None = Field(description="The unit whose results were found.")
    months_found: int | None = None
    months: int | None = None


class ExpectedResult(BaseModel):
    kind: Literal["results"] = "results"
    org_unit: str
    period: str
    subject: ResultsSubject
    received: bool
    received_at: datetime | None
    detail: str


class ExpectedResults(BaseModel):
    org_unit: str
    periods: list[str]
    items: list[ExpectedResult]


def expected(session: Session, org_unit: str, periods: Sequence[Period]) -> ExpectedResults:
    """For each period (in the order asked) and each indicator expected of ``org_unit``
    (by code): whether its result came."""
    units = values_read(org_unit)
    rows = due_repository.stored_spans(session, units, periods_to_read(periods))
    stored: dict[tuple[str, str, Span], datetime] = {}
    names: dict[str, str] = {}
    for row in rows:
        key = (row.indicator, row.org_unit, span_of(Period.parse(row.period)))
        # A span stored in two forms (2024-Q1 and 2024-01/2024-03) counts once, the later.
        stored[key] = max(row.received_at, stored.get(key, row.received_at))
        names[row.indicator] = row.name
    history = [(code, span) for code, _unit, span in stored]
    items: list[ExpectedResult] = []
    for period in periods:
        for code, cadence in expected_for(history, period).items():
            came = got(code, cadence, period, units, stored)
            items.append(
                ExpectedResult(
                    org_unit=org_unit,
                    period=str(period),
                    subject=ResultsSubject(
                        indicator=code,
                        name=names[code],
                        cadence=cadence,
                        expected_from=list(units),
                        reported_by=came.reported_by,
                        months_found=came.months_found,
                        months=came.months,
                    ),
                    received=came.received,
                    received_at=came.received_at,
                    detail=came.detail,
                )
            )
    return ExpectedResults(org_unit=org_unit, periods=[str(p) for p in periods], items=items)

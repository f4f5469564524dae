"""What the budget service expected and got for a committee and periods: outcomes booked
for each month, and the forecast of each round a period closes.

``GET /v1/expected`` answers the gateway's calendar (``/v1/due``) for this service; the
rules are ``due_rules`` (and ``round_rules``), the three queries ``repository.due``. The
answer has the shape of the three services: ``{org_unit, periods, items: [{kind,
org_unit, period, subject, received, received_at, detail}]}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from services.budget.due_rules import Booked, forecast_answer, outcome_answer
from services.budget.repository import due as due_repo
from services.budget.round_rules import RoundName, round_closed_by
from shared.periods import Period
from shared.reference import committees


class OutcomeSubject(BaseModel):
    """The months whose outcome is expected."""

    months: int
    months_booked: int
    missing_months: list[str]
    total_through: str | None = Field(
        description="The month a stated outcome total (year to date) runs through, if any."
    )


class ForecastSubject(BaseModel):
    """The forecast round expected and what was made in it."""

    round: RoundName
    made_in: str
    lines: int = Field(description="Lines forecast in the round's month.")
    total: bool = Field(description="Whether the committee's total forecast is stated.")


class ExpectedItem(BaseModel):
    kind: Literal["outcome", "forecast"]
    org_unit: str
    period: str
    subject: OutcomeSubject | ForecastSubject
    received: bool
    received_at: datetime | None
    detail: str


class ExpectedItems(BaseModel):
    org_unit: str
    periods: list[str]
    items: list[ExpectedItem]


def expected(session: Session, org_unit: str, periods: Sequence[Period]) -> ExpectedItems:
    """For each period (in the order asked): its outcome, then the forecast of the round
    it closes (if any). A committee only; REGION is expected nothing here."""
    answer = ExpectedItems(org_unit=org_unit, periods=[str(p) for p in periods], items=[])
    if org_unit not in committees():
        return answer
    months = {str(m) for p in periods for m in p.months()}
    rounds = {p: r for p in periods if (r := round_closed_by(p)) is not None}
    booked = {
        r.month: Booked(r.lines, r.written_at)
        for r in due_repo.outcomes_booked(session, org_unit, months)
    }
    made = {
        r.month: Booked(r.lines, r.written_at)
        for r in due_repo.forecasts_made(session, org_unit, {m for _, m in rounds.values()})
    }
    totals: dict[tuple[str, str], datetime] = {
        (t.kind, t.month): t.updated_at
        for t in due_repo.stated_totals_in(session, org_unit, {p.year for p in periods})
    }
    outcome_totals = {m: at for (kind, m), at in totals.items() if kind == "outcome"}
    for period in periods:
        got = outcome_answer(period, booked, outcome_totals)
        answer.items.append(
            ExpectedItem(
                kind="outcome",
                org_unit=org_unit,
                period=str(period),
                subject=OutcomeSubject(
                    months=got.months,
                    months_booked=got.months_booked,
                    missing_months=got.missing_months,
                    total_through=got.total_through,
                ),
                received=got.received,
                received_at=got.received_at,
                detail=got.detail,
            )
        )
        if period not in rounds:
            continue
        name, made_in = rounds[period]
        fc = forecast_answer(name, made_in, made.get(made_in), totals.get(("forecast", made_in)))
        answer.items.append(
            ExpectedItem(
                kind="forecast",
                org_unit=org_unit,
                period=str(period),
                subject=ForecastSubject(
                    round=name, made_in=made_in, lines=fc.lines, total=fc.total
                ),
                received=fc.received,
                received_at=fc.received_at,
                detail=fc.detail,
            )
        )
    return answer

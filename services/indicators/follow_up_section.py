"""What a committee's follow-up view shows of this service, in one answer.

The gateway's view of a committee for a period shows its evaluations, the area verdicts
and its production volumes. Asked as three calls, each pays the request's overhead again
(and the evaluations and the verdicts would each evaluate the same results); asked as
one, the service evaluates once and answers once, and keeps the answer while its data
stands still (``shared.readcache``).
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from services.indicators import evaluation, production
from services.indicators.production_schemas import ProductionItem
from services.indicators.schemas import AreaEvaluation, EvaluationItem
from shared.periods import Period


class FollowUpSection(BaseModel):
    """The indicators' part of one committee's follow-up view for a period."""

    evaluations: list[EvaluationItem] = Field(
        description="The items of `GET /v1/evaluations` for the same org unit and period."
    )
    areas: list[AreaEvaluation] = Field(
        description="The items of `GET /v1/area-evaluations` for the same org unit and period."
    )
    production: list[ProductionItem] = Field(
        description="The items of `GET /v1/production` for the same org unit and period."
    )


def follow_up_section(session: Session, org_unit: str, period: Period) -> FollowUpSection:
    found = evaluation.summary(session, org_unit, period)
    return FollowUpSection(
        evaluations=found.evaluations,
        areas=found.areas,
        production=production.production(session, org_unit, period),
    )

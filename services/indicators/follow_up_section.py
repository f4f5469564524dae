"""What a committee's follow-up view shows of this service, in one answer.

The gateway's view of a committee for a period shows its evaluations, the area verdicts
and its production volumes. Asked as three calls, each pays the request's overhead again
(and the evaluations and the verdicts would each evaluate the same results); asked as
one, the service evaluates once and answers once, and keeps the answer while its data
stands still (``shared.readcache``).

Computed afresh (the first ask after a write) it reads the store three times (four where
the region's values are shown: REGION, HSN and RS also read the units' Σ/Σ): every
indicator, quality and volume, in one read; the targets; and the results, which the
production volumes take from the rows the evaluations read (their periods are among the
evaluations'). The items go out as the JSON their models would give, without making the
models (``evaluation.item_json``, ``production.item_json``): most of a committee's
evaluations have no data, and making and serializing a model cost more than judging one.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from services.indicators import evaluation, evaluation_repository, production
from services.indicators.evaluation_rules import area_verdicts
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


def follow_up_section(session: Session, org_unit: str, period: Period) -> dict[str, Any]:
    """The section as ``FollowUpSection`` serializes to JSON (``pydantic_core.to_json``
    gives the same bytes)."""
    indicators = evaluation_repository.every_indicator(session)
    results = evaluation.own_results(session, org_unit, period)
    quality = [row for row in indicators if row.kind != "volume"]
    judged = evaluation.evaluate(session, org_unit, period, quality, results)
    volumes = [row for row in indicators if row.kind == "volume"]
    return {
        "evaluations": [evaluation.item_json(item) for item in judged],
        "areas": area_verdicts(judged),
        "production": [
            production.item_json(item)
            for item in production.compared(volumes, results, org_unit, period)
        ],
    }

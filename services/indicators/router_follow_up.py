"""HTTP endpoint of the follow-up view's section: ``GET /v1/follow-up-section``."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.indicators.follow_up_section import FollowUpSection, follow_up_section
from shared.boundary import OrgUnitQuery, PeriodQuery
from shared.readcache import KeptReadsDep

router = APIRouter(prefix="/v1")


@router.get("/follow-up-section", response_model=FollowUpSection, tags=["follow-up"])
async def get_follow_up_section(
    reads: KeptReadsDep, org_unit: OrgUnitQuery, period: PeriodQuery
) -> Response:
    """What the follow-up view of `org_unit` for `period` shows of the indicators, in one
    answer: the evaluations, the area verdicts and the production volumes, exactly the
    items of `GET /v1/evaluations`, `GET /v1/area-evaluations` and `GET /v1/production`
    for the same org unit and period. A key bound to org units reads only its own. Sent
    with an ETag; `If-None-Match` with it gives 304 while nothing has changed."""
    reads.principal.check_read(org_unit)
    return await reads.json_on_loop(lambda session: follow_up_section(session, org_unit, period))

"""HTTP endpoint of the follow-up view's section: ``GET /v1/follow-up-section``."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.budget.follow_up_section import FollowUpSection, follow_up_section
from shared.boundary import OrgUnitQuery, PeriodQuery
from shared.readcache import KeptReadsDep

router = APIRouter(prefix="/v1")


@router.get("/follow-up-section", response_model=FollowUpSection, tags=["follow-up"])
async def get_follow_up_section(
    reads: KeptReadsDep, org_unit: OrgUnitQuery, period: PeriodQuery
) -> Response:
    """What the follow-up view of `org_unit` for `period` shows of the economy, in one
    answer: the year's summary to the period's last month (`GET /v1/summary`) and the
    forecast rounds made by then (`GET /v1/forecast-rounds`). A key bound to org units
    reads only its own. Sent with an ETag; `If-None-Match` with it gives 304 while nothing
    has changed."""
    reads.principal.check_read(org_unit)
    return await reads.json_on_loop(lambda session: follow_up_section(session, org_unit, period))

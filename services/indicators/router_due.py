"""HTTP endpoint of what the indicators service expected and got: ``GET /v1/expected``.

The same route, parameters and answer shape in the three services, so that the gateway's
calendar (``/v1/due``) can ask each for its own part.
"""

from __future__ import annotations

from fastapi import APIRouter

from services.indicators import due
from shared.app import SessionDep
from shared.boundary import OrgUnitQuery, PeriodsQuery
from shared.keys import Reader

router = APIRouter(prefix="/v1")


@router.get("/expected", response_model=due.ExpectedResults, tags=["due"])
def expected(
    session: SessionDep, principal: Reader, org_unit: OrgUnitQuery, periods: PeriodsQuery
) -> due.ExpectedResults:
    """What the service expected of `org_unit` for each `period` and what it got
    (`kind: results`): each indicator the unit reports, whether a result is stored for
    the period (a monthly indicator: for each of its months) and when it was written.

    An indicator is expected when last year one of the units read stored a result for the
    same span, or for at least two single months (monthly). The units read are the
    evaluations': the unit's own and, for HSN and RS, REGION's. A key bound to org units
    reads only its own units."""
    principal.check_read(org_unit)
    return due.expected(session, org_unit, periods)

"""HTTP endpoint of what the indicators service expected and got: ``GET /v1/expected``.

The same route, parameters and answer shape in the three services, so that the gateway's
calendar (``/v1/due``) can ask each for its own part.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.indicators import due
from shared.boundary import OrgUnitQuery, PeriodsQuery
from shared.readcache import KeptReadsDep

router = APIRouter(prefix="/v1")


@router.get("/expected", response_model=due.ExpectedResults, tags=["due"])
def expected(reads: KeptReadsDep, org_unit: OrgUnitQuery, periods: PeriodsQuery) -> Response:
    """What the service expected of `org_unit` for each `period` and what it got
    (`kind: results`): each indicator the unit reports, whether a result is stored for
    the period (a monthly indicator: for each of its months) and when it was written.

    An indicator is expected when last year one of the units read stored a result for the
    same span, or for at least two single months (monthly). The units read are the
    evaluations': the unit's own and, for HSN and RS, REGION's. A key bound to org units
    reads only its own units. Sent with an ETag; `If-None-Match` with it gives 304 while nothing
    has changed (the overview asks it of every committee)."""
    reads.principal.check_read(org_unit)
    return reads.json(lambda: due.expected(reads.session, org_unit, periods))

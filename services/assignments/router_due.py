"""HTTP endpoint of what the assignments service expected and got: ``GET /v1/expected``.

The same route, parameters and answer shape in the three services, so that the gateway's
calendar (``/v1/due``) can ask each for its own part.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.assignments import due
from shared.boundary import OrgUnitQuery, PeriodsQuery
from shared.readcache import KeptReadsDep

router = APIRouter(prefix="/v1")


@router.get("/expected", response_model=due.ExpectedItems, tags=["due"])
def expected(reads: KeptReadsDep, org_unit: OrgUnitQuery, periods: PeriodsQuery) -> Response:
    """What the service expected of `org_unit` for each `period` and what it got.

    - `kind: status_report`: each assignment of the unit active in the period (given in its
      year or carried over, not finished before it begins): a report by the unit, or naming
      it, for the period or speaking for a date within it.
    - `kind: internal_control`: for a period ending in August or December, a follow-up of
      the committee's internal control for that half-year (as `/v1/internal-control`
      counts it).

    `received_at`: when the first report (the half's first follow-up item) was written.
    A key bound to org units reads only its own units. Sent with an ETag; `If-None-Match` with it gives 304 while nothing
    has changed (the overview asks it of every committee)."""
    reads.principal.check_read(org_unit)
    return reads.json(lambda: due.expected(reads.session, org_unit, periods))

"""HTTP endpoint of what the assignments service expected and got: ``GET /v1/expected``.

The same route, parameters and answer shape in the three services, so that the gateway's
calendar (``/v1/due``) can ask each for its own part.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.assignments import due
from shared.app import SessionDep
from shared.boundary import OrgUnitQuery
from shared.errors import InvalidInput, field_error
from shared.keys import Reader
from shared.periods import Period, PeriodError

router = APIRouter(prefix="/v1")

#: At most this many periods in one call (two years of months).
MAX_PERIODS = 24


def _periods(
    period: Annotated[
        list[str],
        Query(
            description="A period (2024, 2024-Q3, 2024-T2, 2024-08, 2024-01/2024-08); "
            f"repeat for several, at most {MAX_PERIODS}."
        ),
    ],
) -> list[Period]:
    errors = []
    parsed: dict[Period, None] = {}
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


Periods = Annotated[list[Period], Depends(_periods)]


@router.get("/expected", response_model=due.ExpectedItems, tags=["due"])
def expected(
    session: SessionDep, principal: Reader, org_unit: OrgUnitQuery, periods: Periods
) -> due.ExpectedItems:
    """What the service expected of `org_unit` for each `period` and what it got.

    - `kind: status_report`: each assignment of the unit active in the period (given in its
      year or carried over, not finished before it begins): a report by the unit, or naming
      it, for the period or speaking for a date within it.
    - `kind: internal_control`: for a period ending in August or December, a follow-up of
      the committee's internal control for that half-year (as `/v1/internal-control`
      counts it).

    `received_at`: when the first report (the half's first follow-up item) was written.
    A key bound to org units reads only its own units."""
    principal.check_read(org_unit)
    return due.expected(session, org_unit, periods)

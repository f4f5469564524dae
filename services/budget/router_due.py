"""HTTP endpoints of what the budget service expected and got (``GET /v1/expected``) and
of forecast rounds (``GET /v1/forecast-rounds``).

The same route, parameters and answer shape in the three services, so that the gateway's
calendar (``/v1/due``) can ask each for its own part.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.budget import due, rounds
from shared.boundary import MonthField, OrgUnitQuery, PeriodsQuery, YearQuery
from shared.readcache import KeptReadsDep

router = APIRouter(prefix="/v1")


@router.get("/expected", response_model=due.ExpectedItems, tags=["due"])
def expected(reads: KeptReadsDep, org_unit: OrgUnitQuery, periods: PeriodsQuery) -> Response:
    """What the service expected of `org_unit` for each `period` and what it got.

    - `kind: outcome`: each month of the period booked on the committee's lines, or its
      outcome total stated year to date through the period's last month.
    - `kind: forecast`: for a period ending in a forecast round's month (mars `2024-03`,
      maj `2024-05`, augusti `2024-08`, oktober `2024-10`), the committee's forecast made
      in that month, of its total or of its lines.

    REGION is expected nothing here (its economy is the yearly financial figures). A key
    bound to org units reads only its own units. Sent with an ETag; `If-None-Match` with it gives 304 while nothing
    has changed (the overview asks it of every committee)."""
    reads.principal.check_read(org_unit)
    return reads.json(lambda: due.expected(reads.session, org_unit, periods))


@router.get("/forecast-rounds", response_model=rounds.ForecastRounds, tags=["summary"])
def forecast_rounds(
    reads: KeptReadsDep,
    org_unit: OrgUnitQuery,
    year: YearQuery,
    through: Annotated[
        MonthField | None, Query(description="The period's last month, YYYY-MM; default December.")
    ] = None,
) -> Response:
    """The committee's forecast rounds of `year` made by `through`: `rounds` (mars, maj,
    augusti, oktober up to `through`: made or not), the latest round made and the one made
    before it, and per line and for the committee's total (its own stated totals: budget
    and forecast, `/v1/totals`) the full-year `budget_result`, the latest round's
    `forecast_result`, `deviation` (forecast - budget) and `movement` since the previous
    round (latest - previous). A forecast made in another month belongs to no round and is
    left out. Integer kronor; null where a side is missing, never filled in. A key bound to
    org units reads only its own units."""
    reads.principal.check_read(org_unit)
    return reads.json(lambda: rounds.forecast_rounds(reads.session, org_unit, year, through))

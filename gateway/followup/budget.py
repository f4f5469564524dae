"""The budget service as the follow-up view reads it: a committee's economy summary."""

from __future__ import annotations

from gateway.followup.reading import ReadModel
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstream
from shared.periods import Period


class Amounts(ReadModel):
    """Revenue and cost, integer kronor."""

    revenue: int
    cost: int


class SummaryLine(ReadModel):
    """One budget line (e.g. ``tandvard``): budget, outcome, deviation and forecast."""

    line: str
    label: str | None
    counterparty: str | None
    budget: Amounts | None
    budget_result: int | None
    outcome: Amounts | None
    outcome_result: int | None
    deviation: int | None
    forecast_result: int | None


class Summary(ReadModel):
    """``GET /v1/summary``: the committee's economy for a year, integer kronor."""

    grant: int | None
    budget_result: int | None
    outcome_result: int | None
    deviation: int | None
    forecast_result: int | None
    lines: list[SummaryLine]


def through_month(period: Period) -> str | None:
    """The ``through`` of the economy summary: the period's last month, unless December."""
    return None if period.last_month == 12 else f"{period.year}-{period.last_month:02d}"


class BudgetClient:
    """The call the view makes to the budget service, with the caller's headers."""

    def __init__(self, upstream: Upstream, headers: Headers) -> None:
        self.upstream = upstream
        self.headers = headers

    async def summary(self, org_unit: str, period: Period) -> Summary | None:
        """The year's summary to the period's last month; ``None`` when the service has no
        figures for the unit and year (it answers 404)."""
        params: dict[str, str | int] = {"org_unit": org_unit, "year": period.year}
        if through := through_month(period):
            params["through"] = through
        return await self.upstream.read_unless_missing(
            "/v1/summary", Summary, params=params, headers=self.headers
        )

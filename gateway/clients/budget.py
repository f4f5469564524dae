"""The budget service as the follow-up view reads it."""

from __future__ import annotations

from typing import Any, TypedDict

from gateway.clients.adapter import Headers, Upstream, UpstreamResponse


class Summary(TypedDict, total=False):
    """``GET /v1/summary`` (API.md): integer kronor."""

    grant: int | None
    budget_result: int | None
    outcome_result: int | None
    deviation: int | None
    forecast_result: int | None
    lines: list[dict[str, Any]]


async def summary(
    upstream: Upstream, org_unit: str, year: int, through: str | None, headers: Headers
) -> tuple[UpstreamResponse, Summary | None]:
    """The economy summary; ``None`` with any non-2xx answer (404: nothing for the unit and year)."""
    params: dict[str, str | int] = {"org_unit": org_unit, "year": year}
    if through:
        params["through"] = through
    response = await upstream.get("/v1/summary", params=params, headers=headers)
    if response.status >= 300:
        return response, None
    body: Summary = response.json()
    return response, body

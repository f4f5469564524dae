"""The assignments service as the follow-up view reads it."""

from __future__ import annotations

from typing import Any, TypedDict

from gateway.clients.adapter import Headers, Upstream, UpstreamResponse
from gateway.clients.common import list_all


class Assignment(TypedDict, total=False):
    """One item of ``GET /v1/assignments`` (API.md); ``latest_status`` as the service gives it."""

    id: Any
    title: str
    area: str | None
    year_given: int | None
    source: str | None
    lead_org_unit: str
    org_units: list[str]
    deadline: Any
    latest_status: Any


async def assignments_of(
    upstream: Upstream, org_unit: str, year: int, headers: Headers
) -> tuple[UpstreamResponse, list[Assignment]]:
    """The committee's assignments for the year, those carried over from earlier years included."""
    return await list_all(
        upstream, "/v1/assignments", {"org_unit": org_unit, "year": year}, headers
    )

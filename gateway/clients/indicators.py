"""The indicators service as the follow-up view reads it."""

from __future__ import annotations

from typing import Any, TypedDict

from gateway.clients.adapter import Headers, Upstream, UpstreamResponse
from gateway.clients.common import list_all


class Target(TypedDict, total=False):
    expression: str
    year: int
    source: str


class Evaluation(TypedDict, total=False):
    """One item of ``GET /v1/evaluations`` (API.md), with the tree placement the service adds."""

    indicator: str
    name: str
    org_unit: str
    period: str
    breakdown: str
    value: Any
    target: Target | None
    status: str
    compared_with: dict[str, Any] | None
    goal: str | None
    area: str | None
    delmal: str | None


class AreaEvaluation(TypedDict, total=False):
    area: str
    evaluated: int
    met: int
    share: Any
    verdict: str


async def evaluations(
    upstream: Upstream, org_unit: str, period: str, headers: Headers
) -> tuple[UpstreamResponse, list[Evaluation]]:
    return await list_all(
        upstream, "/v1/evaluations", {"org_unit": org_unit, "period": period}, headers
    )


async def area_evaluations(
    upstream: Upstream, org_unit: str, period: str, headers: Headers
) -> tuple[UpstreamResponse, list[AreaEvaluation]]:
    return await list_all(
        upstream, "/v1/area-evaluations", {"org_unit": org_unit, "period": period}, headers
    )

"""The gateway's operational routes: readiness with each upstream's state, and the org units."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from gateway.dependencies import SettingsDep, UpstreamsDep
from gateway.upstream.errors import UpstreamError, UpstreamFailure
from gateway.upstream.upstream import Upstream
from shared.reference import org_units

router = APIRouter()


class OrgUnitOut(BaseModel):
    code: str
    name: str
    kind: Literal["region", "committee", "hospital_board"]


class OrgUnitPage(BaseModel):
    items: list[OrgUnitOut]
    next_cursor: None = None
    next: None = None


class UpstreamReadiness(BaseModel):
    state: Literal["ready", "not_ready", "unavailable"]
    breaker: Literal["closed", "half_open", "open"]
    detail: str | None = None


class Readiness(BaseModel):
    status: Literal["ready"]
    upstreams: dict[str, UpstreamReadiness]


class ServiceReady(BaseModel):
    """A service's ``GET /ready`` answer."""

    status: str


async def _probe(upstream: Upstream, timeout: float) -> UpstreamReadiness:
    """Ask the service's own ``/ready``, past the breaker: the answer says how it is now."""
    state: Literal["ready", "not_ready", "unavailable"] = "ready"
    detail = None
    try:
        await upstream.read("/ready", ServiceReady, deadline=timeout, use_breaker=False)
    except UpstreamError as error:
        gave_no_answer = isinstance(error, UpstreamFailure) and not error.answered
        state, detail = ("unavailable" if gave_no_answer else "not_ready"), error.detail
    return UpstreamReadiness(state=state, breaker=upstream.breaker.state.value, detail=detail)


@router.get("/ready", response_model=Readiness, tags=["operations"])
async def ready(upstreams: UpstreamsDep, settings: SettingsDep) -> Readiness:
    """200 while the gateway runs; the body says how each upstream is doing right now."""
    states = await asyncio.gather(
        *(_probe(upstream, settings.ready_probe_timeout) for upstream in upstreams.values())
    )
    return Readiness(status="ready", upstreams=dict(zip(upstreams, states, strict=True)))


@router.get("/v1/org-units", response_model=OrgUnitPage, tags=["reference"])
def list_org_units() -> OrgUnitPage:
    """The region's org units (API.md "Codes").

    Open like `/health`: these are public reference codes, the same in every service, and
    answering them needs no upstream (so no key can be checked here).
    """
    return OrgUnitPage(
        items=[OrgUnitOut(code=u.code, name=u.name, kind=u.kind) for u in org_units().values()]
    )

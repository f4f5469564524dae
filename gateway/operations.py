"""The gateway's operational routes: readiness with each upstream's state and its own store,
and the org units."""

from __future__ import annotations

import asyncio
from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlmodel import Session

from gateway.cycle.store import CycleStore
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


class StoreReadiness(BaseModel):
    """The follow-up cycle's own store (calendar, decisions, archived reports)."""

    state: Literal["ready", "unavailable"]
    detail: str | None = None


class Readiness(BaseModel):
    status: Literal["ready"]
    upstreams: dict[str, UpstreamReadiness]
    store: StoreReadiness


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


def _select_one(session: Session) -> None:
    session.execute(sa.text("SELECT 1"))


async def _probe_store(cycle: CycleStore, timeout: float) -> StoreReadiness:
    """One round trip to the cycle's store, within the probe's time."""
    try:
        await asyncio.wait_for(cycle.run(_select_one), timeout)
    except TimeoutError:
        return StoreReadiness(state="unavailable", detail=f"no answer within {timeout} s")
    except sa.exc.SQLAlchemyError as error:
        return StoreReadiness(state="unavailable", detail=type(error).__name__)
    return StoreReadiness(state="ready")


@router.get("/ready", response_model=Readiness, tags=["operations"])
async def ready(request: Request, upstreams: UpstreamsDep, settings: SettingsDep) -> Readiness:
    """200 while the gateway runs; the body says how each upstream and the cycle's own store
    are doing right now.

    A store that does not answer does not make the gateway unready: the views, the overview
    and the proxied routes need no store, and taking the gateway out of rotation would stop
    them too; the cycle's routes answer 503 problem+json until the store is back.
    """
    cycle: CycleStore = request.app.state.cycle
    *states, store = await asyncio.gather(
        *(_probe(upstream, settings.ready_probe_timeout) for upstream in upstreams.values()),
        _probe_store(cycle, settings.ready_probe_timeout),
    )
    return Readiness(
        status="ready", upstreams=dict(zip(upstreams, states, strict=True)), store=store
    )


@router.get("/v1/org-units", response_model=OrgUnitPage, tags=["reference"])
def list_org_units() -> OrgUnitPage:
    """The region's org units (API.md "Codes").

    Open like `/health`: these are public reference codes, the same in every service, and
    answering them needs no upstream (so no key can be checked here).
    """
    return OrgUnitPage(
        items=[OrgUnitOut(code=u.code, name=u.name, kind=u.kind) for u in org_units().values()]
    )

"""What the routes take from the app and the request: the upstreams, the settings, and when
the request arrived. All async: no trip through the thread pool before a view's calls go out."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Depends, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.config import GatewaySettings
from gateway.upstream.upstream import Upstreams

#: Where ``ArrivalStamp`` leaves the event-loop time a request arrived at.
ARRIVED = "gateway.arrived"


class ArrivalStamp:
    """Outermost middleware: notes when each request arrived, so a view's deadline counts
    from then and not from whenever its upstream calls get going."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[ARRIVED] = asyncio.get_running_loop().time()
        await self.app(scope, receive, send)


async def get_upstreams(request: Request) -> Upstreams:
    upstreams: Upstreams = request.app.state.upstreams
    return upstreams


async def get_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


async def get_arrived(request: Request) -> float:
    """The event-loop time the request arrived at (now, when no stamp was made)."""
    arrived: float | None = request.scope.get(ARRIVED)
    return arrived if arrived is not None else asyncio.get_running_loop().time()


UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]
SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
ArrivedDep = Annotated[float, Depends(get_arrived)]

"""The gateway's ASGI app: `uvicorn gateway.main:app` (port 8000).

It owns no database: ``shared.app.create_app`` gives it /health, /metrics, problem+json,
request ids and security headers; the upstream clients (one long-lived HTTP client per
service) are made when the app starts and closed when it stops.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gateway.clients.adapter import Upstream
from gateway.coalesce import SingleFlight
from gateway.config import GatewaySettings, get_settings
from gateway.followup import Upstreams
from gateway.openapi import install_merged_openapi
from gateway.router import Rendered, operations, proxied_routes_description, router
from shared.app import create_app

DESCRIPTION = """\
One host for the follow-up suite.

**Own routes**: the follow-up view of one committee (`GET /v1/follow-up/{org_unit}`), the
overview across committees (`GET /v1/follow-up`), the org units (`GET /v1/org-units`, open:
public reference codes) and readiness with the upstreams' state (`GET /ready`).

**Proxied routes**: every `/v1` route of the three services is served here under the same
path, with the same status codes, headers (ETag, Location, Content-Type) and streaming bodies
(CSV exports and bulk loads are streamed, not buffered). The caller's `Authorization`,
`If-Match`, `If-None-Match`, `Accept`, `Content-Type` and `X-Request-ID` are passed on. Each
service's audit trail is at `/v1/audit/{service}`. Prefixes by service:

{routes}

When the services answer at start-up their own operations are merged into this document.
A service that keeps failing is given a rest by a circuit breaker: its routes answer 503
(problem+json) until a trial call succeeds; a hung one answers 504.
"""


def build_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upstreams = Upstreams(
            indicators=Upstream.from_settings("indicators", settings),
            assignments=Upstream.from_settings("assignments", settings),
            budget=Upstream.from_settings("budget", settings),
        )
        app.state.upstreams = upstreams
        try:
            yield
        finally:
            await asyncio.gather(*(u.aclose() for u in upstreams.all()))

    app = create_app(
        settings,
        title="Follow-up gateway",
        description=DESCRIPTION.replace("{routes}", proxied_routes_description()),
        routers=[operations, router],
        lifespan=lifespan,
    )
    app.state.flights = SingleFlight[Rendered](settings.coalesce)
    install_merged_openapi(app)
    return app


app = build_app()

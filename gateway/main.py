"""The gateway's ASGI app: `uvicorn gateway.main:app` (port 8000).

``shared.app.create_app`` gives it /health, /metrics, problem+json, request ids and
security headers. Its one database is the follow-up cycle's (``gateway.cycle``: the
calendar, decisions and archived reports, and the keys of the cycle's routes). This
module wires the rooms: the upstream machinery (``gateway.upstream``: one long-lived HTTP
client per service of the registry, made when the app starts and closed when it stops, and
the shared view fetches), the follow-up feature (``gateway.followup``) and its cycle
(``gateway.cycle``), then the operations, the proxy and the merged OpenAPI.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gateway import operations, proxy
from gateway.config import GatewaySettings, get_settings
from gateway.cycle import router as cycle
from gateway.cycle.store import CycleStore
from gateway.dependencies import ArrivalStamp
from gateway.examples import EXAMPLES
from gateway.followup import routes as followup
from gateway.followup.kept_overview import KeptOverviews
from gateway.followup.kept_views import KeptViews
from gateway.followup.rendering import Rendered
from gateway.openapi import install_merged_openapi
from gateway.page import routes as page
from gateway.upstream.coalesce import SingleFlight
from gateway.upstream.upstream import Upstreams
from shared.app import create_app
from shared.collector import settle_collector

DESCRIPTION = """\
One host for the follow-up suite.

**Own routes**: the follow-up view of one committee (`GET /v1/follow-up/{org_unit}`), the
overview across committees (`GET /v1/follow-up`), the org units (`GET /v1/org-units`, open:
public reference codes) and readiness with the upstreams' state (`GET /ready`).

**Proxied routes**: every `/v1` route of the three services is served here under the same
path, with the same status codes, headers (ETag, Location, Content-Type) and streaming bodies
(CSV exports and bulk loads are streamed, not buffered). The caller's `Authorization`,
`If-Match`, `If-None-Match`, `Accept`, `Content-Type` and `X-Request-ID` are passed on. The
path goes on as written; a segment that is `.` / `..` or holds an encoded slash is a 400.
Links the services write (`next`, `Location`, `Link`) point at the gateway's public URL.
Each service's audit trail is at `/v1/audit/{service}`. Prefixes by service:

{routes}

When the services answer at start-up their own operations are merged into this document.
A service that keeps failing (5xx, no answer in time, refused or broken connections; never
a 4xx to a caller's bad request) is given a rest by a circuit breaker: its routes answer 503
(problem+json) until a trial call succeeds; a hung one answers 504 once its deadline
passes, a broken connection 502.
"""


def build_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # The follow-up cycle's own store (calendar, decisions): the gateway's only database.
    store = CycleStore.open(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upstreams = Upstreams.from_settings(settings)
        app.state.upstreams = upstreams
        settle_collector()
        try:
            yield
        finally:
            await upstreams.aclose()
            store.close()

    app = create_app(
        settings,
        title="Follow-up gateway",
        description=DESCRIPTION.replace("{routes}", proxy.proxied_routes_description()),
        # The proxy's catch-all /v1 route comes last, after every route of the gateway's own.
        # The follow-up page's routes are outside /v1, so they never meet the catch-all.
        routers=[operations.router, followup.router, cycle.router, page.router, proxy.router],
        lifespan=lifespan,
        examples=EXAMPLES,
        gateway=True,
    )
    app.state.flights = SingleFlight[Rendered](settings.coalesce)
    app.state.kept_views = KeptViews(settings.kept_view_bytes, settings.views_made_at_once)
    app.state.kept_overviews = KeptOverviews()
    app.state.own_routes = proxy.own_routes(
        operations.router, followup.router, cycle.router, proxy.router
    )
    store.install(app)
    # Outermost: a view's deadline counts from the moment its request arrived.
    app.add_middleware(ArrivalStamp)
    install_merged_openapi(app)
    return app


app = build_app()

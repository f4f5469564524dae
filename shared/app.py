"""The app factory: every service and the gateway are built by these two functions.

``create_app`` gives any app request ids, JSON logs, metrics, problem+json errors,
CORS, body limits, security headers, ``/health`` and ``/metrics``.
``create_service_app`` adds what a database-owning service has: its engine, ``/ready``,
API-key checks against its own store (before any body is read), ``/v1/data-version``
(where its change counter stands: ``shared.readcache``), a read-only ``/v1/audit``, an
audit entry for every write refused with 401/403, and the period locks of decided
reports (``/v1/locks``, ``shared.locks``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session

from shared.boundary import OptionalTimestampQuery
from shared.collector import settle_collector
from shared.counter_reads import CounterReader
from shared.db import (
    ClosesSessions,
    database_answers,
    make_engine,
    open_session,
    reading_engine,
)
from shared.draining import ReadinessGate
from shared.errors import PROBLEM_JSON, ProblemError, install_error_handlers
from shared.keys import (
    PRINCIPAL_KEY,
    AuthenticationMiddleware,
    KeyVerifier,
    Reader,
    RegionAdmin,
)
from shared.locks import PeriodLocks
from shared.locks import router as locks_router
from shared.loop_reads import LoopReads
from shared.observability import ObservabilityMiddleware, configure_logging, metrics_body
from shared.openapi_doc import NO_EXAMPLES, Examples, install_document, operation_ids
from shared.protection import ProtectionMiddleware
from shared.settings import AppSettings, ServiceSettings
from shared.spec import ServiceSpec
from shared.store import DATA_VERSION, AuditTrail, ChangeFeed, ChangeFeedHeads
from shared.tokens import token_verifier

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


class Health(BaseModel):
    status: str


class DataVersion(BaseModel):
    """Where a service's change counter stands (``GET /v1/data-version``)."""

    version: int


class AuditEntry(BaseModel):
    id: int
    at: datetime
    key_id: str
    action: str
    resource: str
    resource_id: str
    change: Any


class AuditPage(BaseModel):
    items: list[AuditEntry]


def create_app(
    settings: AppSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    lifespan: Lifespan | None = None,
    version: str = "1.0.0",
    key_verifier: KeyVerifier | None = None,
    examples: Examples = NO_EXAMPLES,
    gateway: bool = False,
) -> FastAPI:
    """``examples`` go into the OpenAPI document (``shared.openapi_doc``), with the problem
    answers of each operation (``gateway``: those of a proxy too, 502/503/504)."""
    configure_logging(settings.log_level)
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        responses={
            "4XX": {"description": "A problem document.", "content": {PROBLEM_JSON: {}}},
        },
        generate_unique_id_function=operation_ids(settings.app_name),
    )
    app.state.settings = settings
    install_error_handlers(app)

    @app.get("/health", tags=["operations"], response_model=Health)
    def health() -> Health:
        return Health(status="ok")

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    def metrics() -> Response:
        # Collectors read when scraped (a service's change-feed heads) come from app state.
        collectors = getattr(app.state, "metric_collectors", [])
        return Response(metrics_body(collectors), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)

    # Outermost last: observability sees every response, including 413s and CORS answers.
    # Sessions (``SessionDep``) are closed innermost, once the route has answered.
    app.add_middleware(ClosesSessions)
    # Keys are checked inside the protection, so refusals still get the security headers.
    if key_verifier is not None:
        app.add_middleware(
            AuthenticationMiddleware, verifier=key_verifier, app_name=settings.app_name
        )
    app.add_middleware(
        ProtectionMiddleware,
        max_body_bytes=settings.max_body_bytes,
        public_url=settings.public_url,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "X-Request-ID",
                "Accept",
            ],
            expose_headers=["ETag", "X-Request-ID", "Location", "Link"],
        )
    # While the process drains before it stops (shared.draining), /ready answers 503.
    app.add_middleware(ReadinessGate)
    app.add_middleware(ObservabilityMiddleware, app_name=settings.app_name)
    install_document(app, examples, gateway=gateway)
    return app


def create_service_app(
    spec: ServiceSpec,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    settings: ServiceSettings | None = None,
    examples: Examples = NO_EXAMPLES,
) -> FastAPI:
    """A service of the suite: its ``routers`` after the operations every service has
    (``/v1/data-version``, ``/ready``, the audit trail, the period locks).

    A request's route is found by trying the routes in order, each router passed costing the
    matching of all its routes (a service's main router, some 50 µs), so ``routers`` come
    most asked first: the follow-up section, which the gateway asks on every view made
    afresh, before the lists and loads."""
    settings = settings or spec.settings_factory()
    engine = make_engine(settings.database_url, spec.metadata.schema or spec.name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settle_collector()
        yield
        app.state.counter.close()
        if app.state.loop_reads is not None:
            app.state.loop_reads.close()
        engine.dispose()

    operations = APIRouter(tags=["operations"])

    @operations.get("/ready", response_model=Health, responses={503: {"model": Health}})
    def ready() -> Any:
        if database_answers(engine):
            return Health(status="ready")
        return JSONResponse({"status": "database unavailable"}, status_code=503)

    @operations.get("/v1/audit", response_model=AuditPage)
    def audit(
        request: Request,
        _admin: RegionAdmin,
        session: Annotated[Session, Depends(get_session)],
        since: OptionalTimestampQuery = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> AuditPage:
        """The audit trail of this service's writes and refused writes (read-only; an admin
        key not bound to org units)."""
        trail: AuditTrail = request.app.state.audit
        return AuditPage(items=[AuditEntry(**e) for e in trail.since(session, since, limit)])

    feed = ChangeFeed(spec.infrastructure)

    @operations.get(
        "/v1/data-version",
        response_model=DataVersion,
        responses={200: {"content": {"application/json": {"example": {"version": 41207}}}}},
    )
    async def data_version(request: Request, _reader: Reader) -> Response:
        """Where this service's change counter stands now (also in the `Data-Version`
        header). Every kept answer (those sent with an ETag) names the version it was made
        at in its own `Data-Version`: while this route answers the same number, nothing
        the service stores has changed and every such answer still stands. The number
        only grows."""
        version = await request.app.state.counter.read()
        return Response(
            b'{"version":%d}' % version,
            media_type="application/json",
            headers={DATA_VERSION: str(version), "Cache-Control": "no-store"},
        )

    verifier = KeyVerifier(
        engine, spec.infrastructure, settings.key_cache_seconds, token_verifier(settings.oidc)
    )
    app = create_app(
        settings,
        title=title,
        description=description,
        routers=[operations, locks_router, *routers],
        lifespan=lifespan,
        key_verifier=verifier,
        examples=examples,
    )
    app.state.engine = engine
    app.state.reading_engine = reading_engine(engine)
    # On the event loop, on a connection of its own (Postgres): ``shared.counter_reads``.
    app.state.counter = CounterReader(app.state.reading_engine, spec.infrastructure.change_counter)
    # The follow-up section's reads, on the loop too, on Postgres: ``shared.loop_reads``.
    app.state.loop_reads = LoopReads.of(engine) if settings.loop_reads else None
    app.state.spec = spec
    app.state.key_verifier = verifier
    app.state.feed = feed
    app.state.metric_collectors = [ChangeFeedHeads(engine, spec.metadata, settings.app_name)]
    app.state.audit = AuditTrail(spec.infrastructure)
    # Period locks of decided reports, on the service's own MetaData (``shared.locks``).
    app.state.locks = PeriodLocks.of(spec.metadata)
    app.state.on_refused = _refusal_recorder(engine, app.state.audit)
    return app


def _refusal_recorder(engine: Engine, trail: AuditTrail) -> Callable[[Request, ProblemError], None]:
    """Writes a refused write (401/403) to the audit trail, in a transaction of its own:
    who (the key id, or ``anonymous``), the method and path and why; never the body."""

    def record(request: Request, problem: ProblemError) -> None:
        principal = request.scope.get(PRINCIPAL_KEY)
        key_id = principal.key_id if principal is not None else "anonymous"
        path = request.url.path
        resource = path.removeprefix("/v1/").split("/", 1)[0][:60] or "-"
        change = {
            "method": request.method,
            "path": path[:1000],
            "status": problem.status,
            "reason": problem.detail[:1000],
        }
        with Session(engine) as session:
            trail.record(session, key_id, "refused", resource, path, change)
            session.commit()

    return record


# The dependencies below are ``async def`` although none awaits anything: FastAPI runs a
# plain ``def`` dependency in a worker thread, a trip that costs more than what these do.


#: Requests that only read: their sessions commit each statement (``reading_engine``).
READING_METHODS = frozenset({"GET", "HEAD"})


async def get_session(request: Request) -> Session:
    """A FastAPI dependency: one session per request on the service's engine (for a
    reading request, its reading form, ``shared.db.reading_engine``), closed once the
    request is answered (``shared.db.ClosesSessions``)."""
    state = request.app.state
    engine: Engine = state.engine
    if request.method in READING_METHODS:
        engine = getattr(state, "reading_engine", engine)
    return open_session(request.scope, engine)


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_feed(request: Request) -> ChangeFeed:
    feed: ChangeFeed = request.app.state.feed
    return feed


async def get_audit(request: Request) -> AuditTrail:
    audit: AuditTrail = request.app.state.audit
    return audit


SessionDep = Annotated[Session, Depends(get_session)]
EngineDep = Annotated[Engine, Depends(get_engine)]
FeedDep = Annotated[ChangeFeed, Depends(get_feed)]
AuditDep = Annotated[AuditTrail, Depends(get_audit)]

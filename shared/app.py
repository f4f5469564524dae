"""The app factory: every service and the gateway are built by these two functions.

``create_app`` gives any app request ids, JSON logs, metrics, problem+json errors,
CORS, body limits, security headers, ``/health`` and ``/metrics``.
``create_service_app`` adds what a database-owning service has: its engine, ``/ready``,
API-key checks against its own store and a read-only ``/v1/audit``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import AwareDatetime, BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session

from shared.db import database_answers, make_engine, session_scope
from shared.errors import PROBLEM_JSON, install_error_handlers
from shared.keys import Admin, KeyVerifier
from shared.observability import REGISTRY, ObservabilityMiddleware, configure_logging
from shared.protection import ProtectionMiddleware
from shared.settings import AppSettings, ServiceSettings
from shared.spec import ServiceSpec
from shared.store import AuditTrail, ChangeFeed

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


class Health(BaseModel):
    status: str


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
) -> FastAPI:
    configure_logging(settings.log_level)
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        responses={
            "4XX": {"description": "A problem document.", "content": {PROBLEM_JSON: {}}},
        },
    )
    app.state.settings = settings
    install_error_handlers(app)

    @app.get("/health", tags=["operations"], response_model=Health)
    def health() -> Health:
        return Health(status="ok")

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)

    # Outermost last: observability sees every response, including 413s and CORS answers.
    app.add_middleware(ProtectionMiddleware, max_body_bytes=settings.max_body_bytes)
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
            expose_headers=["ETag", "X-Request-ID", "Location"],
        )
    app.add_middleware(ObservabilityMiddleware, app_name=settings.app_name)
    return app


def create_service_app(
    spec: ServiceSpec,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    settings: ServiceSettings | None = None,
) -> FastAPI:
    settings = settings or spec.settings_factory()
    engine = make_engine(settings.database_url, spec.metadata.schema or spec.name)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
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
        _admin: Admin,
        session: Annotated[Session, Depends(get_session)],
        since: Annotated[AwareDatetime | None, Query(description="From this time on.")] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> AuditPage:
        """The audit trail of this service's writes (read-only; admin keys)."""
        trail: AuditTrail = request.app.state.audit
        return AuditPage(items=[AuditEntry(**e) for e in trail.since(session, since, limit)])

    app = create_app(
        settings,
        title=title,
        description=description,
        routers=[operations, *routers],
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.spec = spec
    app.state.key_verifier = KeyVerifier(engine, spec.infrastructure, settings.key_cache_seconds)
    app.state.feed = ChangeFeed(spec.infrastructure)
    app.state.audit = AuditTrail(spec.infrastructure)
    return app


def get_session(request: Request) -> Iterator[Session]:
    """A FastAPI dependency: one session per request on the service's engine."""
    yield from session_scope(request.app.state.engine)


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_feed(request: Request) -> ChangeFeed:
    feed: ChangeFeed = request.app.state.feed
    return feed


def get_audit(request: Request) -> AuditTrail:
    audit: AuditTrail = request.app.state.audit
    return audit


SessionDep = Annotated[Session, Depends(get_session)]
EngineDep = Annotated[Engine, Depends(get_engine)]
FeedDep = Annotated[ChangeFeed, Depends(get_feed)]
AuditDep = Annotated[AuditTrail, Depends(get_audit)]

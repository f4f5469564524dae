"""The indicators service's ASGI app: `uvicorn services.indicators.main:app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.indicators.config import IndicatorsSettings
from services.indicators.examples import EXAMPLES
from services.indicators.router import router
from services.indicators.router_due import router as due_router
from services.indicators.router_follow_up import router as follow_up_router
from services.indicators.router_production import router as production_router
from services.indicators.spec import SPEC
from shared.app import create_service_app


def build_app(settings: IndicatorsSettings | None = None) -> FastAPI:
    return create_service_app(
        SPEC,
        title="Indicators service",
        description="Indikatorbiblioteket and Kvalitetsapplikationen: quality indicators, their versioned targets (målnivåer), results and evaluations.",
        # Most asked first (``create_service_app``).
        routers=[follow_up_router, router, due_router, production_router],
        settings=settings,
        examples=EXAMPLES,
    )


app = build_app()

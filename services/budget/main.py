"""The budget service's ASGI app: `uvicorn services.budget.main:app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.budget.config import BudgetSettings
from services.budget.examples import EXAMPLES
from services.budget.router import router
from services.budget.router_due import router as due_router
from services.budget.router_financial import router as financial_router
from services.budget.router_follow_up import router as follow_up_router
from services.budget.router_loads import router as load_router
from services.budget.spec import SPEC
from shared.app import create_service_app


def build_app(settings: BudgetSettings | None = None) -> FastAPI:
    return create_service_app(
        SPEC,
        title="Budget service",
        description=(
            "Regionbidrag, budget lines, outcome (utfall), forecasts (prognos), earmarked "
            "money, each committee's stated totals and reported figures, and the region's "
            "financial figures and goals, in integer kronor."
        ),
        # Most asked first (``create_service_app``).
        routers=[follow_up_router, router, load_router, financial_router, due_router],
        settings=settings,
        examples=EXAMPLES,
    )


app = build_app()

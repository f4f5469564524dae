"""The assignments service's ASGI app: `uvicorn services.assignments.main:app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.assignments.config import AssignmentsSettings
from services.assignments.examples import EXAMPLES
from services.assignments.router import router
from services.assignments.router_due import router as due_router
from services.assignments.router_follow_up import router as follow_up_router
from services.assignments.router_internal_control import router as internal_control_router
from services.assignments.spec import SPEC
from shared.app import create_service_app


def build_app(settings: AssignmentsSettings | None = None) -> FastAPI:
    return create_service_app(
        SPEC,
        title="Assignments service",
        description=(
            "Riktade uppdrag: directed assignments to the committees and their status reports; "
            "internal control (intern kontroll): risk analyses, risks, control actions and "
            "their follow-ups."
        ),
        # Most asked first (``create_service_app``).
        routers=[follow_up_router, router, internal_control_router, due_router],
        settings=settings,
        examples=EXAMPLES,
    )


app = build_app()

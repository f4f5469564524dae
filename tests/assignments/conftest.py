"""Helpers for the assignments tests (the `assignments` fixture is in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import ServiceHarness

BOARDS = [
    "SUS",
    "LANDSKRONA",
    "TRELLEBORG",
    "HELSINGBORG",
    "KRISTIANSTAD",
    "YSTAD",
    "ANGELHOLM",
    "HASSLEHOLM",
]


def new_assignment(svc: ServiceHarness, **fields: Any) -> dict[str, Any]:
    """Create an assignment with an admin key; returns the created body."""
    body = {
        "title": "Minska väntetiderna till barn- och ungdomspsykiatrin.",
        "goal": "Tillgänglighet och kvalitet",
        "area": "Psykisk hälsa",
        "year_given": 2024,
        "source": "VP",
        "lead_org_unit": "HSN",
        "org_units": ["PHHN"],
    }
    body.update(fields)
    response = svc.client.post("/v1/assignments", json=body, headers=svc.auth("admin"))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def report(
    svc: ServiceHarness,
    assignment_id: str,
    org_unit: str,
    period: str,
    status: str,
    explanation: str | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    return svc.client.post(
        f"/v1/assignments/{assignment_id}/reports",
        json={"org_unit": org_unit, "period": period, "status": status, "explanation": explanation},
        headers=headers or svc.auth("write"),
    )


@pytest.fixture
def seeded(assignments: ServiceHarness) -> ServiceHarness:
    """The service with the real data loaded."""
    assert assignments.seed() > 0
    return assignments

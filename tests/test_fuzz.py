"""Schemathesis against each service's own OpenAPI: no 5xx, answers match the schema.

Bounded: a few examples per operation, on the seeded data, with an admin key so that
requests get past authentication and exercise the domain code.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.harness import ServiceHarness

EXAMPLES = 12
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def _schema(harness: ServiceHarness) -> Any:
    harness.seed()
    return schemathesis.openapi.from_asgi("/openapi.json", harness.app)


@pytest.fixture
def indicators_api(indicators: ServiceHarness) -> Any:
    return _schema(indicators)


@pytest.fixture
def assignments_api(assignments: ServiceHarness) -> Any:
    return _schema(assignments)


@pytest.fixture
def budget_api(budget: ServiceHarness) -> Any:
    return _schema(budget)


indicators_schema = schemathesis.pytest.from_fixture("indicators_api")
assignments_schema = schemathesis.pytest.from_fixture("assignments_api")
budget_schema = schemathesis.pytest.from_fixture("budget_api")


def _check(case: Any, harness: ServiceHarness) -> None:
    response = case.call(headers=harness.auth("admin"))
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:500]}"
    case.validate_response(response)


@indicators_schema.parametrize()
@FUZZ
def test_indicators_api_never_fails_and_keeps_its_schema(
    case: Any, indicators: ServiceHarness
) -> None:
    _check(case, indicators)


@assignments_schema.parametrize()
@FUZZ
def test_assignments_api_never_fails_and_keeps_its_schema(
    case: Any, assignments: ServiceHarness
) -> None:
    _check(case, assignments)


@budget_schema.parametrize()
@FUZZ
def test_budget_api_never_fails_and_keeps_its_schema(case: Any, budget: ServiceHarness) -> None:
    _check(case, budget)

"""Schemathesis against the gateway's OpenAPI over real HTTP (the services behind it real too):
no 5xx, and answers that match the schema. Bounded in examples per operation."""

from __future__ import annotations

import os
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Err

from shared.suite import Stack
from tests.test_fuzz import CHECKS

#: Examples per operation: a few in ``make test``, more from ``FUZZ_EXAMPLES`` (``make fuzz``).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
#: The gateway's own routes; the proxied ones are fuzzed on each service directly.
OWN = ("/v1/follow-up", "/v1/org-units", "/health", "/ready")


def test_the_gateways_own_routes_never_fail_and_keep_their_schema(
    gw: httpx.Client, stack: Stack
) -> None:
    base = stack.gateways[0].base_url
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    auth = stack.auth("read")
    failures: list[str] = []
    fuzzed: list[str] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            failures.append(f"an operation its own schema cannot describe: {result.err()!s:.1500}")
            continue
        operation = result.ok()
        if not operation.path.startswith(OWN):
            continue
        fuzzed.append(operation.path)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            response = case.call(base_url=base, headers=auth, timeout=30)
            assert response.status_code < 500, f"{case.formatted_path}: {response.text[:300]}"
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc!s:.1500}")
    assert "/v1/follow-up/{org_unit}" in fuzzed
    assert failures == []

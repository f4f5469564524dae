"""Fixtures of the gateway's tests: the real services and a gateway (see ``stack.py``),
started once per run. Fault tests (``test_degraded.py``) start processes of their own."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from shared.suite import Stack, Stores, new_stack
from tests.documented_statuses import documented_answers
from tests.gateway.stack import prepare_stores


# Package-scoped, like every suite of processes the tests start: each process keeps pooled
# Postgres connections, and stopping a suite once its package is done keeps the whole run
# under the server's max_connections (100 by default).
@pytest.fixture(scope="package")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Stores:
    return prepare_stores(tmp_path_factory.mktemp("gateway-stores"))


@pytest.fixture(scope="package")
def stack(stores: Stores, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The three services and a gateway, never disturbed by fault tests."""
    running = new_stack(stores, tmp_path_factory.mktemp("gateway-logs"))
    yield running
    running.stop()


@pytest.fixture(scope="package")
def gw(stack: Stack) -> Iterator[httpx.Client]:
    """An HTTP client of the gateway; an answer whose status the gateway's OpenAPI does
    not document for its operation fails the test (``tests.documented_statuses``)."""
    with httpx.Client(base_url=stack.gateways[0].base_url, timeout=30) as client:
        client.event_hooks["response"].append(documented_answers(client))
        yield client

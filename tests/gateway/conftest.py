"""Fixtures of the gateway's tests: the real services and a gateway (see ``stack.py``),
started once per run. Fault tests (``test_degraded.py``) start processes of their own."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.gateway.stack import Stack, new_stack, prepare_stores


@pytest.fixture(scope="session")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, str]]:
    return prepare_stores(tmp_path_factory.mktemp("gateway-stores"))


@pytest.fixture(scope="session")
def stack(
    stores: tuple[dict[str, str], dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """The three services and a gateway, never disturbed by fault tests."""
    running = new_stack(stores, tmp_path_factory.mktemp("gateway-logs"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def gw(stack: Stack) -> Iterator[httpx.Client]:
    """An HTTP client of the gateway."""
    with httpx.Client(base_url=stack.gateways[0].base_url, timeout=30) as client:
        yield client

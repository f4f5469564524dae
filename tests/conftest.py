"""Fixtures every test can use. Services are migrated once per run and emptied per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import ServiceHarness, build_service

_built: dict[str, ServiceHarness] = {}


@pytest.fixture(scope="session")
def sqlite_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stores")


def _service(name: str, sqlite_dir: Path) -> Iterator[ServiceHarness]:
    if name not in _built:
        _built[name] = build_service(name, sqlite_dir)
    harness = _built[name]
    harness.clean()
    yield harness


@pytest.fixture
def indicators(sqlite_dir: Path) -> Iterator[ServiceHarness]:
    """The indicators service, empty, with a TestClient."""
    yield from _service("indicators", sqlite_dir)


@pytest.fixture
def assignments(sqlite_dir: Path) -> Iterator[ServiceHarness]:
    """The assignments service, empty, with a TestClient."""
    yield from _service("assignments", sqlite_dir)


@pytest.fixture
def budget(sqlite_dir: Path) -> Iterator[ServiceHarness]:
    """The budget service, empty, with a TestClient."""
    yield from _service("budget", sqlite_dir)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for harness in _built.values():
        harness.client.close()
        harness.engine.dispose()

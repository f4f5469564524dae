"""Fixtures of the page's tests: a signed-in HTTP client of the shared stack's gateway, and
headless Chromium (Debian's ``chromium`` package, driven by Playwright for Python; never a
browser Playwright downloads). Screenshots go to ``var/screenshots/`` (README)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.settings import REPO_ROOT
from shared.suite import Stack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"


def sign_in(client: httpx.Client, token: str) -> httpx.Response:
    return client.post("/sign-in", data={"key": token, "next": "/"})


@pytest.fixture(scope="package")
def page_client(stack: Stack) -> Iterator[httpx.Client]:
    """An HTTP client of the shared gateway, signed in with the unbound read key."""
    with httpx.Client(base_url=stack.gateways[0].base_url, timeout=30) as client:
        assert sign_in(client, stack.tokens["read"]).status_code == 303
        yield client


@pytest.fixture
def fresh_client(stack: Stack) -> Iterator[httpx.Client]:
    """An HTTP client of the shared gateway with no session."""
    with httpx.Client(base_url=stack.gateways[0].base_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from /usr/bin/chromium; the browser tests skip without it.

    Module-scoped on purpose: Playwright's sync API keeps an event loop running on the main
    thread while it is open, so it must be closed before any later test calls asyncio.run."""
    missing = None
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        missing = "no Chromium at /usr/bin/chromium: apt-get install -y chromium"
    elif importlib.util.find_spec("playwright") is None:
        missing = "Playwright for Python is not installed: pip install -e '.[dev]'"
    if missing:
        # .ci/run installs both and sets CI: there a missing browser is a failure.
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
            args=CHROMIUM_ARGS,
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

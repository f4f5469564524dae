"""Front ends on other origins may call when configured; keys never reach the logs."""

import logging

import pytest
from fastapi.testclient import TestClient

from shared.app import create_app
from shared.settings import AppSettings
from tests.shared.conftest import Sample


def _app(origins: list[str]) -> TestClient:
    settings = AppSettings(app_name="cors-test", cors_origins=origins)
    return TestClient(create_app(settings, title="t", description="t", routers=[]))


def test_a_configured_front_end_origin_may_call() -> None:
    client = _app(["https://uppfoljning.example"])
    r = client.options(
        "/health",
        headers={"Origin": "https://uppfoljning.example", "Access-Control-Request-Method": "GET"},
    )
    assert r.headers["access-control-allow-origin"] == "https://uppfoljning.example"


def test_cors_is_off_unless_configured() -> None:
    r = _app([]).get("/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_keys_are_never_logged(sample: Sample, caplog: pytest.LogCaptureFixture) -> None:
    headers = sample.auth("read")
    token = headers["Authorization"].removeprefix("Bearer ")
    with caplog.at_level(logging.DEBUG):
        sample.client.get("/v1/things", headers=headers)
        sample.client.get("/v1/things", headers={"Authorization": "Bearer fu_bad_key"})
    assert caplog.records
    assert all(
        token not in r.getMessage() and "fu_bad_key" not in r.getMessage() for r in caplog.records
    )

"""The gateway's own store is one of the registry's stores: the harness and the CLI make,
migrate (up, down, up), seed and key it like a service's, and its keys open its routes."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from gateway.cycle.models import occasion
from shared.migrations import downgrade, upgrade
from shared.registry import app, store_names
from tests.harness import build_service


def test_the_registry_names_the_gateways_store_after_the_services() -> None:
    assert store_names()[-1] == "gateway"
    assert app("gateway").load_spec().metadata.schema == "followup"


def test_the_harness_builds_migrates_seeds_and_keys_the_gateways_store(tmp_path: Path) -> None:
    gateway = build_service("gateway", tmp_path)
    try:
        assert gateway.seed() > 0
        assert gateway.seed() == 0  # loaded once
        answer = gateway.client.get(
            "/v1/calendar", params={"year": 2023}, headers=gateway.auth("read")
        )
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["occasions"]) == 14
        refused = gateway.client.get(
            "/v1/calendar", params={"year": 2023}, headers={"Authorization": "Bearer fu_x_y"}
        )
        assert refused.status_code == 401

        spec = gateway.spec
        gateway.engine.dispose()
        downgrade(spec, gateway.url)
        upgrade(spec, gateway.url)
        with gateway.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(occasion)).scalar() == 0
    finally:
        gateway.client.close()
        gateway.engine.dispose()

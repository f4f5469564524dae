from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shared.keys import generate_key, store_key
from shared.migrations import recreate
from tests.harness import service_url
from tests.shared.sample.app import SPEC, build_app


class Sample:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.engine = client.app.state.engine  # type: ignore[attr-defined]

    def auth(self, scope: str = "admin", *org_units: str) -> dict[str, str]:
        key = generate_key()
        with self.engine.begin() as conn:
            store_key(conn, SPEC.infrastructure, key, "t", [scope], org_units)
        return {"Authorization": f"Bearer {key.token}"}


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[Sample]:
    url = service_url("sample", tmp_path)
    recreate(SPEC, url)
    with TestClient(build_app(url)) as client:
        yield Sample(client)
    client.app.state.engine.dispose()  # type: ignore[attr-defined]

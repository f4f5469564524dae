"""When the database goes away a service says 503 and recovers by itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from shared.keys import generate_key, store_key
from shared.migrations import recreate
from tests.faults import CuttableProxy
from tests.harness import test_database_url as pg_url
from tests.shared.sample.app import SPEC, build_app

pytestmark = pytest.mark.skipif(
    not pg_url(), reason="needs a database server to take away (TEST_DATABASE_URL)"
)


@pytest.fixture
def behind_proxy() -> Iterator[tuple[TestClient, CuttableProxy, dict[str, str]]]:
    url = make_url(str(pg_url()))
    recreate(SPEC, str(pg_url()))
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = build_app(proxied, max_body_bytes=10_000_000)
    key = generate_key()
    with app.state.engine.begin() as conn:
        store_key(conn, SPEC.infrastructure, key, "t", ["admin"], [])
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, proxy, {"Authorization": f"Bearer {key.token}"}
    proxy.close()
    app.state.engine.dispose()


def test_a_request_while_the_database_is_away_is_503_problem(
    behind_proxy: tuple[TestClient, CuttableProxy, dict[str, str]],
) -> None:
    client, proxy, auth = behind_proxy
    assert client.get("/v1/things", headers=auth).status_code == 200
    proxy.cut()
    r = client.get("/v1/audit", headers=auth)
    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"
    assert client.get("/ready").status_code == 503


def test_a_read_finding_every_pooled_connection_taken_is_503_problem_not_500(
    behind_proxy: tuple[TestClient, CuttableProxy, dict[str, str]],
) -> None:
    client, _, auth = behind_proxy
    assert client.get("/v1/things", headers=auth).status_code == 200  # the key verified
    engine = client.app.state.engine  # type: ignore[attr-defined]
    pool = engine.pool
    pool._timeout = 0.2  # the pool's wait, shortened for the test (10 s in service)
    with ExitStack() as held:
        # Every connection the pool may give, held as long exports hold theirs.
        for _ in range(pool.size() + pool._max_overflow):
            held.enter_context(engine.connect()).exec_driver_sql("SELECT 1")
        busy = client.get("/v1/things", headers=auth)
    assert busy.status_code == 503, busy.text
    assert busy.headers["content-type"] == "application/problem+json"
    assert busy.headers["retry-after"] == "2"
    assert "busy" in busy.json()["detail"]
    assert client.get("/v1/things", headers=auth).status_code == 200  # free again


def test_the_service_recovers_when_the_database_is_back(
    behind_proxy: tuple[TestClient, CuttableProxy, dict[str, str]],
) -> None:
    client, proxy, auth = behind_proxy
    client.get("/v1/things", headers=auth)
    proxy.cut()
    client.get("/v1/audit", headers=auth)
    proxy.restore()
    assert client.get("/ready").status_code == 200
    assert client.get("/v1/audit", headers=auth).status_code == 200


def test_a_load_cut_off_midway_leaves_nothing_behind(
    behind_proxy: tuple[TestClient, CuttableProxy, dict[str, str]],
) -> None:
    client, proxy, auth = behind_proxy
    rows = [{"code": f"T{i}", "org_unit": "SUS", "amount": i} for i in range(40_000)]
    client.get("/v1/things", headers=auth)  # connections are open before the cut

    import threading

    timer = threading.Timer(0.15, proxy.cut)
    timer.start()
    r = client.post("/v1/things", json=rows, headers=auth)
    timer.join()
    proxy.restore()
    items = client.get("/v1/things?limit=1000", headers=auth).json()["items"]
    # 40 000 rows take far longer than 0,15 s to load: the cut lands inside the transaction.
    assert r.status_code == 503
    assert items == []


def test_the_data_version_is_503_while_the_database_is_away_and_answers_when_it_is_back(
    behind_proxy: tuple[TestClient, CuttableProxy, dict[str, str]],
) -> None:
    """The data version is read on a connection of the service's own, outside its pool
    (``shared.counter_reads``): cut, it is a 503 problem like every other read; restored,
    the next ask answers on a new connection, with the same number."""
    client, proxy, auth = behind_proxy
    before = client.get("/v1/data-version", headers=auth)
    assert before.status_code == 200
    proxy.cut()
    away = client.get("/v1/data-version", headers=auth)
    assert away.status_code == 503
    assert away.headers["content-type"] == "application/problem+json"
    proxy.restore()
    back = client.get("/v1/data-version", headers=auth)
    assert back.status_code == 200
    assert back.json() == before.json()

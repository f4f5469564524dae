"""What the cheaper request path (issue #13) must keep: every request's session goes back
to the pool, a connection the server closed while it was pooled is replaced before use
(as ``pool_pre_ping`` did, without its round trip), and every request is still logged."""

from __future__ import annotations

import logging
import time

import psycopg
import pytest
from sqlalchemy.engine import make_url

import shared.db
from tests.harness import test_database_url as pg_url
from tests.shared.conftest import Sample


def test_every_session_goes_back_to_the_pool(sample: Sample) -> None:
    auth = sample.auth("admin")
    client = sample.client
    answers = [
        client.get("/v1/things", headers=auth).status_code,  # a read (one snapshot)
        client.post("/v1/moves", json=_move("A1"), headers=auth).status_code,
        client.delete("/v1/things/NONE", headers=auth).status_code,  # a write that fails
        client.get("/v1/things?cursor=bad", headers=auth).status_code,  # refused input
    ]
    assert answers == [200, 204, 404, 422]
    assert sample.engine.pool.checkedout() == 0


def test_a_read_sees_what_was_committed_before_it(sample: Sample) -> None:
    auth = sample.auth("admin")
    client = sample.client
    assert client.post("/v1/moves", json=_move("B1"), headers=auth).status_code == 204
    codes = [t["code"] for t in client.get("/v1/things", headers=auth).json()["items"]]
    assert codes == ["B1"]
    assert client.delete("/v1/things/B1", headers=auth).status_code == 204
    assert client.get("/v1/things", headers=auth).json()["items"] == []


@pytest.mark.skipif(not pg_url(), reason="needs a database server to end connections on")
def test_a_pooled_connection_the_server_ended_is_replaced_before_use(sample: Sample) -> None:
    auth = sample.auth("admin")
    client = sample.client
    assert client.get("/v1/things", headers=auth).status_code == 200
    pool = sample.engine.pool
    held = [pool.connect() for _ in range(pool.checkedin())]
    ended = [c.dbapi_connection.info.backend_pid for c in held]
    for connection in held:
        connection.close()
    assert ended
    # As a restart of Postgres does: the server ends every connection the pool holds.
    url = make_url(str(pg_url()))
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as admin:
        for pid in ended:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 10
        while admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (ended,)
        ).fetchone() != (0,):
            assert time.monotonic() < deadline, "the server did not end the connections"
            time.sleep(0.05)
    # No request pays for the ended connections: each is replaced when it is checked out.
    answers = [client.get("/v1/things", headers=auth).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    assert client.get("/ready").status_code == 200


@pytest.mark.skipif(not pg_url(), reason="the idle check is Postgres's")
def test_a_connection_idle_for_long_is_pinged_and_used(
    sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = sample.auth("admin")
    assert sample.client.get("/v1/things", headers=auth).status_code == 200
    monkeypatch.setattr(shared.db, "PING_AFTER_IDLE_SECONDS", 0.0)
    dialect = sample.engine.dialect
    pinged: list[object] = []
    real_ping = dialect.do_ping

    def counted_ping(dbapi_connection: object) -> bool:
        pinged.append(dbapi_connection)
        return bool(real_ping(dbapi_connection))

    monkeypatch.setattr(dialect, "do_ping", counted_ping)
    answers = [sample.client.get("/v1/things", headers=auth).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    assert len(pinged) >= 3  # every checkout of a pooled connection pinged first


def test_every_request_is_logged(sample: Sample, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        assert sample.client.get("/health").status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name.endswith(".access")]
    assert len(lines) == 1
    assert lines[0].startswith("GET /health 200 ")
    assert lines[0].endswith("ms")


def _move(code: str) -> dict[str, object]:
    return {"set": {"code": code, "org_unit": "SUS", "amount": 1}, "delete": code}

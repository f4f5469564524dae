"""Where a change counter stands, as ``GET /v1/data-version`` reads it on Postgres: on a
connection of the service's own, kept between asks (``shared.counter_reads``)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.harness import test_database_url as pg_url
from tests.shared.conftest import Sample

pytestmark = pytest.mark.skipif(not pg_url(), reason="the kept connection is Postgres's")

#: The read as the sample service sends it (its schema is ``sample``).
READ = "SELECT last_seq FROM sample.change_counter WHERE id = 1"


def reader_backends(sample: Sample) -> list[int]:
    """The server processes serving the counter reads of the sample service."""
    with sample.engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE query = :read AND datname = current_database()"
                ),
                {"read": READ},
            ).scalars()
        )


def test_a_write_moves_the_version_the_next_ask_reads(sample: Sample) -> None:
    auth = sample.auth()
    first = sample.client.get("/v1/data-version", headers=auth).json()["version"]
    thing = {"code": "T1", "org_unit": "SUS", "amount": 1}
    assert sample.client.post("/v1/things", json=[thing], headers=auth).status_code == 200
    assert sample.client.get("/v1/data-version", headers=auth).json()["version"] > first


def test_asks_share_one_connection_and_a_closed_one_is_replaced(sample: Sample) -> None:
    auth = sample.auth()
    for _ in range(5):
        assert sample.client.get("/v1/data-version", headers=auth).status_code == 200
    backends = reader_backends(sample)
    assert len(backends) == 1
    # The server ends the idle connection (a restart, an idle timeout): the next ask is
    # answered on a new one, not refused.
    with sample.engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backends[0]})
    again = sample.client.get("/v1/data-version", headers=auth)
    assert again.status_code == 200
    assert reader_backends(sample) not in ([], backends)

"""A client that hangs up on an export through the gateway cancels the service's query.

Over real HTTP on Postgres: an indicators service and a gateway of their own (a store of
their own, so the rows added never reach the shared stack the other gateway tests read), a
few hundred thousand results, a CSV export asked of the gateway over a plain socket, the
first rows read, the socket closed. The gateway must let go of the upstream answer, so the
service sees its client go and cancels the COPY: the service counts a cancelled export
query (an export the gateway read to its end would not be), within 5 s no COPY of that
export runs, and the service and the gateway still answer. SQLite has no COPY and no
server to cancel on: skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from shared.db import database_on_server, make_engine, normalise_url
from shared.registry import store_names
from shared.suite import Stack
from shared.suite import prepare_stores as prepare_suite_stores
from tests import harness
from tests.disconnects import (
    cancelled_exports,
    cancelled_reaches,
    running_exports,
    start_and_hang_up,
    within,
)
from tests.gateway.stack import KEYS

pytestmark = pytest.mark.slow

ROWS = 300_000


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, sa.Engine]]:
    base = harness.test_database_url()
    if not base:
        pytest.skip("COPY and cancelling a query on the server are Postgres's")
    database = (make_url(normalise_url(base)).database or "test") + "_gateway_disconnect"
    url = database_on_server(base, database)
    stores = prepare_suite_stores(dict.fromkeys(store_names(), url), KEYS)
    engine = make_engine(url, "indicators")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO indicators.result (indicator, org_unit, period, breakdown, value, "
                "numerator, denominator, status, updated_at, change_seq) "
                "SELECT 'ID0291', 'SUS', '2024', 'b' || g, 90.5, 181, 200, 'final', now(), g "
                "FROM generate_series(1, :rows) AS g"
            ),
            {"rows": ROWS},
        )
    # The indicators service and a gateway only: fewer processes holding pooled connections
    # while the shared stack holds its own (the server's max_connections is shared).
    urls, tokens = stores
    stack = Stack(tmp_path_factory.mktemp("disconnect-logs"), urls, tokens)
    try:
        stack.start_service("indicators")
        stack.start_gateway()
    except BaseException:
        stack.stop()
        raise
    yield stack, engine
    stack.stop()
    engine.dispose()


def test_hanging_up_on_an_export_through_the_gateway_cancels_its_query(
    suite: tuple[Stack, sa.Engine],
) -> None:
    stack, engine = suite
    gateway = stack.gateways[0]
    service = stack.services["indicators"]
    for _ in range(2):  # and again: what the first left behind does not block the second
        cancelled = cancelled_exports(service)
        received = start_and_hang_up(gateway, stack.tokens["read"])
        assert b"200 OK" in received.split(b"\r\n", 1)[0]
        assert b"id,indicator,org_unit,period" in received
        assert within(5.0, cancelled_reaches(service, cancelled + 1)), (
            "the service's export query was not cancelled: the gateway kept reading it"
        )
        assert within(5.0, lambda: "active" not in running_exports(engine)), (
            f"the export's COPY still runs: {running_exports(engine)}"
        )
        # Its connection was rolled back and went on (no COPY left as its last statement).
        assert within(5.0, lambda: running_exports(engine) == [])
        for base in (gateway.base_url, stack.services["indicators"].base_url):
            listing = httpx.get(
                f"{base}/v1/results", params={"limit": 1}, headers=stack.auth(), timeout=5
            )
            assert listing.status_code == 200 and len(listing.json()["items"]) == 1

"""A CSV export whose client goes is cancelled on the server (``shared.csvstream``).

Over real HTTP, against the indicators service as a uvicorn process on Postgres: an export
of a few hundred thousand results is started, the client reads the first bytes and
hangs up. Within 5 s no COPY of that export may run any more (its connection rolled back
and idle in the pool), and the service still answers ``/health`` and a listing; a second
export after it runs to its end. SQLite has no COPY and no server to cancel on: skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from shared.processes import Process, start
from shared.registry import app
from tests.disconnects import cancelled_reaches, running_exports, start_and_hang_up, within
from tests.harness import ServiceHarness
from tests.indicators.conftest import put_indicator

ROWS = 300_000
#: The statement text every export of the results begins with.


@pytest.fixture
def service(indicators: ServiceHarness, tmp_path: Path) -> Iterator[Process]:
    if indicators.engine.dialect.name != "postgresql":
        pytest.skip("COPY and cancelling a query on the server are Postgres's")
    put_indicator(indicators)
    with indicators.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO indicators.result (indicator, org_unit, period, breakdown, value, "
                "numerator, denominator, status, updated_at, change_seq) "
                "SELECT 'ID9001', 'SUS', '2024', 'b' || g, 90.5, 181, 200, 'final', now(), g "
                "FROM generate_series(1, :rows) AS g"
            ),
            {"rows": ROWS},
        )
    entry = app("indicators")
    process = start(
        entry,
        env={"DATABASE_URL": indicators.url, f"{entry.env_prefix}DATABASE_URL": indicators.url},
        log_dir=tmp_path,
    )
    yield process
    process.stop()


def test_a_csv_export_is_cancelled_when_its_client_goes(
    indicators: ServiceHarness, service: Process
) -> None:
    token = indicators.key("read")
    for n in range(1, 4):  # each time: cancelled, and the connection back in the pool
        received = start_and_hang_up(service, token)
        assert b"200 OK" in received.split(b"\r\n", 1)[0]
        assert b"id,indicator,org_unit,period" in received
        assert within(5.0, cancelled_reaches(service, n)), "the export was not cancelled"
        assert within(5.0, lambda: "active" not in running_exports(indicators.engine)), (
            f"the export's COPY still runs: {running_exports(indicators.engine)}"
        )
        # Its connection was rolled back and went on (no COPY left as its last statement).
        assert within(5.0, lambda: running_exports(indicators.engine) == [])
        health = httpx.get(f"{service.base_url}/health", timeout=5)
        assert health.status_code == 200
        listing = httpx.get(
            f"{service.base_url}/v1/results",
            params={"limit": 1},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert listing.status_code == 200 and len(listing.json()["items"]) == 1

    lines = 0
    with httpx.stream(
        "GET",
        f"{service.base_url}/v1/results",
        headers={"Authorization": f"Bearer {token}", "Accept": "text/csv"},
        timeout=60,
    ) as whole:
        for block in whole.iter_bytes():
            lines += block.count(b"\n")
    assert lines == ROWS + 1  # the header and every row: a full export still runs to its end

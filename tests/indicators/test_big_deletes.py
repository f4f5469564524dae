"""Deleting more results than a statement may have bind parameters (65 535 on Postgres):
set-based, every row gone, a tombstone for each in the change feed."""

from __future__ import annotations

import sqlalchemy as sa

from services.indicators.models import result_table
from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator

HEADER = "indicator,org_unit,period,breakdown,value,numerator,denominator,status\n"
N = 70_000


def _ids(h: ServiceHarness, indicator: str) -> set[int]:
    with h.engine.connect() as conn:
        r = result_table
        return set(conn.execute(sa.select(r.c.id).where(r.c.indicator == indicator)).scalars())


def _last_seq(h: ServiceHarness) -> int:
    """The newest change number among the stored results."""
    with h.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(result_table.c.change_seq))).scalar_one())


def _feed(h: ServiceHarness, after: int) -> list[dict[str, object]]:
    """Every change after ``after``, following ``next_cursor`` page by page."""
    items: list[dict[str, object]] = []
    params: dict[str, str | int] = {"after_seq": after, "limit": 10_000}
    while True:
        r = h.client.get("/v1/results", params=params, headers=h.auth("read"))
        assert r.status_code == 200, r.text
        body = r.json()
        items.extend(body["items"])
        if not body["next_cursor"]:
            return items
        params = {**params, "cursor": str(body["next_cursor"])}


def test_deleting_more_rows_than_bind_parameters_leaves_a_tombstone_for_each(
    indicators: ServiceHarness,
) -> None:
    put_indicator(indicators)
    put_indicator(indicators, "ID9002")
    lines = [f"ID9001,SUS,2024,b{i},90,,,final\n" for i in range(N)]
    assert load(indicators, HEADER + "".join(lines)).json()["inserted"] == N
    load(indicators, [{"indicator": "ID9002", "org_unit": "SUS", "period": "2024", "value": 1}])
    doomed = _ids(indicators, "ID9001")
    before = _last_seq(indicators)

    r = indicators.client.delete(
        "/v1/results", params={"indicator": "ID9001"}, headers=indicators.auth("write")
    )

    assert r.status_code == 200, r.text
    assert r.json() == {"deleted": N}
    assert _ids(indicators, "ID9001") == set()
    assert len(_ids(indicators, "ID9002")) == 1  # the filter, not everything
    changes = _feed(indicators, before)
    assert all(c["deleted"] is True for c in changes)
    assert {int(str(c["id"])) for c in changes} == doomed
    seqs = [int(str(c["change_seq"])) for c in changes]
    # One number each, consecutive after the load's, in id order.
    assert seqs == list(range(before + 1, before + 1 + N))
    assert [int(str(c["id"])) for c in changes] == sorted(doomed)


def test_a_write_after_a_big_delete_comes_after_its_tombstones(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    lines = [f"ID9001,SUS,2024,b{i},90,,,final\n" for i in range(N)]
    load(indicators, HEADER + "".join(lines))
    indicators.client.delete(
        "/v1/results", params={"indicator": "ID9001"}, headers=indicators.auth("write")
    )
    load(indicators, [{"indicator": "ID9001", "org_unit": "SUS", "period": "2024", "value": 1}])
    last_tomb = max(int(str(c["change_seq"])) for c in _feed(indicators, 0) if c.get("deleted"))
    assert _last_seq(indicators) > last_tomb


def test_deleting_again_finds_nothing_and_writes_no_tombstone(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [{"indicator": "ID9001", "org_unit": "SUS", "period": "2024", "value": 1}])
    params = {"indicator": "ID9001"}
    auth = indicators.auth("write")
    assert indicators.client.delete("/v1/results", params=params, headers=auth).json() == {
        "deleted": 1
    }
    assert indicators.client.delete("/v1/results", params=params, headers=auth).json() == {
        "deleted": 0
    }
    assert len(_feed(indicators, 0)) == 1

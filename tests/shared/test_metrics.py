"""What an operator reads off a service's ``/metrics``: rows loaded and rejected per load
route, loads in flight, credentials refused, each table's change-feed head and the
database pool. Counters live for the process, so each test compares before and after."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.db import make_engine
from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator, result_row


def metric(h: ServiceHarness, name: str, **labels: str) -> float:
    text = h.client.get("/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def rows(h: ServiceHarness, outcome: str) -> float:
    return metric(
        h, "followup_load_rows_total", app="indicators", route="/v1/results", outcome=outcome
    )


def test_rows_loaded_and_rejected_are_counted_per_load_route(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    loaded, rejected = rows(indicators, "loaded"), rows(indicators, "rejected")

    good = [result_row(), result_row(org_unit="YSTAD", value=71)]
    assert load(indicators, good).status_code == 200
    assert (rows(indicators, "loaded"), rows(indicators, "rejected")) == (loaded + 2, rejected)

    # Partial: the good row is written (unchanged now), the bad one rejected.
    partial = load(indicators, [result_row(), result_row(value="many")], mode="partial")
    assert partial.status_code == 200, partial.text
    assert (rows(indicators, "loaded"), rows(indicators, "rejected")) == (
        loaded + 3,
        rejected + 1,
    )

    # Atomic: two bad rows refuse the load (422); both count as rejected.
    atomic = load(indicators, [result_row(value="x"), result_row(period="2024-13"), result_row()])
    assert atomic.status_code == 422
    assert (rows(indicators, "loaded"), rows(indicators, "rejected")) == (
        loaded + 3,
        rejected + 3,
    )

    # A dry run loads nothing.
    assert load(indicators, good, dry_run="true").status_code == 200
    assert rows(indicators, "loaded") == loaded + 3


def test_a_read_is_no_load(indicators: ServiceHarness) -> None:
    before = metric(indicators, "followup_load_rows_total", route="/v1/indicators")
    put_indicator(indicators)
    indicators.client.get("/v1/indicators", headers=indicators.auth("read"))
    assert metric(indicators, "followup_load_rows_total", route="/v1/indicators") == before


def test_refused_credentials_are_counted(indicators: ServiceHarness) -> None:
    def refused(credential: str) -> float:
        return metric(
            indicators,
            "followup_key_checks_refused_total",
            app="indicators",
            credential=credential,
            status="401",
        )

    keys, none, jwts = refused("api_key"), refused("none"), refused("jwt")
    indicators.client.get("/v1/indicators", headers={"Authorization": "Bearer fu_nope_nope"})
    indicators.client.get("/v1/indicators")
    indicators.client.get("/v1/indicators", headers={"Authorization": "Bearer a.b.c"})
    indicators.client.get("/v1/indicators", headers=indicators.auth("read"))
    assert (refused("api_key"), refused("none"), refused("jwt")) == (keys + 1, none + 1, jwts + 1)


def test_the_change_feed_head_of_each_table(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [result_row(), result_row(org_unit="YSTAD", value=71)])
    listed = indicators.client.get(
        "/v1/results", params={"after_seq": 0}, headers=indicators.auth("read")
    ).json()["items"]
    head = max(item["change_seq"] for item in listed)
    assert metric(indicators, "followup_change_feed_head", app="indicators", table="result") == (
        head
    )
    catalogue = indicators.client.get("/v1/indicators", headers=indicators.auth("read")).json()
    assert metric(
        indicators, "followup_change_feed_head", app="indicators", table="indicator"
    ) == max(i["change_seq"] for i in catalogue["items"])


def test_connections_in_use_are_counted(indicators: ServiceHarness) -> None:
    before = metric(indicators, "followup_db_pool_in_use", app="indicators")
    with indicators.engine.connect():
        assert metric(indicators, "followup_db_pool_in_use", app="indicators") == before + 1
    assert metric(indicators, "followup_db_pool_in_use", app="indicators") == before


def test_callers_waiting_for_the_pool_are_counted(indicators: ServiceHarness) -> None:
    if indicators.engine.dialect.name != "postgresql":
        pytest.skip("the queue pool that counts waiters is the Postgres engine's")
    engine = make_engine(indicators.url, "indicators")
    held: list[Any] = [engine.connect() for _ in range(20)]  # pool_size 10 + overflow 10
    got = threading.Event()

    def wait_for_one() -> None:
        with engine.connect():
            got.set()

    before = metric(indicators, "followup_db_pool_waiting", app="indicators")
    waiter = threading.Thread(target=wait_for_one)
    waiter.start()
    try:
        for _ in range(200):
            if metric(indicators, "followup_db_pool_waiting", app="indicators") == before + 1:
                break
            got.wait(0.05)
        assert metric(indicators, "followup_db_pool_waiting", app="indicators") == before + 1
        assert not got.is_set()
    finally:
        held.pop().close()
        waiter.join(10)
        for conn in held:
            conn.close()
        engine.dispose()
    assert got.is_set()
    assert metric(indicators, "followup_db_pool_waiting", app="indicators") == before

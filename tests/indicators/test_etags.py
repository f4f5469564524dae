"""Lost updates: indicators and targets compare ``If-Match`` and write under one lock, so
of writers sending the same ETag exactly one wins; a real race on Postgres."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.harness import ServiceHarness
from tests.indicators.conftest import INDICATOR, put_indicator, put_target

WRITERS = 8


def _put_indicator(h: ServiceHarness, name: str, if_match: str | None) -> Any:
    headers = h.auth()
    if if_match is not None:
        headers = {**headers, "If-Match": if_match}
    return h.client.put("/v1/indicators/ID9001", json={**INDICATOR, "name": name}, headers=headers)


def _put_target(h: ServiceHarness, expression: str, if_match: str | None) -> Any:
    headers = h.auth()
    if if_match is not None:
        headers = {**headers, "If-Match": if_match}
    return h.client.put(
        "/v1/indicators/ID9001/targets/2024", json={"expression": expression}, headers=headers
    )


def _target(h: ServiceHarness) -> dict[str, Any]:
    items: list[dict[str, Any]] = h.client.get(
        "/v1/indicators/ID9001/targets", headers=h.auth("read")
    ).json()["items"]
    (found,) = [t for t in items if t["year"] == 2024 and t["org_unit"] is None]
    return found


def test_a_target_answers_its_etag_and_a_stale_one_is_412(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    first = put_target(indicators, "ID9001", 2024, ">80%")
    tag = first.headers["ETag"]
    assert first.json()["etag"] == tag == _target(indicators)["etag"]
    assert _put_target(indicators, ">85%", tag).status_code == 200
    stale = _put_target(indicators, ">90%", tag)
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert _target(indicators)["expression"] == ">85%"
    assert _put_target(indicators, ">90%", _target(indicators)["etag"]).status_code == 200


def test_if_match_on_a_target_not_set_is_412(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = _put_target(indicators, ">80%", '"t1"')
    assert r.status_code == 412
    assert (
        indicators.client.get(
            "/v1/indicators/ID9001/targets", headers=indicators.auth("read")
        ).json()["items"]
        == []
    )


def test_an_indicator_etag_is_not_taken_for_a_targets(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, ">80%")
    indicator_tag = indicators.client.get(
        "/v1/indicators/ID9001", headers=indicators.auth("read")
    ).headers["ETag"]
    assert _put_target(indicators, ">85%", indicator_tag).status_code == 412


def _race(write: Any, tag: str) -> list[int]:
    """``WRITERS`` writes with the same ``If-Match``, released together; their statuses."""
    barrier = threading.Barrier(WRITERS)
    codes: list[int] = []

    def one(n: int) -> None:
        barrier.wait()
        codes.append(write(n, tag).status_code)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(codes)


def _postgres_only(h: ServiceHarness) -> None:
    if h.engine.dialect.name != "postgresql":
        pytest.skip("a real race needs Postgres (SQLite serialises writers up front)")


def test_concurrent_indicator_puts_with_one_etag_exactly_one_wins(
    indicators: ServiceHarness,
) -> None:
    _postgres_only(indicators)
    put_indicator(indicators)
    for round_ in range(3):
        tag = indicators.client.get(
            "/v1/indicators/ID9001", headers=indicators.auth("read")
        ).headers["ETag"]
        codes = _race(lambda n, t, r=round_: _put_indicator(indicators, f"r{r}-{n}", t), tag)
        assert codes == [200] + [412] * (WRITERS - 1)
    audit = indicators.client.get("/v1/audit", headers=indicators.auth()).json()["items"]
    assert sum(a["resource"] == "indicator" for a in audit) == 1 + 3


def test_concurrent_target_puts_with_one_etag_exactly_one_wins(indicators: ServiceHarness) -> None:
    _postgres_only(indicators)
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, ">80%")
    for _ in range(3):
        tag = _target(indicators)["etag"]
        codes = _race(lambda n, t: _put_target(indicators, f">{81 + n}%", t), tag)
        assert codes == [200] + [412] * (WRITERS - 1)

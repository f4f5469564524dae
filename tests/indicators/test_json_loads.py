"""JSON result loads read incrementally from the request stream: bigger than one batch,
nested rows refused by row number, broken JSON a 400 with nothing written."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from services.indicators.load_body import BATCH_LINES
from services.indicators.models import result_table
from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator, result_row

N = BATCH_LINES * 2 + 500


def _stored(h: ServiceHarness) -> int:
    with h.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(result_table)).scalar_one())


def _rows(n: int = N) -> list[dict[str, Any]]:
    return [result_row(breakdown=f"b{i}", value=90.5) for i in range(n)]


def _post(h: ServiceHarness, body: bytes, **params: Any) -> Any:
    return h.client.post(
        "/v1/results",
        content=body,
        params=params,
        headers={**h.auth("write"), "Content-Type": "application/json"},
    )


def test_a_json_load_larger_than_a_batch_is_written_whole(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = load(indicators, {"rows": _rows()})
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == N
    assert _stored(indicators) == N
    again = load(indicators, _rows()).json()
    assert (again["inserted"], again["unchanged"]) == (0, N)


def test_a_nested_row_late_in_an_atomic_load_rejects_it_naming_the_row(
    indicators: ServiceHarness,
) -> None:
    put_indicator(indicators)
    rows: list[Any] = _rows()
    rows[N - 3] = {**rows[N - 3], "value": {"amount": 90, "unit": "%"}}
    rows[N - 1] = [rows[N - 1]]
    r = load(indicators, rows)
    assert r.status_code == 422
    rejected = r.json()["rejected"]
    assert [x["row"] for x in rejected] == [N - 2, N]
    assert rejected[0]["errors"][0]["loc"] == ["value"]
    assert "flat object" in rejected[0]["errors"][0]["msg"]
    assert _stored(indicators) == 0


def test_a_partial_load_writes_the_flat_rows_and_rejects_the_nested(
    indicators: ServiceHarness,
) -> None:
    put_indicator(indicators)
    rows: list[Any] = _rows(10)
    rows[4] = {**rows[4], "breakdown": ["a", "b"]}
    r = load(indicators, rows, mode="partial")
    assert r.status_code == 200
    assert (r.json()["inserted"], [x["row"] for x in r.json()["rejected"]]) == (9, [5])


def test_json_cut_short_is_a_400_and_nothing_is_written(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    body = json.dumps(_rows(5)).encode()[:-20]
    r = _post(indicators, body)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "not valid JSON" in r.json()["detail"]
    assert _stored(indicators) == 0


def test_exact_numbers_survive_the_incremental_parser(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    body = b'[{"indicator": "ID9001", "org_unit": "SUS", "period": "2024", "value": 79.70,'
    body += b' "numerator": 797, "denominator": 1000}]'
    assert _post(indicators, body).json()["inserted"] == 1
    item = indicators.client.get("/v1/results", headers=indicators.auth("read")).json()["items"][0]
    assert (item["value"], item["numerator"]) == (79.7, 797)

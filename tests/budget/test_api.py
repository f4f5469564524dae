"""Contract details: OpenAPI, ETags on lines, CSV of every list, the summary's query budget."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.budget.helpers import put_line
from tests.harness import ServiceHarness


def test_openapi_documents_the_other_kind_and_integer_money(budget: ServiceHarness) -> None:
    doc = budget.client.get("/openapi.json").json()
    comp = doc["components"]["schemas"]["ComponentIn"]["properties"]
    assert "other" in comp["kind"]["enum"]
    assert "`other` (extension to API.md)" in comp["kind"]["description"]
    assert comp["amount"]["type"] == "integer"
    assert "/v1/summary" in doc["paths"]


def test_stale_if_match_on_a_budget_line_is_412(budget: ServiceHarness) -> None:
    first = budget.client.put(
        "/v1/budget-lines/HSN/2024/tandvard",
        json={"revenue": 0, "cost": 1, "counterparty": "external"},
        headers=budget.auth("write"),
    )
    put_line(budget, "HSN", 2024, "tandvard", cost=2)
    r = budget.client.put(
        "/v1/budget-lines/HSN/2024/tandvard",
        json={"revenue": 0, "cost": 3, "counterparty": "external"},
        headers={**budget.auth("write"), "If-Match": first.headers["ETag"]},
    )
    assert r.status_code == 412
    got = budget.client.get("/v1/budget-lines/HSN/2024/tandvard", headers=budget.auth("read"))
    assert got.json()["cost"] == 2


def test_every_list_streams_csv(budget: ServiceHarness) -> None:
    budget.seed()
    h = {**budget.auth("read"), "Accept": "text/csv"}
    for path, first_col in (
        ("/v1/grants", "grant_id"),
        ("/v1/budget-lines", "id"),
        ("/v1/outcomes", "id"),
        ("/v1/forecasts", "id"),
        ("/v1/earmarked", "id"),
    ):
        r = budget.client.get(path, headers=h)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/csv")
        assert r.text.split(",", 1)[0] == first_col
    lines = budget.client.get("/v1/budget-lines", params={"year": 2024}, headers=h).text
    assert (
        "HSN/2024/tandvard,HSN,2024,tandvard,Tandvård inklusive vårdval (LOV),0,1042000000,-1042000000,"
        in lines
    )


def test_summary_takes_a_few_queries(budget: ServiceHarness) -> None:
    budget.seed()
    statements: list[Any] = []

    def count(*_args: Any) -> None:
        statements.append(_args[2])

    def data_queries() -> list[str]:
        return [s for s in statements if "api_key" not in s and s.startswith("SELECT")]

    sa.event.listen(budget.engine, "before_cursor_execute", count)
    try:
        asked: dict[str, str | int] = {"org_unit": "HSN", "year": 2024}
        first = budget.client.get("/v1/summary", params=asked, headers=budget.auth("read"))
        computed = data_queries()
        statements.clear()
        again = budget.client.get("/v1/summary", params=asked, headers=budget.auth("read"))
    finally:
        sa.event.remove(budget.engine, "before_cursor_execute", count)
    assert first.status_code == again.status_code == 200
    # The summary itself, and the change counter the kept answer is checked against.
    assert len(computed) <= 10, computed
    # Nothing written since: the same answer again, after one look at the counter.
    assert again.content == first.content
    assert data_queries() == [s for s in computed if "change_counter" in s]

"""Read scoping through the gateway: a key bound to org units sees its own units' views and
overview rows only. The gateway forwards the caller's own key and never widens what the
services let it read."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.suite import Stack
from tests.gateway.views import evaluations_of

pytestmark = pytest.mark.slow


def view(gw: httpx.Client, stack: Stack, unit: str, key: str) -> httpx.Response:
    return gw.get(f"/v1/follow-up/{unit}", params={"period": "2024"}, headers=stack.auth(key))


@pytest.mark.parametrize("key", ["read_sus", "write_sus"])
def test_a_key_bound_to_sus_reads_sus_s_view(gw: httpx.Client, stack: Stack, key: str) -> None:
    answer = view(gw, stack, "SUS", key)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["org_unit"] == "SUS"
    assert body["partial"] is False


@pytest.mark.parametrize("unit", ["HSN", "RS", "LANDSKRONA"])
def test_a_key_bound_to_sus_gets_a_403_problem_for_another_units_view(
    gw: httpx.Client, stack: Stack, unit: str
) -> None:
    for accept in ("application/json", "text/csv"):
        answer = gw.get(
            f"/v1/follow-up/{unit}",
            params={"period": "2024"},
            headers={**stack.auth("read_sus"), "Accept": accept},
        )
        assert answer.status_code == 403, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert unit in answer.json()["detail"]


def test_a_key_bound_to_hsn_reads_hsn_s_view_with_the_regions_indicators(
    gw: httpx.Client, stack: Stack
) -> None:
    answer = view(gw, stack, "HSN", "read_hsn")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body["partial"] is False
    evaluations = evaluations_of(body)
    assert evaluations and all(e["value_org_unit"] in ("HSN", "REGION") for e in evaluations)
    assert body["economy"]["outcome_result"] == 85_300_000
    # The region as a whole is not HSN's to read.
    assert view(gw, stack, "PVN", "read_hsn").status_code == 403


def test_the_overview_lists_only_the_keys_own_units(gw: httpx.Client, stack: Stack) -> None:
    answer = gw.get("/v1/follow-up", params={"period": "2024"}, headers=stack.auth("read_sus"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [row["org_unit"] for row in body["committees"]] == ["SUS"]
    assert body["committees"][0]["sources"] == {
        "indicators": "ok",
        "assignments": "ok",
        "budget": "ok",
    }
    as_csv = gw.get(
        "/v1/follow-up",
        params={"period": "2024"},
        headers={**stack.auth("read_sus"), "Accept": "text/csv"},
    )
    assert [line.split(",")[0] for line in as_csv.text.splitlines()[1:]] == ["SUS"]


def test_an_unbound_key_still_sees_every_committee(gw: httpx.Client, stack: Stack) -> None:
    answer = gw.get("/v1/follow-up", params={"period": "2024"}, headers=stack.auth("read"))
    assert len(answer.json()["committees"]) > 1

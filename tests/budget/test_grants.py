"""Regionbidrag: components, the computed total, transfers kept consistent on both sides."""

from __future__ import annotations

from typing import Any

import pytest

from tests.budget.helpers import MN, comp, put_grant
from tests.harness import ServiceHarness

SUPP: dict[str, Any] = {"decision": "RF 2024-06-11", "used": True}


def test_total_is_computed_from_the_components(budget: ServiceHarness) -> None:
    r = put_grant(
        budget,
        "PVN",
        2024,
        [
            comp("base", 1000 * MN),
            comp("indexation", 44 * MN),
            comp("efficiency", -15 * MN),
            comp("supplementary", 10 * MN, **SUPP),
            comp("supplementary", 5 * MN, decision="RF", used=False),
        ],
    )
    assert r.status_code == 200, r.text
    g = r.json()
    assert g["total"] == 1044 * MN
    assert g["subtotals"]["total_excluding_supplementary"] == 1029 * MN
    assert g["subtotals"]["increase"] == 29 * MN
    assert g["subtotals"]["supplementary_used"] == 10 * MN
    assert g["subtotals"]["total_with_used_supplementary"] == 1039 * MN
    assert r.headers["ETag"]


def test_a_total_sent_by_hand_is_refused(budget: ServiceHarness) -> None:
    r = budget.client.put(
        "/v1/grants/PVN/2024",
        json={"components": [comp("base", 1)], "total": 5},
        headers=budget.auth("admin"),
    )
    assert r.status_code == 422


@pytest.mark.parametrize("amount", [12.5, 12.0, "12,5", "12.5", True])
def test_fractional_or_non_integer_money_is_rejected_not_rounded(
    budget: ServiceHarness, amount: object
) -> None:
    r = put_grant(budget, "PVN", 2024, [comp("base", amount)])
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert any(e["loc"][-1] == "amount" or "amount" in e["loc"] for e in r.json()["errors"])


def test_a_positive_efficiency_requirement_is_rejected(budget: ServiceHarness) -> None:
    r = put_grant(budget, "PVN", 2024, [comp("efficiency", 5 * MN)])
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "components", 0, "amount"]


def test_a_supplementary_budget_names_its_decision_and_use(budget: ServiceHarness) -> None:
    r = put_grant(budget, "PVN", 2024, [comp("supplementary", 5 * MN)])
    assert r.status_code == 422
    fields = {e["loc"][-1] for e in r.json()["errors"]}
    assert fields == {"decision", "used"}


def test_unknown_kind_is_rejected(budget: ServiceHarness) -> None:
    assert put_grant(budget, "PVN", 2024, [comp("gift", 5)]).status_code == 422


def test_unknown_org_unit_is_rejected(budget: ServiceHarness) -> None:
    assert put_grant(budget, "XYZ", 2024, [comp("base", 5)]).status_code == 422


def test_missing_grant_is_404(budget: ServiceHarness) -> None:
    r = budget.client.get("/v1/grants/PVN/2024", headers=budget.auth("read"))
    assert r.status_code == 404


def test_a_transfer_out_is_mirrored_on_the_counterparty(budget: ServiceHarness) -> None:
    put_grant(budget, "PVN", 2024, [comp("base", 500 * MN)])
    r = put_grant(
        budget,
        "HSN",
        2024,
        [comp("base", 1000 * MN), comp("transfer", -7 * MN, "Barnhälsovård", counterparty="PVN")],
    )
    assert r.status_code == 200, r.text
    pvn = budget.client.get("/v1/grants/PVN/2024", headers=budget.auth("read")).json()
    (mirror,) = [c for c in pvn["components"] if c["kind"] == "transfer"]
    assert mirror["amount"] == 7 * MN
    assert mirror["counterparty"] == "HSN"
    assert mirror["mirrored_from"] == "HSN"
    assert mirror["label"] == "Barnhälsovård"
    assert pvn["total"] == 507 * MN


def test_a_transfer_creates_the_counterparty_grant_if_missing(budget: ServiceHarness) -> None:
    put_grant(budget, "HSN", 2024, [comp("transfer", -7 * MN, counterparty="PVN")])
    pvn = budget.client.get("/v1/grants/PVN/2024", headers=budget.auth("read"))
    assert pvn.status_code == 200
    assert pvn.json()["total"] == 7 * MN


def test_changing_the_transfer_updates_the_mirror(budget: ServiceHarness) -> None:
    put_grant(budget, "HSN", 2024, [comp("transfer", -7 * MN, counterparty="PVN")])
    put_grant(budget, "HSN", 2024, [comp("transfer", -9 * MN, counterparty="PVN")])
    pvn = budget.client.get("/v1/grants/PVN/2024", headers=budget.auth("read")).json()
    assert [c["amount"] for c in pvn["components"]] == [9 * MN]


def test_removing_the_transfer_removes_the_mirror(budget: ServiceHarness) -> None:
    put_grant(budget, "PVN", 2024, [comp("base", 500 * MN)])
    put_grant(budget, "HSN", 2024, [comp("transfer", -7 * MN, counterparty="PVN")])
    put_grant(budget, "HSN", 2024, [comp("base", 1)])
    pvn = budget.client.get("/v1/grants/PVN/2024", headers=budget.auth("read")).json()
    assert [c["kind"] for c in pvn["components"]] == ["base"]
    assert pvn["total"] == 500 * MN


def test_a_contradicting_write_on_the_mirrored_side_is_a_conflict(budget: ServiceHarness) -> None:
    put_grant(budget, "HSN", 2024, [comp("transfer", -7 * MN, counterparty="PVN")])
    r = put_grant(
        budget,
        "PVN",
        2024,
        [comp("base", 500 * MN), comp("transfer", 5 * MN, counterparty="HSN")],
    )
    assert r.status_code == 409
    assert "HSN's grant" in r.json()["detail"]
    pvn = budget.client.get("/v1/grants/PVN/2024", headers=budget.auth("read")).json()
    assert pvn["total"] == 7 * MN  # nothing half-written


def test_dropping_the_mirrored_transfer_is_a_conflict(budget: ServiceHarness) -> None:
    put_grant(budget, "HSN", 2024, [comp("transfer", -7 * MN, counterparty="PVN")])
    r = put_grant(budget, "PVN", 2024, [comp("base", 500 * MN)])
    assert r.status_code == 409


def test_writing_back_what_was_read_keeps_the_mirror(budget: ServiceHarness) -> None:
    put_grant(budget, "HSN", 2024, [comp("transfer", -7 * MN, counterparty="PVN")])
    pvn = budget.client.get("/v1/grants/PVN/2024", headers=budget.auth("read")).json()
    components = [*pvn["components"], comp("base", 500 * MN)]
    r = put_grant(budget, "PVN", 2024, components)
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 507 * MN
    hsn = budget.client.get("/v1/grants/HSN/2024", headers=budget.auth("read")).json()
    assert hsn["total"] == -7 * MN


def test_transfer_to_itself_is_rejected(budget: ServiceHarness) -> None:
    r = put_grant(budget, "HSN", 2024, [comp("transfer", -7, counterparty="HSN")])
    assert r.status_code == 422


def test_stale_if_match_is_412(budget: ServiceHarness) -> None:
    first = put_grant(budget, "PVN", 2024, [comp("base", 1)])
    put_grant(budget, "PVN", 2024, [comp("base", 2)])
    r = put_grant(
        budget, "PVN", 2024, [comp("base", 3)], headers={"If-Match": first.headers["ETag"]}
    )
    assert r.status_code == 412
    current = budget.client.get("/v1/grants/PVN/2024", headers=budget.auth("read"))
    assert current.json()["total"] == 2
    ok = put_grant(
        budget, "PVN", 2024, [comp("base", 3)], headers={"If-Match": current.headers["ETag"]}
    )
    assert ok.status_code == 200


def test_list_grants_by_year_pages_and_csv(budget: ServiceHarness) -> None:
    for unit in ("HSN", "PVN", "SUS"):
        put_grant(budget, unit, 2024, [comp("base", 10), comp("indexation", 1)])
    put_grant(budget, "HSN", 2023, [comp("base", 9)])
    h = budget.auth("read")
    page = budget.client.get("/v1/grants", params={"year": 2024, "limit": 2}, headers=h).json()
    assert [g["id"] for g in page["items"]] == ["HSN/2024", "PVN/2024"]
    assert page["items"][0]["total"] == 11
    nxt = budget.client.get(page["next"], headers=h).json()
    assert [g["id"] for g in nxt["items"]] == ["SUS/2024"]
    assert nxt["next"] is None
    csv = budget.client.get(
        "/v1/grants", params={"year": 2024}, headers={**h, "Accept": "text/csv"}
    )
    rows = csv.text.strip().splitlines()
    assert rows[0].startswith("grant_id,org_unit,year,grant_total")
    assert len(rows) == 1 + 6
    assert rows[1].startswith("HSN/2024,HSN,2024,11,")


def test_changed_grants_come_by_after_seq(budget: ServiceHarness) -> None:
    put_grant(budget, "HSN", 2024, [comp("base", 10)])
    seq = budget.client.get("/v1/grants/HSN/2024", headers=budget.auth("read")).json()["change_seq"]
    put_grant(budget, "PVN", 2024, [comp("base", 10)])
    page = budget.client.get(
        "/v1/grants", params={"after_seq": seq}, headers=budget.auth("read")
    ).json()
    assert [g["id"] for g in page["items"]] == ["PVN/2024"]

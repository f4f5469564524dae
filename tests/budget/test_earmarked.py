"""Earmarked money (riktade medel): tied to its purpose, never moved."""

from __future__ import annotations

from typing import Any

from tests.budget.helpers import MN, put_line
from tests.harness import ServiceHarness


def _entry(**kw: Any) -> dict[str, Any]:
    return {
        "org_unit": "HSN",
        "year": 2024,
        "kind": "statsbidrag",
        "purpose": "PTP-platser för psykologer",
        "amount": 15 * MN,
        "assignment_id": "UP2023-031",
        **kw,
    }


def test_create_read_and_list(budget: ServiceHarness) -> None:
    r = budget.client.post("/v1/earmarked", json=_entry(), headers=budget.auth("admin"))
    assert r.status_code == 201, r.text
    eid = r.json()["id"]
    assert r.headers["Location"].endswith(f"/v1/earmarked/{eid}")
    got = budget.client.get(f"/v1/earmarked/{eid}", headers=budget.auth("read")).json()
    assert got["assignment_id"] == "UP2023-031"
    assert got["amount"] == 15 * MN
    listed = budget.client.get(
        "/v1/earmarked", params={"org_unit": "HSN", "year": 2024}, headers=budget.auth("read")
    ).json()
    assert [e["id"] for e in listed["items"]] == [eid]


def test_recording_its_use_is_allowed(budget: ServiceHarness) -> None:
    budget.client.put("/v1/earmarked/ptp", json=_entry(), headers=budget.auth("admin"))
    r = budget.client.put(
        "/v1/earmarked/ptp", json=_entry(used_amount=9 * MN), headers=budget.auth("admin")
    )
    assert r.status_code == 200
    assert r.json()["used_amount"] == 9 * MN


def test_moving_it_to_another_purpose_is_refused(budget: ServiceHarness) -> None:
    budget.client.put("/v1/earmarked/ptp", json=_entry(), headers=budget.auth("admin"))
    r = budget.client.put(
        "/v1/earmarked/ptp", json=_entry(purpose="Något annat"), headers=budget.auth("admin")
    )
    assert r.status_code == 422
    assert "earmarked money cannot be moved to other activity" in r.json()["detail"].lower()
    assert r.json()["errors"][0]["loc"] == ["body", "purpose"]


def test_moving_it_to_another_line_is_refused(budget: ServiceHarness) -> None:
    put_line(budget, "HSN", 2024, "psykiatri")
    put_line(budget, "HSN", 2024, "tandvard")
    budget.client.put(
        "/v1/earmarked/ptp", json=_entry(line="psykiatri"), headers=budget.auth("admin")
    )
    r = budget.client.put(
        "/v1/earmarked/ptp", json=_entry(line="tandvard"), headers=budget.auth("admin")
    )
    assert r.status_code == 422
    assert "cannot be moved to other activity" in r.json()["detail"]


def test_a_line_must_exist(budget: ServiceHarness) -> None:
    r = budget.client.put(
        "/v1/earmarked/ptp", json=_entry(line="finns_inte"), headers=budget.auth("admin")
    )
    assert r.status_code == 422


def test_fractional_amount_is_rejected(budget: ServiceHarness) -> None:
    r = budget.client.put(
        "/v1/earmarked/ptp", json=_entry(amount=15.5), headers=budget.auth("admin")
    )
    assert r.status_code == 422


def test_deleting_leaves_a_tombstone(budget: ServiceHarness) -> None:
    budget.client.put("/v1/earmarked/ptp", json=_entry(), headers=budget.auth("admin"))
    assert (
        budget.client.delete("/v1/earmarked/ptp", headers=budget.auth("admin")).status_code == 204
    )
    feed = budget.client.get(
        "/v1/earmarked", params={"after_seq": 0}, headers=budget.auth("read")
    ).json()["items"]
    assert [(e["id"], e.get("deleted")) for e in feed] == [("ptp", True)]
    assert budget.client.get("/v1/earmarked/ptp", headers=budget.auth("read")).status_code == 404


def test_summary_shows_amount_and_use(budget: ServiceHarness) -> None:
    budget.client.put(
        "/v1/earmarked/ptp", json=_entry(used_amount=9 * MN), headers=budget.auth("admin")
    )
    budget.client.put(
        "/v1/earmarked/nara",
        json=_entry(purpose="Nära vård", amount=None),
        headers=budget.auth("admin"),
    )
    s = budget.client.get(
        "/v1/summary", params={"org_unit": "HSN", "year": 2024}, headers=budget.auth("read")
    ).json()["earmarked"]
    assert (s["amount_total"], s["used_total"], s["amount_not_stated"]) == (15 * MN, 9 * MN, 1)

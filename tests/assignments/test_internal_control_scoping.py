"""Internal control is org-unit data: a key bound to SUS reads and writes SUS's risk analysis,
risks, actions, follow-ups and summary only; another unit's are refused by name (403) and
left out of listings and the overview."""

from __future__ import annotations

from typing import Any

import pytest

from tests.assignments.internal_control_data import RISKS, items, load, load_all
from tests.harness import ServiceHarness

SUS_RISK = {**RISKS[0], "org_unit": "SUS", "code": "S1"}
SUS_ACTION = {
    "org_unit": "SUS",
    "year": 2024,
    "risk": "S1",
    "code": "A1",
    "what": "Egenkontroll av journaler.",
    "deadline": "2024-05-31",
}
SUS_FOLLOWUP = {
    "org_unit": "SUS",
    "period": "2024-01/2024-08",
    "risk": "S1",
    "action": "A1",
    "state": "in_progress",
    "followed_up_on": "2024-09-10",
}


@pytest.fixture
def both(assignments: ServiceHarness) -> ServiceHarness:
    """HSN's internal control and SUS's, loaded by a SUS-bound write key."""
    load_all(assignments)
    sus = assignments.auth("write", "SUS")
    put = assignments.client.put(
        "/v1/risk-analyses/SUS/2024", json={"decided_on": "2024-01-30"}, headers=sus
    )
    assert put.status_code == 201, put.text
    for path, row in (
        ("/v1/risks", SUS_RISK),
        ("/v1/risk-actions", SUS_ACTION),
        ("/v1/risk-followups", SUS_FOLLOWUP),
    ):
        r = load(assignments, path, [row], headers=sus)
        assert r.status_code == 200, r.text
    return assignments


LISTS = ("/v1/risk-analyses", "/v1/risks", "/v1/risk-actions", "/v1/risk-followups")


def _get(svc: ServiceHarness, path: str, **headers: str) -> Any:
    return svc.client.get(path, headers={**svc.auth("read", "SUS"), **headers})


def test_a_sus_key_lists_only_sus(both: ServiceHarness) -> None:
    for path in LISTS:
        assert {x["org_unit"] for x in items(both, path, "SUS")} == {"SUS"}, path
        assert {x["org_unit"] for x in items(both, f"{path}?org_unit=SUS", "SUS")} == {"SUS"}
        assert {x["org_unit"] for x in items(both, path)} == {"HSN", "SUS"}  # unbound key
        feed = items(both, f"{path}?after_seq=0", "SUS")
        assert {x["org_unit"] for x in feed} == {"SUS"}, path
        csv_r = _get(both, path, Accept="text/csv")
        assert csv_r.status_code == 200
        assert "HSN" not in csv_r.text and "SUS" in csv_r.text


def test_a_sus_key_may_not_read_another_units_by_name(both: ServiceHarness) -> None:
    for path in [f"{p}?org_unit=HSN" for p in LISTS] + [
        "/v1/risk-analyses/HSN/2024",
        "/v1/internal-control?org_unit=HSN&year=2024",
        "/v1/internal-control?org_unit=REGION&year=2024",
    ]:
        r = _get(both, path)
        assert r.status_code == 403, path
        assert r.headers["content-type"] == "application/problem+json"
    assert _get(both, "/v1/risks?org_unit=HSN", Accept="text/csv").status_code == 403
    assert _get(both, "/v1/risk-analyses/SUS/2024").status_code == 200


def test_a_sus_key_may_not_write_for_another_unit(both: ServiceHarness) -> None:
    sus = both.auth("write", "SUS")
    for path, own, row in (
        ("/v1/risks", SUS_RISK, RISKS[0]),
        ("/v1/risk-actions", SUS_ACTION, {**SUS_ACTION, "org_unit": "HSN", "risk": "R1"}),
        ("/v1/risk-followups", SUS_FOLLOWUP, {**SUS_FOLLOWUP, "org_unit": "HSN", "risk": "R1"}),
    ):
        r = load(both, path, [row], headers=sus)
        assert r.status_code == 403, path
        assert "HSN" in r.json()["detail"]
        mixed = load(
            both,
            path,
            [{**own, "what": "Ny"} if "what" in own else own, row],
            "?mode=partial",
            headers=sus,
        )
        assert mixed.status_code == 403, path
    assert items(both, "/v1/risk-actions?org_unit=SUS")[0]["what"] == SUS_ACTION["what"]
    put = both.client.put(
        "/v1/risk-analyses/HSN/2024", json={"decided_on": "2024-02-01"}, headers=sus
    )
    assert put.status_code == 403
    assert both.client.delete("/v1/risks/HSN-2024-R1", headers=sus).status_code == 403
    assert both.client.delete("/v1/risk-actions/HSN-2024-R1-A1", headers=sus).status_code == 403
    assert len(items(both, "/v1/risks?org_unit=HSN")) == 3  # nothing of HSN's moved
    assert both.client.delete("/v1/risks/SUS-2024-S1", headers=sus).status_code == 204


def test_a_read_key_may_not_write(both: ServiceHarness) -> None:
    r = load(both, "/v1/risks", [SUS_RISK], headers=both.auth("read", "SUS"))
    assert r.status_code == 403


def test_a_sus_key_sees_only_sus_in_the_overview(both: ServiceHarness) -> None:
    overview = _get(both, "/v1/internal-control?year=2024&as_of=2024-09-20").json()
    assert [c["org_unit"] for c in overview["committees"]] == ["SUS"]
    assert overview["without_follow_up_this_half"] == 1
    own = _get(both, "/v1/internal-control?org_unit=SUS&year=2024&as_of=2024-09-20").json()
    assert [r["id"] for r in own["risks"]] == ["SUS-2024-S1"]
    assert [a["id"] for a in own["late_actions"]] == ["SUS-2024-S1-A1"]

"""Framtidens hälsosystem milestones: green / yellow / orange in the same report history."""

from __future__ import annotations

from typing import Any

from tests.assignments.conftest import new_assignment, report
from tests.harness import ServiceHarness


def _milestone(svc: ServiceHarness) -> dict[str, Any]:
    return new_assignment(
        svc,
        kind="milestone",
        title="Ny vårdform inom Nära vård införd",
        area="Framtidens hälsosystem",
        org_units=[],
    )


def test_milestone_takes_its_own_colours(assignments: ServiceHarness) -> None:
    m = _milestone(assignments)
    assert m["kind"] == "milestone"
    for colour in ("orange", "yellow", "green"):
        assert report(assignments, m["id"], "HSN", "2024", colour).status_code == 201
    got = assignments.client.get(f"/v1/assignments/{m['id']}", headers=assignments.auth("read"))
    assert got.json()["latest_status"] == "green"


def test_assignment_status_is_rejected_for_a_milestone(assignments: ServiceHarness) -> None:
    m = _milestone(assignments)
    r = report(assignments, m["id"], "HSN", "2024", "klart")
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "status"]
    assert "milestone" in r.json()["errors"][0]["msg"]


def test_milestone_colour_is_rejected_for_an_assignment(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    r = report(assignments, a["id"], "HSN", "2024", "green")
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "status"]


def test_green_milestone_is_not_carried_over(assignments: ServiceHarness) -> None:
    m = _milestone(assignments)
    assignments.client.patch(
        f"/v1/assignments/{m['id']}",
        json={"year_given": 2023},
        headers={**assignments.auth("admin"), "If-Match": '"1"'},
    )
    report(assignments, m["id"], "HSN", "2023", "green")
    r = assignments.client.get(
        "/v1/assignments?year=2024&kind=milestone", headers=assignments.auth("read")
    )
    assert r.json()["items"] == []


def test_milestones_are_listed_by_kind(assignments: ServiceHarness) -> None:
    m = _milestone(assignments)
    new_assignment(assignments)
    r = assignments.client.get("/v1/assignments?kind=milestone", headers=assignments.auth("read"))
    assert [i["id"] for i in r.json()["items"]] == [m["id"]]

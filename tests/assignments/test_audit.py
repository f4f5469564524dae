"""Every write is in the audit trail: who, what, which assignment."""

from __future__ import annotations

from tests.assignments.conftest import new_assignment, report
from tests.harness import ServiceHarness


def test_every_write_is_audited(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    assignments.client.patch(
        f"/v1/assignments/{a['id']}",
        json={"title": "Ny"},
        headers={**assignments.auth("admin"), "If-Match": '"2"'},  # stale: not audited
    )
    assignments.client.patch(
        f"/v1/assignments/{a['id']}",
        json={"title": "Ny"},
        headers={**assignments.auth("admin"), "If-Match": '"1"'},
    )
    report(assignments, a["id"], "HSN", "2024", "avvikelse", "Försenat.")
    assignments.client.post(
        "/v1/reports",
        json=[{"assignment_id": a["id"], "org_unit": "PHHN", "period": "2024", "status": "klart"}],
        headers=assignments.auth("write"),
    )
    assignments.client.delete(f"/v1/assignments/{a['id']}", headers=assignments.auth("admin"))
    log = assignments.client.get("/v1/audit", headers=assignments.auth("admin")).json()["items"]
    assert [e["action"] for e in log] == ["create", "patch", "report", "bulk_report", "delete"]
    assert log[0]["resource_id"] == a["id"]
    assert log[1]["change"] == {"title": "Ny"}
    assert log[2]["change"]["status"] == "avvikelse"
    assert log[2]["key_id"] != log[0]["key_id"]  # the write key, not the admin key


def test_a_refused_report_leaves_no_trace(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    assert report(assignments, a["id"], "HSN", "2024", "avvikelse").status_code == 422
    log = assignments.client.get("/v1/audit", headers=assignments.auth("admin")).json()["items"]
    assert [e["action"] for e in log] == ["create"]
    history = assignments.client.get(
        f"/v1/assignments/{a['id']}/reports", headers=assignments.auth("read")
    ).json()["items"]
    assert history == []

"""Status reports: who may report, what a report must say, and the history."""

from __future__ import annotations

from typing import Any

from tests.assignments.conftest import new_assignment, report
from tests.harness import ServiceHarness


def _get(svc: ServiceHarness, assignment_id: str) -> dict[str, Any]:
    r = svc.client.get(f"/v1/assignments/{assignment_id}", headers=svc.auth("read"))
    body: dict[str, Any] = r.json()
    return body


def test_a_responsible_unit_reports_and_the_status_shows(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    r = report(assignments, a["id"], "PHHN", "2024-05", "pagar_enligt_plan", "Rekrytering klar.")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["assignment_id"] == a["id"]
    assert body["period"] == "2024-05"
    got = _get(assignments, a["id"])
    assert got["latest_status"] == "pagar_enligt_plan"
    assert got["latest_report"]["org_unit"] == "PHHN"
    assert got["latest_report"]["explanation"] == "Rekrytering klar."


def test_avvikelse_without_explanation_is_rejected(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    for explanation in (None, "", "   "):
        r = report(assignments, a["id"], "HSN", "2024", "avvikelse", explanation)
        assert r.status_code == 422
        assert r.json()["errors"][0]["loc"] == ["body", "explanation"]
    assert _get(assignments, a["id"])["latest_status"] is None


def test_unknown_status_is_rejected(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    r = report(assignments, a["id"], "HSN", "2024", "nastan_klart", "x")
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "status"]


def test_malformed_period_is_rejected(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    r = report(assignments, a["id"], "HSN", "2024-13", "klart")
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "period"]


def test_a_unit_not_responsible_may_not_report(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    r = report(assignments, a["id"], "PVN", "2024", "klart")
    assert r.status_code == 403
    assert "not responsible" in r.json()["detail"]


def test_a_key_bound_to_another_unit_may_not_report(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    r = report(
        assignments, a["id"], "HSN", "2024", "klart", headers=assignments.auth("write", "PHHN")
    )
    assert r.status_code == 403


def test_reporting_on_an_unknown_assignment_is_404(assignments: ServiceHarness) -> None:
    assert report(assignments, "UP2023-999", "HSN", "2024", "klart").status_code == 404


def test_a_second_report_for_the_same_period_is_a_new_entry_and_wins(
    assignments: ServiceHarness,
) -> None:
    a = new_assignment(assignments)
    report(assignments, a["id"], "HSN", "2024-01/2024-08", "avvikelse", "Försenad upphandling.")
    report(assignments, a["id"], "HSN", "2024-01/2024-08", "pagar_enligt_plan", "Löst.")
    history = assignments.client.get(
        f"/v1/assignments/{a['id']}/reports", headers=assignments.auth("read")
    ).json()["items"]
    assert [h["status"] for h in history] == ["pagar_enligt_plan", "avvikelse"]
    assert history[1]["explanation"] == "Försenad upphandling."
    assert _get(assignments, a["id"])["latest_status"] == "pagar_enligt_plan"


def test_latest_status_is_from_the_latest_period_not_the_latest_post(
    assignments: ServiceHarness,
) -> None:
    a = new_assignment(assignments)
    report(assignments, a["id"], "HSN", "2024", "klart", "Klart vid årets slut.")
    report(assignments, a["id"], "HSN", "2024-05", "avvikelse", "Sent inrapporterat för maj.")
    got = _get(assignments, a["id"])
    assert got["latest_status"] == "klart"
    assert got["latest_report"]["period"] == "2024"
    history = assignments.client.get(
        f"/v1/assignments/{a['id']}/reports", headers=assignments.auth("read")
    ).json()["items"]
    assert [h["period"] for h in history] == ["2024", "2024-05"]


def test_delarsrapport_period_is_kept_in_canonical_form(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    r = report(assignments, a["id"], "HSN", "2024-01/2024-08", "ej_startat")
    assert r.json()["period"] == "2024-01/2024-08"


def test_reports_are_listed_by_org_unit_and_period(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    report(assignments, a["id"], "HSN", "2024-05", "ej_startat")
    report(assignments, a["id"], "PHHN", "2024-05", "pagar_enligt_plan")
    report(assignments, a["id"], "PHHN", "2024", "klart")
    headers = assignments.auth("read")
    by_unit = assignments.client.get("/v1/reports?org_unit=PHHN", headers=headers).json()["items"]
    assert [r["period"] for r in by_unit] == ["2024-05", "2024"]
    by_period = assignments.client.get("/v1/reports?period=2024-05", headers=headers).json()[
        "items"
    ]
    assert {r["org_unit"] for r in by_period} == {"HSN", "PHHN"}
    bad = assignments.client.get("/v1/reports?period=maj", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "period"]


def test_reports_as_csv(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    report(assignments, a["id"], "HSN", "2024", "avvikelse", "Saknar resurser, bl.a. personal")
    r = assignments.client.get(
        "/v1/reports", headers={**assignments.auth("read"), "Accept": "text/csv"}
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    lines = r.text.splitlines()
    assert lines[0].startswith("id,assignment_id,org_unit,period,status,explanation,reported_at")
    assert '"Saknar resurser, bl.a. personal"' in lines[1]

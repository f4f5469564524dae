"""Internal control through the API: the risk analysis decision, loads of risks, actions and
follow-ups (JSON and CSV, atomic / partial / dry run, idempotent), the rules (422 naming row
and field), the change feed with deletions, CSV exports and the audit trail."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.assignments.internal_control_data import (
    ACTIONS,
    AUGUST,
    FOLLOWUPS,
    RISKS,
    items,
    load,
    load_all,
)
from tests.harness import ServiceHarness


def _rejected(r: Any) -> list[tuple[int, list[str | int]]]:
    return [(x["row"], e["loc"]) for x in r.json()["rejected"] for e in x["errors"]]


def test_the_risk_analysis_decision_is_recorded_with_an_etag(assignments: ServiceHarness) -> None:
    url, w = "/v1/risk-analyses/HSN/2024", assignments.auth("write")
    body = {"decided_on": "2023-12-14", "decision": "HSN § 210 2023-12-14"}
    created = assignments.client.put(url, json=body, headers=w)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    assert created.json()["id"] == "HSN-2024"
    same = assignments.client.put(url, json=body, headers=w)
    assert (same.status_code, same.headers["ETag"]) == (200, '"1"')
    changed = assignments.client.put(
        url, json={**body, "decided_on": "2024-01-25"}, headers={**w, "If-Match": '"1"'}
    )
    assert (changed.status_code, changed.headers["ETag"]) == (200, '"2"')
    stale = assignments.client.put(url, json=body, headers={**w, "If-Match": '"1"'})
    assert stale.status_code == 412
    read = assignments.client.get(url, headers=assignments.auth("read"))
    assert read.json()["decided_on"] == "2024-01-25"
    assert (
        assignments.client.get(
            "/v1/risk-analyses/HSN/2025", headers=assignments.auth("read")
        ).status_code
        == 404
    )


def test_the_region_has_no_risk_analysis_of_its_own(assignments: ServiceHarness) -> None:
    r = assignments.client.put(
        "/v1/risk-analyses/REGION/2024",
        json={"decided_on": "2023-12-14"},
        headers=assignments.auth("write"),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["path", "org_unit"]
    rows = load(assignments, "/v1/risks", [{**RISKS[0], "org_unit": "REGION"}])
    assert rows.status_code == 422
    assert _rejected(rows) == [(1, ["org_unit"])]


def test_risks_load_with_their_value_computed_and_twice_changes_nothing(
    assignments: ServiceHarness,
) -> None:
    first = load(assignments, "/v1/risks", RISKS)
    assert first.status_code == 200, first.text
    assert first.json()["inserted"] == 3
    listed = items(assignments, "/v1/risks?org_unit=HSN&year=2024")
    assert [(r["id"], r["risk_value"]) for r in listed] == [
        ("HSN-2024-R1", 12),
        ("HSN-2024-R2", 4),
        ("HSN-2024-R3", 9),
    ]
    again = load(assignments, "/v1/risks", RISKS).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 3)
    moved = load(assignments, "/v1/risks", [{**RISKS[1], "probability": 3}]).json()
    assert (moved["inserted"], moved["updated"]) == (0, 1)
    assert items(assignments, "/v1/risks?year=2024")[1]["risk_value"] == 6


def test_a_probability_of_5_is_refused_naming_row_and_field(assignments: ServiceHarness) -> None:
    rows = [RISKS[0], {**RISKS[1], "probability": 5}, {**RISKS[2], "consequence": 0}]
    r = load(assignments, "/v1/risks", rows)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert _rejected(r) == [(2, ["probability"]), (3, ["consequence"])]
    assert "1–4" in r.json()["rejected"][0]["errors"][0]["msg"]
    assert items(assignments, "/v1/risks") == []  # atomic: nothing written


def test_partial_and_dry_run_loads(assignments: ServiceHarness) -> None:
    dry = load(assignments, "/v1/risks", RISKS, "?dry_run=true").json()
    assert dry == {"inserted": 3, "updated": 0, "unchanged": 0, "rejected": [], "dry_run": True}
    assert items(assignments, "/v1/risks") == []
    rows = [RISKS[0], {**RISKS[1], "probability": 5}, RISKS[2]]
    partial = load(assignments, "/v1/risks", rows, "?mode=partial")
    assert partial.status_code == 200
    assert partial.json()["inserted"] == 2
    assert [x["row"] for x in partial.json()["rejected"]] == [2]
    assert [r["code"] for r in items(assignments, "/v1/risks")] == ["R1", "R3"]


def test_risks_load_from_swedish_excel_csv(assignments: ServiceHarness) -> None:
    body = (
        "\ufefforg_unit;year;code;description;process;probability;consequence;owner\n"
        "SUS;2024;1.1;Läkemedel förvaras fel;Läkemedelshantering;2;4;Chefläkare\n"
    )
    r = load(assignments, "/v1/risks", body, csv=True)
    assert r.status_code == 200, r.text
    (risk,) = items(assignments, "/v1/risks?org_unit=SUS")
    assert (risk["id"], risk["risk_value"], risk["owner"]) == ("SUS-2024-1.1", 8, "Chefläkare")


def test_an_action_needs_a_known_risk_and_a_deadline_in_or_after_its_year(
    assignments: ServiceHarness,
) -> None:
    load(assignments, "/v1/risks", RISKS)
    rows = [
        ACTIONS[0],
        {**ACTIONS[1], "risk": "R9"},
        {**ACTIONS[2], "deadline": "2023-12-31"},
        {**ACTIONS[2], "code": "A2", "deadline": "2025-03-31"},  # after its year: fine
    ]
    r = load(assignments, "/v1/risk-actions", rows)
    assert r.status_code == 422
    assert _rejected(r) == [(2, ["risk"]), (3, ["deadline"])]
    ok = load(assignments, "/v1/risk-actions", [rows[0], rows[3]])
    assert ok.json()["inserted"] == 2
    assert [a["id"] for a in items(assignments, "/v1/risk-actions?risk_id=HSN-2024-R3")] == [
        "HSN-2024-R3-A2"
    ]


def test_follow_up_rules(assignments: ServiceHarness) -> None:
    load(assignments, "/v1/risks", RISKS)
    load(assignments, "/v1/risk-actions", ACTIONS)
    rows = [
        {**FOLLOWUPS[0], "risk": "R7"},  # no such risk
        {**FOLLOWUPS[1], "comment": None},  # a deviation without a comment
        {**FOLLOWUPS[1], "comment": "  "},  # ... or a blank one
        {**FOLLOWUPS[0], "action": "A9"},  # no such action of R1
        {**FOLLOWUPS[0], "state": None},  # an action's state missing
        {**FOLLOWUPS[2], "consequence": None},  # half a reassessment
        {**FOLLOWUPS[2], "probability": 5},
        {**FOLLOWUPS[0], "period": "2025"},  # R1 is a risk of 2024, not 2025
        {**FOLLOWUPS[0], "followed_up_on": "2023-12-01"},  # before the period begins
    ]
    r = load(assignments, "/v1/risk-followups", rows)
    assert r.status_code == 422
    assert _rejected(r) == [
        (1, ["risk"]),
        (2, ["comment"]),
        (3, ["comment"]),
        (4, ["action"]),
        (5, ["state"]),
        (6, ["consequence"]),
        (7, ["probability"]),
        (8, ["risk"]),
        (9, ["followed_up_on"]),
    ]
    assert "deviation" in r.json()["rejected"][1]["errors"][0]["msg"]
    assert items(assignments, "/v1/risk-followups") == []


def test_follow_ups_load_and_list_by_occasion(assignments: ServiceHarness) -> None:
    load_all(assignments)
    listed = items(assignments, f"/v1/risk-followups?org_unit=HSN&period={AUGUST}")
    assert [(f["id"], f["state"], f["risk_value"]) for f in listed] == [
        ("HSN-2024-R1-A1@2024-01/2024-08", "done", None),
        ("HSN-2024-R2@2024-01/2024-08", None, 16),
        ("HSN-2024-R3-A1@2024-01/2024-08", "deviation", None),
    ]
    assert items(assignments, "/v1/risk-followups?period=2024") == []
    again = load(assignments, "/v1/risk-followups", FOLLOWUPS).json()
    assert again["unchanged"] == 3


def test_a_follow_up_without_a_date_keeps_the_one_stored(assignments: ServiceHarness) -> None:
    load_all(assignments)
    undated = [{k: v for k, v in row.items() if k != "followed_up_on"} for row in FOLLOWUPS]
    again = load(assignments, "/v1/risk-followups", undated).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 3)
    year_end = {**undated[0], "period": "2024"}
    load(assignments, "/v1/risk-followups", [year_end])
    (new,) = items(assignments, "/v1/risk-followups?period=2024")
    assert new["followed_up_on"] == "2024-12-31"  # the period had ended: its last day


def test_the_change_feed_shows_deletions_as_tombstones(assignments: ServiceHarness) -> None:
    load_all(assignments)
    r = assignments.auth("read")
    last = max(
        x["change_seq"]
        for path in ("/v1/risks", "/v1/risk-actions", "/v1/risk-followups")
        for x in items(assignments, path)
    )
    gone = assignments.client.delete("/v1/risks/HSN-2024-R1", headers=assignments.auth("write"))
    assert gone.status_code == 204
    feeds = {
        path: assignments.client.get(f"{path}?after_seq={last}", headers=r).json()["items"]
        for path in ("/v1/risks", "/v1/risk-actions", "/v1/risk-followups")
    }
    assert [(t["id"], t["deleted"]) for t in feeds["/v1/risks"]] == [("HSN-2024-R1", True)]
    assert [t["id"] for t in feeds["/v1/risk-actions"]] == ["HSN-2024-R1-A1", "HSN-2024-R1-A2"]
    assert [t["id"] for t in feeds["/v1/risk-followups"]] == ["HSN-2024-R1-A1@2024-01/2024-08"]
    seqs = [t["change_seq"] for f in feeds.values() for t in f]
    assert min(seqs) > last and len(set(seqs)) == 4
    assert [x["code"] for x in items(assignments, "/v1/risks")] == ["R2", "R3"]
    action = assignments.client.delete(
        "/v1/risk-actions/HSN-2024-R3-A1", headers=assignments.auth("write")
    )
    assert action.status_code == 204
    assert [f["id"] for f in items(assignments, "/v1/risk-followups")] == [
        "HSN-2024-R2@2024-01/2024-08"
    ]
    missing = assignments.client.delete("/v1/risks/HSN-2024-R1", headers=assignments.auth("write"))
    assert missing.status_code == 404


def test_changes_after_a_load_come_in_change_order(assignments: ServiceHarness) -> None:
    load(assignments, "/v1/risks", RISKS)
    seen = items(assignments, "/v1/risks?after_seq=0")
    last = seen[-1]["change_seq"]
    load(assignments, "/v1/risks", [{**RISKS[2], "owner": "Nämndsekreterare"}])
    changed = items(assignments, f"/v1/risks?after_seq={last}")
    assert [(c["id"], c["owner"]) for c in changed] == [("HSN-2024-R3", "Nämndsekreterare")]


def _csv(svc: ServiceHarness, path: str) -> list[dict[str, str]]:
    r = svc.client.get(path, headers={**svc.auth("read"), "Accept": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text)))


def test_csv_exports(assignments: ServiceHarness) -> None:
    load_all(assignments)
    risks = _csv(assignments, "/v1/risks?org_unit=HSN&year=2024")
    assert [(r["code"], r["probability"], r["consequence"], r["risk_value"]) for r in risks] == [
        ("R1", "3", "4", "12"),
        ("R2", "2", "2", "4"),
        ("R3", "3", "3", "9"),
    ]
    actions = _csv(assignments, "/v1/risk-actions?year=2024")
    assert (actions[0]["risk"], actions[0]["code"], actions[0]["deadline"]) == (
        "R1",
        "A1",
        "2024-06-30",
    )
    followups = _csv(assignments, f"/v1/risk-followups?period={AUGUST}")
    deviation = next(f for f in followups if f["state"] == "deviation")
    assert (deviation["risk"], deviation["action"], deviation["comment"]) == (
        "R3",
        "A1",
        "Granskningen är försenad.",
    )
    analyses = _csv(assignments, "/v1/risk-analyses")
    assert [(a["org_unit"], a["decided_on"]) for a in analyses] == [("HSN", "2023-12-14")]


def test_every_write_is_audited(assignments: ServiceHarness) -> None:
    load_all(assignments)
    assignments.client.delete("/v1/risk-actions/HSN-2024-R1-A2", headers=assignments.auth("write"))
    trail = assignments.client.get("/v1/audit", headers=assignments.auth("admin")).json()["items"]
    assert [(e["action"], e["resource"]) for e in trail] == [
        ("create", "risk_analysis"),
        ("load", "risk"),
        ("load", "risk_action"),
        ("load", "risk_followup"),
        ("delete", "risk_action"),
    ]
    assert trail[-1]["change"] == {"risk_followup": 0, "risk_action": 1}

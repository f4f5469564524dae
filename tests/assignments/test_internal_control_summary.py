"""The internal control summary for the follow-up view and the overview: risks by current
value, actions late as of a date, the latest follow-up per half-year, and the committees
without a follow-up this half."""

from __future__ import annotations

from typing import Any

from shared.reference import committees
from tests.assignments.internal_control_data import AUGUST, load, load_all
from tests.harness import ServiceHarness


def _summary(svc: ServiceHarness, query: str, *units: str) -> Any:
    r = svc.client.get(f"/v1/internal-control?{query}", headers=svc.auth("read", *units))
    assert r.status_code == 200, r.text
    return r.json()


def test_risks_come_by_current_value_highest_first(assignments: ServiceHarness) -> None:
    load_all(assignments)
    before = _summary(assignments, "org_unit=HSN&year=2024&as_of=2024-08-31")
    # Before the August follow-up was made (2024-09-15): the analysis's values.
    assert [(r["code"], r["current_value"]) for r in before["risks"]] == [
        ("R1", 12),
        ("R3", 9),
        ("R2", 4),
    ]
    after = _summary(assignments, "org_unit=HSN&year=2024&as_of=2024-09-30")
    # R2 was reassessed to 4 × 4 in the August follow-up.
    assert [(r["code"], r["current_value"], r["risk_value"]) for r in after["risks"]] == [
        ("R2", 16, 4),
        ("R1", 12, 12),
        ("R3", 9, 9),
    ]
    assert after["risks"][0]["reassessed_in"] == AUGUST
    assert after["analysis"]["decision"] == "HSN § 210 2023-12-14"


def test_late_actions_are_those_past_their_deadline_and_not_done(
    assignments: ServiceHarness,
) -> None:
    load_all(assignments)
    spring = _summary(assignments, "org_unit=HSN&year=2024&as_of=2024-07-01")
    # R3-A1 (due 2024-03-31) and R1-A1 (due 2024-06-30) are past due, nothing followed up yet.
    assert [a["id"] for a in spring["late_actions"]] == ["HSN-2024-R3-A1", "HSN-2024-R1-A1"]
    autumn = _summary(assignments, "org_unit=HSN&year=2024&as_of=2024-10-01")
    # R1-A1 was done by the August follow-up; R3-A1 had a deviation: still late.
    (late,) = autumn["late_actions"]
    assert (late["id"], late["state"], late["comment"]) == (
        "HSN-2024-R3-A1",
        "deviation",
        "Granskningen är försenad.",
    )
    year_end = _summary(assignments, "org_unit=HSN&year=2024")  # as of 2024-12-31
    assert year_end["as_of"] == "2024-12-31"
    assert [a["id"] for a in year_end["late_actions"]] == ["HSN-2024-R3-A1"]  # A2 due that day
    on_the_day = _summary(assignments, "org_unit=HSN&year=2024&as_of=2024-06-30")
    assert [a["id"] for a in on_the_day["late_actions"]] == ["HSN-2024-R3-A1"]


def test_the_latest_follow_up_per_half_and_this_halfs(assignments: ServiceHarness) -> None:
    load_all(assignments)
    september = _summary(assignments, "org_unit=HSN&year=2024&as_of=2024-09-30")
    first, second = september["follow_ups"]
    assert (first["half"], first["due_with"], first["period"]) == (1, AUGUST, AUGUST)
    assert first["followed_up_on"] == "2024-09-15"
    assert first["states"] == {"not_started": 0, "in_progress": 0, "done": 1, "deviation": 1}
    assert (first["actions_followed_up"], first["risks_reassessed"]) == (2, 1)
    assert first["deviations"] == [
        {"risk": "R3", "action": "A1", "comment": "Granskningen är försenad."}
    ]
    assert (second["due_with"], second["period"]) == ("2024", None)
    # September falls in the second half, which nobody has followed up yet.
    assert (september["half"], september["followed_up_this_half"]) == (2, False)
    august = _summary(assignments, "org_unit=HSN&year=2024&as_of=2024-08-31")
    assert (august["half"], august["followed_up_this_half"]) == (1, False)  # made 2024-09-15
    mid = _summary(assignments, "org_unit=HSN&year=2024&as_of=2024-09-15")
    assert mid["follow_ups"][0]["period"] == AUGUST
    r = load(
        assignments,
        "/v1/risk-followups",
        [
            {
                "org_unit": "HSN",
                "period": "2024",
                "risk": "R1",
                "action": "A2",
                "state": "in_progress",
                "followed_up_on": "2024-12-12",
            }
        ],
    )
    assert r.status_code == 200, r.text
    december = _summary(assignments, "org_unit=HSN&year=2024&as_of=2024-12-12")
    assert december["followed_up_this_half"] is True
    assert december["follow_ups"][1]["period"] == "2024"


def test_the_overview_counts_committees_without_a_follow_up_this_half(
    assignments: ServiceHarness,
) -> None:
    load_all(assignments)
    load(
        assignments,
        "/v1/risks",
        [
            {
                "org_unit": "SUS",
                "year": 2024,
                "code": "R1",
                "description": "Hygienrutiner brister.",
                "probability": 2,
                "consequence": 3,
            }
        ],
    )
    load(
        assignments,
        "/v1/risk-followups",
        [
            {
                "org_unit": "SUS",
                "period": "2024-09",
                "risk": "R1",
                "probability": 1,
                "consequence": 3,
                "followed_up_on": "2024-09-18",
            }
        ],
    )
    overview = _summary(assignments, "year=2024&as_of=2024-09-20")
    lines = {c["org_unit"]: c for c in overview["committees"]}
    assert list(lines) == committees() and "REGION" not in lines
    assert overview["without_follow_up_this_half"] == len(committees()) - 1
    assert "SUS" not in overview["not_followed_up"] and "HSN" in overview["not_followed_up"]
    assert lines["HSN"] == {
        "org_unit": "HSN",
        "analysis_decided": True,
        "risks": 3,
        "highest_value": 16,
        "late_actions": 1,
        "latest_follow_up": None,
        "followed_up_this_half": False,
    }
    assert (lines["SUS"]["latest_follow_up"], lines["SUS"]["highest_value"]) == ("2024-09", 3)
    assert lines["PVN"]["risks"] == 0 and lines["PVN"]["analysis_decided"] is False


def test_summary_parameters_are_checked(assignments: ServiceHarness) -> None:
    read = assignments.auth("read")
    for query, loc in (
        ("org_unit=HSN&year=2024&as_of=2025-01-01", ["query", "as_of"]),
        ("org_unit=REGION&year=2024", ["query", "org_unit"]),
        ("org_unit=HSN", ["query", "year"]),
        ("org_unit=NOPE&year=2024", ["query", "org_unit"]),
    ):
        r = assignments.client.get(f"/v1/internal-control?{query}", headers=read)
        assert r.status_code == 422, query
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["loc"] == loc, query


def test_an_empty_committee_has_an_empty_summary(assignments: ServiceHarness) -> None:
    body = _summary(assignments, "org_unit=PVN&year=2024&as_of=2024-05-01")
    assert body["analysis"] is None and body["risks"] == [] and body["late_actions"] == []
    assert [h["period"] for h in body["follow_ups"]] == [None, None]
    assert body["followed_up_this_half"] is False

"""Unfinished assignments carry over into the next year's follow-up."""

from __future__ import annotations

from typing import Any

from tests.assignments.conftest import new_assignment, report
from tests.harness import ServiceHarness


def _year(svc: ServiceHarness, year: int, org_unit: str = "HSN") -> dict[str, dict[str, Any]]:
    r = svc.client.get(
        f"/v1/assignments?year={year}&org_unit={org_unit}&limit=10000", headers=svc.auth("read")
    )
    assert r.status_code == 200, r.text
    return {a["id"]: a for a in r.json()["items"]}


def test_unfinished_assignment_is_carried_over(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments, year_given=2023)
    report(assignments, a["id"], "HSN", "2023", "pagar_enligt_plan", "Pågår.")
    listed = _year(assignments, 2024)
    assert listed[a["id"]]["carried_over"] is True


def test_assignment_without_any_report_is_carried_over(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments, year_given=2022)
    assert _year(assignments, 2024)[a["id"]]["carried_over"] is True


def test_finished_assignment_is_not_carried_over(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments, year_given=2023)
    report(assignments, a["id"], "HSN", "2023-05", "avvikelse", "Försenat.")
    report(assignments, a["id"], "HSN", "2023", "klart", "Klart i december.")
    assert a["id"] not in _year(assignments, 2024)
    assert _year(assignments, 2023)[a["id"]]["carried_over"] is False


def test_klart_after_the_year_ended_does_not_stop_the_carry_over(
    assignments: ServiceHarness,
) -> None:
    a = new_assignment(assignments, year_given=2023)
    report(assignments, a["id"], "HSN", "2023", "avvikelse", "Försenat.")
    report(assignments, a["id"], "HSN", "2024-03", "klart", "Klart i mars.")
    listed = _year(assignments, 2024)
    assert listed[a["id"]]["carried_over"] is True
    assert listed[a["id"]]["latest_status"] == "klart"
    assert a["id"] not in _year(assignments, 2025)


def test_assignment_given_this_year_is_not_carried_over(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments, year_given=2024)
    assert _year(assignments, 2024)[a["id"]]["carried_over"] is False


def test_later_assignments_are_not_in_an_earlier_year(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments, year_given=2025)
    assert a["id"] not in _year(assignments, 2024)


def test_status_in_a_year_view_is_as_of_that_year(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments, year_given=2024)
    report(assignments, a["id"], "HSN", "2024", "avvikelse", "Försenat.")
    report(assignments, a["id"], "HSN", "2025-03", "klart", "Klart.")
    assert _year(assignments, 2024)[a["id"]]["latest_status"] == "avvikelse"
    assert _year(assignments, 2025)[a["id"]]["latest_status"] == "klart"


def test_carry_over_in_the_real_data(seeded: ServiceHarness) -> None:
    listed = _year(seeded, 2024)
    given_2024 = {i for i, a in listed.items() if not a["carried_over"]}
    assert given_2024 == {f"HSN2024-{n:03d}" for n in range(1, 19)}
    # UP2023-026 is HSN's, from 2023, reported pågår in 2024: carried over.
    assert listed["UP2023-026"]["carried_over"] is True
    assert listed["UP2023-026"]["latest_status"] == "pagar_enligt_plan"
    assert all(a["year_given"] < 2024 for a in listed.values() if a["carried_over"])
    assert "UP2023-007" not in listed  # PVN's, not HSN's

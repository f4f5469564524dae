"""What the request models accept: values from outside are checked once, at the edge."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.assignments.schemas import AssignmentCreate, AssignmentPatch, ReportIn, ReportRow
from shared.boundary import MAX_YEAR, MIN_YEAR


def _errors(model: type[Any], data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ValidationError) as invalid:
        model.model_validate(data)
    return [(e["loc"], e["msg"]) for e in invalid.value.errors()]


def _create(**fields: Any) -> dict[str, Any]:
    return {"title": "T", "year_given": 2024, "lead_org_unit": "HSN", **fields}


def test_group_tokens_and_units_are_accepted_as_they_are_sent() -> None:
    body = AssignmentCreate.model_validate(
        _create(lead_org_unit="ALL_COMMITTEES", org_units=["HSN", "ALL_HOSPITAL_BOARDS"])
    )
    assert body.lead_org_unit == "ALL_COMMITTEES"
    assert body.org_units == ["HSN", "ALL_HOSPITAL_BOARDS"]


def test_an_unknown_unit_is_named_by_its_place() -> None:
    [(loc, msg)] = _errors(AssignmentCreate, _create(org_units=["PVN", "MARS"]))
    assert loc == ("org_units", 1)
    assert "MARS" in msg


@pytest.mark.parametrize("year", [MIN_YEAR - 1, MAX_YEAR + 1])
def test_a_year_outside_the_suite_is_rejected(year: int) -> None:
    [(loc, _)] = _errors(AssignmentCreate, _create(year_given=year))
    assert loc == ("year_given",)
    [(loc, _)] = _errors(AssignmentPatch, {"year_given": year})
    assert loc == ("year_given",)


def test_a_goal_is_one_of_the_five_overgripande_mal() -> None:
    body = AssignmentCreate.model_validate(_create(goal="Tillgänglighet och kvalitet"))
    assert body.goal == "Tillgänglighet och kvalitet"
    [(loc, msg)] = _errors(AssignmentPatch, {"goal": "Världsfred"})
    assert loc == ("goal",)
    assert "Världsfred" in msg


def test_a_report_period_is_kept_in_canonical_form() -> None:
    report = ReportIn.model_validate(
        {"org_unit": "HSN", "period": " 2024-01/2024-08 ", "status": "klart"}
    )
    assert report.model_dump(mode="json")["period"] == "2024-01/2024-08"


def test_a_bulk_row_gets_one_message_per_mistake() -> None:
    row = {"assignment_id": "UP2023-013", "org_unit": "ATLANTIS", "period": "2024-13"}
    errors = _errors(ReportRow, {**row, "status": "klart"})
    assert [loc for loc, _ in errors] == [("org_unit",), ("period",)]

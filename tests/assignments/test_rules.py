"""The service's rules as pure functions: statuses, If-Match, patches, who may write, bulk rows.

The report rules that issue 11/12 brought (as_of, natural key, the listing's window) are in
``test_report_rules.py``."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.assignments.rules import (
    PreconditionRequired,
    accepted_versions,
    changed_columns,
    check_no_nulls,
    check_report,
    created_columns,
    report_row_errors,
    status_errors,
)
from services.assignments.schemas import AssignmentCreate, AssignmentPatch, ReportIn, ReportRow
from shared.errors import Forbidden, InvalidInput
from shared.keys import Principal

ANY_UNIT = Principal("k-any", frozenset({"read", "write", "admin"}), frozenset())
SUS_ONLY = Principal("k-sus", frozenset({"read", "write", "admin"}), frozenset({"SUS"}))
TODAY = date(2024, 9, 15)


def _row(**fields: Any) -> ReportRow:
    row = {
        "assignment_id": "UP2023-013",
        "org_unit": "SUS",
        "period": "2024-05",
        "status": "pagar_enligt_plan",
        "explanation": "Enligt plan.",
    }
    return ReportRow.model_validate({**row, **fields})


# --------------------------------------------------------------------------- statuses


@pytest.mark.parametrize("status", ["ej_startat", "pagar_enligt_plan", "klart"])
def test_an_assignment_reports_on_its_own_scale(status: str) -> None:
    assert status_errors("assignment", status, None, ["body"]) == []


@pytest.mark.parametrize("colour", ["green", "yellow", "orange"])
def test_a_milestone_reports_a_colour(colour: str) -> None:
    assert status_errors("milestone", colour, None, ["body"]) == []


def test_an_assignment_status_is_wrong_for_a_milestone() -> None:
    [error] = status_errors("milestone", "klart", None, ["body"])
    assert error["loc"] == ["body", "status"]
    assert "milestone" in error["msg"] and "green" in error["msg"]


def test_a_milestone_colour_is_wrong_for_an_assignment() -> None:
    [error] = status_errors("assignment", "green", None, [])
    assert error["loc"] == ["status"]


@pytest.mark.parametrize("explanation", [None, "", "   "])
def test_an_avvikelse_must_say_why(explanation: str | None) -> None:
    [error] = status_errors("assignment", "avvikelse", explanation, ["body"])
    assert error["loc"] == ["body", "explanation"]


def test_an_avvikelse_with_a_reason_is_accepted() -> None:
    assert status_errors("assignment", "avvikelse", "Bemanningsbrist.", []) == []


# --------------------------------------------------------------------------- If-Match


def test_a_patch_without_if_match_is_428_naming_the_header() -> None:
    with pytest.raises(PreconditionRequired) as refused:
        accepted_versions(None)
    assert refused.value.status == 428
    assert refused.value.errors == [{"loc": ["header", "If-Match"], "msg": "required"}]


@pytest.mark.parametrize(
    ("header", "versions"),
    [('"3"', [3]), ('W/"2"', [2]), ('"1", "4"', [1, 4]), ('"x"', []), ("*", None)],
)
def test_if_match_names_the_versions_it_accepts(header: str, versions: list[int] | None) -> None:
    assert accepted_versions(header) == versions


# --------------------------------------------------------------------------- definitions


def test_a_patch_may_not_null_a_required_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_no_nulls({"title": None, "year_given": None, "area": None})
    assert [e["loc"] for e in refused.value.errors or []] == [
        ["body", "title"],
        ["body", "year_given"],
    ]


def test_a_patch_may_leave_required_fields_out_and_null_optional_ones() -> None:
    check_no_nulls({"area": None, "deadline": None})


def test_a_year_set_by_an_editor_is_stated() -> None:
    columns = changed_columns(AssignmentPatch.model_validate({"year_given": 2022}))
    assert columns == {"year_given": 2022, "year_given_stated": True}


def test_a_patch_sets_only_what_it_sends_the_units_apart() -> None:
    patch = AssignmentPatch.model_validate({"title": "Ny", "org_units": ["PVN"]})
    assert changed_columns(patch) == {"title": "Ny"}


def test_earmarked_money_is_stored_as_amount_and_purpose() -> None:
    sent = {"earmarked": {"amount": 15_000_000, "purpose": "PTP-platser"}}
    assert changed_columns(AssignmentPatch.model_validate(sent)) == {
        "earmarked_amount": 15_000_000,
        "earmarked_purpose": "PTP-platser",
    }
    cleared = changed_columns(AssignmentPatch.model_validate({"earmarked": None}))
    assert cleared == {"earmarked_amount": None, "earmarked_purpose": None}


def test_a_new_assignment_has_a_stated_year_and_is_not_continued() -> None:
    body = AssignmentCreate.model_validate(
        {"title": "T", "year_given": 2024, "lead_org_unit": "HSN", "org_units": ["PVN"]}
    )
    columns = created_columns(body)
    assert columns["year_given_stated"] is True
    assert columns["continued"] is False
    assert columns["earmarked_amount"] is None
    assert "lead_org_unit" not in columns and "org_units" not in columns


# --------------------------------------------------------------------------- reports


def test_only_a_responsible_unit_reports() -> None:
    report = ReportIn.model_validate({"org_unit": "PVN", "period": "2024", "status": "klart"})
    with pytest.raises(Forbidden, match="not responsible"):
        check_report("A-1", "assignment", ["HSN", "PHHN"], ANY_UNIT, report, TODAY)


def test_a_key_reports_only_for_its_own_units() -> None:
    report = ReportIn.model_validate({"org_unit": "YSTAD", "period": "2024", "status": "klart"})
    with pytest.raises(Forbidden):
        check_report("UP2023-013", "assignment", ["SUS", "YSTAD"], SUS_ONLY, report, TODAY)


def test_a_single_report_with_the_wrong_scale_is_422_on_status() -> None:
    report = ReportIn.model_validate({"org_unit": "HSN", "period": "2024", "status": "green"})
    with pytest.raises(InvalidInput) as refused:
        check_report("A-1", "assignment", ["HSN"], ANY_UNIT, report, TODAY)
    assert [e["loc"] for e in refused.value.errors or []] == [["body", "status"]]


def test_a_bulk_row_is_checked_like_a_single_report() -> None:
    units = ["SUS", "YSTAD"]
    assert report_row_errors(_row(), "assignment", units, SUS_ONLY, TODAY) == []
    assert report_row_errors(_row(), None, [], ANY_UNIT, TODAY)[0]["loc"] == ["assignment_id"]
    not_responsible = report_row_errors(_row(org_unit="PVN"), "assignment", units, ANY_UNIT, TODAY)
    assert not_responsible[0]["loc"] == ["org_unit"]
    other_key = report_row_errors(_row(org_unit="YSTAD"), "assignment", units, SUS_ONLY, TODAY)
    assert "may not report for YSTAD" in other_key[0]["msg"]
    colour = report_row_errors(_row(status="green"), "assignment", units, ANY_UNIT, TODAY)
    assert colour[0]["loc"] == ["status"]

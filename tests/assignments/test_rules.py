"""The service's rules as pure functions: statuses, If-Match, patches, who may write, bulk rows."""

from __future__ import annotations

from typing import Any

import pytest

from services.assignments.rules import (
    PreconditionRequired,
    ReportContent,
    ReportKey,
    accepted_versions,
    changed_columns,
    check_may_edit,
    check_no_nulls,
    check_report,
    created_columns,
    new_reports,
    report_row_errors,
    status_errors,
)
from services.assignments.schemas import AssignmentCreate, AssignmentPatch, ReportIn, ReportRow
from shared.errors import Forbidden, InvalidInput
from shared.keys import Principal

ANY_UNIT = Principal("k-any", frozenset({"read", "write", "admin"}), frozenset())
SUS_ONLY = Principal("k-sus", frozenset({"read", "write", "admin"}), frozenset({"SUS"}))


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


def test_a_key_bound_to_one_board_may_not_edit_what_all_boards_share() -> None:
    with pytest.raises(Forbidden):
        check_may_edit(SUS_ONLY, ["SUS", "YSTAD"])
    check_may_edit(SUS_ONLY, ["SUS"])
    check_may_edit(ANY_UNIT, ["SUS", "YSTAD"])


# --------------------------------------------------------------------------- reports


def test_only_a_responsible_unit_reports() -> None:
    report = ReportIn.model_validate({"org_unit": "PVN", "period": "2024", "status": "klart"})
    with pytest.raises(Forbidden, match="not responsible"):
        check_report("A-1", "assignment", ["HSN", "PHHN"], ANY_UNIT, report)


def test_a_key_reports_only_for_its_own_units() -> None:
    report = ReportIn.model_validate({"org_unit": "YSTAD", "period": "2024", "status": "klart"})
    with pytest.raises(Forbidden):
        check_report("UP2023-013", "assignment", ["SUS", "YSTAD"], SUS_ONLY, report)


def test_a_single_report_with_the_wrong_scale_is_422_on_status() -> None:
    report = ReportIn.model_validate({"org_unit": "HSN", "period": "2024", "status": "green"})
    with pytest.raises(InvalidInput) as refused:
        check_report("A-1", "assignment", ["HSN"], ANY_UNIT, report)
    assert [e["loc"] for e in refused.value.errors or []] == [["body", "status"]]


def test_a_bulk_row_is_checked_like_a_single_report() -> None:
    units = ["SUS", "YSTAD"]
    assert report_row_errors(_row(), "assignment", units, SUS_ONLY) == []
    assert report_row_errors(_row(), None, [], ANY_UNIT)[0]["loc"] == ["assignment_id"]
    not_responsible = report_row_errors(_row(org_unit="PVN"), "assignment", units, ANY_UNIT)
    assert not_responsible[0]["loc"] == ["org_unit"]
    other_key = report_row_errors(_row(org_unit="YSTAD"), "assignment", units, SUS_ONLY)
    assert "may not report for YSTAD" in other_key[0]["msg"]
    colour = report_row_errors(_row(status="green"), "assignment", units, ANY_UNIT)
    assert colour[0]["loc"] == ["status"]


def test_a_row_that_repeats_the_latest_report_is_unchanged() -> None:
    stored: dict[ReportKey, ReportContent] = {
        ("UP2023-013", "SUS", "2024-05"): ("pagar_enligt_plan", "Enligt plan.")
    }
    same, changed = _row(), _row(explanation="Vårdplatser öppnade.")
    assert new_reports([same], stored) == ([], 1)
    assert new_reports([changed], stored) == ([changed], 0)


def test_the_same_row_twice_in_one_load_is_written_once() -> None:
    row = _row()
    assert new_reports([row, _row()], {}) == ([row], 1)


def test_a_status_that_changes_back_is_written_again() -> None:
    first, second, back = _row(), _row(status="klart", explanation=None), _row()
    assert new_reports([first, second, back], {}) == ([first, second, back], 0)


def test_loading_the_same_file_twice_changes_nothing() -> None:
    rows = [_row(), _row(org_unit="YSTAD", status="avvikelse", explanation="Bemanningsbrist.")]
    written, _ = new_reports(rows, {})
    stored: dict[ReportKey, ReportContent] = {
        (r.assignment_id, r.org_unit, str(r.period)): (r.status, r.explanation) for r in written
    }
    assert new_reports(rows, stored) == ([], 2)

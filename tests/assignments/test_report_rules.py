"""The report rules as pure functions: the date a status speaks for, the units a report
names, a report's natural key (stored once) and the reports a listing counts."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.assignments.rules import (
    ReportFact,
    StoredReport,
    as_of_errors,
    check_report,
    content_key,
    default_as_of,
    plan_reports,
    report_fact,
    report_row_errors,
    status_window,
)
from services.assignments.schemas import ReportIn, ReportRow, StatusWindow
from shared.errors import Forbidden, InvalidInput
from shared.keys import Principal
from shared.periods import Period

ANY_UNIT = Principal("k-any", frozenset({"read", "write"}), frozenset())
HSN_ONLY = Principal("k-hsn", frozenset({"read", "write"}), frozenset({"HSN"}))
TODAY = date(2024, 9, 15)
MIGRATION = (
    Path(__file__).parents[2]
    / "services/assignments/migrations/versions/0002_report_as_of_natural_key.py"
)


def _fact(**fields: Any) -> ReportFact:
    row = {
        "assignment_id": "UP2023-013",
        "org_unit": "SUS",
        "period": "2024-05",
        "status": "pagar_enligt_plan",
        "explanation": "Enligt plan.",
        **fields,
    }
    return report_fact(row["assignment_id"], ReportRow.model_validate(row), TODAY)


def _stored(fact: ReportFact, report_id: int, seq: int) -> StoredReport:
    return StoredReport(report_id, fact.natural_key, seq)


# --------------------------------------------------------------------------- as_of


def test_a_report_speaks_for_today_while_its_period_runs() -> None:
    assert default_as_of(Period.parse("2024"), TODAY) == TODAY


def test_a_report_on_an_ended_period_speaks_for_its_last_day() -> None:
    assert default_as_of(Period.parse("2024-01/2024-08"), TODAY) == date(2024, 8, 31)
    assert default_as_of(Period.parse("2023"), TODAY) == date(2023, 12, 31)


def test_as_of_may_not_be_before_the_period_nor_in_the_future() -> None:
    may = Period.parse("2024-05")
    assert as_of_errors(may, date(2024, 5, 1), TODAY, ["body"]) == []
    assert as_of_errors(may, date(2024, 8, 31), TODAY, ["body"]) == []
    [early] = as_of_errors(may, date(2024, 4, 30), TODAY, ["body"])
    assert early["loc"] == ["body", "as_of"] and "before period 2024-05" in early["msg"]
    [future] = as_of_errors(may, date(2024, 9, 16), TODAY, [])
    assert future["loc"] == ["as_of"] and "future" in future["msg"]


def test_a_report_for_a_period_not_yet_begun_is_422_on_period() -> None:
    row = ReportRow.model_validate(
        {"assignment_id": "A-1", "org_unit": "HSN", "period": "2024-10", "status": "ej_startat"}
    )
    [error] = report_row_errors(row, "assignment", ["HSN"], ANY_UNIT, TODAY)
    assert error["loc"] == ["period"] and "has not begun" in error["msg"]
    started = row.model_copy(update={"period": Period.parse("2024-Q3")})
    assert report_row_errors(started, "assignment", ["HSN"], ANY_UNIT, TODAY) == []


def test_a_single_report_with_a_wrong_as_of_is_422_on_as_of() -> None:
    body = ReportIn.model_validate(
        {"org_unit": "HSN", "period": "2024", "status": "klart", "as_of": "2023-12-31"}
    )
    with pytest.raises(InvalidInput) as refused:
        check_report("A-1", "assignment", ["HSN"], ANY_UNIT, body, TODAY)
    assert [e["loc"] for e in refused.value.errors or []] == [["body", "as_of"]]


# --------------------------------------------------------------------------- naming units


def test_a_report_names_other_responsible_units_once_in_reference_order() -> None:
    fact = _fact(org_unit="SUS", on_behalf_of="YSTAD, SUS;LANDSKRONA YSTAD")
    assert fact.on_behalf_of == ("LANDSKRONA", "YSTAD")


def test_a_named_unit_must_be_responsible_and_the_key_must_speak_for_it() -> None:
    units = ["HSN", "PVN"]
    row = ReportRow.model_validate(
        {
            "assignment_id": "A-1",
            "org_unit": "HSN",
            "period": "2024",
            "status": "klart",
            "on_behalf_of": ["PVN", "KN"],
        }
    )
    errors = report_row_errors(row, "assignment", units, ANY_UNIT, TODAY)
    not_responsible = "KN is not responsible for this assignment"
    assert errors == [{"loc": ["on_behalf_of"], "msg": not_responsible}]
    bound = report_row_errors(
        row.model_copy(update={"on_behalf_of": ["PVN"]}), "assignment", units, HSN_ONLY, TODAY
    )
    assert bound == [{"loc": ["on_behalf_of"], "msg": "this key may not report for PVN"}]
    single = ReportIn.model_validate(
        {**row.model_dump(exclude={"assignment_id"}), "on_behalf_of": ["PVN"]}
    )
    with pytest.raises(Forbidden):
        check_report("A-1", "assignment", units, HSN_ONLY, single, TODAY)


# --------------------------------------------------------------------------- natural key


def test_the_natural_key_is_slot_and_words() -> None:
    fact = _fact()
    assert fact.slot == ("UP2023-013", "SUS", "2024-05", date(2024, 5, 31))
    assert fact.natural_key[4] == content_key("pagar_enligt_plan", "Enligt plan.", ())
    assert _fact(on_behalf_of=["YSTAD"]).natural_key != fact.natural_key
    assert _fact(as_of="2024-06-30").natural_key != fact.natural_key


def test_the_migration_backfills_the_same_content_key_as_the_service() -> None:
    spec = importlib.util.spec_from_file_location("assignments_0002", MIGRATION)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for status, explanation in [("klart", None), ("avvikelse", "Försenad; pga. 30 % vakans")]:
        assert migration.content_key(status, explanation, []) == content_key(
            status, explanation, ()
        )


def test_a_row_that_repeats_the_latest_report_is_unchanged() -> None:
    # Was ``new_reports`` against the latest (status, explanation) per unit and period; the
    # slot now includes the date the report speaks for.
    stored = [_stored(_fact(), 1, 10)]
    assert plan_reports([_fact()], stored).writes == []
    assert plan_reports([_fact()], stored).unchanged == 1
    changed = _fact(explanation="Vårdplatser öppnade.")
    plan = plan_reports([changed], stored)
    assert [(p.fact, p.stored_id) for p in plan.writes] == [(changed, None)]


def test_the_same_row_twice_in_one_load_is_written_once() -> None:
    plan = plan_reports([_fact(), _fact()], [])
    assert (plan.inserted, plan.restated, plan.unchanged) == (1, 0, 1)


def test_a_status_that_changes_back_is_said_again_and_wins() -> None:
    first, second = _fact(), _fact(status="klart", explanation=None)
    # In one load: the first report is written once, after the second (it is the last word).
    plan = plan_reports([first, second, _fact()], [])
    assert [p.fact for p in plan.writes] == [second, first]
    # Stored already: the first is not stored twice, it is said again with a new number.
    stored = [_stored(first, 1, 10), _stored(second, 2, 11)]
    again = plan_reports([_fact()], stored)
    assert [(p.fact, p.stored_id) for p in again.writes] == [(first, 1)]
    assert (again.inserted, again.restated) == (0, 1)


def test_loading_the_same_file_twice_changes_nothing() -> None:
    rows = [_fact(), _fact(org_unit="YSTAD", status="avvikelse", explanation="Bemanningsbrist.")]
    written = plan_reports(rows, []).writes
    stored = [_stored(p.fact, n, 100 + n) for n, p in enumerate(written)]
    plan = plan_reports(rows, stored)
    assert (plan.writes, plan.unchanged) == ([], 2)


# --------------------------------------------------------------------------- listing window


def test_a_follow_up_year_counts_its_own_reports_up_to_its_end() -> None:
    assert status_window(2024, None, None, None) == (
        2024,
        StatusWindow(since=date(2024, 1, 1), until=date(2024, 12, 31)),
    )


def test_as_of_in_a_year_moves_the_end() -> None:
    units = frozenset({"HSN"})
    assert status_window(2024, None, date(2024, 8, 31), units) == (
        2024,
        StatusWindow(since=date(2024, 1, 1), until=date(2024, 8, 31), units=units),
    )


def test_a_period_is_its_year_as_of_its_last_day() -> None:
    period = Period.parse("2024-01/2024-08")
    assert status_window(None, period, None, None) == status_window(
        2024, None, date(2024, 8, 31), None
    )
    assert status_window(2024, period, None, None)[0] == 2024


def test_as_of_alone_has_no_start() -> None:
    assert status_window(None, None, date(2024, 8, 31), None) == (
        None,
        StatusWindow(until=date(2024, 8, 31)),
    )


@pytest.mark.parametrize(
    ("year", "period", "as_of", "name"),
    [
        (2024, None, date(2023, 12, 31), "as_of"),
        (2023, "2024-T2", None, "year"),
        (None, "2024-T2", date(2024, 8, 31), "as_of"),
    ],
)
def test_disagreeing_parameters_are_422_naming_one(
    year: int | None, period: str | None, as_of: date | None, name: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        status_window(year, Period.parse(period) if period else None, as_of, None)
    assert [e["loc"] for e in refused.value.errors or []] == [["query", name]]

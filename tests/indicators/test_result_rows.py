"""What a good result row is, without a database: each field, their agreement, what the
store knows, and the same verdict whether a batch is checked whole or row by row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from services.indicators.load_body import read_load_body
from services.indicators.result_rows import (
    COLUMNS,
    RowChecker,
    ratio_problem,
    value_problem,
)
from shared.keys import Principal

D = Decimal
ANYONE = Principal("k", frozenset({"write"}), frozenset())
SUS_ONLY = Principal("k", frozenset({"write"}), frozenset({"SUS"}))
#: ID0028 has a population denominator: hospital boards cannot report it.
KNOWN = {"ID9001": frozenset[str](), "ID0028": frozenset({"hospital_board"})}


def raw(**changes: Any) -> list[Any]:
    """A row as a load body gives it: a list in ``COLUMNS`` order, absent cells None."""
    row: dict[str, Any] = {"indicator": "ID9001", "org_unit": "SUS", "period": "2024"}
    row["value"] = "90.5"
    row.update(changes)
    return [row.get(c) for c in COLUMNS]


def checker(principal: Principal = ANYONE) -> RowChecker:
    return RowChecker(KNOWN, principal)


def fields(problems: list[dict[str, Any]]) -> list[str]:
    return [".".join(str(p) for p in problem["loc"]) for problem in problems]


def test_a_good_row_is_written_with_canonical_period_and_defaults() -> None:
    checked = checker().check_row(raw(period="2024-01/2024-12"))
    assert checked.problems == []
    assert checked.record == ("ID9001", "SUS", "2024", "total", "90.5", None, None, "final")


def test_numbers_are_kept_exactly() -> None:
    checked = checker().check_row(raw(value=D("79.70"), numerator=797, denominator="1000"))
    assert checked.record is not None
    assert checked.record[4:7] == ("79.70", "797", "1000")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"indicator": "ID0000"}, "indicator", "unknown indicator"),
        ({"org_unit": "ATLANTIS"}, "org_unit", "unknown org unit 'ATLANTIS'"),
        ({"period": "2024-13"}, "period", "month 13 does not exist"),
        ({"period": "24"}, "period", "not a period"),
        ({"breakdown": "Vård Centraler"}, "breakdown", "lower-case slug"),
        ({"value": "many"}, "value", "not a number"),
        ({"value": True}, "value", "not a number"),
        ({"status": "done"}, "status", "final"),
        ({"status": "missing"}, "value", "a missing result has no value"),
        ({"value": None}, "value", "a final result needs a value"),
        ({"numerator": 5, "denominator": 4}, "numerator", "greater than denominator"),
        ({"numerator": 1, "denominator": 0}, "denominator", "denominator > 0"),
        ({"numerator": -1}, "numerator", "must not be negative"),
        ({"org_unit": "YSTAD", "indicator": "ID0028"}, "org_unit", "population denominator"),
    ],
)
def test_each_mistake_is_named_by_its_field(
    changes: dict[str, Any], field: str, words: str
) -> None:
    checked = checker().check_row(raw(**changes))
    assert checked.record is None
    assert fields(checked.problems) == [field]
    assert words in checked.problems[0]["msg"]


@pytest.mark.parametrize(
    "changes",
    [
        {"indicator": "ID0000"},
        {"org_unit": "ATLANTIS"},
        {"org_unit": "YSTAD"},  # the key is bound to SUS
        {"period": "2024-13"},
        {"breakdown": "Vård"},
        {"value": "1,5"},
        {"value": True},
        {"status": "done"},
        {"status": "missing"},
        {"numerator": 5, "denominator": 4},
        {"numerator": "-1"},
        {"indicator": "ID0028"},
        {"indicator": ["ID9001"]},
    ],
)
def test_a_batch_with_one_bad_row_is_not_taken_whole(changes: dict[str, Any]) -> None:
    rows = [raw(), raw(breakdown="b"), raw(**changes)]
    sus = checker(SUS_ONLY)
    assert sus.check_batch([list(c) for c in zip(*rows, strict=True)]) is None
    assert sus.check_row(rows[2]).record is None


def test_a_good_batch_gives_the_records_the_rows_give_one_by_one() -> None:
    rows = [
        raw(),
        raw(org_unit="HSN", period="2024-01/2024-03", breakdown="vardcentraler"),
        raw(value=None, status="not_available"),
        raw(value=D("53.6"), numerator=536, denominator=D(1000), status="preliminary"),
        raw(indicator="ID0028", org_unit="REGION", value=18164),
    ]
    whole = checker().check_batch([list(c) for c in zip(*rows, strict=True)])
    assert whole == [checker().check_row(r).record for r in rows]


def test_a_key_bound_to_other_units_is_told_which_unit_it_may_not_write() -> None:
    checked = checker(SUS_ONLY).check_row(raw(org_unit="YSTAD"))
    assert checked.forbidden == "YSTAD"
    assert fields(checked.problems) == ["org_unit"]


def test_an_object_with_unknown_fields_names_them() -> None:
    checked = checker().check_row(
        {"indicator": "ID9001", "org_unit": "SUS", "period": "2024", "value": 1, "colour": "green"}
    )
    assert fields(checked.problems) == ["colour"]


def test_a_row_that_is_not_an_object_is_refused() -> None:
    assert checker().check_row("ID9001,SUS").problems[0]["msg"] == "a row must be an object"


def test_an_ambiguous_swedish_number_is_refused_never_guessed() -> None:
    body = read_load_body("text/csv", b"indicator;org_unit;period;value\nID9001;SUS;2024;1.234\n")
    part = next(iter(body.parts()))
    rows = part.rows() if not isinstance(part, list) else part
    checked = checker().check_row(rows[0])
    assert fields(checked.problems) == ["value"]


def test_value_and_status_must_agree() -> None:
    assert value_problem("final", has_value=True) is None
    assert value_problem("not_available", has_value=False) is None
    assert value_problem("preliminary", has_value=False) is not None
    assert value_problem("missing", has_value=True) is not None


def test_a_ratio_needs_a_positive_denominator_not_below_the_numerator() -> None:
    assert ratio_problem(D(181), D(200)) is None
    assert ratio_problem(D(0), D(1)) is None
    assert ratio_problem(D(200), D(200)) is None
    assert ratio_problem(D(201), D(200)) == ("numerator", "numerator is greater than denominator")
    assert ratio_problem(D(1), D(0)) is not None
    assert ratio_problem(None, D(0)) is None  # a lone denominator only must not be negative
    assert ratio_problem(None, D(-1)) == ("denominator", "must not be negative")

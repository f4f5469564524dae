"""Target expressions: every form in the annex is read, judged exactly, and compared for strictness."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.indicators.targets import TargetError, evaluate, parse_target, stricter_or_equal

D = Decimal


@pytest.mark.parametrize(
    ("expression", "kind", "operator", "value", "unit"),
    [
        (">95%", "threshold", ">", D(95), "percent"),
        ("≥80%", "threshold", ">=", D(80), "percent"),
        (">= 80 %", "threshold", ">=", D(80), "percent"),
        ("≥80 %", "threshold", ">=", D(80), "percent"),
        ("≥ 70%", "threshold", ">=", D(70), "percent"),
        (">75 %", "threshold", ">", D(75), "percent"),
        ("<5%", "threshold", "<", D(5), "percent"),
        ("<1,9%", "threshold", "<", D("1.9"), "percent"),
        ("≤2%", "threshold", "<=", D(2), "percent"),
        ("100%", "threshold", ">=", D(100), "percent"),
        ("50%", "threshold", ">=", D(50), "percent"),
        ("<0,5/100 vpl.", "threshold", "<", D("0.5"), "per_100_vardplatser"),
        ("<1/100 vpl.", "threshold", "<", D(1), "per_100_vardplatser"),
        ("<20 000", "threshold", "<", D(20000), None),
        ("<20\u00a0000", "threshold", "<", D(20000), None),
        ("<250", "threshold", "<", D(250), None),
        ("ökning ≥10%/år", "relative_change", ">=", D(10), "percent"),
        ("≥ 10 % minskning/år", "relative_change", ">=", D(10), "percent"),
        ("NPE: förbättring ≥1,0 enhet", "npe_improvement", ">=", D("1.0"), "unit"),
        ("förbättring med minst 1,0 enhet", "npe_improvement", ">=", D("1.0"), "unit"),
        ("minst en (1,0) enhets förbättring", "npe_improvement", ">=", D("1.0"), "unit"),
        ("+1 enhet", "npe_improvement", ">=", D(1), "unit"),
    ],
)
def test_every_annex_form_is_read(
    expression: str, kind: str, operator: str, value: Decimal, unit: str | None
) -> None:
    parsed = parse_target(expression)
    assert (parsed.kind, parsed.operator, parsed.value, parsed.unit) == (
        kind,
        operator,
        value,
        unit,
    )


def test_increase_and_no_target_forms_are_read() -> None:
    assert parse_target("Ökning").kind == "increase"
    assert parse_target("-").kind == "none"
    assert parse_target("≥ 10 % minskning/år").change == "decrease"
    assert parse_target("ökning ≥10%/år").per_year is True


@pytest.mark.parametrize("expression", ["", "abc", ">>5", "<20.000", "bättre än förut"])
def test_unreadable_expressions_say_what_could_not_be_read(expression: str) -> None:
    with pytest.raises(TargetError, match=r"read|empty"):
        parse_target(expression)


def test_npe_improvement_of_exactly_one_unit_is_met() -> None:
    rule = parse_target("NPE: förbättring ≥1,0 enhet")
    assert evaluate(rule, D("69.2"), D("68.2")) == "met"
    assert evaluate(rule, D("69.1"), D("68.2")) == "not_met"


def test_npe_improvement_follows_a_lower_is_better_direction() -> None:
    rule = parse_target("NPE: förbättring ≥1,0 enhet")
    assert evaluate(rule, D("5.0"), D("6.0"), higher_is_better=False) == "met"


def test_relative_change_is_exact() -> None:
    up = parse_target("ökning ≥10%/år")
    assert evaluate(up, D(110), D(100)) == "met"
    assert evaluate(up, D("109.99"), D(100)) == "not_met"
    down = parse_target("≥ 10 % minskning/år")
    assert evaluate(down, D(90), D(100)) == "met"
    assert evaluate(down, D("90.01"), D(100)) == "not_met"


def test_comparing_rules_without_an_earlier_value_are_not_evaluable() -> None:
    assert evaluate(parse_target("Ökning"), D(5), None) == "not_evaluable"


def test_strict_threshold_is_not_met_at_the_bound() -> None:
    assert evaluate(parse_target(">75%"), D(75), None) == "not_met"
    assert evaluate(parse_target("≥75%"), D(75), None) == "met"
    assert evaluate(parse_target("100%"), D(99), None) == "not_met"


@pytest.mark.parametrize(
    ("own", "region", "ok"),
    [
        (">90%", ">85%", True),
        (">85%", ">85%", True),
        ("≥85%", ">85%", False),
        (">80%", ">85%", False),
        ("<0,4/100 vpl.", "<0,5/100 vpl.", True),
        ("<0,6/100 vpl.", "<0,5/100 vpl.", False),
        ("ökning ≥15%/år", "ökning ≥10%/år", True),
        ("ökning ≥5%/år", "ökning ≥10%/år", False),
        ("ökning ≥5%/år", "Ökning", True),
        ("-", ">85%", False),
        (">50%", "-", True),
        ("<90%", ">85%", False),
    ],
)
def test_a_committee_target_must_be_at_least_as_strict(own: str, region: str, ok: bool) -> None:
    assert stricter_or_equal(parse_target(own), parse_target(region))[0] is ok

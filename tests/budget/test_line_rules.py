"""The rules of budget lines and of the rows booked on them, without a database."""

from __future__ import annotations

from typing import Any

import pytest

from services.budget import schemas as s
from services.budget.line_rules import (
    check_deletable,
    check_line,
    check_rows_authorised,
    flow_row_id,
    line_id,
)
from shared.errors import Conflict, Forbidden, InvalidInput
from shared.keys import Principal


def _line(revenue: int | None, cost: int | None) -> s.BudgetLineIn:
    return s.BudgetLineIn(revenue=revenue, cost=cost, counterparty="external")


def _key(*org_units: str) -> Principal:
    return Principal("k1", frozenset({"read", "write"}), frozenset(org_units))


def test_ids_are_the_natural_keys_written_out() -> None:
    assert line_id("HSN", 2024, "tandvard") == "HSN/2024/tandvard"
    assert flow_row_id("HSN", "tandvard", "2024-12") == "HSN/tandvard/2024-12"


def test_a_budget_is_stated_with_both_revenue_and_cost_or_not_at_all() -> None:
    check_line(_line(0, 1_042_000_000))
    check_line(_line(None, None))  # the line exists, its budget is not stated
    for line, missing in ((_line(5, None), "cost"), (_line(None, 5), "revenue")):
        with pytest.raises(InvalidInput) as caught:
            check_line(line)
        assert [e["loc"] for e in caught.value.errors or []] == [["body", missing]]


def test_a_line_nothing_refers_to_may_be_deleted() -> None:
    check_deletable("HSN", 2024, "tandvard", outcomes=0, forecasts=0, earmarked=0)


def test_a_line_in_use_names_what_uses_it() -> None:
    with pytest.raises(Conflict) as caught:
        check_deletable("HSN", 2024, "tandvard", outcomes=3, forecasts=0, earmarked=1)
    assert "has outcomes and earmarked money" in caught.value.detail


def test_a_key_bound_to_one_committee_loads_only_its_rows() -> None:
    rows: list[Any] = [{"org_unit": "SUS"}, {"org_unit": "HSN"}]
    with pytest.raises(Forbidden, match="'HSN'"):
        check_rows_authorised(_key("SUS"), rows)
    check_rows_authorised(_key("SUS", "HSN"), rows)
    check_rows_authorised(_key(), rows)  # an unbound key speaks for every org unit


def test_rows_that_name_no_known_org_unit_are_left_to_validation() -> None:
    rows: list[Any] = [{"org_unit": "ATLANTIS"}, {"org_unit": 7}, "not a row", {}]
    check_rows_authorised(_key("SUS"), rows)

"""The rules of a grant without a database: components, the build-up, transfers."""

from __future__ import annotations

from typing import Any

import pytest

from services.budget import schemas as s
from services.budget.grant_rules import Component, build_up, check_components, plan_transfers
from shared.errors import Conflict, InvalidInput
from tests.budget.helpers import MN


def _grant(*components: dict[str, Any], **body: Any) -> s.GrantIn:
    return s.GrantIn.model_validate({"components": list(components), **body})


def _comp(kind: str, amount: int, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "label": kind, "amount": amount, **extra}


def _invalid_fields(org_unit: str, body: s.GrantIn) -> list[list[str | int]]:
    with pytest.raises(InvalidInput) as caught:
        check_components(org_unit, body)
    return [e["loc"] for e in caught.value.errors or []]


def test_the_build_up_separates_the_ingoing_grant_from_the_tillaggsbudget() -> None:
    total, sub = build_up(
        [
            Component("base", "Föregående år", 1000 * MN),
            Component("indexation", "Uppräkning", 44 * MN),
            Component("efficiency", "Effektiviseringskrav", -15 * MN),
            Component("supplementary", "Tilläggsbudget", 10 * MN, decision="RF", used=True),
            Component("supplementary", "Tilläggsbudget", 5 * MN, decision="RF", used=False),
        ]
    )
    assert total == 1044 * MN  # every component, the whole tilläggsbudget included
    assert sub.total_excluding_supplementary == 1029 * MN
    assert sub.increase == 29 * MN
    assert (sub.supplementary_used, sub.supplementary_unused) == (10 * MN, 5 * MN)
    assert sub.total_with_used_supplementary == 1039 * MN


def test_a_valid_grant_passes() -> None:
    body = _grant(
        _comp("base", 1000),
        _comp("efficiency", -10),
        _comp("supplementary", 5, decision="RF 2024-06-11", used=True),
        _comp("transfer", -7, counterparty="PVN"),
        _comp("other", 3, derived=True, derivation="remainder"),
    )
    check_components("HSN", body)


def test_each_kind_breaking_its_rule_is_named() -> None:
    body = _grant(
        _comp("efficiency", 5),
        _comp("supplementary", 5),
        _comp("base", 1, used=True),
        _comp("transfer", -7, counterparty="HSN"),
        _comp("other", 1, counterparty_text="andra nämnder"),
        _comp("other", 1, derived=True),
        _comp("other", 1, derivation="how"),
    )
    assert _invalid_fields("HSN", body) == [
        ["body", "components", 0, "amount"],
        ["body", "components", 1, "decision"],
        ["body", "components", 1, "used"],
        ["body", "components", 2, "used"],
        ["body", "components", 3, "counterparty"],
        ["body", "components", 4, "counterparty"],
        ["body", "components", 5, "derivation"],
        ["body", "components", 6, "derived"],
    ]


def test_one_base_and_consistent_efficiency_percentages() -> None:
    efficiency = {"gross_indexation_bp": 440, "efficiency_bp": 150, "net_indexation_bp": 300}
    body = _grant(_comp("base", 1), _comp("base", 2), efficiency_requirement=efficiency)
    assert _invalid_fields("HSN", body) == [
        ["body", "components"],
        ["body", "efficiency_requirement"],
    ]


def test_a_transfer_out_is_mirrored_on_the_counterparty() -> None:
    out = Component("transfer", "Barnhälsovård", -7 * MN, counterparty="PVN")
    plan = plan_transfers("HSN", 2024, [out], stored=[])
    assert plan.components == [out]
    assert plan.mirrors == {
        "PVN": [
            Component("transfer", "Barnhälsovård", 7 * MN, counterparty="HSN", mirrored_from="HSN")
        ]
    }


def test_an_unchanged_mirror_is_not_rewritten() -> None:
    out = Component("transfer", "Barnhälsovård", -7 * MN, counterparty="PVN")
    stored = [("HSN", out), ("PVN", out.mirror("HSN"))]
    assert plan_transfers("HSN", 2024, [out], stored).mirrors == {}


def test_removing_the_transfer_empties_the_mirror() -> None:
    out = Component("transfer", "Barnhälsovård", -7 * MN, counterparty="PVN")
    stored = [("HSN", out), ("PVN", out.mirror("HSN"))]
    base = Component("base", "base", 1)
    assert plan_transfers("HSN", 2024, [base], stored).mirrors == {"PVN": []}


def test_the_mirrored_side_keeps_the_owners_figures_when_it_says_the_same_sum() -> None:
    mirror = Component("transfer", "Barnhälsovård", 7 * MN, counterparty="HSN", mirrored_from="HSN")
    stored = [("PVN", mirror), ("HSN", Component("transfer", "x", -7 * MN, counterparty="PVN"))]
    sent_back = [
        Component("base", "base", 500 * MN),
        Component("transfer", "as read", 3 * MN, counterparty="HSN"),
        Component("transfer", "as read", 4 * MN, counterparty="HSN"),
    ]
    plan = plan_transfers("PVN", 2024, sent_back, stored)
    assert plan.components == [sent_back[0], mirror]
    assert plan.mirrors == {}


@pytest.mark.parametrize("said", [[], [5 * MN]])
def test_contradicting_the_owners_transfer_is_a_conflict(said: list[int]) -> None:
    mirror = Component("transfer", "Barnhälsovård", 7 * MN, counterparty="HSN", mirrored_from="HSN")
    sent = [Component("transfer", "t", amount, counterparty="HSN") for amount in said]
    with pytest.raises(Conflict, match="HSN's grant"):
        plan_transfers("PVN", 2024, sent, [("PVN", mirror)])


def test_a_transfer_the_other_committee_records_as_its_own_is_changed_there() -> None:
    theirs = Component("transfer", "t", 7 * MN, counterparty="HSN")
    with pytest.raises(Conflict, match="change it there"):
        plan_transfers("HSN", 2024, [], [("PVN", theirs)])

"""Responsible units and group tokens, as rules: no database."""

from __future__ import annotations

import pytest

from services.assignments.units import (
    GROUP_NAMES,
    ResponsibleUnits,
    after_patch,
    check_org_unit_or_group,
    expand,
    resolve,
)
from tests.assignments.conftest import BOARDS


def test_samtliga_sjukhusstyrelser_is_the_eight_boards() -> None:
    assert expand("ALL_HOSPITAL_BOARDS") == BOARDS


def test_samtliga_styrelser_och_namnder_is_every_committee_and_board_not_the_region() -> None:
    everyone = expand("ALL_COMMITTEES")
    assert len(everyone) == 19
    assert "REGION" not in everyone
    assert {"HSN", "PVN", "KTN", *BOARDS} <= set(everyone)


def test_a_unit_code_is_itself() -> None:
    assert expand("HSN") == ["HSN"]


def test_the_lead_is_among_the_units_once_in_reference_order() -> None:
    units = resolve("PHHN", ["SUS", "HSN", "PHHN"])
    assert units == ResponsibleUnits("PHHN", None, ["HSN", "PHHN", "SUS"])


def test_a_group_as_lead_names_the_group_and_no_single_unit() -> None:
    units = resolve("ALL_HOSPITAL_BOARDS", [])
    assert units.lead_org_unit is None
    assert units.lead_text == "Samtliga sjukhusstyrelser"
    assert units.units == BOARDS
    assert units.lead_code == "ALL_HOSPITAL_BOARDS"


def test_a_group_among_the_other_units_is_expanded() -> None:
    assert resolve("HSN", ["ALL_HOSPITAL_BOARDS"]).units == ["HSN", *BOARDS]


def test_replacing_the_other_units_keeps_a_group_lead() -> None:
    current = resolve("ALL_HOSPITAL_BOARDS", [])
    patched = after_patch(current, None, ["HSN"])
    assert patched == ResponsibleUnits(None, "Samtliga sjukhusstyrelser", ["HSN", *BOARDS])


def test_a_new_lead_keeps_the_units_the_old_lead_among_them() -> None:
    current = resolve("HSN", ["PHHN"])
    assert after_patch(current, "PVN", None) == ResponsibleUnits(
        "PVN", None, ["HSN", "PVN", "PHHN"]
    )


def test_replacing_the_other_units_keeps_the_lead() -> None:
    current = resolve("HSN", ["PHHN", "PVN"])
    assert after_patch(current, None, ["RS"]).units == ["HSN", "RS"]


@pytest.mark.parametrize("value", ["HSN", "REGION", *GROUP_NAMES])
def test_units_and_group_tokens_may_be_named(value: str) -> None:
    assert check_org_unit_or_group(value) == value


def test_an_unknown_unit_is_named_in_the_message() -> None:
    with pytest.raises(ValueError, match="MARS"):
        check_org_unit_or_group("MARS")

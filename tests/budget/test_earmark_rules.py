"""The rules of earmarked money (riktade medel), without a database."""

from __future__ import annotations

from typing import Any

import pytest

from services.budget import schemas as s
from services.budget.earmark_rules import check_not_moved, check_use
from shared.errors import InvalidInput

STORED = {"org_unit": "HSN", "year": 2024, "line": "psykiatri", "purpose": "PTP-platser"}


def _entry(**kw: Any) -> s.EarmarkedIn:
    return s.EarmarkedIn.model_validate({**STORED, "amount": 15, **kw})


def _invalid_fields(call: Any, *args: Any) -> list[list[str | int]]:
    with pytest.raises(InvalidInput) as caught:
        call(*args)
    return [e["loc"] for e in caught.value.errors or []]


def test_using_at_most_what_was_earmarked_is_fine() -> None:
    check_use(_entry(used_amount=15))
    check_use(_entry(amount=None, used_amount=9))  # no amount stated: nothing to exceed


def test_using_more_than_was_earmarked_is_refused() -> None:
    assert _invalid_fields(check_use, _entry(used_amount=16)) == [["body", "used_amount"]]


def test_recording_its_use_is_not_moving_it() -> None:
    check_not_moved("ptp", STORED, _entry(used_amount=9, decision="RS 2024-02-01"))


def test_moving_it_names_each_field_it_is_tied_to() -> None:
    moved = _entry(year=2025, line="tandvard")
    assert _invalid_fields(check_not_moved, "ptp", STORED, moved) == [
        ["body", "year"],
        ["body", "line"],
    ]
    with pytest.raises(InvalidInput, match="cannot be moved to other activity"):
        check_not_moved("ptp", STORED, _entry(purpose="Något annat"))

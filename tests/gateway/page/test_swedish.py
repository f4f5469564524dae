"""Swedish print of numbers, money and periods (pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.page.shaping import value_text
from gateway.page.swedish import MINUS, NBSP, mnkr, number, period_label, share


@pytest.mark.parametrize(
    ("value", "decimals", "printed"),
    [
        (1234.5, None, f"1{NBSP}234,5"),
        (Decimal("1234567.25"), None, f"1{NBSP}234{NBSP}567,25"),
        (69.2, None, "69,2"),
        (66, None, "66"),
        (66, 1, "66,0"),
        (-83.9, None, f"{MINUS}83,9"),
        (Decimal("0.05"), 1, "0,1"),  # half up, not to even
        (Decimal("0.25"), 1, "0,3"),
        (999, None, "999"),
        (1000, None, f"1{NBSP}000"),
        (None, None, "–"),  # a gap is shown, never filled
    ],
)
def test_numbers_are_written_the_swedish_way(
    value: Decimal | float | int | None, decimals: int | None, printed: str
) -> None:
    assert number(value, decimals) == printed


def test_money_is_shown_in_mnkr_from_integer_kronor_exactly() -> None:
    assert mnkr(85_300_000) == "85,3"  # HSN 2024's result
    assert mnkr(16_074_700_000) == f"16{NBSP}074,7"  # its regionbidrag
    assert mnkr(-83_900_000) == f"{MINUS}83,9"
    assert mnkr(50_000) == "0,1"
    assert mnkr(None) == "–"


def test_shares_and_values() -> None:
    assert share(Decimal("0.4286")) == f"43{NBSP}%"
    assert value_text(83.5, "percent") == f"83,5{NBSP}%"
    assert value_text(66, "index_score") == "66,0"
    assert value_text(Decimal("0.25"), "percent") == f"0,25{NBSP}%"
    assert value_text(12, "count") == "12"
    assert value_text(None, "percent") == "–"


def test_periods_are_named_in_swedish() -> None:
    assert period_label("2024") == "2024"
    assert period_label("2024-08") == "augusti 2024"
    assert period_label("2024-01/2024-09") == "januari–september 2024"

"""Kronor arithmetic: exact sums, and rounding half away from zero in two places only."""

from __future__ import annotations

import pytest

from services.budget.money import difference, mnkr, mnkr_strings, prorate, sum_known


@pytest.mark.parametrize(
    ("amount", "months", "expected"),
    [
        (18, 1, 2),  # 1,5 -> 2
        (-18, 1, -2),  # -1,5 -> -2, not -1
        (1_000_001, 1, 83_333),  # 83 333,4
        (1_000_001, 5, 416_667),  # 416 667,08
        (-1_200_000_000, 8, -800_000_000),
    ],
)
def test_the_budget_to_date_rounds_half_away_from_zero(
    amount: int, months: int, expected: int
) -> None:
    assert prorate(amount, months) == expected


def test_the_full_year_budget_to_date_is_the_budget_itself() -> None:
    for amount in (0, 1, -7, 1_000_001, -15_428_700_001):
        assert prorate(amount, 12) == amount


@pytest.mark.parametrize(
    ("kronor", "shown"),
    [
        (15_428_700_000, "15 428,7"),
        (15_428_650_000, "15 428,7"),  # half away from zero
        (16_074_700_000, "16 074,7"),
        (85_300_000, "85,3"),
        (-161_000_000, "-161,0"),
        (-50_000, "-0,1"),
        (49_999, "0,0"),
        (0, "0,0"),
    ],
)
def test_mnkr_is_swedish_with_one_decimal(kronor: int, shown: str) -> None:
    assert mnkr(kronor) == shown


def test_display_strings_leave_out_unknown_figures() -> None:
    assert mnkr_strings({"grant": 1_200_000_000, "deviation": None}) == {"grant": "1 200,0"}


def test_an_unknown_figure_is_not_zero() -> None:
    assert sum_known([None, None]) is None
    assert sum_known([]) is None
    assert sum_known([0, None]) == 0
    assert sum_known([5, None, -7]) == -2
    assert difference(None, 3) is None
    assert difference(3, None) is None
    assert difference(-880, -800) == -80

"""Kronor arithmetic and display: pure functions, no session, no I/O.

Money is integer kronor throughout; every sum and deviation is exact integer arithmetic.
Rounding happens in documented places only: the budget pro rata (``prorate``) and the
mnkr display strings (``mnkr``), both half away from zero, and a goal's ratio in basis
points (``ratio``), toward not meeting the goal; whether a goal is met is decided on
integers (``meets``), never on the rounded figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

BP = 10_000  # basis points in a whole: 1 % = 100
#: How a goal holds a ratio to its threshold.
Comparison = Literal["at_least", "at_most"]


def divide_half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero (denominator > 0)."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return -quotient if numerator < 0 else quotient


def prorate(amount: int, months: int) -> int:
    """The budget for the first ``months`` months: amount x months / 12, half away from zero.

    No seasonal profile is known, so every month weighs the same."""
    return divide_half_away(amount * months, 12)


def mnkr(kronor: int) -> str:
    """Kronor as mnkr (miljoner kronor) with one decimal, Swedish style: 15428700000 ->
    '15 428,7'."""
    tenths = divide_half_away(kronor, 100_000)
    whole, tenth = divmod(abs(tenths), 10)
    sign = "-" if tenths < 0 else ""
    return f"{sign}{whole:,}".replace(",", " ") + f",{tenth}"


def mnkr_strings(figures: Mapping[str, int | None]) -> dict[str, str]:
    """The display strings of the figures that are known, by the same names."""
    return {name: mnkr(kronor) for name, kronor in figures.items() if kronor is not None}


def sum_known(values: Iterable[int | None]) -> int | None:
    """The sum of the figures that are known; None when none is (unknown is not zero)."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def difference(minuend: int | None, subtrahend: int | None) -> int | None:
    """minuend - subtrahend, or None when either is unknown."""
    return None if minuend is None or subtrahend is None else minuend - subtrahend


@dataclass(frozen=True)
class Ratio:
    """value / base exactly (``numerator`` / ``denominator``, denominator > 0), and in whole
    basis points rounded toward not meeting the goal (``exact``: no rounding was needed)."""

    numerator: int
    denominator: int
    bp: int
    exact: bool


def ratio(value: int, base: int, comparison: Comparison) -> Ratio:
    """value / base (base > 0) in whole basis points, rounded toward not meeting the goal:
    down for ``at_least``, up for ``at_most``. A ratio shown at the threshold is met."""
    if base <= 0:
        raise ValueError("a ratio's base must be positive")
    scaled = value * BP
    low = scaled // base  # floor, also for negative values
    exact = low * base == scaled
    bp = low if exact or comparison == "at_least" else low + 1
    return Ratio(value, base, bp, exact)


def meets(value: int, base: int, threshold_bp: int, comparison: Comparison) -> bool:
    """Whether value / base is at least (at most) ``threshold_bp``, in integers (base > 0)."""
    if comparison == "at_least":
        return value * BP >= base * threshold_bp
    return value * BP <= base * threshold_bp


def share_of(base: int, threshold_bp: int) -> Decimal:
    """``threshold_bp`` basis points of ``base`` kronor, exact (at most four decimals)."""
    return Decimal(base * threshold_bp).scaleb(-4)


def percent(bp: int) -> str:
    """Basis points as a percentage to read: 200 -> '2.00 %'."""
    sign = "-" if bp < 0 else ""
    whole, rest = divmod(abs(bp), 100)
    return f"{sign}{whole}.{rest:02d} %"

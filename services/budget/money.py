"""Kronor arithmetic and display: pure functions, no session, no I/O.

Money is integer kronor throughout; every sum and deviation is exact integer arithmetic.
Rounding happens in two documented places only: the budget pro rata (``prorate``) and the
mnkr display strings (``mnkr``), both half away from zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


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

"""Numbers, money and periods written the Swedish way (pure functions).

Swedish print groups thousands with a space and marks decimals with a comma: ``1 234,5``.
The space is a non-breaking one (U+00A0) so a figure never wraps across lines; a minus is
the typographic minus sign (U+2212), as the region's reports print it. Money arrives in
integer kronor and is shown in miljoner kronor (mnkr) with one decimal, rounded half up
with ``Decimal`` (never through a float).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
MINUS = "\u2212"
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def number(value: Decimal | float | int | None, decimals: int | None = None) -> str:
    """``1234.5`` → ``1 234,5``; ``decimals`` fixes the decimals (half up), else the value's own.
    ``None`` (no value) is a dash: a gap is shown, never filled."""
    if value is None:
        return "–"
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    if decimals is not None:
        exact = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = MINUS if exact < 0 else ""
    text = format(abs(exact), "f")
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    grouped = NBSP.join(groups)
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def mnkr(kronor: int | None) -> str:
    """Integer kronor as miljoner kronor with one decimal: ``85300000`` → ``85,3``."""
    if kronor is None:
        return "–"
    return number(Decimal(kronor) / Decimal(1_000_000), 1)


def share(fraction: Decimal | float | int | None) -> str:
    """A share 0–1 as a whole percentage: ``0.4286`` → ``43 %``."""
    if fraction is None:
        return "–"
    return f"{number(Decimal(str(fraction)) * 100, 0)}{NBSP}%"


def period_label(period: str) -> str:
    """``2024`` → ``2024``; ``2024-08`` → ``augusti 2024``; ``2024-01/2024-08`` →
    ``januari–augusti 2024``."""
    first, _, last = period.partition("/")
    if not last:
        if len(first) == 7:
            return f"{MONTHS[int(first[5:]) - 1]} {first[:4]}"
        return first
    if first[:4] == last[:4]:
        return f"{MONTHS[int(first[5:]) - 1]}–{MONTHS[int(last[5:]) - 1]} {last[:4]}"
    return f"{period_label(first)}–{period_label(last)}"

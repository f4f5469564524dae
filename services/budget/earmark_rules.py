"""The rules of earmarked money (riktade medel): pure functions, no session, no I/O."""

from __future__ import annotations

from collections.abc import Mapping

from services.budget import schemas as s
from shared.errors import InvalidInput, field_error

EARMARK_MOVED = "earmarked money cannot be moved to other activity"
#: What earmarked money is tied to for good: a write changing any of them is refused.
TIED_TO = ("org_unit", "year", "line", "purpose")


def check_use(body: s.EarmarkedIn) -> None:
    """No more can be used than was earmarked (where both are stated)."""
    if (
        body.amount is not None
        and body.used_amount is not None
        and 0 <= body.amount < body.used_amount
    ):
        raise InvalidInput(
            "More is used than was earmarked.",
            errors=[field_error(["body", "used_amount"], "exceeds amount")],
        )


def check_not_moved(eid: str, stored: Mapping[str, object], body: s.EarmarkedIn) -> None:
    """422 naming each of org unit, year, line and purpose that a rewrite of ``stored``
    would change: the money stays with what it was earmarked for."""
    moved = [
        field_error(["body", f], f"{EARMARK_MOVED}: {f} is {stored[f]!r}")
        for f in TIED_TO
        if stored[f] != getattr(body, f)
    ]
    if moved:
        raise InvalidInput(
            f"{EARMARK_MOVED.capitalize()}: entry {eid!r} is tied to its "
            f"{', '.join(e['loc'][-1] for e in moved)}; create a new entry instead.",
            errors=moved,
        )

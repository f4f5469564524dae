"""Where an indicator sits in the goal hierarchy: övergripande mål → område → delmål.

Pure functions over the shared reference goals (``shared/reference/goals.yaml``): no
database, no HTTP. Users write an area or a delmål by its name/text or its code
(``G2.A1``, ``G2.A1.D1``); what is stored and shown is always the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from shared.errors import InvalidInput, field_error
from shared.reference import goals


@dataclass(frozen=True)
class Placement:
    """An indicator's goal, area and (optional) delmål, by name."""

    goal: str
    area: str
    delmal: str | None


def place(area: str, goal: str | None = None, delmal: str | None = None) -> Placement:
    """Find the area (name or code) and its delmål in the goal hierarchy; 422 otherwise.

    ``goal``, when given, must be the goal the area belongs to (name or code)."""
    for known_goal in goals():
        for known_area in known_goal.areas:
            if area not in (known_area.name, known_area.code):
                continue
            if goal is not None and goal not in (known_goal.name, known_goal.code):
                raise InvalidInput(
                    f"Area {known_area.name!r} belongs to goal {known_goal.name!r}, not {goal!r}.",
                    errors=[field_error(["body", "goal"], f"area is under {known_goal.name!r}")],
                )
            found = None
            if delmal is not None:
                matches = [d for d in known_area.delmal if delmal in (d.text, d.code)]
                if not matches:
                    raise InvalidInput(
                        f"Delmål {delmal!r} is not under area {known_area.name!r}.",
                        errors=[field_error(["body", "delmal"], "not a delmål of the area")],
                    )
                found = matches[0].text
            return Placement(known_goal.name, known_area.name, found)
    raise InvalidInput(
        f"Area {area!r} is not in the goal hierarchy (shared reference goals).",
        errors=[field_error(["body", "area"], f"unknown area {area!r}")],
    )


def area_names(area: str) -> list[str]:
    """The stored area names an area filter (a name or a code) stands for.

    An unknown filter stands for itself, so it simply matches nothing."""
    names = [a.name for g in goals() for a in g.areas if area in (a.name, a.code)]
    return names or [area]


@dataclass(frozen=True)
class _TreeOrder:
    goal: dict[str, int]
    area: dict[str, int]
    delmal: dict[str, int]


@cache
def _tree_order() -> _TreeOrder:
    order = _TreeOrder({}, {}, {})
    for g in goals():
        order.goal.setdefault(g.name, len(order.goal))
        for a in g.areas:
            order.area.setdefault(a.name, len(order.area))
            for d in a.delmal:
                order.delmal.setdefault(d.text, len(order.delmal))
    return order


def tree_position(goal: str, area: str, delmal: str | None, code: str) -> tuple[int, int, int, str]:
    """A sort key putting indicators in the hierarchy's order (as the annex lists them):
    by goal, area and delmål, then code; names outside the hierarchy last."""
    order = _tree_order()
    return (
        order.goal.get(goal, 99),
        order.area.get(area, 999),
        order.delmal.get(delmal or "", -1),
        code,
    )

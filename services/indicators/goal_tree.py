"""Where an indicator sits in the goal hierarchy: övergripande mål → område → delmål.

Pure functions over the shared reference goals (``shared/reference/goals.yaml``): no
database, no HTTP. Users write an area or a delmål by its name/text or its code
(``G2.A1``, ``G2.A1.D1``); what is stored and shown is always the name.

An indicator has its own place; some of its breakdowns may be placed elsewhere, as the
annex does with the NPE indicators: per care setting under "Högt förtroende för god och
jämlik vård", for SVF cancer patients under "Högkvalitativ cancervård i hela Skåne"
(``placements``; ``placement_of`` says where one breakdown sits).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Protocol

from shared.errors import InvalidInput, field_error
from shared.reference import goals


@dataclass(frozen=True)
class Placement:
    """An indicator's goal, area and (optional) delmål, by name."""

    goal: str
    area: str
    delmal: str | None


Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class BreakdownPlacement:
    """Breakdowns of an indicator placed elsewhere than the indicator itself."""

    placement: Placement
    breakdowns: tuple[str, ...]


def place(
    area: str, goal: str | None = None, delmal: str | None = None, loc: Loc = ("body",)
) -> Placement:
    """Find the area (name or code) and its delmål in the goal hierarchy; 422 otherwise.

    ``goal``, when given, must be the goal the area belongs to (name or code); ``loc`` is
    where the fields sit in the request, for the problem to name."""
    for known_goal in goals():
        for known_area in known_goal.areas:
            if area not in (known_area.name, known_area.code):
                continue
            if goal is not None and goal not in (known_goal.name, known_goal.code):
                raise InvalidInput(
                    f"Area {known_area.name!r} belongs to goal {known_goal.name!r}, not {goal!r}.",
                    errors=[field_error([*loc, "goal"], f"area is under {known_goal.name!r}")],
                )
            found = None
            if delmal is not None:
                matches = [d for d in known_area.delmal if delmal in (d.text, d.code)]
                if not matches:
                    raise InvalidInput(
                        f"Delmål {delmal!r} is not under area {known_area.name!r}.",
                        errors=[field_error([*loc, "delmal"], "not a delmål of the area")],
                    )
                found = matches[0].text
            return Placement(known_goal.name, known_area.name, found)
    raise InvalidInput(
        f"Area {area!r} is not in the goal hierarchy (shared reference goals).",
        errors=[field_error([*loc, "area"], f"unknown area {area!r}")],
    )


class PlacementAsked(Protocol):
    """What a request says about a placement (``schemas.PlacementIn``)."""

    area: str
    goal: str | None
    delmal: str | None
    breakdowns: list[str]


def place_breakdowns(asked: Sequence[PlacementAsked]) -> list[BreakdownPlacement]:
    """Each placement found in the goal hierarchy; 422 naming the placement that is not, or
    a breakdown placed twice."""
    seen: dict[str, int] = {}
    out: list[BreakdownPlacement] = []
    for n, p in enumerate(asked):
        loc: Loc = ("body", "placements", n)
        for breakdown in p.breakdowns:
            if breakdown in seen:
                raise InvalidInput(
                    f"Breakdown {breakdown!r} is placed twice (placements {seen[breakdown]} "
                    f"and {n}).",
                    errors=[field_error([*loc, "breakdowns"], f"{breakdown!r} placed twice")],
                )
            seen[breakdown] = n
        found = place(p.area, p.goal, p.delmal, loc)
        out.append(BreakdownPlacement(found, tuple(p.breakdowns)))
    return out


def placements_json(placements: Sequence[BreakdownPlacement]) -> str | None:
    """The stored form of the placements (None when there are none)."""
    if not placements:
        return None
    return json.dumps(
        [
            {
                "goal": p.placement.goal,
                "area": p.placement.area,
                "delmal": p.placement.delmal,
                "breakdowns": list(p.breakdowns),
            }
            for p in placements
        ],
        ensure_ascii=False,
    )


def stored_placements(text: str | None) -> list[BreakdownPlacement]:
    """The placements as stored by ``placements_json``."""
    if not text:
        return []
    return [
        BreakdownPlacement(Placement(p["goal"], p["area"], p.get("delmal")), tuple(p["breakdowns"]))
        for p in json.loads(text)
    ]


def placement_of(
    own: Placement, placements: Sequence[BreakdownPlacement], breakdown: str
) -> Placement:
    """Where one breakdown of an indicator sits: where a placement names it, else where the
    indicator itself does."""
    for p in placements:
        if breakdown in p.breakdowns:
            return p.placement
    return own


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
    return (*_place_position(goal, area, delmal), code)


@lru_cache(maxsize=1024)
def _place_position(goal: str, area: str, delmal: str | None) -> tuple[int, int, int]:
    # An evaluation asks for the same few dozen places on every call.
    order = _tree_order()
    return (order.goal.get(goal, 99), order.area.get(area, 999), order.delmal.get(delmal or "", -1))

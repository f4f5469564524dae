"""The goal tree of a view: goal → area → delmål → indicator → its evaluations (pure).

In the order of ``shared/reference/goals.yaml``, the order a verksamhetsberättelse prints.
Empty branches are dropped: a goal, area or delmål appears only when an evaluation hangs
under it (an area also appears when the service gave it a verdict). Evaluations whose goal,
area or delmål the reference tree does not know are kept, after the known ones, in the
order the service gave them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from pydantic import BaseModel, Field

from gateway.followup.indicators import AreaEvaluation, Evaluation
from shared.reference import goals

Item = TypeVar("Item")
_UNKNOWN = 10_000


class IndicatorNode(BaseModel):
    indicator: str
    name: str | None
    evaluations: list[Evaluation] = Field(
        description="The indicators service's evaluation items (one per breakdown), "
        "without the goal/area/delmal fields the tree already says."
    )


class DelmalNode(BaseModel):
    code: str | None = Field(description="Reference code (G1.A1.D1); null when not in the tree.")
    delmal: str | None
    indicators: list[IndicatorNode]


class AreaNode(BaseModel):
    code: str | None
    area: str | None
    verdict: AreaEvaluation | None = Field(description="The area evaluation, if any.")
    delmal: list[DelmalNode]


class GoalNode(BaseModel):
    code: str | None
    goal: str | None
    areas: list[AreaNode]


def _reference_positions() -> tuple[
    dict[str, int], dict[str, tuple[int, int, str]], dict[tuple[str, str], tuple[int, str]]
]:
    goal_pos: dict[str, int] = {}
    area_pos: dict[str, tuple[int, int, str]] = {}
    delmal_pos: dict[tuple[str, str], tuple[int, str]] = {}
    for gi, goal in enumerate(goals()):
        goal_pos[goal.name] = gi
        for ai, area in enumerate(goal.areas):
            area_pos.setdefault(area.name, (gi, ai, area.code))
            for di, delmal in enumerate(area.delmal):
                delmal_pos.setdefault((area.name, delmal.text), (di, delmal.code))
    return goal_pos, area_pos, delmal_pos


_GOAL_POS, _AREA_POS, _DELMAL_POS = _reference_positions()
_GOAL_CODES = {g.name: g.code for g in goals()}


def _area_key(area: str | None) -> tuple[int, int]:
    pos = _AREA_POS.get(area or "")
    return (pos[0], pos[1]) if pos else (_UNKNOWN, _UNKNOWN)


def goal_of_area(area: str | None) -> str | None:
    """The övergripande mål an area serves, by the reference tree."""
    pos = _AREA_POS.get(area or "")
    return goals()[pos[0]].name if pos else None


def in_area_order(items: Iterable[Item], area_of: Callable[[Item], str | None]) -> list[Item]:
    """``items`` in the tree order of their area, the service's order within an area."""
    listed = list(enumerate(items))
    return [item for _, item in sorted(listed, key=lambda p: (*_area_key(area_of(p[1])), p[0]))]


# goal → area → delmål → indicator code → its evaluations, in first-seen order.
_Grouped = dict[str | None, dict[str | None, dict[str | None, dict[str, list[Evaluation]]]]]


def goal_tree(
    evaluations: Sequence[Evaluation], area_verdicts: Sequence[AreaEvaluation]
) -> list[GoalNode]:
    """goal → area → delmål → indicator → evaluations, in reference order, empty branches dropped."""
    # Insertion-ordered grouping keeps the service's order where the tree says nothing.
    grouped: _Grouped = {}
    names: dict[str, str] = {}
    for item in evaluations:
        goal = item.goal or goal_of_area(item.area)
        if item.name:
            names.setdefault(item.indicator, item.name)
        grouped.setdefault(goal, {}).setdefault(item.area, {}).setdefault(
            item.delmal, {}
        ).setdefault(item.indicator, []).append(item)
    verdicts = {v.area: v for v in area_verdicts}
    for area_name in verdicts:
        grouped.setdefault(goal_of_area(area_name), {}).setdefault(area_name, {})

    first_seen = {g: i for i, g in enumerate(grouped)}
    return [
        GoalNode(
            code=_GOAL_CODES.get(goal or ""),
            goal=goal,
            areas=_area_nodes(grouped[goal], verdicts, names),
        )
        for goal in sorted(grouped, key=lambda g: (_GOAL_POS.get(g or "", _UNKNOWN), first_seen[g]))
    ]


def _area_nodes(
    areas: dict[str | None, dict[str | None, dict[str, list[Evaluation]]]],
    verdicts: dict[str, AreaEvaluation],
    names: dict[str, str],
) -> list[AreaNode]:
    area_seen = {a: i for i, a in enumerate(areas)}
    nodes = []
    for area in sorted(areas, key=lambda a: (*_area_key(a), area_seen[a])):
        area_pos = _AREA_POS.get(area or "")
        nodes.append(
            AreaNode(
                code=area_pos[2] if area_pos else None,
                area=area,
                verdict=verdicts.get(area or ""),
                delmal=_delmal_nodes(area, areas[area], names),
            )
        )
    return nodes


def _delmal_nodes(
    area: str | None,
    delmals: dict[str | None, dict[str, list[Evaluation]]],
    names: dict[str, str],
) -> list[DelmalNode]:
    seen = {d: i for i, d in enumerate(delmals)}

    def order(delmal: str | None) -> tuple[int, int]:
        pos = _DELMAL_POS.get((area or "", delmal or ""))
        # Known delmål in reference order, then unknown ones, then the area's own indicators.
        return (pos[0] if pos else (_UNKNOWN + 1 if delmal is None else _UNKNOWN), seen[delmal])

    return [
        DelmalNode(
            code=(_DELMAL_POS.get((area or "", d or "")) or (None, None))[1],
            delmal=d,
            indicators=[
                IndicatorNode(indicator=code, name=names.get(code), evaluations=evaluations)
                for code, evaluations in delmals[d].items()
            ],
        )
        for d in sorted(delmals, key=order)
    ]

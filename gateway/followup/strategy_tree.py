"""The view's goal tree grouped by a strategy tree instead of the 2021 hierarchy (pure).

``?tree=2026`` groups the evaluations by the Strategi för Framtidens hälsosystem (seed 003):
group (Processer och arbetssätt, Organisation och styrning, Möjliggörare, Fokusförflyttningar)
→ insatsområde or förflyttning → the indicators linked to it (``GET
/v1/goal-trees/2026/links``). The nodes are the same models as the 2021 tree's (``goal`` the
group, ``area`` the insatsområde, one ``delmal`` node without text), so a reader of the view
reads either. An indicator linked to several nodes is under each; evaluations linked to no
node come last, under a node without code or name (shown, not dropped). No area verdicts:
the strategy sets no rule for them.
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.followup.indicators import Evaluation, TreeLink
from gateway.followup.tree import AreaNode, DelmalNode, GoalNode, IndicatorNode
from shared.reference import goal_trees


def _indicator_nodes(
    codes: Sequence[str], by_code: dict[str, list[Evaluation]]
) -> list[IndicatorNode]:
    return [
        IndicatorNode(indicator=code, name=by_code[code][0].name, evaluations=by_code[code])
        for code in codes
    ]


def _area(code: str | None, name: str | None, indicators: list[IndicatorNode]) -> AreaNode:
    return AreaNode(
        code=code,
        area=name,
        verdict=None,
        delmal=[DelmalNode(code=None, delmal=None, indicators=indicators)],
    )


def strategy_goal_tree(
    tree: str, evaluations: Sequence[Evaluation], links: Sequence[TreeLink]
) -> list[GoalNode]:
    """The evaluations under the nodes of ``tree`` their indicators are linked to, in the
    tree's order; within a node in the evaluations' order; empty nodes dropped."""
    by_code: dict[str, list[Evaluation]] = {}
    for item in evaluations:
        by_code.setdefault(item.indicator, []).append(item)
    linked: dict[str, set[str]] = {}
    for link in links:
        linked.setdefault(link.node, set()).add(link.indicator)
    goals: list[GoalNode] = []
    for group in goal_trees()[tree].groups:
        areas = []
        for area in group.areas:
            codes = [c for c in by_code if c in linked.get(area.code, set())]
            if codes:
                areas.append(_area(area.code, area.name, _indicator_nodes(codes, by_code)))
        if areas:
            goals.append(GoalNode(code=group.code, goal=group.name, areas=areas))
    every_linked = set().union(*linked.values()) if linked else set()
    rest = [c for c in by_code if c not in every_linked]
    if rest:
        goals.append(
            GoalNode(
                code=None, goal=None, areas=[_area(None, None, _indicator_nodes(rest, by_code))]
            )
        )
    return goals

"""The goal trees (målträd) indicators are followed up in: ``GET /v1/goal-trees`` and
``GET /v1/goal-trees/{tree}/links``.

Two trees (``shared/reference/goal_trees.yaml``): the 2021 hierarchy (seed 000 with the
annex of 002 and 004), where an indicator sits by its own goal, area and delmål; and the
2026 Strategi för Framtidens hälsosystem (seed 003), seven insatsområden and five
fokusförflyttningar, to which indicators are linked in ``goal_tree_link`` (loaded from
``seed/goal_tree_links.yaml``, each link with why). An indicator may sit in both trees
and under several nodes of the 2026 one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.indicators import production_repository as repository
from services.indicators.evaluation_repository import indicators_to_evaluate
from services.indicators.production_schemas import (
    GoalTreeOut,
    TreeGroupOut,
    TreeLinkOut,
    TreeNodeOut,
)
from shared.reference import DEFAULT_GOAL_TREE, check_goal_tree, goal_trees, goals

#: How the 2021 tree's links are made: from each indicator's own placement.
PLACEMENT_REASON = "The indicator's own place in the 2021 hierarchy (its goal, area and delmål)."


def list_trees() -> list[GoalTreeOut]:
    return [
        GoalTreeOut(
            id=t.id,
            name=t.name,
            source=t.source,
            valid_from=t.valid_from,
            levels=list(t.levels),
            default=t.id == DEFAULT_GOAL_TREE,
            links="placement" if t.id == DEFAULT_GOAL_TREE else "link_table",
            groups=[
                TreeGroupOut(
                    code=g.code,
                    name=g.name,
                    areas=[
                        TreeNodeOut(code=a.code, name=a.name, direction=list(a.direction))
                        for a in g.areas
                    ],
                )
                for g in t.groups
            ],
        )
        for t in goal_trees().values()
    ]


def _codes_2021() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    areas = {a.name: a.code for g in goals() for a in g.areas}
    delmal = {(a.name, d.text): d.code for g in goals() for a in g.areas for d in a.delmal}
    return areas, delmal


def tree_links(session: Session, tree: str) -> list[TreeLinkOut]:
    """Where each indicator sits in ``tree`` and why (422 naming ``tree`` when unknown)."""
    found = check_goal_tree(tree, ["path", "tree"])
    if found.id == DEFAULT_GOAL_TREE:
        areas, delmal = _codes_2021()
        rows = [
            *indicators_to_evaluate(session, None),
            *repository.volume_indicators(session, None),
        ]
        return sorted(
            (
                TreeLinkOut(
                    tree=found.id,
                    node=(delmal.get((r.area, r.delmal or "")) or areas.get(r.area) or r.area),
                    node_name=r.delmal or r.area,
                    group=r.goal,
                    indicator=r.code,
                    name=r.name,
                    kind=r.kind,
                    reason=PLACEMENT_REASON,
                )
                for r in rows
            ),
            key=lambda link: (link.node, link.indicator),
        )
    nodes = {a.code: (g.name, a.name) for g in found.groups for a in g.areas}
    return [
        TreeLinkOut(
            tree=found.id,
            node=r.node,
            node_name=nodes.get(r.node, (None, None))[1],
            group=nodes.get(r.node, (None, None))[0],
            indicator=r.indicator,
            name=r.name,
            kind=r.kind,
            reason=r.reason,
        )
        for r in repository.tree_links(session, found.id)
    ]

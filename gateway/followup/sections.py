"""The view's sections beyond the three sources, fetched beside them and added to the view.

- ``production`` (indicators) and ``internal_control`` (assignments, committees only), read
  from the view sections the sources ask for anyway (``/v1/follow-up-section``),
  ``financial_goals`` (budget: ``/v1/financial-goals``, REGION and RS only): each marked
  ``unavailable`` with its problem when its call fails, which makes the view ``partial``;
- ``?tree=2026`` regroups the view's goal tree by the strategy tree (``strategy_tree``),
  from the indicators service's links of that tree; ``goal_tree`` says which tree the view
  is grouped by, where it comes from, and whether its links could be read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from gateway.followup.financial_goals import FinancialGoalsSection, financial_goals_section
from gateway.followup.indicators import TreeLink
from gateway.followup.internal_control import InternalControlSection, internal_control_section
from gateway.followup.production import ProductionSection, production_section
from gateway.followup.section_state import GoalTreeShown, SectionState, Settled, settled
from gateway.followup.sources import ViewClients
from gateway.followup.strategy_tree import strategy_goal_tree
from gateway.followup.tree import GoalNode
from shared.periods import Period
from shared.reference import DEFAULT_GOAL_TREE, goal_trees


@dataclass(frozen=True)
class Sections:
    production: ProductionSection
    internal_control: InternalControlSection | None
    financial_goals: FinancialGoalsSection | None
    tree: str
    links: Settled[list[TreeLink]] | None


async def fetch_sections(
    clients: ViewClients, org_unit: str, period: Period, *, tree: str = DEFAULT_GOAL_TREE
) -> Sections:
    """The sections at once, each by its service's deadline for the view: production and
    internal control from the view sections ``clients`` ask for anyway, the financial
    goals and a strategy tree's links by calls of their own."""
    indicators, assignments, budget = clients.indicators, clients.assignments, clients.budget

    async def links() -> Settled[list[TreeLink]] | None:
        if tree == DEFAULT_GOAL_TREE:
            return None
        return await settled(
            indicators.tree_links(tree), upstream="indicators", until=indicators.deadline_at
        )

    production, control, goals, tree_links = await asyncio.gather(
        production_section(indicators, org_unit, period),
        internal_control_section(assignments, org_unit, period),
        financial_goals_section(budget, org_unit, period),
        links(),
    )
    return Sections(production, control, goals, tree, tree_links)


def section_fields(goals: list[GoalNode], partial: bool, sections: Sections) -> dict[str, Any]:
    """What the sections change in the view (``FollowUpView.model_copy(update=...)``): the
    sections, the goals regrouped by the tree asked for, ``goal_tree``, and ``partial``
    when any section could not be filled."""
    shown = goal_trees()[sections.tree]
    links = sections.links
    if links is not None:
        evaluations = [
            ev
            for goal in goals
            for area in goal.areas
            for delmal in area.delmal
            for indicator in delmal.indicators
            for ev in indicator.evaluations
        ]
        goals = strategy_goal_tree(sections.tree, evaluations, links.data or [])
    filled: list[SectionState | None] = [
        sections.production,
        sections.internal_control,
        sections.financial_goals,
    ]
    unavailable = any(s is not None and s.state != "ok" for s in filled) or (
        links is not None and links.state != "ok"
    )
    return {
        "goals": goals,
        "goal_tree": GoalTreeShown(
            id=shown.id,
            name=shown.name,
            source=shown.source,
            state=links.state if links else "ok",
            problem=links.problem if links else None,
        ),
        "production": sections.production,
        "internal_control": sections.internal_control,
        "financial_goals": sections.financial_goals,
        "partial": partial or unavailable,
    }

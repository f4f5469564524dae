"""The view's financial-goals section (finansiella mål), in the REGION and RS views only:
Region Skåne's financial goals judged for the period's year by the budget service
(``GET /v1/financial-goals``). The goals are the region's, so a key that may not read
REGION's data leaves the section unavailable (with the service's problem), not the view."""

from __future__ import annotations

from pydantic import Field

from gateway.followup.budget import BudgetClient, FinancialGoal
from gateway.followup.section_state import SectionState, settled
from shared.periods import Period

#: The views that show the region's financial goals: the region's and Regionstyrelsen's.
SHOWN_IN = frozenset({"REGION", "RS"})


class FinancialGoalsSection(SectionState):
    year: int
    goals: list[FinancialGoal] = Field(
        description="Each goal met, not_met or not_evaluable (missing_years named)."
    )


async def financial_goals_section(
    client: BudgetClient, org_unit: str, period: Period
) -> FinancialGoalsSection | None:
    if org_unit not in SHOWN_IN:
        return None
    found = await settled(
        client.financial_goals(period),
        upstream="budget",
        until=client.deadline_at,
        refusal_is_unavailable=True,
    )
    return FinancialGoalsSection(
        state=found.state,
        problem=found.problem,
        year=period.year,
        goals=found.data.goals if found.data else [],
    )

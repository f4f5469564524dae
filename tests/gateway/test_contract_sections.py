"""The read models of the view's production, internal-control, financial-goals and
goal-tree calls against the real services (as ``test_contract.py`` does for the three
sources): the answers parse, the query parameters sent are declared, and every field the
gateway reads is in the service's schema."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel

from gateway.followup.assignments import (
    AssignmentsClient,
    InternalControl,
    InternalControlOverview,
)
from gateway.followup.budget import BudgetClient, FinancialGoals
from gateway.followup.financial_goals import financial_goals_section
from gateway.followup.indicators import IndicatorsClient, ProductionList, TreeLinkList
from tests.gateway.test_contract import (
    YEAR,
    Recording,
    answer_schema,
    assert_asked_as_declared,
    headers,
    mismatches,
    run,
    service_document,
    upstream_of,
)
from tests.harness import ServiceHarness


def schema_mismatches(harness: ServiceHarness, path: str, model: type[BaseModel]) -> list[str]:
    document = service_document(harness)
    components = document.get("components", {}).get("schemas", {})
    return mismatches(model, answer_schema(document, path), components, path)


def test_the_indicators_service_answers_the_production_and_tree_calls(
    indicators: ServiceHarness,
) -> None:
    indicators.seed()
    network = Recording(indicators)
    upstream = upstream_of("indicators", network)
    client = IndicatorsClient(upstream, headers(indicators))

    async def both() -> tuple[Any, Any]:
        return await asyncio.gather(client.production("HSN", YEAR), client.tree_links("2026"))

    volumes, links = run(both(), upstream)
    operations = [v for v in volumes if v.indicator == "PROD-OPERATIONER"]
    assert operations and operations[0].change == 1071 and operations[0].gaps == []
    assert links and all(link.reason and link.node.startswith("FHS.") for link in links)
    assert_asked_as_declared(
        service_document(indicators),
        [r for r in network.requests if r.url.path == "/v1/follow-up-section"],
    )
    assert schema_mismatches(indicators, "/v1/production", ProductionList) == []
    assert schema_mismatches(indicators, "/v1/goal-trees/{tree}/links", TreeLinkList) == []


def test_the_assignments_service_answers_the_internal_control_calls(
    assignments: ServiceHarness,
) -> None:
    assignments.seed()
    network = Recording(assignments)
    upstream = upstream_of("assignments", network)
    client = AssignmentsClient(upstream, headers(assignments))

    async def both() -> tuple[Any, Any]:
        return await asyncio.gather(
            client.internal_control("HSN", YEAR), client.internal_control_overview(YEAR)
        )

    control, overview = run(both(), upstream)
    assert control.org_unit == "HSN" and control.half == 2
    assert overview.committees and overview.without_follow_up_this_half == len(
        overview.not_followed_up
    )
    assert_asked_as_declared(service_document(assignments), network.requests)
    assert schema_mismatches(assignments, "/v1/internal-control", InternalControl) == []
    assert schema_mismatches(assignments, "/v1/internal-control", InternalControlOverview) == []


def test_the_budget_service_answers_the_financial_goals_call(budget: ServiceHarness) -> None:
    budget.seed()
    network = Recording(budget)
    upstream = upstream_of("budget", network)
    client = BudgetClient(upstream, headers(budget))
    goals = run(client.financial_goals(YEAR), upstream)
    assert goals.year == 2024 and {g.goal for g in goals.goals} == {
        "result",
        "balance_requirement",
        "self_financing",
        "net_debt",
    }
    assert_asked_as_declared(service_document(budget), network.requests)
    assert schema_mismatches(budget, "/v1/financial-goals", FinancialGoals) == []


def test_a_key_that_may_not_read_the_region_leaves_the_goals_unavailable(
    budget: ServiceHarness,
) -> None:
    """RS's view asks for the region's goals: a key bound to RS may not read REGION's data,
    so the section is unavailable with the service's 403 problem, not the whole view."""
    budget.seed()
    upstream = upstream_of("budget", Recording(budget))
    bound = [(k.lower(), v) for k, v in budget.auth("read", "RS").items()]
    section = run(financial_goals_section(BudgetClient(upstream, bound), "RS", YEAR), upstream)
    assert section is not None and section.state == "unavailable"
    assert section.problem is not None and section.problem["status"] == 403
    assert section.goals == []

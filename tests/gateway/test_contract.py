"""The gateway's read models against the real services (consumer-driven contract tests).

Each typed client of ``gateway.followup`` calls the REAL service app (its ``build_app``, on
a migrated, seeded store) in this process, through the gateway's own ``Upstream`` with the
network swapped for ``httpx.ASGITransport``. Two checks per route the gateway uses:

* the answers parse into the gateway's read models (with data in them, so every field
  the gateway reads was read), and the query parameters the client sends are ones the
  service declares, ``limit`` included wherever the service pages;
* every field a read model declares is in the service's OpenAPI schema of that answer,
  nullable there only where the read model accepts ``null``.

And the proxy's route table sends every ``/v1`` route of every service to that service.

A service that renames, drops or retypes a field the gateway reads fails both.

One module of about 420 lines: every route the gateway reads is checked here in the same
two ways, and the table of those routes is read as one, beside the checks it drives.
"""

from __future__ import annotations

import asyncio
import copy
import types
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar, Union, get_args, get_origin

import httpx
import pytest
from pydantic import BaseModel, ValidationError

from gateway.config import GatewaySettings
from gateway.cycle.clients import ExpectedAnswer
from gateway.followup import assignments as assignment_reading
from gateway.followup import budget as budget_reading
from gateway.followup import indicators as indicator_reading
from gateway.followup.assignments import AssignmentPage, AssignmentsClient, InternalControl
from gateway.followup.budget import BudgetClient, ForecastRounds, Summary
from gateway.followup.indicators import (
    AreaEvaluationList,
    EvaluationList,
    EvaluationSummary,
    IndicatorsClient,
    ProductionList,
)
from gateway.openapi import ServiceDocument
from gateway.operations import ServiceReady
from gateway.proxy import upstream_for
from gateway.upstream.breaker import CircuitBreaker
from gateway.upstream.transport import HttpxTransport
from gateway.upstream.upstream import Upstream
from shared.periods import Period
from tests.harness import ServiceHarness

T = TypeVar("T")
Schema = dict[str, Any]
#: Long enough for a cold, in-process service on a shared machine; the contract is the point.
DEADLINE = 60.0
YEAR = Period.parse("2024")
#: The route and answer model of each call the gateway makes, by service.
ROUTES: dict[str, list[tuple[str, type[BaseModel]]]] = {
    "indicators": [
        ("/v1/evaluations", EvaluationList),
        ("/v1/area-evaluations", AreaEvaluationList),
        ("/v1/evaluation-summary", EvaluationSummary),
        ("/v1/follow-up-section", indicator_reading.FollowUpSection),
        ("/v1/expected", ExpectedAnswer),
        ("/ready", ServiceReady),
        ("/openapi.json", ServiceDocument),
    ],
    "assignments": [
        ("/v1/assignments", AssignmentPage),
        ("/v1/follow-up-section", assignment_reading.FollowUpSection),
        ("/v1/expected", ExpectedAnswer),
        ("/ready", ServiceReady),
        ("/openapi.json", ServiceDocument),
    ],
    "budget": [
        ("/v1/summary", Summary),
        ("/v1/forecast-rounds", ForecastRounds),
        ("/v1/follow-up-section", budget_reading.FollowUpSection),
        ("/v1/expected", ExpectedAnswer),
        ("/ready", ServiceReady),
        ("/openapi.json", ServiceDocument),
    ],
}


class Recording(httpx.AsyncBaseTransport):
    """The service app in this process, remembering every request the gateway sent it."""

    def __init__(self, harness: ServiceHarness) -> None:
        self.app = httpx.ASGITransport(app=harness.app)
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.app.handle_async_request(request)


def upstream_of(name: str, network: Recording) -> Upstream:
    transport = HttpxTransport(f"http://{name}", GatewaySettings(), network=network)
    breaker = CircuitBreaker(name, failure_threshold=1000, cooldown=1.0)
    return Upstream(name, transport, deadline=DEADLINE, breaker=breaker)


def run(work: Awaitable[T], upstream: Upstream) -> T:
    async def then_close() -> T:
        try:
            return await work
        finally:
            await upstream.aclose()

    return asyncio.run(then_close())


def headers(harness: ServiceHarness) -> list[tuple[str, str]]:
    return [(k.lower(), v) for k, v in harness.auth("read").items()]


def service_document(harness: ServiceHarness) -> Schema:
    document: Schema = harness.app.openapi()
    return document


# --- the answers parse, and the calls ask what the service offers ------------------------


def assert_asked_as_declared(document: Schema, requests: list[httpx.Request]) -> None:
    assert requests, "the client made no call"
    for request in requests:
        operation = document["paths"][request.url.path]["get"]
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        sent = set(request.url.params)
        assert sent <= declared, f"{request.url.path}: {sent - declared} not declared"
        if "limit" in declared:
            assert "limit" in sent, f"{request.url.path} pages: the client must ask for all"


def test_the_indicators_service_answers_what_the_view_reads(indicators: ServiceHarness) -> None:
    indicators.seed()
    network = Recording(indicators)
    upstream = upstream_of("indicators", network)
    client = IndicatorsClient(upstream, headers(indicators))

    async def all_four() -> tuple[Any, Any, Any, Any]:
        return await asyncio.gather(
            client.evaluations("REGION", YEAR),
            client.area_evaluations("REGION", YEAR),
            client.view_section("REGION", YEAR),
            upstream.read(
                "/v1/production",
                ProductionList,
                params={"org_unit": "REGION", "period": "2024"},
                headers=headers(indicators),
            ),
        )

    evaluations, areas, section, production = run(all_four(), upstream)
    assert evaluations and areas and production.items, "the seed has REGION's 2024"
    # The view reads its one section: it must be exactly the three lists.
    assert section.evaluations == evaluations
    assert section.areas == areas
    assert section.production == production.items
    assert all(e.org_unit == "REGION" and e.period == "2024" for e in evaluations)
    assert any(e.target is not None for e in evaluations)
    assert any(a.verdict in ("met", "not_met") for a in areas)
    assert any(e.coverage and e.coverage_note for e in evaluations), "year-to-date values"
    assert_asked_as_declared(service_document(indicators), network.requests)


def test_the_indicators_service_gives_hsn_the_regions_indicators(
    indicators: ServiceHarness,
) -> None:
    """The view asks for the committee itself: HSN's evaluations are REGION's values."""
    indicators.seed()
    upstream = upstream_of("indicators", Recording(indicators))
    client = IndicatorsClient(upstream, headers(indicators))

    async def both() -> tuple[Any, Any]:
        return await asyncio.gather(
            client.evaluations("HSN", YEAR), client.evaluations("REGION", YEAR)
        )

    hsn, region = run(both(), upstream)
    assert {e.value_org_unit for e in hsn} <= {"HSN", "REGION"}
    assert [(e.indicator, e.breakdown, e.value) for e in hsn] == [
        (e.indicator, e.breakdown, e.value) for e in region
    ]


def test_the_assignments_service_answers_what_the_view_reads(
    assignments: ServiceHarness,
) -> None:
    assignments.seed()
    network = Recording(assignments)
    upstream = upstream_of("assignments", network)
    client = AssignmentsClient(upstream, headers(assignments))
    jan_aug = Period.parse("2024-01/2024-08")

    async def both() -> tuple[Any, Any]:
        return await asyncio.gather(
            client.assignments_of("HSN", YEAR), client.assignments_of("HSN", jan_aug)
        )

    items, early = run(both(), upstream)
    reported = [a for a in items if a.latest_report is not None]
    assert reported, "the seed has reports on HSN's assignments"
    assert all(a.reported and a.status_as_of == "2024-12-31" for a in reported)
    assert all(a.latest_status == a.latest_report.status for a in reported if a.latest_report)
    assert sum(1 for a in items if a.latest_status == "avvikelse") == 3
    # Every HSN report of the seed speaks for 2024-12-31: none counts as of 2024-08-31.
    assert early and not any(a.reported for a in early)
    assert {a.status_code for a in early} == {"ingen_rapport"}
    assert sorted(r.url.params["as_of"] for r in network.requests) == [
        "2024-08-31",
        "2024-12-31",
    ]
    assert_asked_as_declared(service_document(assignments), network.requests)


def test_the_assignments_view_section_is_the_list_and_the_internal_control(
    assignments: ServiceHarness,
) -> None:
    assignments.seed()
    network = Recording(assignments)
    upstream = upstream_of("assignments", network)
    client = AssignmentsClient(upstream, headers(assignments))
    jan_aug = Period.parse("2024-01/2024-08")

    async def asked() -> tuple[Any, Any, Any, Any]:
        return await asyncio.gather(
            client.view_section("HSN", jan_aug),
            client.assignments_of("HSN", jan_aug),
            upstream.read(
                "/v1/internal-control",
                InternalControl,
                params={"org_unit": "HSN", "year": 2024, "as_of": "2024-08-31"},
                headers=headers(assignments),
            ),
            client.view_section("REGION", jan_aug),
        )

    section, listed, control, region = run(asked(), upstream)
    assert section.assignments == listed and listed
    assert section.internal_control == control and control.org_unit == "HSN"
    # The region decides no risk analysis of its own: nothing to show, not an error.
    assert region.internal_control is None
    assert_asked_as_declared(service_document(assignments), network.requests)


def test_the_budget_service_answers_what_the_view_reads(budget: ServiceHarness) -> None:
    budget.seed()
    network = Recording(budget)
    upstream = upstream_of("budget", network)
    client = BudgetClient(upstream, headers(budget))

    async def five() -> tuple[Summary | None, Summary | None, Summary | None, Any, Any]:
        return await asyncio.gather(
            client.summary("HSN", YEAR),
            client.summary("HSN", Period.parse("2024-01/2024-08")),
            client.summary("KN", YEAR),
            client.forecast_rounds("HSN", Period.parse("2024-01/2024-08")),
            client.view_summary("HSN", Period.parse("2024-01/2024-08")),
        )

    year, to_august, without_figures, rounds, section_summary = run(five(), upstream)
    # The view's section carries the same summary as the summary's own route.
    assert section_summary == to_august
    # The rounds made by August (mars, maj, augusti); no forecasts ship with the suite.
    assert rounds is not None and rounds.through == "2024-08"
    assert [(r.round, r.made) for r in rounds.rounds] == [
        ("mars", False),
        ("maj", False),
        ("augusti", False),
    ]
    assert rounds.latest_round is None and rounds.total.forecast_result is None
    assert year is not None and year.grant and year.lines
    # The headline is HSN's own stated result; no budget total is stated for 2024.
    assert year.outcome_result == 85_300_000 and year.deviation is None
    assert year.total.missing == ["budget"] and year.total.explanation
    assert year.line_sums.lines == len(year.lines)
    assert year.reported.deviations and year.reported.figures
    assert to_august is not None and to_august.grant == year.grant
    # A unit without figures is answered with empty figures (a 404 would be read as none).
    assert without_figures is not None and without_figures.grant is None
    assert_asked_as_declared(service_document(budget), network.requests)


@pytest.mark.parametrize("service", ["indicators", "assignments", "budget"])
def test_the_operational_answers_parse(service: str, request: pytest.FixtureRequest) -> None:
    harness: ServiceHarness = request.getfixturevalue(service)
    upstream = upstream_of(service, Recording(harness))

    async def both() -> tuple[ServiceReady, ServiceDocument]:
        return await asyncio.gather(
            upstream.read("/ready", ServiceReady), upstream.read("/openapi.json", ServiceDocument)
        )

    ready, document = run(both(), upstream)
    assert ready.status == "ready"
    assert any(path.startswith("/v1/") for path in document.paths)


def test_a_renamed_field_makes_an_answer_unreadable() -> None:
    item = {"area": "God tillgänglighet", "evaluated": 2, "met": 1, "share": 0.5}
    AreaEvaluationList.model_validate({"items": [{**item, "verdict": "met"}]})
    with pytest.raises(ValidationError):
        AreaEvaluationList.model_validate({"items": [{**item, "outcome": "met"}]})


# --- the read models are in the services' schemas --------------------------------------


def _branches(schema: Schema, components: Schema) -> Iterator[Schema]:
    """The alternatives of ``schema``, references resolved and unions flattened."""
    if ref := schema.get("$ref"):
        yield from _branches(components[ref.rsplit("/", 1)[-1]], components)
    elif union := schema.get("anyOf") or schema.get("oneOf"):
        for branch in union:
            yield from _branches(branch, components)
    else:
        yield schema


def _objects(schema: Schema, components: Schema) -> list[Schema]:
    """The object schemas ``schema`` may be, looking into arrays."""
    found: list[Schema] = []
    for branch in _branches(schema, components):
        if branch.get("type") == "array":
            found += _objects(branch.get("items", {}), components)
        elif "properties" in branch:
            found.append(branch)
    return found


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def _accepts_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None):
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_accepts_none(arg) for arg in get_args(annotation))
    return annotation is Any


def mismatches(model: type[BaseModel], schema: Schema, components: Schema, at: str) -> list[str]:
    """What ``model`` reads that ``schema`` (some object it may be) does not promise."""
    candidates = _objects(schema, components)
    if not candidates:
        return [f"{at}: not an object in the service's schema"]
    return min((_against(model, c, components, at) for c in candidates), key=len)


def _against(model: type[BaseModel], schema: Schema, components: Schema, at: str) -> list[str]:
    properties: Schema = schema["properties"]
    wrong = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in properties:
            wrong.append(f"{at}.{key}: not in the service's schema")
            continue
        nullable = any(b.get("type") == "null" for b in _branches(properties[key], components))
        if nullable and not _accepts_none(field.annotation):
            wrong.append(f"{at}.{key}: may be null there, the gateway needs a value")
        for nested in _models_in(field.annotation):
            wrong += mismatches(nested, properties[key], components, f"{at}.{key}")
    return wrong


def answer_schema(document: Schema, path: str) -> Schema:
    schema: Schema = document["paths"][path]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    return schema


@pytest.mark.parametrize("service", ["indicators", "assignments", "budget"])
def test_every_field_the_gateway_reads_is_in_the_services_schema(
    service: str, request: pytest.FixtureRequest
) -> None:
    harness: ServiceHarness = request.getfixturevalue(service)
    document = service_document(harness)
    components = document.get("components", {}).get("schemas", {})
    for path, model in ROUTES[service]:
        if path == "/openapi.json":
            continue  # the document itself: it is what is read here
        assert mismatches(model, answer_schema(document, path), components, path) == []


def test_the_schema_check_catches_a_renamed_field(indicators: ServiceHarness) -> None:
    document = copy.deepcopy(service_document(indicators))
    components = document["components"]["schemas"]
    area = next(
        schema
        for schema in components.values()
        if {"verdict", "evaluated"} <= set(schema.get("properties", {}))
    )
    area["properties"]["outcome"] = area["properties"].pop("verdict")
    found = mismatches(
        AreaEvaluationList, answer_schema(document, "/v1/area-evaluations"), components, "x"
    )
    assert found == ["x.items.verdict: not in the service's schema"]


# --- the proxy reaches every route ------------------------------------------------------


@pytest.mark.parametrize("service", ["indicators", "assignments", "budget"])
def test_the_proxy_routes_every_v1_route_of_a_service_to_it(
    service: str, request: pytest.FixtureRequest
) -> None:
    harness: ServiceHarness = request.getfixturevalue(service)
    paths = [p for p in service_document(harness)["paths"] if p.startswith("/v1/")]
    # Every service has these: the audit trails are reached by name instead,
    # /v1/audit/{service}; the period locks, what is expected of a unit, the data version
    # and the view's section are each service's own, not passed through (see gateway/README.md).
    everyones = {"/v1/audit", "/v1/expected", "/v1/data-version", "/v1/follow-up-section"} | {
        p for p in paths if p.startswith("/v1/locks")
    }
    elsewhere = {
        p: upstream_for(p) for p in paths if p not in everyones and upstream_for(p) != service
    }
    assert elsewhere == {}

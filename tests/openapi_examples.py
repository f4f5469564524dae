"""Refreshes the examples of the OpenAPI documents from a suite seeded with the region's data.

    .venv/bin/python -m tests.openapi_examples

starts the suite on throwaway SQLite stores (``shared.suite``: the seeds of every service),
makes the calls below with an admin key and writes what was sent and answered into
``services/<name>/examples.py`` and ``gateway/examples.py`` (``shared.openapi_doc`` puts them
into the documents): answers by their schema's name, bodies with no named schema by the
operation's id. Lists are cut to one item. Writes go to the throwaway stores only: loads as
``dry_run`` where the seeds hold the rows, what the seeds lack (internal control, a forecast,
a decision) written first, and marked as illustrations in the modules' docstrings.
``tests/gateway/test_openapi.py`` then checks every example against its schema. Run it
again when a schema changes or a route is added; a route it does not call is reported.

One module of about 470 lines: the calls are a script read top to bottom (each write
before the reads that show it), and what is written where follows from all of them.
"""

from __future__ import annotations

import json
import pprint
import re
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel

from shared.registry import store_owners
from shared.settings import REPO_ROOT
from shared.suite import Stack, new_stack, prepare_stores

Json = Any
#: What ``Collector`` gathered per app: examples by schema name, and by operation id.
Gathered = dict[str, dict[str, Json]]

TARGETS = {
    "indicators": "services/indicators/examples.py",
    "assignments": "services/assignments/examples.py",
    "budget": "services/budget/examples.py",
    "gateway": "gateway/examples.py",
}
#: What each module's docstring says of its data.
ABOUT = {
    "indicators": (
        "the indicators service's",
        "ID0288 and the other indicators of HSN's 2024 quality annex, with their targets, "
        "results and volumes",
        "",
    ),
    "assignments": (
        "the assignments service's",
        "Uppföljningsplan 2023 and HSN's 2024 status reports",
        "No internal control is seeded: HSN's 2024 risk analysis here illustrates what "
        "Uppföljningsplan 2023 asks of every committee; it is not the region's. ",
    ),
    "budget": (
        "the budget service's",
        "HSN's 2024 regionbidrag, budget lines, outcomes and earmarked money",
        "The seeds state no forecast and no region-wide figures: the forecast shown is an HSN "
        "2024 budget line as a forecast made in August, the figures row states none. ",
    ),
    "gateway": (
        "the gateway's own",
        "the follow-up view of HSN for 2024, the overview of 2024, the follow-up calendar",
        "HSN's decision on its 2024 report is an illustration (the seeds do not date it). ",
    ),
}

MODULE = '''"""{doc}
"""

from shared.openapi_doc import Examples

EXAMPLES = Examples(
    schemas={schemas},
    bodies={bodies},
)
'''
DOC = (
    "Examples of {what} OpenAPI document (``shared.openapi_doc``), by schema name and, for a "
    "body with no named schema, by operation id.\n\n"
    "Real answers of the suite seeded with the region's documents ({seeds}), lists cut to one "
    "item; request bodies are what those answers were loaded or written with. {extra}Long "
    "because it is data, one example per body the API takes or gives. Made by "
    "``python -m tests.openapi_examples``; ``tests/gateway/test_openapi.py`` checks each "
    "against its schema."
)


def trim(value: Json) -> Json:
    """Lists cut to one item; the suite's loopback address as the gateway's default."""
    if isinstance(value, list):
        return [trim(v) for v in value[:1]]
    if isinstance(value, dict):
        return {k: trim(v) for k, v in value.items()}
    if isinstance(value, str):
        return re.sub(r"http://127\.0\.0\.1:\d+", "http://127.0.0.1:8000", value)
    return value


def fit(model: type[BaseModel], item: dict[str, Json], **extra: Json) -> dict[str, Json]:
    """The fields of ``model`` in ``item`` (an answer), checked against ``model`` in JSON."""
    body = {k: item[k] for k in model.model_fields if k in item} | extra
    model.model_validate_json(json.dumps(body))
    return body


class Collector:
    """Calls the running suite and keeps each body under its schema's name."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.bases = {name: p.base_url for name, p in stack.services.items()}
        self.bases["gateway"] = stack.gateways[0].base_url
        self.documents = {
            name: httpx.get(f"{base}/openapi.json", timeout=30).json()
            for name, base in self.bases.items()
        }
        self.schemas: Gathered = {name: {} for name in self.bases}
        self.bodies: Gathered = {name: {} for name in self.bases}
        self.called: set[tuple[str, str, str]] = set()

    def has(self, app: str, path: str) -> bool:
        return path in self.documents[app]["paths"]

    def _operation(self, app: str, method: str, url: str) -> tuple[str, dict[str, Json]]:
        """The path template ``url`` is asked on (a literal path before a templated one)."""
        path = url.split("?", 1)[0]
        paths: dict[str, dict[str, Json]] = self.documents[app]["paths"]
        matching = [
            template
            for template, item in paths.items()
            if method in item
            and re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), path)
        ]
        if not matching:
            raise LookupError(f"{app}: no operation {method.upper()} {path}")
        template = path if path in matching else matching[0]
        return template, paths[template][method]

    def _keep(self, app: str, media: dict[str, Json], key: str, value: Json) -> None:
        ref = media.get("schema", {}).get("$ref")
        if isinstance(ref, str):
            self.schemas[app].setdefault(ref.rsplit("/", 1)[-1], value)
        else:
            self.bodies[app].setdefault(key, value)

    def call(self, app: str, method: str, url: str, body: Json = None) -> Json:
        template, operation = self._operation(app, method, url)
        answer = httpx.request(
            method.upper(),
            self.bases[app] + url,
            json=body,
            headers=self.stack.auth("admin"),
            timeout=60,
        )
        assert answer.status_code < 300, (method, url, answer.status_code, answer.text[:800])
        self.called.add((app, method, template))
        operation_id = operation["operationId"]
        request = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None and request is not None:
            self._keep(app, request, operation_id, body)
        if answer.status_code == 204:
            return None
        response = operation["responses"].get(str(answer.status_code), {})
        media = response.get("content", {}).get("application/json")
        data = answer.json()
        if media is not None:
            self._keep(app, media, f"{operation_id}:{answer.status_code}", trim(data))
        return data

    def first(self, app: str, url: str) -> dict[str, Json]:
        page = self.call(app, "get", url)
        assert page["items"], f"{url}: nothing seeded"
        item: dict[str, Json] = page["items"][0]
        return item

    def not_called(self) -> list[str]:
        return [
            f"{app}: {method.upper()} {path}"
            for app, document in self.documents.items()
            for path, item in document["paths"].items()
            for method in ("get", "put", "post", "patch", "delete")
            if method in item
            and (app, method, path) not in self.called
            and not (app == "gateway" and item[method]["operationId"].split("_")[0] != "gateway")
        ]


def locks_and_audit(c: Collector, app: str) -> None:
    """The period locks every service keeps (``shared.locks``) and its audit trail."""
    lock = {
        "org_units": ["HSN", "REGION"],
        "period": "2024",
        "body": "Hälso- och sjukvårdsnämnden",
        "reference": "HSN § 28",
    }
    c.call(app, "put", "/v1/locks/HSN-2024", lock)
    c.call(app, "get", "/v1/locks/HSN-2024")
    c.call(app, "get", "/v1/locks?org_unit=HSN")
    reason = {"reason": "Verksamhetsberättelsen 2024 återremitterades; siffrorna ses över."}
    c.call(app, "delete", "/v1/locks/HSN-2024", reason)
    c.call(app, "get", "/v1/audit?limit=2")
    c.call(app, "get", "/health")
    c.call(app, "get", "/ready")


def indicators(c: Collector) -> None:
    from services.indicators.result_rows import ResultRow
    from services.indicators.schemas import IndicatorIn, TargetIn

    app = "indicators"
    indicator = c.call(app, "get", "/v1/indicators/ID0288")
    c.call(app, "get", "/v1/indicators?limit=2")
    targets = c.call(app, "get", "/v1/indicators/ID0288/targets")
    result = c.first(app, "/v1/results?indicator=ID0288&org_unit=REGION&limit=2")
    c.call(app, "get", "/v1/evaluations?org_unit=REGION&period=2024&indicator=ID0288")
    c.call(app, "get", "/v1/area-evaluations?org_unit=REGION&period=2024")
    c.call(app, "get", "/v1/evaluation-summary?org_unit=REGION&period=2024")
    c.call(app, "get", "/v1/follow-up-section?org_unit=HSN&period=2024-01/2024-08")
    c.call(app, "get", "/v1/expected?org_unit=REGION&period=2024")
    if c.has(app, "/v1/production"):
        c.call(app, "get", "/v1/production?org_unit=SUS&period=2024")
    if c.has(app, "/v1/goal-trees"):
        trees = c.call(app, "get", "/v1/goal-trees")
        first_tree = trees["items"][0] if isinstance(trees, dict) and trees.get("items") else None
        if first_tree is not None:
            tree = first_tree.get("code") or first_tree.get("id") or first_tree.get("tree")
            c.call(app, "get", f"/v1/goal-trees/{tree}/links")
    # Not checked against ``ResultRow`` here: it takes JSON numbers as exact decimals, which
    # only the load's own parser gives it; the dry run checks the row.
    row = {k: result[k] for k in ResultRow.model_fields if k in result}
    loaded = c.call(app, "post", "/v1/results?dry_run=true", [row])
    assert not loaded.get("rejected"), loaded
    # The same indicator and target written back unchanged (own places only: the rest are
    # the indicator's own area).
    written = fit(IndicatorIn, indicator | {"placements": []})
    written["placements"] = [p for p in indicator.get("placements", []) if p.get("breakdowns")]
    c.call(app, "put", "/v1/indicators/ID0288", written)
    target = targets["items"][0]
    c.call(app, "put", f"/v1/indicators/ID0288/targets/{target['year']}", fit(TargetIn, target))
    c.call(app, "delete", f"/v1/results/{result['id']}")
    c.call(app, "delete", "/v1/results?indicator=ID0288&org_unit=REGION&period=2024")
    locks_and_audit(c, app)


def assignments(c: Collector) -> None:
    from services.assignments.schemas import AssignmentCreate, AssignmentPatch, ReportIn, ReportOut

    app = "assignments"
    assignment = c.call(app, "get", "/v1/assignments/UP2023-001")
    c.call(app, "get", "/v1/assignments?org_unit=HSN&limit=2")
    report = c.first(app, "/v1/reports?org_unit=HSN&limit=2")
    c.call(app, "get", f"/v1/assignments/{report['assignment_id']}/reports")
    c.call(app, "get", "/v1/expected?org_unit=HSN&period=2024")
    c.call(app, "post", "/v1/reports?dry_run=true", [report_row(report)])
    # No internal control is seeded: HSN's for 2024, as Uppföljningsplan 2023 asks of every
    # committee ("Respektive nämnd/styrelse ska fastställa en riskanalys ...").
    c.call(
        app,
        "put",
        "/v1/risk-analyses/HSN/2024",
        {"decided_on": "2024-01-25", "decision": "HSN § 12 2024-01-25"},
    )
    risk = {
        "org_unit": "HSN",
        "year": 2024,
        "code": "R1",
        "description": "Vårdgarantin för första besök i specialiserad vård hålls inte.",
        "process": "Tillgänglighet",
        "probability": 3,
        "consequence": 3,
        "owner": "Hälso- och sjukvårdsdirektör",
    }
    action = {
        "org_unit": "HSN",
        "year": 2024,
        "risk": "R1",
        "code": "K1",
        "what": "Månatlig uppföljning av väntetider mot vårdgarantin per förvaltning.",
        "who": "Avdelningen för hälso- och sjukvårdsstyrning",
        "deadline": "2024-12-31",
    }
    followup = {
        "org_unit": "HSN",
        "period": "2024-01/2024-08",
        "risk": "R1",
        "action": "K1",
        "state": "in_progress",
        "comment": "Uppföljningen görs månadsvis; väntetiderna når ännu inte vårdgarantin.",
        "followed_up_on": "2024-09-15",
    }
    c.call(app, "post", "/v1/risks", [risk])
    c.call(app, "post", "/v1/risk-actions", [action])
    c.call(app, "post", "/v1/risk-followups", [followup])
    c.call(app, "get", "/v1/risk-analyses/HSN/2024")
    c.call(app, "get", "/v1/risk-analyses?limit=2")
    risk_id = c.first(app, "/v1/risks?limit=2")["id"]
    action_id = c.first(app, "/v1/risk-actions?limit=2")["id"]
    c.first(app, "/v1/risk-followups?limit=2")
    c.call(app, "get", "/v1/internal-control?year=2024&org_unit=HSN")
    c.call(app, "get", "/v1/follow-up-section?org_unit=HSN&period=2024-01/2024-08")
    # Bodies written as they were read (the seeded assignment, its report).
    c.schemas[app]["AssignmentCreate"] = fit(AssignmentCreate, assignment)
    c.schemas[app]["AssignmentPatch"] = fit(
        AssignmentPatch, {"deadline_text": "Årligen i verksamhetsberättelsen"}
    )
    c.schemas[app]["ReportIn"] = fit(ReportIn, report)
    c.schemas[app]["ReportOut"] = fit(ReportOut, report)
    c.call(app, "delete", f"/v1/risk-actions/{action_id}")
    c.call(app, "delete", f"/v1/risks/{risk_id}")
    locks_and_audit(c, app)


def report_row(report: dict[str, Json]) -> dict[str, Json]:
    from services.assignments.schemas import ReportRow

    return fit(ReportRow, report)


def budget(c: Collector) -> None:
    from services.budget.financial_schemas import FinancialFiguresRow
    from services.budget.schemas import (
        BudgetLineIn,
        ComponentIn,
        EarmarkedIn,
        GrantIn,
        OutcomeRow,
    )
    from services.budget.stated_schemas import ReportedDeviationRow, ReportedFigureRow, TotalRow

    app = "budget"
    grant = c.call(app, "get", "/v1/grants/HSN/2024")
    c.call(app, "get", "/v1/grants?year=2024&limit=2")
    lines = c.call(app, "get", "/v1/budget-lines?org_unit=HSN&year=2024&limit=100")["items"]
    line = lines[0]
    c.call(app, "get", f"/v1/budget-lines/HSN/2024/{line['line']}")
    earmarked = c.first(app, "/v1/earmarked?org_unit=HSN&year=2024&limit=2")
    c.call(app, "get", f"/v1/earmarked/{earmarked['id']}")
    c.call(app, "get", "/v1/summary?org_unit=HSN&year=2024")
    outcome = c.first(app, "/v1/outcomes?org_unit=HSN&year=2024&limit=2")
    total = c.first(app, "/v1/totals?org_unit=HSN&year=2024&limit=2")
    deviation = c.first(app, "/v1/reported-deviations?org_unit=HSN&year=2024&limit=2")
    figure = c.first(app, "/v1/reported-figures?org_unit=HSN&year=2024&limit=2")
    c.call(app, "get", "/v1/financial-goals?year=2024")
    c.call(app, "get", "/v1/expected?org_unit=HSN&period=2024")
    c.call(app, "get", "/v1/forecast-rounds?org_unit=HSN&year=2024")
    c.call(app, "get", "/v1/follow-up-section?org_unit=HSN&period=2024-01/2024-08")
    c.call(app, "post", "/v1/outcomes?dry_run=true", [fit(OutcomeRow, outcome)])
    c.call(app, "post", "/v1/totals?dry_run=true", [fit(TotalRow, total)])
    c.call(
        app,
        "post",
        "/v1/reported-deviations?dry_run=true",
        [fit(ReportedDeviationRow, deviation)],
    )
    c.call(app, "post", "/v1/reported-figures?dry_run=true", [fit(ReportedFigureRow, figure)])
    # The seeds hold no forecast: an HSN budget line with stated figures, forecast in August.
    stated = next(x for x in lines if x["revenue"] is not None and x["cost"] is not None)
    forecast = {
        "org_unit": "HSN",
        "line": stated["line"],
        "made_in": "2024-08",
        "revenue": stated["revenue"],
        "cost": stated["cost"],
        "derivation": f"Prognos i nivå med budget 2024 ({stated['id']})",
    }
    c.call(app, "post", "/v1/forecasts", [forecast])
    c.call(app, "get", "/v1/forecasts?org_unit=HSN&year=2024&limit=2")
    # Nor the region's yearly figures: a row that states none.
    figures = fit(
        FinancialFiguresRow,
        {
            "org_unit": "REGION",
            "year": 2024,
            "tax_and_grant_revenue": None,
            "result": None,
            "balance_adjustments": None,
            "depreciation": None,
            "investments": None,
            "net_debt": None,
            "source_text": "Uppföljningsplan 2023 anger målen (självfinansieringsgrad, "
            "skuldsättning) men inga belopp för 2024.",
        },
    )
    c.call(app, "post", "/v1/financial-figures", [figures])
    c.call(app, "get", "/v1/financial-figures?limit=2")
    # Written back as they were read.
    components = [fit(ComponentIn, component) for component in grant["components"][:2]]
    c.schemas[app]["GrantIn"] = fit(GrantIn, {"components": components})
    c.call(app, "put", f"/v1/budget-lines/HSN/2024/{line['line']}", fit(BudgetLineIn, line))
    c.call(app, "put", f"/v1/earmarked/{earmarked['id']}", fit(EarmarkedIn, earmarked))
    c.schemas[app].setdefault("EarmarkedIn", fit(EarmarkedIn, earmarked))
    locks_and_audit(c, app)


def gateway(c: Collector) -> None:
    app = "gateway"
    c.call(app, "get", "/health")
    c.call(app, "get", "/ready")
    c.call(app, "get", "/v1/org-units")
    c.call(app, "get", "/v1/follow-up/HSN?period=2024")
    c.call(app, "get", "/v1/follow-up?period=2024")
    c.call(app, "get", "/v1/audit/indicators?limit=2")
    if c.has(app, "/v1/calendar"):
        calendar = c.call(app, "get", "/v1/calendar?year=2024")
        occasions = calendar.get("occasions") or calendar.get("items") or []
        if occasions:
            occasion = occasions[0]
            c.call(app, "get", f"/v1/calendar/occasions/{occasion['id']}")
            due = {"due_date": occasion["due_date"]}
            c.call(app, "put", f"/v1/calendar/occasions/{occasion['id']}", due)
    if c.has(app, "/v1/due"):
        c.call(app, "get", "/v1/due?org_unit=HSN&as_of=2024-12-31")
    if c.has(app, "/v1/follow-up/{org_unit}/decisions"):
        decision = {
            "decision_id": "HSN-VB-2024",
            "period": "2024",
            "decided_on": "2025-02-20",
            "body": "Hälso- och sjukvårdsnämnden",
            "reference": "HSN § 28",
        }
        c.call(app, "post", "/v1/follow-up/HSN/decisions", decision)
        c.call(app, "post", "/v1/follow-up/HSN/decisions", decision)
        c.call(app, "get", "/v1/follow-up/HSN/decisions?period=2024")
        c.call(app, "get", "/v1/follow-up/HSN/decisions/HSN-VB-2024")
        c.call(app, "get", "/v1/follow-up/HSN/decisions/HSN-VB-2024/report")
        reason = {"reason": "Verksamhetsberättelsen 2024 återremitterades till förvaltningen."}
        c.call(app, "delete", "/v1/follow-up/HSN/decisions/HSN-VB-2024", reason)


def write(c: Collector) -> None:
    for app, target in TARGETS.items():
        what, seeds, extra = ABOUT[app]
        doc = DOC.format(what=what, seeds=seeds, extra=extra)
        text = MODULE.format(
            doc="\n\n".join(textwrap.fill(part, width=92) for part in doc.split("\n\n")),
            schemas=pprint.pformat(c.schemas[app], width=90, sort_dicts=False),
            bodies=pprint.pformat(c.bodies[app], width=90, sort_dicts=False),
        )
        (REPO_ROOT / target).write_text(text)
    ruff = Path(sys.executable).with_name("ruff")
    subprocess.run([str(ruff), "format", "-q", *TARGETS.values()], cwd=REPO_ROOT, check=True)


def main() -> None:
    steps: list[Callable[[Collector], None]] = [indicators, assignments, budget, gateway]
    with tempfile.TemporaryDirectory() as folder:
        urls = {e.name: f"sqlite:///{Path(folder) / (e.name + '.db')}" for e in store_owners()}
        stack = new_stack(prepare_stores(urls), Path(folder))
        try:
            collector = Collector(stack)
            for step in steps:
                step(collector)
        finally:
            stack.stop()
    write(collector)
    for missed in collector.not_called():
        print(f"not called (its bodies have examples only where another call gave them): {missed}")


if __name__ == "__main__":
    main()

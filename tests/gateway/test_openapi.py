"""The OpenAPI documents as an integration team reads them: each app's ``/openapi.json`` and the
gateway's merged one, fetched from the running suite (``shared.suite``), are valid OpenAPI
(openapi-spec-validator), declare the bearer scheme on every operation that needs a key and
on none that does not, give every body an example that fits its schema, name every
operation once, and document their problem answers. A client generated from the gateway's
document (openapi-python-client) reads the seeded suite with a real key.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from shared.suite import Stack

Document = dict[str, Any]
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
#: The bodies whose examples are checked: JSON both ways, and CSV sent to a load.
JSON_MEDIA = ("application/json", "application/problem+json")
#: Routes open like /health: reference codes (API.md "Codes").
OPEN_PATHS = {"/health", "/ready", "/v1/org-units"}


@pytest.fixture(scope="module")
def documents(stack: Stack) -> dict[str, Document]:
    """Each service's own document and the gateway's merged one, as they are served."""
    apps = {name: process.base_url for name, process in stack.services.items()}
    apps["gateway"] = stack.gateways[0].base_url
    found: dict[str, Document] = {}
    for name, base in apps.items():
        answer = httpx.get(f"{base}/openapi.json", timeout=30)
        assert answer.status_code == 200, answer.text[:300]
        found[name] = answer.json()
    return found


def operations(document: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def bodies(document: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, media type, media object) of every request and response body."""
    for path, method, operation in operations(document):
        where = f"{method.upper()} {path}"
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            yield f"{where} request", media_type, media
        for status, response in operation["responses"].items():
            for media_type, media in response.get("content", {}).items():
                yield f"{where} {status}", media_type, media


def test_every_document_is_valid_openapi(documents: dict[str, Document]) -> None:
    assert {"indicators", "assignments", "budget", "gateway"} <= set(documents)
    for name, document in documents.items():
        validate(document)  # raises on the first violation, naming it
        assert document["openapi"].startswith("3."), name
    # The merge really happened: the gateway documents the services' operations too.
    merged = documents["gateway"]["paths"]
    assert {"/v1/indicators", "/v1/assignments", "/v1/outcomes", "/v1/follow-up/{org_unit}"} <= set(
        merged
    )


def test_every_body_has_an_example_that_fits_its_schema(documents: dict[str, Document]) -> None:
    missing: list[str] = []
    wrong: list[str] = []
    checked = 0
    for name, document in documents.items():
        components = document.get("components", {})
        for where, media_type, media in bodies(document):
            is_load_csv = media_type == "text/csv" and where.endswith("request")
            if media_type not in JSON_MEDIA and not is_load_csv:
                continue
            if "example" not in media:
                missing.append(f"{name}: {where} {media_type}")
                continue
            checked += 1
            if is_load_csv:
                assert isinstance(media["example"], str) and "\n" in media["example"], where
                continue
            # The example against its schema, with the document's components to resolve $refs.
            schema = {**media.get("schema", {}), "components": components}
            errors = list(OAS31Validator(schema).iter_errors(media["example"]))
            if errors:
                first = errors[0]
                wrong.append(f"{name}: {where}: {first.message[:200]} at {list(first.path)}")
    assert missing == []
    assert wrong == []
    assert checked > 300  # every app's bodies, problems included


def test_examples_come_from_the_seeded_region(documents: dict[str, Document]) -> None:
    gateway = documents["gateway"]["paths"]
    view = gateway["/v1/follow-up/{org_unit}"]["get"]["responses"]["200"]["content"]
    assert view["application/json"]["example"]["org_unit"] == "HSN"
    indicator = gateway["/v1/indicators/{code}"]["get"]["responses"]["200"]["content"]
    assert indicator["application/json"]["example"]["code"] == "ID0288"
    grant = gateway["/v1/grants/{org_unit}/{year}"]["get"]["responses"]["200"]["content"]
    assert grant["application/json"]["example"]["id"] == "HSN/2024"
    load = gateway["/v1/results"]["post"]["requestBody"]["content"]
    assert load["text/csv"]["example"].startswith("indicator,org_unit,period,breakdown,value")


def test_operation_ids_are_unique_stable_and_tagged(documents: dict[str, Document]) -> None:
    for name, document in documents.items():
        ids = [str(op.get("operationId")) for _path, _method, op in operations(document)]
        assert "None" not in ids, name
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
        for path, method, operation in operations(document):
            assert operation.get("tags"), f"{name}: {method} {path} has no tag"
        if name != "gateway":
            assert all(str(i).startswith(f"{name}_") for i in ids), name
    merged = {
        (path, method): op["operationId"] for path, method, op in operations(documents["gateway"])
    }
    # The names a generated client's functions take: the route function's, after its app.
    assert merged[("/v1/results", "get")] == "indicators_list_results"
    assert merged[("/v1/indicators", "get")] == "indicators_list_indicators"
    assert merged[("/v1/follow-up/{org_unit}", "get")] == "gateway_follow_up_view"
    assert merged[("/v1/outcomes", "post")] == "budget_load_outcomes"
    # A proxied operation's first tag is the service that answers it.
    assert documents["gateway"]["paths"]["/v1/assignments"]["get"]["tags"][0] == "assignments"


def test_the_bearer_scheme_is_on_every_keyed_operation_and_no_open_one(
    documents: dict[str, Document], stack: Stack
) -> None:
    for name, document in documents.items():
        scheme = document["components"]["securitySchemes"]["bearer"]
        assert (scheme["type"], scheme["scheme"]) == ("http", "bearer"), name
        for path, method, operation in operations(document):
            if path in OPEN_PATHS:
                assert "security" not in operation, f"{name}: {method} {path}"
            elif path.startswith("/v1"):
                assert operation.get("security") == [{"bearer": []}], f"{name}: {method} {path}"
    # What the documents say is what the suite does: open routes answer without a key,
    # every keyed GET with no path parameter refuses a call without one.
    base = stack.gateways[0].base_url
    with httpx.Client(base_url=base, timeout=30) as client:
        for path in OPEN_PATHS:
            assert client.get(path).status_code == 200, path
        keyed = [
            path
            for path, method, op in operations(documents["gateway"])
            if method == "get" and op.get("security") and "{" not in path
        ]
        assert len(keyed) > 20
        for path in keyed:
            answer = client.get(path)
            assert answer.status_code == 401, f"{path}: {answer.status_code}"
            assert answer.headers["content-type"] == "application/problem+json"


def _problem_schema(response: dict[str, Any]) -> str | None:
    ref: str | None = (
        response.get("content", {})
        .get("application/problem+json", {})
        .get("schema", {})
        .get("$ref")
    )
    return ref


def test_problem_answers_are_documented_with_their_schema(documents: dict[str, Document]) -> None:
    problem = documents["gateway"]["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
    assert {"instance", "errors"} <= set(problem["properties"])
    for name, document in documents.items():
        for path, method, operation in operations(document):
            responses = operation["responses"]
            expected = set()
            if operation.get("security"):
                expected |= {"401", "403"}
            if "requestBody" in operation:
                expected |= {"400", "413", "415", "422"}
            if method in ("post", "put", "patch", "delete"):
                expected.add("409")
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                expected.add("404")
            if path.startswith("/v1"):
                expected |= {"502", "503", "504"} if name == "gateway" else {"503"}
            missing = expected - set(responses)
            assert not missing, f"{name}: {method} {path} lacks {sorted(missing)}"
            for status in expected:
                assert _problem_schema(responses[status]) == "#/components/schemas/Problem", (
                    f"{name}: {method} {path} {status}"
                )
    # A write taking If-Match says what a stale one gets.
    patch = documents["assignments"]["paths"]["/v1/assignments/{assignment_id}"]["patch"]
    assert {"412", "428"} <= set(patch["responses"])


def _generate_client(document: Document, where: Path) -> Any:
    """A Python client of ``document`` made by openapi-python-client, imported."""
    spec = where / "gateway-openapi.json"
    spec.write_text(json.dumps(document))
    config = where / "generator.json"
    # No post hooks (formatting the generated code): quicker, and not needed to run it.
    config.write_text(json.dumps({"post_hooks": [], "project_name_override": "fu_gateway"}))
    tool = Path(sys.executable).with_name("openapi-python-client")
    made = subprocess.run(
        [
            str(tool),
            *("generate", "--path", str(spec), "--config", str(config)),
            *("--meta", "none", "--output-path", str(where / "fu_gateway_client")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": f"{tool.parent}{os.pathsep}{os.environ.get('PATH', '')}"},
        check=False,
    )
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-2000:]
    # Every schema and answer made it into the client: the generator's only complaint may be
    # the CSV form of the loads, which it does not model (the JSON form it does).
    said = made.stdout + made.stderr
    complaints = [
        line
        for line in said.splitlines()
        if line.startswith(("Unable to", "Cannot parse", "Attempted", "Could not"))
        or "duplicate" in line
    ]
    assert complaints == [], said[-3000:]
    sys.path.insert(0, str(where))
    return importlib.import_module("fu_gateway_client")


def test_a_generated_client_reads_the_suite_with_a_key(
    documents: dict[str, Document], stack: Stack, tmp_path: Path
) -> None:
    package = _generate_client(documents["gateway"], tmp_path)
    try:
        client_module = importlib.import_module("fu_gateway_client.client")
        list_indicators = importlib.import_module(
            "fu_gateway_client.api.indicators.indicators_list_indicators"
        )
        list_results = importlib.import_module(
            "fu_gateway_client.api.indicators.indicators_list_results"
        )
        view = importlib.import_module("fu_gateway_client.api.follow_up.gateway_follow_up_view")
        base = stack.gateways[0].base_url
        token = stack.tokens["read"]
        with client_module.AuthenticatedClient(base_url=base, token=token, timeout=60) as client:
            indicators = list_indicators.sync_detailed(client=client, limit=500)
            assert indicators.status_code == 200
            codes = {item.code for item in indicators.parsed.items if hasattr(item, "code")}
            assert "ID0288" in codes

            results = list_results.sync_detailed(client=client, indicator="ID0288", limit=50)
            assert results.status_code == 200
            rows = [r for r in results.parsed.items if hasattr(r, "indicator")]
            assert rows and {r.indicator for r in rows} == {"ID0288"}

            hsn = view.sync_detailed(client=client, org_unit="HSN", period="2024")
            assert hsn.status_code == 200
            assert hsn.parsed.org_unit == "HSN"
            assert json.loads(hsn.content)["period"] == "2024"
        # The same client without a key is refused, as the document says.
        with client_module.Client(base_url=base, timeout=60) as anonymous:
            refused = list_indicators.sync_detailed(client=anonymous)
            assert refused.status_code == 401
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m.startswith(package.__name__)]:
            del sys.modules[module]

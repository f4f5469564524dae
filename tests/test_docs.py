"""The docs say what the code does: ``docs/API.md``, ``README.md`` and ``docs/`` against the apps.

- API.md's table of apps is the registry (names and ports), and its org unit codes are the
  reference data's.
- Each app's route table lists exactly the routes the app serves, with their methods;
  every name in a "fixed" column is in that route's schema (a parameter, a field of its
  body or answer, or one of their values); the key each route needs is the key it asks for.
- Problem documents have the fields the contract fixes.
- Every environment variable README.md and docs/ name is read by a settings class (or,
  for the tooling's few, by the file that reads it); every relative link points into the
  repository, and none leaves it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from shared.processes import free_port
from shared.reference import org_units
from shared.registry import AppEntry, app, apps, service_names, services
from shared.settings import REPO_ROOT, ServiceSettings
from shared.tokens import TokenSettings
from tests.harness import ServiceHarness, build_app, settings_class

API = REPO_ROOT / "docs" / "API.md"
DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
EVERY_APP = "## Every app"
APP_HEADING = re.compile(r"^## .*\(`(?P<app>[a-z_]+)`, port (?P<port>\d+)\)$")
ROUTE_ROW = re.compile(
    r"^\| `(?P<method>GET|PUT|POST|PATCH|DELETE)` \| `(?P<path>/[^`]*)` \| (?P<key>[a-z]+) \|"
    r"(?P<rest>.*)\|$"
)
APP_ROW = re.compile(r"^\| `(?P<app>[a-z_]+)` \| (?P<port>\d+) \|")
KEYS = ("open", "read", "write", "admin")
#: Path parameter values to call a route with (what they name need not exist).
PATH_VALUES = {
    "code": "ID0069",
    "year": "2024",
    "org_unit": "HSN",
    "line": "lakemedelsformanen",
    "id": "E-1",
    "assignment_id": "A-1",
    "result_id": "1",
    "tree": "2026",
    "service": service_names()[0],
}


@dataclass(frozen=True)
class DocumentedRoute:
    #: The app whose section lists it; none for the routes every app has.
    app: str | None
    method: str
    path: str
    key: str
    fixed: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.app or 'every app'}: {self.method} {self.path}"


@cache
def documented_routes() -> tuple[DocumentedRoute, ...]:
    routes: list[DocumentedRoute] = []
    section: str | None = None
    every_app = False
    for number, line in enumerate(API.read_text().splitlines(), 1):
        if line.startswith("## "):
            heading = APP_HEADING.match(line)
            section = heading["app"] if heading else None
            every_app = line == EVERY_APP
            continue
        row = ROUTE_ROW.match(line)
        if row is None:
            continue
        assert section or every_app, f"API.md:{number}: a route outside an app's section"
        assert row["key"] in KEYS, f"API.md:{number}: key {row['key']!r} is not one of {KEYS}"
        # The routes every app has are described in words, not fixed names.
        fixed = () if every_app else tuple(re.findall(r"`([^`]+)`", row["rest"]))
        routes.append(DocumentedRoute(section, row["method"], row["path"], row["key"], fixed))
    return tuple(routes)


@cache
def built(name: str) -> FastAPI:
    """The app as its factory builds it (no store is touched to read its routes)."""
    return build_app(app(name))


def operations(application: FastAPI) -> dict[tuple[str, str], dict[str, Any]]:
    """(METHOD, path) → the OpenAPI operation, for every operation in the app's schema."""
    return {
        (method.upper(), path): operation
        for path, item in application.openapi()["paths"].items()
        for method, operation in item.items()
    }


def _routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, those of included routers too: FastAPI includes a router as one
    entry holding it (``original_router``), not as its routes (the routers are included
    without a prefix)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        else:
            yield route


def served(application: FastAPI) -> set[tuple[str, str]]:
    """Every (METHOD, path) the app answers: its schema's and the routes the schema leaves
    out, such as ``/metrics``, ``/docs`` and the gateway's pages."""
    found = set(operations(application))
    for route in _routes(application.routes):
        path, methods = getattr(route, "path", None), getattr(route, "methods", None)
        if path and methods:
            found |= {(m, path) for m in methods if m != "HEAD"}
    return found


def names_in(node: Any, components: dict[str, Any], seen: frozenset[str] = frozenset()) -> set[str]:
    """Field names (``properties``) and values (``enum``, ``const``) anywhere in ``node``,
    following ``$ref``s into the components."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in seen:
            target = components[ref.rsplit("/", 1)[-1]]
            found |= names_in(target, components, seen | {ref})
        found |= set(node.get("properties", {}))
        found |= {str(v) for v in node.get("enum", [])}
        if "const" in node:
            found.add(str(node["const"]))
        for value in node.values():
            found |= names_in(value, components, seen)
    elif isinstance(node, list):
        for value in node:
            found |= names_in(value, components, seen)
    return found


def route_names(application: FastAPI, method: str, path: str) -> set[str]:
    """What a client of the route sees by name: its parameters, its body's fields and its
    successful answers' fields, with their values."""
    schema = application.openapi()
    components = schema.get("components", {}).get("schemas", {})
    operation = operations(application)[(method, path)]
    names = {p["name"] for p in operation.get("parameters", [])}
    names |= names_in(operation.get("parameters", []), components)
    names |= names_in(operation.get("requestBody", {}), components)
    for status, answer in operation.get("responses", {}).items():
        if status.startswith("2"):
            names |= names_in(answer, components)
    return names


def app_routes() -> list[DocumentedRoute]:
    return [r for r in documented_routes() if r.app is not None]


def test_the_api_page_is_read() -> None:
    """The tables below are really parsed: every app has a section with routes."""
    assert {r.app for r in app_routes()} == {entry.name for entry in apps()}
    assert [r for r in documented_routes() if r.app is None]


def test_the_table_of_apps_is_the_registry() -> None:
    rows = [APP_ROW.match(line) for line in API.read_text().splitlines()]
    table = {m["app"]: int(m["port"]) for m in rows if m}
    headings = [APP_HEADING.match(line) for line in API.read_text().splitlines()]
    sections = {m["app"]: int(m["port"]) for m in headings if m}
    registry = {entry.name: entry.port for entry in apps()}
    assert table == registry
    assert sections == registry


def test_the_ports_are_the_contracts() -> None:
    """The ports clients are configured with; the registry and the deploy files follow."""
    assert {e.name: e.port for e in apps()} == {
        "gateway": 8000,
        "indicators": 8001,
        "assignments": 8002,
        "budget": 8003,
    }


@pytest.mark.parametrize("route", documented_routes(), ids=str)
def test_each_documented_route_is_served(route: DocumentedRoute) -> None:
    names = [route.app] if route.app else [entry.name for entry in apps()]
    for name in names:
        assert (route.method, route.path) in served(built(name)), f"{name} does not serve it"


@pytest.mark.parametrize("entry", apps(), ids=lambda e: e.name)
def test_each_served_route_is_documented(entry: AppEntry) -> None:
    documented = {(r.method, r.path) for r in documented_routes() if r.app in (entry.name, None)}
    missing = sorted(set(operations(built(entry.name))) - documented)
    assert missing == [], f"API.md does not list {missing} of {entry.name}"


@pytest.mark.parametrize("route", [r for r in app_routes() if r.fixed], ids=str)
def test_the_fixed_names_are_in_the_routes_schema(route: DocumentedRoute) -> None:
    assert route.app is not None
    names = route_names(built(route.app), route.method, route.path)
    assert sorted(set(route.fixed) - names) == []


def call(client: TestClient, route: DocumentedRoute, headers: dict[str, str]) -> int:
    path = route.path.format(**PATH_VALUES)
    body: dict[str, Any] | None = {} if route.method in ("PUT", "POST", "PATCH") else None
    return client.request(route.method, path, headers=headers, json=body).status_code


@pytest.mark.parametrize("route", [r for r in app_routes() if r.app in service_names()], ids=str)
def test_a_service_route_asks_for_the_documented_key(
    route: DocumentedRoute, request: pytest.FixtureRequest
) -> None:
    service: ServiceHarness = request.getfixturevalue(str(route.app))
    client = service.client
    if route.key == "open":
        assert call(client, route, {}) != 401
        return
    assert call(client, route, {}) == 401
    below = KEYS[KEYS.index(route.key) - 1]
    if below != "open":
        assert call(client, route, service.auth(below)) == 403
    assert call(client, route, service.auth(route.key)) not in (401, 403)


@pytest.fixture
def front_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The gateway in-process, its upstreams pointed at a port nothing listens on."""
    (front,) = (entry for entry in apps() if entry.kind != "service")
    dead = f"http://127.0.0.1:{free_port()}"
    for entry in services():
        monkeypatch.setenv(f"{front.env_prefix}{entry.name.upper()}_URL", dead)
    with TestClient(build_app(front, settings_class(front)())) as client:
        yield client


def every_apps_routes() -> list[DocumentedRoute]:
    return [r for r in documented_routes() if r.app is None]


@pytest.mark.parametrize("name", service_names())
def test_the_routes_every_service_has_answer_without_a_key(
    name: str, request: pytest.FixtureRequest
) -> None:
    service: ServiceHarness = request.getfixturevalue(name)
    for route in every_apps_routes():
        assert route.key == "open"
        assert call(service.client, route, {}) == 200, route


def test_the_gateways_open_routes_answer_without_a_key(front_client: TestClient) -> None:
    front_routes = [r for r in app_routes() if r.app not in service_names()]
    open_routes = [r for r in front_routes if r.key == "open"]
    assert open_routes
    for route in [*every_apps_routes(), *open_routes]:
        assert call(front_client, route, {}) == 200, route


@pytest.mark.parametrize("name", service_names())
def test_problems_carry_the_fixed_fields(name: str, request: pytest.FixtureRequest) -> None:
    service: ServiceHarness = request.getfixturevalue(name)
    missing = service.client.get("/v1/no-such-route", headers=service.auth("read"))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert {"type", "title", "status", "detail"} <= set(missing.json())
    invalid = service.client.get("/v1/audit?limit=0", headers=service.auth("admin"))
    assert invalid.status_code == 422
    assert invalid.json()["errors"]
    assert all({"loc", "msg"} <= set(error) for error in invalid.json()["errors"])


def test_the_org_unit_codes_are_the_reference_data() -> None:
    line = next(b for b in API.read_text().split("\n- ") if b.startswith("**Org units**"))
    codes = {c for c in re.findall(r"`([A-Z]+)`", line)}
    assert codes == set(org_units())


# Environment variables the docs may name that no settings class reads: the tooling's.
TOOLING_ENV = {
    "TEST_DATABASE_URL": "tests/harness.py",
    "RUN_HOST": "shared/devrun.py",
    # The production launcher's (shared/serve.py), and prometheus_client's own.
    "WEB_CONCURRENCY": "shared/serve.py",
    "SERVE_DRAIN_SECONDS": "shared/serve.py",
    "SERVE_GRACEFUL_SECONDS": "shared/serve.py",
    "PROMETHEUS_MULTIPROC_DIR": "shared/serve.py",
    "FORWARDED_ALLOW_IPS": "shared/serve.py",
}
#: The identity provider's settings, the same for every app (``shared.tokens``).
OIDC_PREFIX = "OIDC_"
#: A name in capitals with an underscore; ``<APP>_`` / ``<SERVICE>_`` stand for every
#: app's / service's prefix.
CAPITALS = re.compile(r"(?<![\w/.-])(<APP>_|<SERVICE>_)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(=?)")


def is_env_var(placeholder: str, name: str, assigned: str) -> bool:
    """Capitals name an environment variable when they are set (``X=``), carry a placeholder
    or an app's prefix, or are one of the variables read without a prefix; not otherwise
    (``ALL_HOSPITAL_BOARDS`` is a value)."""
    return bool(
        placeholder
        or assigned
        or name in {"DATABASE_URL", *TOOLING_ENV}
        or name.startswith(OIDC_PREFIX)
        or any(name.startswith(e.env_prefix) for e in apps())
    )


def named_env_vars() -> list[tuple[str, str]]:
    """(doc, variable) for each environment variable the docs name."""
    found: set[tuple[str, str]] = set()
    for doc in DOCS:
        for placeholder, name, assigned in CAPITALS.findall(doc.read_text()):
            if not is_env_var(placeholder, name, assigned):
                continue
            if placeholder:
                entries = apps() if placeholder == "<APP>_" else services()
                found |= {(doc.name, e.env_prefix + name) for e in entries}
            else:
                found.add((doc.name, name))
    return sorted(found)


def test_the_docs_name_environment_variables() -> None:
    """The scan below finds what it should."""
    named = {name for _, name in named_env_vars()}
    assert {"DATABASE_URL", "INDICATORS_DATABASE_URL", "TEST_DATABASE_URL"} <= named
    assert "ALL_HOSPITAL_BOARDS" not in named


@pytest.mark.parametrize(("doc", "name"), named_env_vars())
def test_every_environment_variable_the_docs_name_is_read(doc: str, name: str) -> None:
    if name in TOOLING_ENV:
        assert name in (REPO_ROOT / TOOLING_ENV[name]).read_text()
        return
    if name == "DATABASE_URL":
        assert "database_url" in ServiceSettings.model_fields
        return
    if name.startswith(OIDC_PREFIX):
        assert name.removeprefix(OIDC_PREFIX).lower() in TokenSettings.model_fields, name
        return
    entry = next((e for e in apps() if name.startswith(e.env_prefix)), None)
    assert entry is not None, f"{doc} names {name}, which no app reads"
    setting = name.removeprefix(entry.env_prefix).lower()
    assert setting in settings_class(entry).model_fields, f"{doc}: {name} is no setting"


LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_links_stay_in_the_repository(doc: Path) -> None:
    text = doc.read_text()
    assert "../shared" not in text and "/work/" not in text
    for target in LINK.findall(text):
        if re.match(r"[a-z]+://", target):
            continue
        resolved = (doc.parent / target).resolve()
        assert resolved.is_relative_to(REPO_ROOT), f"{doc.name} links outside: {target}"
        assert resolved.exists(), f"{doc.name} links to {target}, which does not exist"


@pytest.mark.parametrize("doc", ["README.md", "docs/ARCHITECTURE.md"])
def test_the_contract_and_the_domain_are_linked(doc: str) -> None:
    links = {
        (REPO_ROOT / doc).parent.joinpath(t).resolve()
        for t in LINK.findall((REPO_ROOT / doc).read_text())
    }
    assert {API, REPO_ROOT / "docs" / "DOMAIN.md"} <= links

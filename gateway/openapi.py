"""The gateway's OpenAPI document, with the services' own `/v1` operations merged in.

The gateway's routes are documented as usual; the proxied ones are fetched from the
``/openapi.json`` of each service of the registry the first time the document is asked for
(and again until all have answered): those the proxy passes to that service. Their schemas
are renamed ``<service>__<Name>``, title too, so two services' models of the same name
cannot collide, in the document or in a generated client (but ``Problem``, the one error
document of every app, stays one). Their operation ids are the services' own
(``indicators_list_results``, already unique), their first tag the service's name, their
security the bearer scheme every app declares (``shared.openapi_doc.BEARER``), and they
gain the gateway's own problems (502/503/504). A service that does not answer is left out.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.routing import Route

from gateway.proxy import upstream_for
from gateway.upstream.errors import UpstreamError
from gateway.upstream.upstream import Upstream, Upstreams
from shared.openapi_doc import add_problems
from shared.registry import service_names

REF_PREFIX = "#/components/schemas/"
#: Schemas every app documents alike (``shared.openapi_doc``): kept under their own name.
SHARED_SCHEMAS = frozenset({"Problem"})
#: Seconds a service's document may take (it is asked past the breaker). A service builds
#: its document on the first request (~0.5 s idle, several seconds on a busy machine), and
#: only this document waits for it.
FETCH_TIMEOUT = 15.0


class _Components(BaseModel):
    schemas: dict[str, Any] = {}
    securitySchemes: dict[str, Any] = {}  # noqa: N815 (OpenAPI's name)


class ServiceDocument(BaseModel):
    """The parts of a service's OpenAPI document the merge takes."""

    paths: dict[str, dict[str, Any]]
    components: _Components = _Components()


def _rename_refs(node: Any, service: str) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                REF_PREFIX + f"{service}__" + v.removeprefix(REF_PREFIX)
                if k == "$ref"
                and isinstance(v, str)
                and v.startswith(REF_PREFIX)
                and v.removeprefix(REF_PREFIX) not in SHARED_SCHEMAS
                else _rename_refs(v, service)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rename_refs(v, service) for v in node]
    return node


def merge(base: dict[str, Any], service: str, document: ServiceDocument) -> None:
    """Add the service's ``/v1`` operations the proxy passes to it to ``base``, in place (not
    its audit trail, reached as ``/v1/audit/{service}``, nor what every service has)."""
    spec = _rename_refs({"paths": document.paths, "schemas": document.components.schemas}, service)
    paths = base.setdefault("paths", {})
    for path, item in spec["paths"].items():
        if not path.startswith("/v1/") or upstream_for(path) != service or path in paths:
            continue
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                operation["tags"] = [service, *operation.get("tags", [])]
                # Through the gateway the service may also be away or slow: 502/503/504.
                add_problems(path, method, operation, gateway=True)
        paths[path] = item
    components = base.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name, schema in spec["schemas"].items():
        if name not in SHARED_SCHEMAS:
            # Renamed with its title: generators name models by title, and two services'
            # ``Tombstone`` (or ``LockOut``) would otherwise make one model of two.
            renamed = f"{service}__{name}"
            schemas[renamed] = {**schema, "title": renamed} if "title" in schema else schema
    for name, scheme in document.components.securitySchemes.items():
        components.setdefault("securitySchemes", {}).setdefault(name, scheme)


async def _fetch(upstream: Upstream) -> ServiceDocument | None:
    try:
        return await upstream.read(
            "/openapi.json", ServiceDocument, deadline=FETCH_TIMEOUT, use_breaker=False
        )
    except UpstreamError:
        return None


def install_merged_openapi(app: FastAPI) -> None:
    url = app.openapi_url or "/openapi.json"
    app.router.routes[:] = [
        r for r in app.router.routes if not (isinstance(r, Route) and r.path == url)
    ]
    merged: dict[str, Any] = {}

    async def openapi(request: Request) -> JSONResponse:
        if "complete" in merged:
            return JSONResponse(merged["complete"])
        upstreams: Upstreams = request.app.state.upstreams
        names = service_names()
        specs = await asyncio.gather(*(_fetch(upstreams[name]) for name in names))
        document = copy.deepcopy(app.openapi())
        for name, spec in zip(names, specs, strict=True):
            if spec is not None:
                merge(document, name, spec)
        if all(spec is not None for spec in specs):
            merged["complete"] = document
        return JSONResponse(document)

    app.add_route(url, openapi, include_in_schema=False)

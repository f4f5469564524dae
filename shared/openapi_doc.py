"""What every app's OpenAPI document says beyond what FastAPI derives from its routes.

FastAPI writes the paths and schemas; ``install_document`` (called by
``shared.app.create_app``) then adds, once, when the document is first asked for:

- the problem documents each operation can answer (``Problem``, RFC 9457, the shape
  ``shared.errors`` renders): 401/403 on every operation that needs a key, 404 where the
  path names a resource, 400/409/413/415/422 on writes, 412 where ``If-Match`` is taken, 503
  where a store or an upstream may be away (502/504 too on the gateway), a catch-all ``4XX``;
- ``304 Not Modified`` on each operation that answers through a dependency marked
  ``answers_not_modified`` (the kept reads of ``shared.readcache``: an ``If-None-Match`` that
  names the answer's ETag gets a 304), found from the routes themselves;
- an example for every JSON request and response body, from the app's ``Examples`` (taken
  from the seeded data of the region's documents) and, for problems, from the error
  classes themselves; a CSV request body's example is its JSON example as CSV rows.

The bearer scheme itself is FastAPI's own (``BEARER``): the key dependencies of
``shared.keys`` and the gateway's routes declare it, so every operation that needs a key
carries ``security`` and ``/docs`` has an "Authorize" button; open routes carry none.
Operation ids are ``<app>_<route function>`` (``indicators_list_results``): stable, and
unique across the gateway's merged document, where each service's keep their prefix.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security import HTTPBearer

from shared.errors import (
    PROBLEM_JSON,
    BadRequest,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    ProblemError,
    ServiceUnavailable,
    Unauthorized,
    UnsupportedMediaType,
    field_error,
)

#: The one security scheme: ``Authorization: Bearer <token>``, the token an API key or an
#: access token. ``auto_error`` is off: ``shared.keys``'s middleware and dependencies give
#: the 401 problem, not FastAPI.
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API key of the suite (`fu_<id>_<secret>`, made with `python -m shared.cli "
    "keys create`) or an access token (JWT) of the region's identity provider. Scopes "
    "read < write < admin; a key bound to org units reads and writes only theirs.",
)

WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
PROBLEM_REF = "#/components/schemas/Problem"
REF_PREFIX = "#/components/schemas/"

#: The problem document every error answer carries (``shared.errors.ProblemError``).
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An error (RFC 9457 problem details), `application/problem+json`. "
    "`errors` names each bad field (`loc`) and, in a load, each bad row (`row`).",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem."},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "instance": {"type": "string", "description": "The path asked for."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "msg"],
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                        "description": "Where: `body`, a row number, a field name.",
                    },
                    "msg": {"type": "string"},
                    "row": {"type": "integer", "description": "The data row, counted from 1."},
                },
            },
        },
    },
    "additionalProperties": True,
}


@dataclass(frozen=True)
class Examples:
    """An app's examples: by component schema name (``IndicatorOut``), and by operation id
    for a body with no named schema (a load's list of rows)."""

    schemas: Mapping[str, Any] = field(default_factory=dict)
    bodies: Mapping[str, Any] = field(default_factory=dict)


NO_EXAMPLES = Examples()


# The gateway's own problems (``gateway.upstream.errors``), as a proxy answers them; shared
# knows no app, so their names are repeated here for the examples.
class _GatewayTimeout(ProblemError):
    status, title, type_suffix = 504, "Gateway Timeout", "upstream-timeout"


class _BadGateway(ProblemError):
    status, title, type_suffix = 502, "Bad Gateway", "upstream-error"


#: One problem per status: what a client of the seeded suite really gets.
PROBLEMS: dict[int, tuple[str, ProblemError]] = {
    400: (
        "The body is empty or unreadable.",
        BadRequest("The body is not valid JSON: Expecting value: line 1 column 1 (char 0)."),
    ),
    401: ("No key, or one not known, revoked or malformed.", Unauthorized()),
    403: (
        "The key lacks the scope, or is bound to other org units.",
        Forbidden("This key may not read org unit 'HSN''s data; it is bound to SUS."),
    ),
    404: ("No such resource.", NotFound("No indicator 'ID9999'.")),
    409: (
        "The write conflicts with existing data.",
        Conflict("The write conflicts with existing data."),
    ),
    412: (
        "`If-Match` no longer matches: someone wrote first; read again.",
        PreconditionFailed(
            "Assignment 'UP2023-001' has changed since it was read (If-Match \"3\"); "
            "read it again and retry."
        ),
    ),
    413: (
        "The body is larger than the app accepts.",
        PayloadTooLarge("The body is larger than the limit of 209715200 bytes."),
    ),
    415: (
        "The body's media type is not one the route takes.",
        UnsupportedMediaType(
            "Content type 'text/plain' is not accepted; use application/json or text/csv."
        ),
    ),
    422: (
        "A field, a row or a period is not valid; `errors` names each.",
        InvalidInput(
            "The request is not valid: query.period: a period such as 2024, 2024-08 or "
            "2024-01/2024-08.",
            errors=[
                field_error(
                    ["query", "period"], "a period such as 2024, 2024-08 or 2024-01/2024-08"
                )
            ],
        ),
    ),
    502: (
        "The service answered what the gateway cannot use (a broken connection, a 5xx).",
        _BadGateway(
            "indicators answered 500.", extra={"upstream": "indicators", "reason": "server_error"}
        ),
    ),
    503: (
        "A store or a service is not answering; retry (see `Retry-After`).",
        ServiceUnavailable("The database is not answering; retry shortly."),
    ),
    504: (
        "The service behind the gateway did not answer in time.",
        _GatewayTimeout(
            "indicators did not answer in time.",
            extra={"upstream": "indicators", "reason": "timeout"},
        ),
    ),
}


def operation_ids(app_name: str) -> Callable[[APIRoute], str]:
    """``generate_unique_id_function`` of an app: ``<app>_<route function name>``."""

    def operation_id(route: APIRoute) -> str:
        return f"{app_name}_{route.name}"

    return operation_id


#: The dependencies whose routes answer 304 to a matching ``If-None-Match``.
_NOT_MODIFIED_DEPENDENCIES: set[Callable[..., Any]] = set()

NOT_MODIFIED: dict[str, Any] = {
    "description": "Not modified: `If-None-Match` names the answer's ETag, and nothing it "
    "was made of has changed since. No body; the ETag again."
}

Dependency = TypeVar("Dependency", bound=Callable[..., Any])


def answers_not_modified(dependency: Dependency) -> Dependency:
    """Mark ``dependency``: every operation that depends on it, however deep, documents a
    304 (``install_document``)."""
    _NOT_MODIFIED_DEPENDENCIES.add(dependency)
    return dependency


def _depends_on_marked(dependant: Dependant) -> bool:
    return dependant.call in _NOT_MODIFIED_DEPENDENCIES or any(
        _depends_on_marked(d) for d in dependant.dependencies
    )


def not_modified_operations(app: FastAPI) -> set[tuple[str, str]]:
    """The (path, method) of each of ``app``'s operations that can answer 304."""
    # Each route as the app serves it: a router included in another is walked through, and
    # the path is the one the document names (its prefixes included).
    return {
        (str(context.path_format), method.lower())
        for context in iter_route_contexts(app.routes)
        if isinstance(route := context.original_route, APIRoute)
        and _depends_on_marked(route.dependant)
        for method in route.methods or ()
    }


def install_document(app: FastAPI, examples: Examples, *, gateway: bool = False) -> None:
    """Make ``app.openapi()`` give the completed document (built once, then cached)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            complete(build(), examples, gateway=gateway, not_modified=not_modified_operations(app))
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(
    document: dict[str, Any],
    examples: Examples,
    *,
    gateway: bool = False,
    not_modified: Collection[tuple[str, str]] = (),
) -> None:
    """Add problems, 304s and examples to ``document`` in place (see the module's
    docstring); ``not_modified``: the (path, method) of the operations that can answer 304."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                add_problems(path, method, operation, gateway=gateway)
                if (path, method) in not_modified:
                    operation.setdefault("responses", {}).setdefault("304", dict(NOT_MODIFIED))
                _add_examples(operation, examples)


def problem_statuses(
    path: str, method: str, operation: dict[str, Any], *, gateway: bool
) -> list[int]:
    """The error statuses an operation can answer with a problem document."""
    statuses: list[int] = []
    params = operation.get("parameters", [])
    names = {str(p.get("name", "")).lower() for p in params}
    takes_body = "requestBody" in operation
    if takes_body or method in WRITE_METHODS:
        statuses.append(400)
    if operation.get("security"):
        statuses += [401, 403]
    if any(p.get("in") == "path" for p in params):
        statuses.append(404)
    if method in WRITE_METHODS:
        statuses.append(409)
    if "if-match" in names:
        statuses.append(412)
    if takes_body:
        statuses += [413, 415]
    if params or takes_body:
        statuses.append(422)
    if path.startswith("/v1"):
        statuses += [502, 503, 504] if gateway else [503]
    return statuses


def _problem_content(status: int, path: str) -> dict[str, Any]:
    problem = PROBLEMS[status][1] if status in PROBLEMS else PROBLEMS[400][1]
    return {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}, "example": problem.to_problem(path)}}


def add_problems(path: str, method: str, operation: dict[str, Any], *, gateway: bool) -> None:
    """Document the problems ``problem_statuses`` names; a status documented already keeps
    its description (and its body, when it has one)."""
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in problem_statuses(path, method, operation, gateway=gateway):
        response = responses.setdefault(str(status), {"description": PROBLEMS[status][0]})
        # A documented status with a body of its own (``/ready``'s 503) keeps it.
        if not response.get("content"):
            response["content"] = _problem_content(status, path)
    catch_all = responses.setdefault("4XX", {"description": "A problem document."})
    catch_all["content"] = _problem_content(400 if "400" in responses else 404, path)


def _schema_name(media: dict[str, Any]) -> str | None:
    ref = media.get("schema", {}).get("$ref")
    return ref.removeprefix(REF_PREFIX) if isinstance(ref, str) else None


def _example_for(media: dict[str, Any], examples: Examples, operation_id: str) -> Any:
    name = _schema_name(media)
    if name is not None and name in examples.schemas:
        return examples.schemas[name]
    return examples.bodies.get(operation_id)


def _add_examples(operation: dict[str, Any], examples: Examples) -> None:
    operation_id = str(operation.get("operationId", ""))
    content = operation.get("requestBody", {}).get("content", {})
    json_example = None
    if "application/json" in content:
        json_example = _example_for(content["application/json"], examples, operation_id)
        if json_example is not None:
            content["application/json"].setdefault("example", json_example)
    if "text/csv" in content and isinstance(json_example, list) and json_example:
        content["text/csv"].setdefault("example", as_csv(json_example))
    for status, response in operation.get("responses", {}).items():
        media = response.get("content", {}).get("application/json")
        if media is None or "example" in media:
            continue
        example = _example_for(media, examples, f"{operation_id}:{status}")
        if example is not None:
            media["example"] = example


def as_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as the API's CSV form: a header of the first row's keys, comma, decimal point."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()

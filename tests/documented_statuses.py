"""Every answer a route gives in the suite's tests is one its OpenAPI document names.

The services' OpenAPI documents are the contract clients are generated from (README, "The
OpenAPI documents"): a status a route answers but does not document is one a generated
client treats as an error it cannot read. Schemathesis finds such gaps only where its
random requests happen to reach them (a new indicator's ``PUT`` answered 201, documented
200 only, went unseen in the bounded fuzz); the suite's own tests reach every path on
purpose. So each test harness's app is wrapped in ``DocumentedStatuses``, which compares
every answer of a routed request with the responses its operation documents and fails
the test that got an undocumented one, naming the route and the status; the gateway's
tests, which talk to it over HTTP, do the same with ``DocumentedAnswers`` on their client
(the gateway's document holds every service's ``/v1`` operations, as it proxies them).

Answers given before routing (authentication, the body-size limit, a draining service's
503, an unknown path) and a path's 405 belong to no operation and are not checked here;
the error responses every operation shares are documented by ``shared.openapi_doc``.
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.types import Message, Receive, Scope, Send


class UndocumentedStatus(AssertionError):
    """A route answered a status its OpenAPI operation does not list."""


def documented(responses: dict[str, Any], status: int) -> bool:
    """Whether an operation's ``responses`` cover ``status``: listed as such, by its
    range (``4XX``), or by ``default``."""
    return str(status) in responses or f"{status // 100}XX" in responses or "default" in responses


class DocumentedStatuses:
    """The app, as a test client calls it, with each routed answer's status checked."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._operations: dict[tuple[str, str], dict[str, Any]] | None = None

    def __getattr__(self, name: str) -> Any:
        # The test client and the tests reach the app's state and routes through it.
        return getattr(self.app, name)

    def _responses(self, path: str, method: str) -> dict[str, Any] | None:
        if self._operations is None:
            self._operations = {
                (p, m.upper()): op.get("responses", {})
                for p, item in self.app.openapi()["paths"].items()
                for m, op in item.items()
            }
        return self._operations.get((path, method))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        statuses: list[int] = []

        async def noting(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])
            await send(message)

        await self.app(scope, receive, noting)
        route = scope.get("route")
        if not statuses or not isinstance(route, APIRoute) or not route.include_in_schema:
            return
        if scope["method"] not in (route.methods or ()):
            return  # the path's 405: a method no operation has
        responses = self._responses(route.path_format, scope["method"])
        if responses is None:
            raise UndocumentedStatus(
                f"{scope['method']} {route.path_format} answered, but its document has no "
                "such operation"
            )
        if not documented(responses, statuses[0]):
            raise UndocumentedStatus(
                f"{scope['method']} {route.path_format} answered {statuses[0]}, which its "
                f"OpenAPI operation does not document (it lists {sorted(responses)})"
            )


class DocumentedAnswers:
    """An httpx response hook: each answer to a path and method of an operation in
    ``document`` (an app's ``/openapi.json``) has a status that operation documents."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._schema = schemathesis.openapi.from_dict(document)

    @classmethod
    def of(cls, client: httpx.Client) -> DocumentedAnswers:
        """The hook for the app ``client`` talks to, from its own document."""
        answer = client.get("/openapi.json")
        answer.raise_for_status()
        return cls(answer.json())

    def __call__(self, response: httpx.Response) -> None:
        request = response.request
        operation = self._schema.find_operation_by_path(request.method, request.url.path)
        if operation is None:
            return  # an unknown path, or a method the path has no operation for
        responses = self._document["paths"][operation.path][operation.method.lower()]
        if not documented(responses.get("responses", {}), response.status_code):
            raise UndocumentedStatus(
                f"{request.method} {operation.path} answered {response.status_code}, which "
                f"its OpenAPI operation does not document (it lists "
                f"{sorted(responses.get('responses', {}))})"
            )

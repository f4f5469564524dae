"""Every answer a route gives in the suite's tests is one its OpenAPI document names.

The services' OpenAPI documents are the contract clients are generated from (README, "The
OpenAPI documents"): a status a route answers but does not document is one a generated
client treats as an error it cannot read. Schemathesis finds such gaps only where its
random requests happen to reach them (a new indicator's ``PUT`` answered 201, documented
200 only, went unseen in the bounded fuzz); the suite's own tests reach every path on
purpose. So each test harness's app is wrapped in ``DocumentedStatuses``, which compares
every answer with the responses its operation documents and fails the test that got an
undocumented one, naming the operation and the status; the gateway's tests, which talk
to it over HTTP, do the same with a response hook on their client (``documented_answers``;
the gateway's document holds every service's ``/v1`` operations, as it proxies them).
An answer to a path no operation has, or to a method the path has none for, is not
checked; the error responses every operation shares are documented by
``shared.openapi_doc``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import schemathesis
from fastapi import FastAPI
from starlette.types import Message, Receive, Scope, Send


class UndocumentedStatus(AssertionError):
    """A route answered a status its OpenAPI operation does not list."""


def documented(responses: dict[str, Any], status: int) -> bool:
    """Whether an operation's ``responses`` cover ``status``: listed as such, by its
    range (``4XX``), or by ``default``."""
    return str(status) in responses or f"{status // 100}XX" in responses or "default" in responses


class DocumentedOperations:
    """An app's OpenAPI document, asked whether the operation a request reached documents
    the status it got. The request is matched to its operation as the document's paths
    say (``/v1/results/7`` to ``/v1/results/{result_id}``), by schemathesis."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._schema = schemathesis.openapi.from_dict(document)

    def check(self, method: str, path: str, status: int) -> None:
        """Raise ``UndocumentedStatus`` when the operation ``method`` ``path`` reaches does
        not document ``status``. A path no operation has, or a method the path has no
        operation for (its 405), is no operation's to document."""
        operation = self._schema.find_operation_by_path(method, path)
        if operation is None:
            return
        item = self._document["paths"][operation.path][operation.method.lower()]
        responses: dict[str, Any] = item.get("responses", {})
        if not documented(responses, status):
            raise UndocumentedStatus(
                f"{method} {operation.path} answered {status}, which its OpenAPI operation "
                f"does not document (it lists {sorted(responses)})"
            )


class DocumentedStatuses:
    """The app, as a test client calls it, with each answer's status checked against
    the app's own document."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._operations: DocumentedOperations | None = None

    def __getattr__(self, name: str) -> Any:
        # Tests reach the app's state through the client (``client.app.state.engine``).
        return getattr(self.app, name)

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
        if statuses:
            if self._operations is None:
                self._operations = DocumentedOperations(self.app.openapi())
            self._operations.check(scope["method"], scope["path"], statuses[0])


def documented_answers(client: httpx.Client) -> Callable[[httpx.Response], None]:
    """An httpx response hook for ``client``: each answer's status checked against the
    document of the app it talks to (its ``/openapi.json``)."""
    answer = client.get("/openapi.json")
    answer.raise_for_status()
    operations = DocumentedOperations(answer.json())

    def check(response: httpx.Response) -> None:
        request = response.request
        operations.check(request.method, request.url.path, response.status_code)

    return check

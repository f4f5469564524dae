"""One error hierarchy, rendered once as ``application/problem+json`` (RFC 9457).

Domain code raises these without knowing about HTTP; ``install_error_handlers`` turns
them, FastAPI's validation errors, unknown routes and anything unexpected into problem
documents. No stack trace ever reaches a client.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Scope

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("problem")


class ProblemError(Exception):
    """Base of every error a client is told about."""

    status: int = 500
    title: str = "Internal Server Error"
    type_suffix: str = "internal"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.extra = extra or {}
        self.headers = headers or {}

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://follow-up.example/problems/{self.type_suffix}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class BadRequest(ProblemError):
    status, title, type_suffix = 400, "Bad Request", "bad-request"


class Unauthorized(ProblemError):
    status, title, type_suffix = 401, "Unauthorized", "unauthorized"

    def __init__(self, detail: str = "A valid API key is required.", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(ProblemError):
    status, title, type_suffix = 403, "Forbidden", "forbidden"


class NotFound(ProblemError):
    status, title, type_suffix = 404, "Not Found", "not-found"


class Conflict(ProblemError):
    status, title, type_suffix = 409, "Conflict", "conflict"


class PreconditionFailed(ProblemError):
    """A write carried an ``If-Match`` that no longer matches: someone wrote first."""

    status, title, type_suffix = 412, "Precondition Failed", "stale-write"


class MethodNotAllowed(ProblemError):
    status, title, type_suffix = 405, "Method Not Allowed", "method-not-allowed"


class PayloadTooLarge(ProblemError):
    status, title, type_suffix = 413, "Payload Too Large", "too-large"


class UnsupportedMediaType(ProblemError):
    status, title, type_suffix = 415, "Unsupported Media Type", "media-type"


class InvalidInput(ProblemError):
    """Input that is well-formed but wrong: a field, a row, a period."""

    status, title, type_suffix = 422, "Unprocessable Content", "invalid-input"


class ServiceUnavailable(ProblemError):
    status, title, type_suffix = 503, "Service Unavailable", "unavailable"


def database_unavailable(exc: Exception) -> ServiceUnavailable | None:
    """The 503 for an error of the database's (it went away or refused us, or every
    pooled connection stayed taken for the pool's whole timeout): a moment's trouble, not a
    fault of ours or the caller's, so the client is told to retry. None for other errors.
    The exception handlers answer with it, and so does ``shared.protection`` for what the
    middleware inside it raises (a key looked up in the key store)."""
    if isinstance(exc, PoolTimeout):
        log.warning("no database connection free: %s", exc)
        detail = "Every database connection of the service is busy; retry shortly."
    elif isinstance(exc, OperationalError | InterfaceError):
        log.warning("database unavailable: %s", type(exc).__name__)
        detail = "The database is not answering; retry shortly."
    else:
        return None
    return ServiceUnavailable(detail, headers={"Retry-After": "2"})


class BodyRejected(StarletteHTTPException):
    """A problem raised while the request body is being received (no key, too large, nested
    too deep). FastAPI turns any other exception raised while it reads a body into a bare
    400; an ``HTTPException`` it passes on, so the problem reaches its handler intact."""

    def __init__(self, problem: ProblemError) -> None:
        super().__init__(problem.status, problem.detail, problem.headers or None)
        self.problem = problem


#: Called (in a worker thread) with the request and the problem for every 401/403 answer
#: to a write; a service sets ``app.state.on_refused`` to audit them.
RefusalHook = Callable[[Request, ProblemError], None]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


#: What pydantic puts before the message of a ``ValueError`` (or an ``assert``) our
#: validators raise: the caller needs our words, not the exception's class.
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


def field_error(loc: Sequence[str | int], msg: str) -> dict[str, Any]:
    """One field's problem in the suite's form (``{"loc": [...], "msg": ...}``), also when
    ``msg`` is pydantic's, which loses its prefix."""
    for prefix in _PYDANTIC_PREFIXES:
        msg = msg.removeprefix(prefix)
    return {"loc": list(loc), "msg": msg}


def _loc_text(loc: Sequence[Any]) -> str:
    return ".".join(str(p) for p in loc)


def problem_response(problem: ProblemError, request: Request | None = None) -> JSONResponse:
    instance = request.url.path if request is not None else None
    return JSONResponse(
        problem.to_problem(instance),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers or None,
    )


#: How much of one field's message the ``detail`` of a 422 repeats (``errors`` has it all):
#: a message may quote the value sent, which can be long.
_DETAIL_MESSAGE_CHARS = 200


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # List indexes stay integers (``["body", "org_units", 0]``); names are text.
    out = []
    for err in exc.errors():
        loc = [
            p if isinstance(p, int) and not isinstance(p, bool) else str(p)
            for p in err.get("loc", ())
        ]
        out.append(field_error(loc, str(err.get("msg", ""))))
    return out


def validation_detail(errors: Sequence[Mapping[str, Any]]) -> str:
    """The ``detail`` of a 422 for ``errors``: the first field and what is wrong with it,
    then where the others are (``errors`` says what is wrong with each)."""
    first = errors[0] if errors else {"loc": ["request"], "msg": "not valid"}
    msg = str(first["msg"])
    if len(msg) > _DETAIL_MESSAGE_CHARS:
        msg = msg[: _DETAIL_MESSAGE_CHARS - 1] + "…"
    detail = f"The request is not valid: {_loc_text(first['loc'])}: {msg}"
    others = [_loc_text(e["loc"]) for e in errors[1:]]
    if others:
        shown = ", ".join(others[:4]) + (", …" if len(others) > 4 else "")
        detail += f" (and {len(others)} more: {shown})"
    return detail + "."


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some route of ``app`` answers on ``scope``'s path (for ``Allow``)."""
    methods: list[str] = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        probe = {**scope, "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in app.router.routes):
            methods.append(method)
    return methods


async def _after_refusal(request: Request, problem: ProblemError) -> None:
    """A 401/403 to a write goes to the service's audit trail (when it keeps one)."""
    if problem.status not in (401, 403) or request.method not in WRITE_METHODS:
        return
    hook: RefusalHook | None = getattr(request.app.state, "on_refused", None)
    if hook is None:
        return
    try:
        await run_in_threadpool(hook, request, problem)
    except Exception:  # the answer stands even when the trail cannot be written
        log.exception("could not audit a refused write")


def install_error_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        await _after_refusal(request, exc)
        return problem_response(exc, request)

    async def on_body_rejected(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, BodyRejected)
        await _after_refusal(request, exc.problem)
        return problem_response(exc.problem, request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = _validation_errors(exc)
        return problem_response(InvalidInput(validation_detail(errors), errors=errors), request)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        cls = next(
            (c for c in _ALL if c.status == status),
            None,
        )
        problem = (cls or ProblemError)(str(exc.detail), headers=dict(exc.headers or {}))
        if cls is None:
            problem.status, problem.title = status, "Error"
        if status == 404 and exc.detail == "Not Found":
            problem.detail = f"No route {request.method} {request.url.path}."
        if status == 405:
            allow = allowed_methods(request.app, request.scope)
            problem = MethodNotAllowed(
                f"{request.method} is not allowed on {request.url.path}; "
                f"use {', '.join(allow) or 'another path'}.",
                headers={"Allow": ", ".join(allow)},
            )
        return problem_response(problem, request)

    async def on_database(request: Request, exc: Exception) -> JSONResponse:
        problem = database_unavailable(exc)
        assert problem is not None  # registered for the errors it names
        return problem_response(problem, request)

    async def on_integrity(request: Request, exc: Exception) -> JSONResponse:
        # Two writers raced for the same key; the loser is told to re-read.
        return problem_response(Conflict("The write conflicts with existing data."), request)

    async def on_data(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(InvalidInput("A value is out of range for its field."), request)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem_response(ProblemError("An unexpected error occurred."), request)

    handlers: list[tuple[type[Exception], Handler]] = [
        (ProblemError, on_problem),
        (BodyRejected, on_body_rejected),
        (RequestValidationError, on_validation),
        (StarletteHTTPException, on_http),
        (OperationalError, on_database),
        (InterfaceError, on_database),
        (PoolTimeout, on_database),
        (IntegrityError, on_integrity),
        (DataError, on_data),
        (Exception, on_unexpected),
    ]
    for exception, handler in handlers:
        app.add_exception_handler(exception, _ending_sessions(handler))


Handler = Callable[[Request, Exception], Awaitable[JSONResponse]]
#: Where ``shared.db.ClosesSessions`` leaves the closing of a request's sessions.
_END_SESSIONS_KEY = "followup.end_sessions"


def _ending_sessions(handler: Handler) -> Handler:
    """``handler``, after the failed request's database sessions are closed: its
    transaction is rolled back before the answer (and before a refusal is audited, which
    would otherwise wait for the route's locks; on SQLite, the whole store's)."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        end_sessions: Callable[[Scope], Awaitable[None]] | None = request.scope.get(
            _END_SESSIONS_KEY
        )
        if end_sessions is not None:
            await end_sessions(request.scope)
        return await handler(request, exc)

    return handle


_ALL: list[type[ProblemError]] = [
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PreconditionFailed,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    InvalidInput,
    ServiceUnavailable,
]

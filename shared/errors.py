"""One error hierarchy, rendered once as ``application/problem+json`` (RFC 9457).

Domain code raises these without knowing about HTTP; ``install_error_handlers`` turns
them, FastAPI's validation errors, unknown routes and anything unexpected into problem
documents. No stack trace ever reaches a client.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

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


class PayloadTooLarge(ProblemError):
    status, title, type_suffix = 413, "Payload Too Large", "too-large"


class UnsupportedMediaType(ProblemError):
    status, title, type_suffix = 415, "Unsupported Media Type", "media-type"


class InvalidInput(ProblemError):
    """Input that is well-formed but wrong: a field, a row, a period."""

    status, title, type_suffix = 422, "Unprocessable Content", "invalid-input"


class ServiceUnavailable(ProblemError):
    status, title, type_suffix = 503, "Service Unavailable", "unavailable"


def field_error(loc: Sequence[str | int], msg: str) -> dict[str, Any]:
    return {"loc": list(loc), "msg": msg}


def problem_response(problem: ProblemError, request: Request | None = None) -> JSONResponse:
    instance = request.url.path if request is not None else None
    return JSONResponse(
        problem.to_problem(instance),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers or None,
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        out.append({"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", ""))})
    return out


def install_error_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        return problem_response(exc, request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = _validation_errors(exc)
        fields = ", ".join(".".join(e["loc"]) for e in errors[:5])
        return problem_response(
            InvalidInput(f"The request is not valid: {fields}.", errors=errors), request
        )

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
            problem.status, problem.title = 405, "Method Not Allowed"
        return problem_response(problem, request)

    async def on_database(request: Request, exc: Exception) -> JSONResponse:
        # The database went away or refused us: tell the client to retry, not that we broke.
        log.warning("database unavailable: %s", type(exc).__name__)
        return problem_response(
            ServiceUnavailable(
                "The database is not answering; retry shortly.", headers={"Retry-After": "2"}
            ),
            request,
        )

    async def on_integrity(request: Request, exc: Exception) -> JSONResponse:
        # Two writers raced for the same key; the loser is told to re-read.
        return problem_response(Conflict("The write conflicts with existing data."), request)

    async def on_data(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(InvalidInput("A value is out of range for its field."), request)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem_response(ProblemError("An unexpected error occurred."), request)

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(OperationalError, on_database)
    app.add_exception_handler(InterfaceError, on_database)
    app.add_exception_handler(IntegrityError, on_integrity)
    app.add_exception_handler(DataError, on_data)
    app.add_exception_handler(Exception, on_unexpected)


_ALL: list[type[ProblemError]] = [
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PreconditionFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    InvalidInput,
    ServiceUnavailable,
]

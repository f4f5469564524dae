"""What the client raises: the suite's problem documents as exceptions, and unreachability.

Every error the suite answers is ``application/problem+json`` (RFC 9457). An ``ApiError``
carries it whole (``problem``) and its parts a script acts on: ``status``, ``title``,
``detail``, the fields named (``errors``: ``loc`` and ``msg``, with the ``row`` of a load)
and the rejected rows of a load (``rejected``: each row number with its problems).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx


class FollowupError(Exception):
    """Base of everything the client raises."""


class Unreachable(FollowupError):
    """No answer from the suite: the connection failed or broke off (after the retries)."""

    def __init__(self, url: str, cause: BaseException) -> None:
        super().__init__(f"the suite at {url} did not answer: {type(cause).__name__}: {cause}")
        self.url = url
        self.cause = cause


@dataclass(frozen=True)
class FieldProblem:
    """One problem the suite named: where (``loc``, e.g. ``("body", 3, "value")``) and what;
    ``row`` is the load row it is in (data rows count from 1), when it is in one."""

    loc: tuple[str | int, ...]
    msg: str
    row: int | None = None

    @property
    def field(self) -> str:
        """The field named: the last text part of ``loc`` (empty for a whole row)."""
        texts = [part for part in self.loc if isinstance(part, str) and part != "body"]
        return texts[-1] if texts else ""

    @classmethod
    def parse(cls, raw: Any) -> FieldProblem:
        if not isinstance(raw, dict):
            return cls((), str(raw))
        loc = raw.get("loc") or ()
        row = raw.get("row")
        return cls(
            tuple(p if isinstance(p, int) else str(p) for p in loc),
            str(raw.get("msg", "")),
            row if isinstance(row, int) else None,
        )


@dataclass(frozen=True)
class RejectedRow:
    """A load row the suite refused, with every problem it named."""

    row: int
    errors: tuple[FieldProblem, ...]

    @classmethod
    def parse(cls, raw: Any) -> RejectedRow:
        raw = raw if isinstance(raw, dict) else {}
        row = raw.get("row")
        return cls(
            row if isinstance(row, int) else 0,
            tuple(FieldProblem.parse(e) for e in raw.get("errors") or ()),
        )


class ApiError(FollowupError):
    """The suite answered with an error status; the problem document is kept whole."""

    def __init__(self, method: str, url: str, status: int, problem: dict[str, Any]) -> None:
        self.method = method
        self.url = url
        self.status = status
        self.problem = problem
        self.title = str(problem.get("title") or httpx.codes.get_reason_phrase(status))
        self.detail = str(problem.get("detail") or "")
        self.type = str(problem.get("type") or "about:blank")
        self.errors = tuple(FieldProblem.parse(e) for e in problem.get("errors") or ())
        self.rejected = tuple(RejectedRow.parse(r) for r in problem.get("rejected") or ())
        super().__init__(f"{method} {url}: {status} {self.title}: {self.detail}".rstrip(": "))

    @property
    def refusing(self) -> bool:
        """The suite would not serve this at all: no valid key, a key not allowed, too many
        requests, or the suite (or a service behind the gateway) failing."""
        return self.status in (401, 403, 429) or self.status >= 500


class BadInput(ApiError):
    """400, 413, 415, 422: the request (a field, a row, the body) is wrong."""


class Unauthorized(ApiError):
    """401: no valid key."""


class Forbidden(ApiError):
    """403: the key may not do this (its scope or its org units)."""


class NotFound(ApiError):
    """404: no such resource, or no such route on this suite."""


class Conflict(ApiError):
    """409: the write conflicts with data that exists."""


class PreconditionFailed(ApiError):
    """412 / 428: ``If-Match`` is stale, or required and missing."""


class Unavailable(ApiError):
    """429 or 5xx: the suite is overloaded or failing (after the retries)."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadInput,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    413: BadInput,
    415: BadInput,
    422: BadInput,
    428: PreconditionFailed,
    429: Unavailable,
}


def problem_of(response: httpx.Response) -> dict[str, Any]:
    """The answer's problem document; a body that is not one becomes its ``detail``."""
    try:
        body = json.loads(response.content) if response.content else {}
    except ValueError:
        body = None
    if isinstance(body, dict):
        return body
    text = response.content.decode("utf-8", "replace").strip()
    return {"status": response.status_code, "detail": text[:500]}


def error_for(response: httpx.Response) -> ApiError:
    """The exception for an error answer (the body must have been read)."""
    status = response.status_code
    kind = _BY_STATUS.get(status) or (Unavailable if status >= 500 else ApiError)
    return kind(response.request.method, str(response.request.url), status, problem_of(response))

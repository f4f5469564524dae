"""What every request goes through first, as pure ASGI middleware: the public host, the
query string, the body's size and nesting, security headers, and a 500 that keeps them.

- ``Host`` is never trusted: it is set to the app's public URL (``<APP>_PUBLIC_URL``) or,
  when none is configured, to the address the server is bound to, so the absolute URLs
  the app writes (``next`` of a list page, ``Location``) cannot be pointed elsewhere.
- A query parameter or path holding a control character (NUL cuts a CSV export off on
  Postgres) is a 422 naming it, before any route runs or a stream starts.
- A body over the limit is a 413; a JSON body nested deeper than ``MAX_DEPTH`` a 400,
  found while it arrives, before any parser recurses into it; one with a NUL character
  (``\u0000``) in a string a 422.
- Anything unexpected is a 500 problem that still carries the security headers (and,
  from the observability middleware around this one, ``X-Request-ID``); the database
  away or every pooled connection taken, met by the middleware inside this one (a key
  looked up in the key store), is the 503 the routes give (``database_unavailable``).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlsplit

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import (
    PROBLEM_JSON,
    BadRequest,
    BodyRejected,
    InvalidInput,
    PayloadTooLarge,
    ProblemError,
    database_unavailable,
    field_error,
)
from shared.json_depth import MAX_DEPTH, NestingScanner

log = logging.getLogger("problem")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]
# The interactive docs load their own scripts and styles; they get a looser policy.
_DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
#: C0 and C1 control characters and DEL: never part of a code, a filter or a path.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: ``\u0000`` in a JSON string (not ``\\u0000``, an escaped backslash and text): no store
#: keeps a NUL in text, so it is refused up front, the same on Postgres and SQLite.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def is_json(content_type: bytes | None) -> bool:
    """A body the JSON parsers read: ``application/json``, ``…+json`` or no type at all."""
    if not content_type:
        return True
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


def query_problem(scope: Scope) -> ProblemError | None:
    """A 422 for a control character in the path or in a query parameter's name or value."""
    if _CONTROL.search(scope.get("path", "")):
        return InvalidInput(
            "The path holds a control character.",
            errors=[field_error(["path"], "control characters are not allowed")],
        )
    raw: bytes = scope.get("query_string", b"")
    if not raw:
        return None
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, errors="replace")
    bad = [name for name, value in pairs if _CONTROL.search(name) or _CONTROL.search(value)]
    if not bad:
        return None
    names = [_CONTROL.sub("?", name) for name in dict.fromkeys(bad)]
    return InvalidInput(
        f"The query parameter {', '.join(names)} holds a control character (such as NUL).",
        errors=[field_error(["query", n], "control characters are not allowed") for n in names],
    )


class ProtectionMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, public_url: str = "") -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.public: tuple[str, bytes] | None = None
        if public_url:
            parts = urlsplit(public_url)
            self.public = (parts.scheme, parts.netloc.encode("latin-1"))

    def _fix_host(self, scope: Scope) -> None:
        if self.public is not None:
            scheme, netloc = self.public
            scope["scheme"] = scheme
        else:
            server = scope.get("server")
            if not server:
                netloc = b""
            else:
                host, port = server[0], server[1]
                host = f"[{host}]" if ":" in host else host
                default = _DEFAULT_PORTS.get(scope.get("scheme", "http"))
                netloc = (host if port in (None, default) else f"{host}:{port}").encode()
        headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
        if netloc:
            headers.append((b"host", netloc))
        scope["headers"] = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self._fix_host(scope)
        started = False
        is_docs = scope["path"] in _DOCS_PATHS

        async def send_wrapper(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in SECURITY_HEADERS:
                    if key in present or (is_docs and key == b"content-security-policy"):
                        continue
                    if key == b"cache-control" and b"etag" in present:
                        continue  # cacheable resources keep their validators usable
                    headers.append((key, value))
                message["headers"] = headers
            await send(message)

        async def answer(problem: ProblemError) -> None:
            response = JSONResponse(
                problem.to_problem(scope.get("path")),
                status_code=problem.status,
                media_type=PROBLEM_JSON,
                headers=problem.headers or None,
            )
            await response(scope, receive, send_wrapper)

        refused = query_problem(scope)
        if refused is not None:
            await answer(refused)
            return
        limit = self.max_body_bytes
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await answer(PayloadTooLarge(f"The body is larger than the limit of {limit} bytes."))
            return

        received = 0
        scanner = NestingScanner() if is_json(headers.get(b"content-type")) else None
        tail = b""  # the end of the last chunk, for a ``\u0000`` split between two

        async def guarded_receive() -> Message:
            nonlocal received, tail
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    raise BodyRejected(
                        PayloadTooLarge(f"The body is larger than the limit of {limit} bytes.")
                    )
                if scanner is not None and scanner.feed(chunk) > MAX_DEPTH:
                    raise BodyRejected(
                        BadRequest(
                            f"The JSON body is nested deeper than {MAX_DEPTH} levels.",
                            errors=[field_error(["body"], f"nesting depth over {MAX_DEPTH}")],
                            extra={"max_depth": MAX_DEPTH},
                        )
                    )
                if scanner is not None:
                    joined, seen = tail + chunk, len(tail)
                    if any(m.end() > seen for m in _JSON_NUL.finditer(joined)):
                        raise BodyRejected(
                            InvalidInput(
                                "A text value in the JSON body holds a NUL character (\\u0000), "
                                "which no text may hold.",
                                errors=[field_error(["body"], "NUL character in a string")],
                            )
                        )
                    tail = joined[-16:]
            return message

        try:
            await self.app(scope, guarded_receive, send_wrapper)
        except Exception as exc:
            if started:
                raise  # the answer is under way: the server breaks the connection off
            unavailable = database_unavailable(exc)
            if unavailable is not None:
                await answer(unavailable)
                return
            log.exception("unhandled error")
            await answer(ProblemError("An unexpected error occurred."))

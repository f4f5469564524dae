"""Body size limit and security headers, as pure ASGI middleware."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import PayloadTooLarge, problem_response

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]
# The interactive docs load their own scripts and styles; they get a looser policy.
_DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")


class ProtectionMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            response = problem_response(
                PayloadTooLarge(f"The body is larger than the limit of {limit} bytes.")
            )
            await response(scope, receive, send)
            return

        received = 0
        is_docs = scope["path"] in _DOCS_PATHS

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(f"The body is larger than the limit of {limit} bytes.")
            return message

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
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

        await self.app(scope, limited_receive, send_wrapper)

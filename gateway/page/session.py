"""The page's session (inloggning): the caller's key in a signed, expiring cookie.

A person signs in with their key once; the pages then call the services with it, exactly
as the JSON view does with a bearer key, so a page shows what the API lets that key read.
The cookie is ``HttpOnly`` (no script reads it), ``SameSite=Strict`` (no other site's page
makes the browser send it), ``Secure`` when the page was asked for over HTTPS, and signed
with HMAC-SHA256 under ``GATEWAY_SESSION_SECRET``: a cookie someone edited, or one older
than ``session_max_age``, is no session. The expiry is inside the signed value, so a
browser that keeps the cookie longer than told gains nothing.

The value is the key itself, signed, not encrypted: whoever holds the cookie holds the key
(as whoever holds a bearer key does). That is why it never reaches a script, another site
or plain HTTP when served over HTTPS, and why it expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from functools import cache

from gateway.config import GatewaySettings

COOKIE = "followup_session"


@cache
def _process_secret() -> str:
    """The secret of a gateway started without ``GATEWAY_SESSION_SECRET``: its own, made
    once per process (sessions end when it stops)."""
    return secrets.token_urlsafe(32)


def secret_of(settings: GatewaySettings) -> bytes:
    return (settings.session_secret or _process_secret()).encode()


@dataclass(frozen=True)
class Session:
    """A signed-in person: the key the pages call the services with, and when it ends."""

    key: str
    expires: int

    @property
    def authorization(self) -> str:
        return f"Bearer {self.key}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())


def seal(key: str, secret: bytes, max_age: int, now: float | None = None) -> str:
    """The cookie value of a session for ``key`` ending ``max_age`` seconds from now."""
    expires = int((now if now is not None else time.time()) + max_age)
    payload = _b64(json.dumps({"k": key, "e": expires}, separators=(",", ":")).encode())
    return f"{payload}.{_mac(secret, payload)}"


def unseal(value: str | None, secret: bytes, now: float | None = None) -> Session | None:
    """The session a cookie value holds; ``None`` when it is missing, forged or expired."""
    if not value or value.count(".") != 1:
        return None
    payload, mac = value.split(".")
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        return None
    try:
        data = json.loads(_unb64(payload))
        key, expires = data["k"], data["e"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(key, str) or not isinstance(expires, int):
        return None
    if expires <= (now if now is not None else time.time()):
        return None
    return Session(key, expires)

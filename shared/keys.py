"""API keys: made here, stored hashed in each service's own schema, checked per request.

A key looks like ``fu_<id>_<secret>``. Only ``sha256(secret)`` is stored; the id finds
the row. Scopes are ``read`` < ``write`` < ``admin`` (each includes the ones before).
A key bound to org units may write only for those units, and reads only their data:
org-unit data (results, evaluations, reports, economy, the follow-up view) of other units
is refused (403) when asked for by name and left out of listings that name no unit.
Region-wide definitions (indicators, region targets, assignments, org units) are read by
every key; defining them, and reading the audit trail, needs an unbound admin key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import BodyRejected, Forbidden, ProblemError, ServiceUnavailable, Unauthorized
from shared.observability import KEY_CHECKS_REFUSED
from shared.openapi_doc import BEARER
from shared.store import InfrastructureTables, utcnow
from shared.tokens import TokenVerifier, looks_like_jwt

SCOPES = ("read", "write", "admin")


@dataclass(frozen=True)
class Principal:
    """The caller, as its key says."""

    key_id: str
    scopes: frozenset[str]
    org_units: frozenset[str]  # empty: may speak for every org unit

    def has(self, scope: str) -> bool:
        return scope in self.scopes

    def may_speak_for(self, org_unit: str) -> bool:
        return not self.org_units or org_unit in self.org_units

    def check_org_unit(self, org_unit: str) -> None:
        if not self.may_speak_for(org_unit):
            raise Forbidden(
                f"This key may not write for org unit {org_unit!r}; "
                f"it is bound to {', '.join(sorted(self.org_units))}."
            )

    @property
    def bound(self) -> bool:
        return bool(self.org_units)

    def check_read(self, org_unit: str) -> None:
        """Reading one org unit's data: a bound key reads only its own units."""
        if not self.may_speak_for(org_unit):
            raise Forbidden(
                f"This key may not read org unit {org_unit!r}'s data; "
                f"it is bound to {', '.join(sorted(self.org_units))}."
            )

    def readable(self, org_unit: str | None) -> frozenset[str] | None:
        """The org units a listing may show: ``None`` for all. Asking for one unit the key
        may not read is a 403; asking for none gives a bound key its own units only."""
        if org_unit is not None:
            self.check_read(org_unit)
            return None
        return self.org_units or None

    def check_unbound(self, what: str) -> None:
        """Region-wide acts (defining indicators, region targets, reading the audit trail)."""
        if self.org_units:
            raise Forbidden(
                f"{what} needs a key that is not bound to org units; "
                f"this one is bound to {', '.join(sorted(self.org_units))}."
            )


@dataclass(frozen=True)
class NewKey:
    id: str
    secret: str
    token: str


def expand_scopes(scopes: Iterable[str]) -> frozenset[str]:
    granted: set[str] = set()
    for scope in scopes:
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
        granted.update(SCOPES[: SCOPES.index(scope) + 1])
    return frozenset(granted)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_key() -> NewKey:
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewKey(key_id, secret, f"fu_{key_id}_{secret}")


def parse_token(token: str) -> tuple[str, str] | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "fu" or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def store_key(
    conn: sa.Connection,
    tables: InfrastructureTables,
    key: NewKey,
    name: str,
    scopes: Iterable[str],
    org_units: Iterable[str],
) -> None:
    conn.execute(
        sa.insert(tables.api_key).values(
            id=key.id,
            name=name,
            secret_hash=hash_secret(key.secret),
            scopes=",".join(sorted(expand_scopes(scopes))),
            org_units=",".join(sorted(org_units)),
            created_at=utcnow(),
        )
    )


class KeyVerifier:
    """Looks keys up in the service's store, remembering good ones for a few seconds.

    With ``tokens`` (an identity provider is configured, ``shared.tokens``) a bearer token
    that is a JWT is checked as an access token instead: its subject is the principal's
    ``key_id`` (``jwt:<sub>``, what the audit records) and its groups give the scopes and
    org units. Tokens are not remembered here: their signature check needs no database.
    """

    def __init__(
        self,
        engine: Engine,
        tables: InfrastructureTables,
        cache_seconds: float,
        tokens: TokenVerifier | None = None,
    ) -> None:
        self.engine = engine
        self.table = tables.api_key
        self.cache_seconds = cache_seconds
        self.tokens = tokens
        self._cache: dict[str, tuple[float, Principal]] = {}

    def cached(self, token: str) -> Principal | None:
        """The principal of a token verified within the last ``cache_seconds``."""
        hit = self._cache.get(token)
        if hit and time.monotonic() - hit[0] < self.cache_seconds:
            return hit[1]
        return None

    def verify(self, token: str) -> Principal:
        now = time.monotonic()
        cached = self.cached(token)
        if cached is not None:
            return cached
        if self.tokens is not None and looks_like_jwt(token):
            subject, scopes, org_units = self.tokens.verify(token)
            return Principal(subject, expand_scopes(scopes), frozenset(org_units))
        parsed = parse_token(token)
        if parsed is None:
            raise Unauthorized("The API key is malformed.")
        key_id, secret = parsed
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(self.table).where(self.table.c.id == key_id)).first()
        if row is None or not hmac.compare_digest(row.secret_hash, hash_secret(secret)):
            raise Unauthorized("The API key is not known.")
        if row.revoked_at is not None:
            raise Unauthorized("The API key has been revoked.")
        principal = Principal(
            key_id=row.id,
            scopes=frozenset(s for s in row.scopes.split(",") if s),
            org_units=frozenset(u for u in row.org_units.split(",") if u),
        )
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[token] = (now, principal)
        return principal


def _bearer(request: Request) -> str:
    return bearer_token(request.headers.get("authorization", ""))


def token_of(header: bytes) -> str:
    """What follows ``Bearer`` in an Authorization header, however malformed (for metrics)."""
    return header.decode("latin-1").partition(" ")[2].strip()


def bearer_token(header: str) -> str:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    return token.strip()


#: Where ``AuthenticationMiddleware`` leaves its verdict in the ASGI scope.
PRINCIPAL_KEY = "followup.principal"
REFUSAL_KEY = "followup.refusal"


class AuthenticationMiddleware:
    """Checks the key of every ``/v1`` request before anything reads its body.

    The verdict goes into the scope: the principal, or why the key was refused. A refused
    request still reaches the router (an unknown path stays a 404), but its body is never
    received: the first read raises the 401 (or the 503 when the key store is away), and
    ``require`` raises it for routes that read no body. So no parser ever sees a body sent
    without a valid key.
    """

    def __init__(self, app: ASGIApp, verifier: KeyVerifier, app_name: str = "app") -> None:
        self.app = app
        self.verifier = verifier
        self.app_name = app_name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not (path == "/v1" or path.startswith("/v1/")):
            await self.app(scope, receive, send)
            return
        header = b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                header = value
                break
        try:
            token = bearer_token(header.decode("latin-1"))
            principal = self.verifier.cached(token) or await run_in_threadpool(
                self.verifier.verify, token
            )
        except ProblemError as refused:
            scope[REFUSAL_KEY] = refused
        except (OperationalError, InterfaceError):
            scope[REFUSAL_KEY] = ServiceUnavailable(
                "The key store is not answering; retry shortly.", headers={"Retry-After": "2"}
            )
        else:
            scope[PRINCIPAL_KEY] = principal
            await self.app(scope, receive, send)
            return
        refusal: ProblemError = scope[REFUSAL_KEY]
        credential = (
            "none" if not header else "jwt" if looks_like_jwt(token_of(header)) else "api_key"
        )
        KEY_CHECKS_REFUSED.labels(self.app_name, credential, str(refusal.status)).inc()

        async def gated_receive() -> Message:
            raise BodyRejected(refusal)

        await self.app(scope, gated_receive, send)


async def authenticated(request: Request) -> Principal:
    """The caller's principal: as the middleware found it, or verified now (apps built
    without the middleware; the key store is read in a worker thread)."""
    principal: Principal | None = request.scope.get(PRINCIPAL_KEY)
    if principal is not None:
        return principal
    refusal: ProblemError | None = request.scope.get(REFUSAL_KEY)
    if refusal is not None:
        raise refusal
    verifier: KeyVerifier = request.app.state.key_verifier
    token = _bearer(request)
    cached = verifier.cached(token)
    return cached if cached is not None else await run_in_threadpool(verifier.verify, token)


#: The bearer scheme as FastAPI sees it: declaring it puts ``security`` on the operation
#: in the OpenAPI document (``/docs`` "Authorize"); the check itself is ``authenticated``'s.
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]


def require(scope: str, *, unbound: bool = False) -> Callable[..., Awaitable[Principal]]:
    """A FastAPI dependency: the caller must hold ``scope`` (and, with ``unbound``, a key
    not bound to org units: region-wide definitions)."""

    # ``async def``: the verdict is already in the scope (``AuthenticationMiddleware``), so
    # checking it needs no worker thread, which FastAPI would take for a plain ``def``.
    async def dependency(request: Request, _declared: BearerCredentials = None) -> Principal:
        principal = await authenticated(request)
        if not principal.has(scope):
            raise Forbidden(f"This key lacks the {scope!r} scope.")
        if unbound:
            principal.check_unbound(f"This {scope} route")
        return principal

    dependency.__name__ = f"require_{scope}{'_unbound' if unbound else ''}"
    return dependency


Reader = Annotated[Principal, Depends(require("read"))]
Writer = Annotated[Principal, Depends(require("write"))]
Admin = Annotated[Principal, Depends(require("admin"))]
#: An admin key not bound to org units: region-wide definitions and the audit trail.
RegionAdmin = Annotated[Principal, Depends(require("admin", unbound=True))]

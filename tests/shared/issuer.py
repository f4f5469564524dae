"""The tests' own identity provider: signing keys, a JWKS and an OIDC discovery document
served over HTTP on loopback, and access tokens signed with those keys.

No outside provider is asked: the suite fetches the keys from here as it would from the
region's Entra ID or Keycloak, and the tests count the fetches.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from shared.tokens import GroupGrant, TokenSettings

AUDIENCE = "api://follow-up-suite"

#: The groups the tests' issuer puts in tokens, and what the suite is told they grant.
GROUP_GRANTS = {
    "uppfoljning-lasare": GroupGrant(scopes=["read"]),
    "uppfoljning-hsn": GroupGrant(scopes=["read"], org_units=["HSN"]),
    "rapportorer-sus": GroupGrant(scopes=["write"], org_units=["SUS"]),
    "uppfoljning-admin": GroupGrant(scopes=["admin"]),
}


@dataclass
class SigningKey:
    kid: str
    alg: str
    private: Any
    #: Whether the published JWK names its algorithm (Entra ID's keys do not).
    publish_alg: bool = True

    def jwk(self) -> dict[str, Any]:
        public = self.private.public_key()
        if self.alg.startswith("ES"):
            published = ECAlgorithm.to_jwk(public, as_dict=True)
        else:
            published = RSAAlgorithm.to_jwk(public, as_dict=True)
        published.update({"kid": self.kid, "use": "sig"})
        if self.publish_alg:
            published["alg"] = self.alg
        return published


def rsa_key(kid: str, *, publish_alg: bool = True) -> SigningKey:
    return SigningKey(
        kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048), publish_alg
    )


def ec_key(kid: str) -> SigningKey:
    return SigningKey(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))


@dataclass
class Issuer:
    """An OIDC issuer on ``base_url``: ``/.well-known/openid-configuration`` and ``/jwks``."""

    base_url: str = ""
    published: list[SigningKey] = field(default_factory=list)
    #: Requests for the key set so far.
    jwks_requests: int = 0

    @property
    def issuer(self) -> str:
        return self.base_url

    def settings(self, **changes: Any) -> TokenSettings:
        """What the suite is configured with to trust this issuer (by discovery)."""
        base: dict[str, Any] = {
            "issuer": self.issuer,
            "audience": AUDIENCE,
            "group_grants": GROUP_GRANTS,
            # Every test may rotate keys at once: no pause between fetches unless asked.
            "jwks_refetch_seconds": 0,
        }
        return TokenSettings(**{**base, **changes})

    def env(self) -> dict[str, str]:
        """The same settings as the ``OIDC_`` environment of an app's process."""
        grants = {name: grant.model_dump() for name, grant in GROUP_GRANTS.items()}
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_AUDIENCE": AUDIENCE,
            "OIDC_GROUP_GRANTS": json.dumps(grants),
        }

    def token(
        self,
        key: SigningKey,
        *,
        sub: str = "3f0c9a52-7d1e-4b8a-9c55-2a9e1d6f0b17",
        groups: list[str] | None = None,
        lifetime: float = 300,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": sub,
            "iat": now,
            "nbf": now,
            "exp": now + int(lifetime),
            "groups": groups if groups is not None else ["uppfoljning-lasare"],
        }
        payload.update(claims)
        return jwt.encode(payload, key.private, algorithm=key.alg, headers={"kid": key.kid})

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.jwk() for key in self.published]}

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "jwks_uri": self.base_url + "/jwks",
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def serve_issuer(*keys: SigningKey) -> Iterator[Issuer]:
    """An ``Issuer`` publishing ``keys``, served on a free loopback port for the block."""
    issuer = Issuer(published=list(keys))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            routes: Mapping[str, Any] = {
                "/.well-known/openid-configuration": issuer.discovery,
                "/jwks": issuer.jwks,
            }
            answer = routes.get(self.path)
            if answer is None:
                self.send_error(404)
                return
            if self.path == "/jwks":
                issuer.jwks_requests += 1
            body = json.dumps(answer()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read the counts, not a log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    issuer.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

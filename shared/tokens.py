"""Access tokens (JWT) from the region's identity provider, beside the suite's API keys.

A person signs in at the region's OIDC provider (Entra ID, Keycloak ...) and calls the API
with the access token it issued (``Authorization: Bearer <jwt>``). The token is checked
here — signature against the issuer's published keys (JWKS), ``iss``, ``aud``, ``exp``,
``nbf`` with a small leeway, RS256 or ES256 only — and its groups (or roles: a configured
claim) are mapped to the same ``Principal`` an API key gives: scopes and org units. The
audit records the token's subject as ``jwt:<sub>``.

The JOSE work (parsing, signatures, claim checks) is PyJWT's: well kept, typed, small (it
needs only ``cryptography``), and it refuses an algorithm the key was not made for. The key
cache is ours rather than PyJWT's ``PyJWKClient`` so that fetching is bounded: the key set
is fetched with a timeout, kept for ``jwks_cache_seconds``, fetched again at once when a
token names a key (``kid``) it does not hold — that is how a rotated key is learnt — but at
most once per ``jwks_refetch_seconds``, so tokens with made-up ``kid`` s cannot make every
request a call to the identity provider. A token whose key is still unknown after that is
a 401; an identity provider that cannot be reached (and no keys cached) is a 503.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.errors import ServiceUnavailable, Unauthorized
from shared.store import AUDIT_WHO_LENGTH

if TYPE_CHECKING:
    import httpx

#: How the audit names a token's subject: ``jwt:<sub>``.
SUBJECT_PREFIX = "jwt:"

#: Asymmetric algorithms only: a shared-secret (HS*) algorithm would let anyone who knows
#: the public key sign tokens, and ``none`` signs nothing.
SUPPORTED_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "ES256", "ES384"})


class GroupGrant(BaseModel):
    """What membership of one group (or one role) gives: scopes and the org units it binds
    to (none: every org unit)."""

    scopes: list[Literal["read", "write", "admin"]]
    org_units: list[str] = []


class TokenSettings(BaseSettings):
    """The identity provider's settings (env prefix ``OIDC_``, the same for every app).

    Without ``OIDC_ISSUER`` access tokens are not accepted, only API keys.
    """

    model_config = SettingsConfigDict(env_prefix="OIDC_", env_file=".env", extra="ignore")

    #: The issuer exactly as tokens carry it in ``iss``
    #: (``https://login.microsoftonline.com/<tenant>/v2.0``, ``https://kc.example/realms/region``).
    issuer: str = ""
    #: The audience tokens must be issued for (``aud``): this API's client id or name.
    audience: str = ""
    #: Where the issuer publishes its keys. Empty: found by OIDC discovery
    #: (``<issuer>/.well-known/openid-configuration``, its ``jwks_uri``).
    jwks_url: str = ""
    #: Seconds of clock difference tolerated on ``exp``, ``nbf`` and ``iat``.
    leeway_seconds: float = Field(default=30.0, ge=0, le=300)
    #: The claim that lists the caller's groups or roles; a dotted path reaches into an
    #: object (Keycloak's ``realm_access.roles``).
    groups_claim: str = "groups"
    #: Group (or role) → what it grants. JSON in the environment:
    #: ``{"followup-sus": {"scopes": ["write"], "org_units": ["SUS"]}}``.
    group_grants: dict[str, GroupGrant] = {}
    #: Signature algorithms accepted.
    algorithms: list[str] = ["RS256", "ES256"]
    #: Seconds the fetched key set is used before it is fetched again.
    jwks_cache_seconds: float = Field(default=300.0, gt=0)
    #: Least seconds between two fetches made because a token named an unknown key.
    jwks_refetch_seconds: float = Field(default=10.0, ge=0)
    #: Seconds one fetch of the key set (or the discovery document) may take.
    jwks_timeout_seconds: float = Field(default=3.0, gt=0)

    @field_validator("algorithms")
    @classmethod
    def _asymmetric_only(cls, value: list[str]) -> list[str]:
        unsupported = sorted(set(value) - SUPPORTED_ALGORITHMS)
        if unsupported:
            raise ValueError(
                f"unsupported algorithms {unsupported}; use some of {sorted(SUPPORTED_ALGORITHMS)}"
            )
        return value

    @field_validator("issuer", "jwks_url")
    @classmethod
    def _no_trailing_space(cls, value: str) -> str:
        return value.strip()

    @property
    def enabled(self) -> bool:
        return bool(self.issuer)


def looks_like_jwt(token: str) -> bool:
    """A JWT is three base64url parts; an API key (``fu_<id>_<secret>``) has no dots."""
    return token.count(".") == 2 and not token.startswith("fu_")


class KeySet:
    """The issuer's signing keys by ``kid``, fetched over HTTP and kept (see the module)."""

    def __init__(self, settings: TokenSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._keys: dict[str, dict[str, Any]] = {}
        #: When the keys held go stale, and the earliest a token's unknown kid may make
        #: us fetch again (monotonic seconds; 0: fetch at first use).
        self._stale_at = 0.0
        self._refetch_at = 0.0
        self._jwks_url = settings.jwks_url
        #: Fetches of the key set made so far (the tests read it).
        self.fetches = 0

    def jwk(self, kid: str) -> dict[str, Any]:
        """The JWK named ``kid``: from the cache, or after one fetch if it is not there."""
        with self._lock:
            now = time.monotonic()
            if now >= self._stale_at or (kid not in self._keys and now >= self._refetch_at):
                # Stale, or an unknown kid: the issuer may have rotated its keys. Ask once.
                self._fetch(now)
            found = self._keys.get(kid)
        if found is None:
            raise Unauthorized(
                f"The token is signed with a key ({kid[:100]!r}) the issuer does not publish."
            )
        return found

    def _fetch(self, now: float) -> None:
        # Imported here, not with the module: every app imports this module, most never
        # see a token (API keys only), and httpx with its CLI's imports is ~6 MiB resident.
        import httpx

        self._refetch_at = now + self.settings.jwks_refetch_seconds
        try:
            with httpx.Client(timeout=self.settings.jwks_timeout_seconds) as client:
                url = self._jwks_url or self._discover(client)
                reply = client.get(url, headers={"Accept": "application/json"})
                reply.raise_for_status()
                document = reply.json()
        except (httpx.HTTPError, ValueError) as failure:
            if self._keys:
                # Go on with the keys we have; try again after the refetch interval.
                self._stale_at = self._refetch_at
                return
            raise ServiceUnavailable(
                "The identity provider's keys cannot be fetched; retry shortly.",
                headers={"Retry-After": "5"},
            ) from failure
        self.fetches += 1
        keys = document.get("keys") if isinstance(document, Mapping) else None
        self._keys = {
            k["kid"]: k
            for k in keys or []
            if isinstance(k, dict)
            and isinstance(k.get("kid"), str)
            and k.get("use", "sig") == "sig"
        }
        self._stale_at = now + self.settings.jwks_cache_seconds

    def _discover(self, client: httpx.Client) -> str:
        reply = client.get(self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration")
        reply.raise_for_status()
        config = reply.json()
        if config.get("issuer") != self.settings.issuer:
            raise ValueError("the discovery document names another issuer")
        url = config.get("jwks_uri")
        if not isinstance(url, str) or not url:
            raise ValueError("the discovery document names no jwks_uri")
        self._jwks_url = url
        return url


def claim(payload: Mapping[str, Any], path: str) -> Any:
    """The claim at a dotted ``path`` (``realm_access.roles``), or ``None``."""
    value: Any = payload
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def grants_of(groups: list[str], grants: Mapping[str, GroupGrant]) -> tuple[set[str], set[str]]:
    """(scopes, org units) the groups give together; no org units: every unit.

    Scopes add up. Org units: a token is bound to the union of the units its matched groups
    bind to, and unbound only when every matched group is unbound — a bound group never
    widens to every unit because an unbound group grants something else. Pure: no I/O.
    """
    matched = [grants[g] for g in groups if g in grants]
    scopes: set[str] = {s for grant in matched for s in grant.scopes}
    units = {u for grant in matched for u in grant.org_units}
    return scopes, units


class TokenVerifier:
    """Checks an access token and says who it speaks for: subject, scopes and org units."""

    def __init__(self, settings: TokenSettings) -> None:
        self.settings = settings
        self.keys = KeySet(settings)

    def verify(self, token: str) -> tuple[str, list[str], list[str]]:
        """(``jwt:<sub>``, granted scopes, bound org units) of a valid token; else 401."""
        # Imported on the first token, not with the module: PyJWT brings ``cryptography``
        # (OpenSSL, ~10 MiB resident), which an app taking only API keys never needs.
        import jwt

        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as bad:
            raise Unauthorized("The access token is malformed.") from bad
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in self.settings.algorithms:
            raise Unauthorized(f"The access token's algorithm {alg!r} is not accepted.")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("The access token names no signing key (kid).")
        jwk = self.keys.jwk(kid)
        try:
            key = jwt.PyJWK(jwk, algorithm=None if "alg" in jwk else alg)
            payload = jwt.decode(
                token,
                key=key,
                algorithms=[alg],
                audience=self.settings.audience or None,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway_seconds,
                options={
                    "require": ["exp", "iss", "sub"] + (["aud"] if self.settings.audience else []),
                    "enforce_minimum_key_length": True,
                },
            )
        except jwt.ExpiredSignatureError as bad:
            raise Unauthorized("The access token has expired.") from bad
        except jwt.ImmatureSignatureError as bad:
            raise Unauthorized("The access token is not valid yet (nbf).") from bad
        except jwt.InvalidAudienceError as bad:
            raise Unauthorized("The access token is not issued for this API (aud).") from bad
        except jwt.InvalidIssuerError as bad:
            raise Unauthorized("The access token is from another issuer (iss).") from bad
        except jwt.PyJWTError as bad:
            raise Unauthorized(f"The access token is not valid: {bad}.") from bad
        subject = payload["sub"]
        if not isinstance(subject, str) or not subject:
            raise Unauthorized("The access token names no subject (sub).")
        if len(SUBJECT_PREFIX) + len(subject) > AUDIT_WHO_LENGTH:
            # The audit must name who wrote; a subject it cannot hold is refused.
            raise Unauthorized("The access token's subject (sub) is too long.")
        groups = claim(payload, self.settings.groups_claim)
        if isinstance(groups, str):
            groups = groups.split()
        names = [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else []
        scopes, units = grants_of(names, self.settings.group_grants)
        return f"{SUBJECT_PREFIX}{subject}", sorted(scopes), sorted(units)


def token_verifier(settings: TokenSettings) -> TokenVerifier | None:
    """What a ``KeyVerifier`` is given: a verifier when an issuer is configured, else none
    (API keys only)."""
    return TokenVerifier(settings) if settings.enabled else None

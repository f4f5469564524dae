"""Access tokens (JWT) of the region's identity provider, beside API keys.

The indicators service runs in-process on a migrated store; the identity provider is the
tests' own (``tests/shared/issuer.py``), serving its key set over HTTP on loopback, so the
service fetches, caches and re-fetches keys as it would from Entra ID or Keycloak.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from shared.keys import KeyVerifier
from shared.migrations import recreate
from shared.registry import app
from shared.tokens import GroupGrant, TokenVerifier, grants_of
from tests import harness
from tests.harness import ServiceHarness, build_app
from tests.indicators.conftest import INDICATOR, put_indicator, result_row
from tests.shared.issuer import Issuer, SigningKey, bearer, ec_key, rsa_key, serve_issuer

KEYCLOAK_SUB = "5f1c9a2e-7d4b-4e8a-9c31-2b7e6f0d8a14"
RSA = rsa_key("rsa-2026-01")
EC = ec_key("ec-2026-01")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    entry = app("indicators")
    spec = entry.load_spec()
    url = harness.test_database_url() or f"sqlite:///{tmp_path_factory.mktemp('tokens') / 'i.db'}"
    recreate(spec, url)
    settings = spec.settings_factory().model_copy(update={"database_url": url})
    built = build_app(entry, settings)
    with TestClient(built) as client:
        yield ServiceHarness(spec, url, built.state.engine, built, client)
    built.state.engine.dispose()


@pytest.fixture
def issuer(service: ServiceHarness) -> Iterator[Issuer]:
    """A fresh issuer publishing RSA and EC keys; the service trusts it (by discovery)."""
    service.clean()
    with serve_issuer(RSA, EC) as running:
        trust(service, running)
        yield running


def trust(service: ServiceHarness, issuer: Issuer, **settings: Any) -> TokenVerifier:
    verifier: KeyVerifier = service.app.state.key_verifier
    verifier.tokens = TokenVerifier(issuer.settings(**settings))
    return verifier.tokens


def get(service: ServiceHarness, token: str, path: str = "/v1/indicators", **params: Any) -> Any:
    return service.client.get(path, params=params, headers=bearer(token))


def problem(reply: Any, status: int) -> str:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    detail: str = reply.json()["detail"]
    return detail


def test_rs256_and_es256_tokens_are_accepted(service: ServiceHarness, issuer: Issuer) -> None:
    put_indicator(service)
    for key in (RSA, EC):
        reply = get(service, issuer.token(key))
        assert reply.status_code == 200, reply.text
        assert [i["code"] for i in reply.json()["items"]] == ["ID9001"]


def test_a_key_published_without_its_algorithm_is_used_with_the_tokens(
    service: ServiceHarness,
) -> None:
    """Entra ID publishes RSA keys without ``alg``: the token's RS256 is used with it."""
    entra_like = rsa_key("entra-like", publish_alg=False)
    with serve_issuer(entra_like) as running:
        trust(service, running)
        assert get(service, running.token(entra_like)).status_code == 200


def test_an_expired_token_is_refused(service: ServiceHarness, issuer: Issuer) -> None:
    expired = issuer.token(RSA, lifetime=-120)
    assert "expired" in problem(get(service, expired), 401)
    # Within the leeway (30 s) a token that just ran out still counts: clocks differ.
    assert get(service, issuer.token(RSA, lifetime=-5)).status_code == 200


def test_a_token_not_yet_valid_is_refused(service: ServiceHarness, issuer: Issuer) -> None:
    future = issuer.token(RSA, nbf=int(time.time()) + 600)
    assert "nbf" in problem(get(service, future), 401)


def test_a_token_for_another_audience_is_refused(service: ServiceHarness, issuer: Issuer) -> None:
    other = issuer.token(RSA, aud="api://another-system")
    assert "aud" in problem(get(service, other), 401)


def test_a_token_from_another_issuer_is_refused(service: ServiceHarness, issuer: Issuer) -> None:
    other = issuer.token(RSA, iss="https://login.example/other-tenant/v2.0")
    assert "iss" in problem(get(service, other), 401)


def test_a_forged_signature_and_symmetric_algorithms_are_refused(
    service: ServiceHarness, issuer: Issuer
) -> None:
    # Signed by a key of the same name that the issuer never published.
    impostor = SigningKey(RSA.kid, "RS256", rsa_key("x").private)
    assert problem(get(service, issuer.token(impostor)), 401)
    # HS256 "signed" with the issuer's public key: the classic algorithm confusion.
    public_pem = RSA.jwk()["n"]
    confused = jwt.encode(
        {"iss": issuer.issuer, "aud": "api://follow-up-suite", "sub": "x", "exp": 2**31},
        public_pem,
        algorithm="HS256",
        headers={"kid": RSA.kid},
    )
    assert "HS256" in problem(get(service, confused), 401)
    # An RS256 header on the EC key's kid.
    mismatched = issuer.token(SigningKey(EC.kid, "RS256", rsa_key("y").private))
    assert problem(get(service, mismatched), 401)


def test_an_unknown_kid_makes_one_fetch_then_401(service: ServiceHarness, issuer: Issuer) -> None:
    assert get(service, issuer.token(RSA)).status_code == 200
    fetched = issuer.jwks_requests
    stranger = rsa_key("never-published")
    assert "never-published" in problem(get(service, issuer.token(stranger)), 401)
    assert issuer.jwks_requests == fetched + 1


def test_unknown_kids_do_not_make_every_request_a_fetch(
    service: ServiceHarness, issuer: Issuer
) -> None:
    """Between two forced fetches lies ``jwks_refetch_seconds``: made-up kids cannot turn
    every request into a call to the identity provider."""
    trust(service, issuer, jwks_refetch_seconds=3600)
    assert get(service, issuer.token(RSA)).status_code == 200
    fetched = issuer.jwks_requests
    for n in range(5):
        problem(get(service, issuer.token(rsa_key(f"made-up-{n}"))), 401)
    assert issuer.jwks_requests == fetched
    assert get(service, issuer.token(EC)).status_code == 200


def test_a_rotated_key_is_learnt_and_the_retired_one_refused(
    service: ServiceHarness, issuer: Issuer
) -> None:
    assert get(service, issuer.token(RSA)).status_code == 200
    fetched = issuer.jwks_requests
    successor = rsa_key("rsa-2026-07")
    issuer.published = [successor, EC]  # the IdP rotates: the old RSA key is retired
    assert get(service, issuer.token(successor)).status_code == 200
    assert issuer.jwks_requests == fetched + 1
    assert problem(get(service, issuer.token(RSA)), 401)


def test_keys_given_by_url_without_discovery(service: ServiceHarness, issuer: Issuer) -> None:
    trust(service, issuer, jwks_url=issuer.base_url + "/jwks")
    assert get(service, issuer.token(EC)).status_code == 200


def test_an_unreachable_identity_provider_is_a_503(service: ServiceHarness) -> None:
    with serve_issuer(RSA) as gone:
        pass  # stopped: nothing answers on its port any more
    trust(service, gone, jwks_url=gone.base_url + "/jwks")
    reply = get(service, gone.token(RSA))
    problem(reply, 503)
    assert reply.headers["retry-after"]


def test_a_token_whose_groups_bind_it_to_sus(service: ServiceHarness, issuer: Issuer) -> None:
    """Writes only for SUS; reads SUS's data, not another unit's; the audit says who."""
    put_indicator(service)
    # Keycloak's subjects are UUIDs: "jwt:<sub>" is longer than an API key's id.
    sus = issuer.token(RSA, sub=KEYCLOAK_SUB, groups=["rapportorer-sus"])
    own = service.client.post("/v1/results", json=[result_row()], headers=bearer(sus))
    assert own.status_code in (200, 201), own.text
    other = service.client.post(
        "/v1/results", json=[result_row(org_unit="YSTAD")], headers=bearer(sus)
    )
    assert "YSTAD" in problem(other, 403)
    assert get(service, sus, "/v1/results", org_unit="SUS").status_code == 200
    assert "YSTAD" in problem(get(service, sus, "/v1/results", org_unit="YSTAD"), 403)
    # Defining an indicator is region-wide: the SUS group's token may not.
    refused = service.client.put("/v1/indicators/ID9002", json=INDICATOR, headers=bearer(sus))
    problem(refused, 403)

    trail = service.client.get("/v1/audit", headers=service.auth("admin")).json()["items"]
    by_token = [e for e in trail if e["key_id"] == f"jwt:{KEYCLOAK_SUB}"]
    assert {e["action"] for e in by_token} >= {"refused"}
    assert any(e["action"] != "refused" for e in by_token), by_token


def test_a_subject_the_audit_cannot_hold_is_refused(
    service: ServiceHarness, issuer: Issuer
) -> None:
    assert get(service, issuer.token(RSA, sub="x" * 196)).status_code == 200
    assert "sub" in problem(get(service, issuer.token(RSA, sub="x" * 197)), 401)


def test_a_token_with_no_granted_group_may_not_read(
    service: ServiceHarness, issuer: Issuer
) -> None:
    stranger = issuer.token(RSA, groups=["kantinen"])
    assert "read" in problem(get(service, stranger), 403)


def test_roles_in_a_nested_claim(service: ServiceHarness, issuer: Issuer) -> None:
    """Keycloak puts realm roles in ``realm_access.roles``."""
    trust(service, issuer, groups_claim="realm_access.roles")
    token = issuer.token(RSA, groups=[], realm_access={"roles": ["uppfoljning-lasare"]})
    assert get(service, token).status_code == 200


def test_api_keys_work_beside_tokens(service: ServiceHarness, issuer: Issuer) -> None:
    assert service.client.get("/v1/indicators", headers=service.auth("read")).status_code == 200


def test_groups_bound_and_unbound_together_stay_bound() -> None:
    grants = {
        "all-read": GroupGrant(scopes=["read"]),
        "sus-write": GroupGrant(scopes=["write"], org_units=["SUS"]),
        "ystad-write": GroupGrant(scopes=["write"], org_units=["YSTAD"]),
    }
    assert grants_of(["all-read"], grants) == ({"read"}, set())
    assert grants_of(["all-read", "sus-write"], grants) == ({"read", "write"}, {"SUS"})
    assert grants_of(["sus-write", "ystad-write", "unknown"], grants) == (
        {"write"},
        {"SUS", "YSTAD"},
    )
    assert grants_of([], grants) == (set(), set())


def test_without_an_issuer_a_jwt_is_not_accepted(service: ServiceHarness, issuer: Issuer) -> None:
    verifier: KeyVerifier = service.app.state.key_verifier
    verifier.tokens = None
    problem(get(service, issuer.token(RSA)), 401)

"""Access tokens through the gateway: a person signed in at the region's identity provider
reads HSN's follow-up view and writes only where the token's groups allow.

The suite runs as processes on stores of its own, every app given the ``OIDC_`` settings of
the tests' own issuer (``tests/shared/issuer.py``), whose keys the services fetch over
HTTP. The gateway passes the token on; each service checks it itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from shared.db import database_on_server, normalise_url
from shared.registry import service_names, store_names
from shared.suite import Stack, new_stack
from shared.suite import prepare_stores as prepare_suite_stores
from tests import harness
from tests.documented_statuses import documented_answers
from tests.gateway.stack import KEYS, metric
from tests.gateway.views import evaluations_of
from tests.shared.issuer import Issuer, bearer, ec_key, rsa_key, serve_issuer

pytestmark = pytest.mark.slow

RSA = rsa_key("region-rsa-1")
EC = ec_key("region-ec-1")
#: A seeded indicator of HSN's quality annex.
INDICATOR = "ID0288"


def _url(folder: Path, name: str) -> str:
    base = harness.test_database_url()
    if not base:
        return f"sqlite:///{folder / (name + '.db')}"
    database = make_url(normalise_url(base)).database or "test"
    return database_on_server(base, database + "_tokens")


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with serve_issuer(RSA, EC) as running:
        yield running


@pytest.fixture(scope="module")
def suite(issuer: Issuer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("token-stores")
    stores = prepare_suite_stores({n: _url(folder, n) for n in store_names()}, KEYS)
    with pytest.MonkeyPatch.context() as env:
        for name, value in issuer.env().items():
            env.setenv(name, value)  # the app processes inherit it
        # Deadlines are not what these tests are about: generous, on a busy machine.
        deadlines = {f"{name}_timeout": "15" for name in service_names()}
        running = new_stack(stores, tmp_path_factory.mktemp("token-logs"), **deadlines)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def gw(suite: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=suite.gateways[0].base_url, timeout=30) as client:
        client.event_hooks["response"].append(documented_answers(client))
        yield client


def row(org_unit: str, value: int) -> dict[str, Any]:
    return {"indicator": INDICATOR, "org_unit": org_unit, "period": "2025", "value": value}


def test_a_token_of_the_hsn_group_reads_hsn_s_view(gw: httpx.Client, issuer: Issuer) -> None:
    token = issuer.token(RSA, sub="hsn.kansli@skane.se", groups=["uppfoljning-hsn"])
    answer = gw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert (view["org_unit"], view["partial"]) == ("HSN", False)
    evaluations = evaluations_of(view)
    assert evaluations and all(e["value_org_unit"] in ("HSN", "REGION") for e in evaluations)
    other = gw.get("/v1/follow-up/SUS", params={"period": "2024"}, headers=bearer(token))
    assert other.status_code == 403, other.text
    write = gw.post("/v1/results", json=[row("HSN", 80)], headers=bearer(token))
    assert write.status_code == 403, write.text


def test_a_token_of_the_sus_reporters_writes_for_sus_only(
    gw: httpx.Client, suite: Stack, issuer: Issuer
) -> None:
    token = issuer.token(EC, sub="anna.andersson@skane.se", groups=["rapportorer-sus"])
    own = gw.post("/v1/results", json=[row("SUS", 77)], headers=bearer(token))
    assert own.status_code == 200, own.text
    assert own.json()["inserted"] == 1
    other = gw.post("/v1/results", json=[row("LANDSKRONA", 77)], headers=bearer(token))
    assert other.status_code == 403, other.text
    assert "LANDSKRONA" in other.json()["detail"]

    # Reading is scoped as for a key bound to SUS: SUS's own view, not HSN's.
    views = {
        unit: gw.get(f"/v1/follow-up/{unit}", params={"period": "2024"}, headers=bearer(token))
        for unit in ("SUS", "HSN")
    }
    assert views["SUS"].status_code == 200, views["SUS"].text
    assert views["SUS"].json()["org_unit"] == "SUS"
    assert views["HSN"].status_code == 403, views["HSN"].text

    trail = gw.get("/v1/audit/indicators", headers=suite.auth("admin")).json()["items"]
    mine = [e for e in trail if e["key_id"] == "jwt:anna.andersson@skane.se"]
    assert {e["action"] for e in mine} == {"load", "refused"}


def test_a_token_for_another_audience_is_refused_through_the_gateway(
    gw: httpx.Client, issuer: Issuer
) -> None:
    token = issuer.token(RSA, aud="api://another-system", groups=["uppfoljning-lasare"])
    for path in ("/v1/indicators", "/v1/follow-up/HSN?period=2024"):
        answer = gw.get(path, headers=bearer(token))
        assert answer.status_code == 401, (path, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"


def test_proxied_requests_are_counted_by_the_upstream_s_route(
    gw: httpx.Client, suite: Stack
) -> None:
    route = "/v1/indicators/{code}"
    before = metric(gw, "http_requests_total", app="gateway", route=route, method="GET")
    answer = gw.get(f"/v1/indicators/{INDICATOR}", headers=suite.auth("read"))
    assert answer.status_code == 200, answer.text
    assert "x-followup-route" not in answer.headers
    assert metric(gw, "http_requests_total", app="gateway", route=route, method="GET") == (
        before + 1
    )

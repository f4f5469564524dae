"""Every service's /v1 routes, reached through the gateway as if it were the service."""

from __future__ import annotations

import csv
import io
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from gateway.proxy import ROUTE_TABLE
from shared.processes import start
from shared.registry import app
from shared.suite import Stack

pytestmark = pytest.mark.slow

READS = [
    ("indicators", "/v1/indicators?limit=5"),
    ("indicators", "/v1/indicators/ID0288"),
    ("indicators", "/v1/indicators/NOPE0000"),
    ("indicators", "/v1/indicators/ID0288/targets"),
    ("indicators", "/v1/results?limit=5&org_unit=REGION"),
    ("indicators", "/v1/evaluations?org_unit=REGION&period=2024&limit=5"),
    ("indicators", "/v1/area-evaluations?org_unit=REGION&period=2024"),
    ("indicators", "/v1/evaluations?org_unit=REGION&period=2024-13"),
    ("indicators", "/v1/evaluation-summary?org_unit=REGION&period=2024"),
    ("indicators", "/v1/production?org_unit=REGION&period=2024"),
    ("indicators", "/v1/goal-trees"),
    ("assignments", "/v1/assignments?org_unit=HSN&year=2024&limit=5"),
    ("assignments", "/v1/assignments/UP2023-001"),
    ("assignments", "/v1/assignments/UP2023-001/reports"),
    ("assignments", "/v1/reports?org_unit=HSN&limit=5"),
    ("assignments", "/v1/risk-analyses?limit=5"),
    ("assignments", "/v1/risks?limit=5"),
    ("assignments", "/v1/risk-actions?limit=5"),
    ("assignments", "/v1/risk-followups?limit=5"),
    ("assignments", "/v1/internal-control?org_unit=HSN&year=2024"),
    ("budget", "/v1/grants?year=2024"),
    ("budget", "/v1/budget-lines?org_unit=HSN&year=2024"),
    ("budget", "/v1/outcomes?limit=5"),
    ("budget", "/v1/forecasts?limit=5"),
    ("budget", "/v1/summary?org_unit=HSN&year=2024&through=2024-08"),
    ("budget", "/v1/earmarked?limit=5"),
    ("budget", "/v1/totals?org_unit=HSN&year=2024"),
    ("budget", "/v1/reported-figures?limit=5"),
    ("budget", "/v1/reported-deviations?org_unit=HSN&limit=5"),
    ("budget", "/v1/financial-figures?limit=5"),
    ("budget", "/v1/financial-goals?year=2024"),
    ("budget", "/v1/forecast-rounds?org_unit=HSN&year=2024"),
]


def test_every_prefix_of_the_route_table_is_exercised() -> None:
    assert {path.split("?")[0].split("/")[2] for _, path in READS} == {
        prefix.split("/")[2] for prefix in ROUTE_TABLE
    }


@pytest.mark.parametrize(("service", "path"), READS)
def test_a_read_through_the_gateway_is_the_services_answer(
    gw: httpx.Client, stack: Stack, service: str, path: str
) -> None:
    direct = httpx.get(stack.services[service].base_url + path, headers=stack.auth())
    proxied = gw.get(path, headers=stack.auth())
    assert proxied.status_code == direct.status_code
    assert proxied.headers["content-type"] == direct.headers["content-type"]
    assert proxied.headers.get("etag") == direct.headers.get("etag")
    # Absolute links the service writes name the host asked: through the gateway, the gateway.
    expected = direct.text.replace(stack.services[service].base_url, stack.gateways[0].base_url)
    assert proxied.text == expected


def test_next_links_point_at_the_gateway(gw: httpx.Client, stack: Stack) -> None:
    page = gw.get("/v1/results?limit=2", headers=stack.auth()).json()
    assert page["next"].startswith(stack.gateways[0].base_url + "/v1/results?")
    second = gw.get(page["next"], headers=stack.auth())
    assert second.status_code == 200
    assert second.json()["items"][0] != page["items"][0]


def test_a_client_supplied_host_never_makes_the_links(gw: httpx.Client, stack: Stack) -> None:
    headers = {**stack.auth(), "Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    page = gw.get("/v1/results?limit=2", headers=headers).json()
    assert page["next"].startswith(stack.gateways[0].base_url + "/v1/results?")


def test_links_a_service_writes_on_its_own_address_lead_to_the_gateways_public_url(
    stack: Stack,
) -> None:
    """A service left to write links on the address it is bound to (no ``PUBLIC_URL``):
    the gateway moves them to its own public URL (``GATEWAY_PUBLIC_URL``)."""
    entry = app("assignments")
    store = stack.urls["assignments"]
    env = {"DATABASE_URL": store, f"{entry.env_prefix}DATABASE_URL": store}
    env[f"{entry.env_prefix}PUBLIC_URL"] = ""
    service = start(entry, env=env, log_dir=stack.log_dir)
    public = "https://uppfoljning.example.se"
    gateway = stack.start_gateway(public_url=public, assignments_url=service.base_url)
    try:
        direct = httpx.get(service.base_url + "/v1/assignments?limit=2", headers=stack.auth())
        assert direct.json()["next"].startswith(service.base_url + "/v1/assignments?")
        with httpx.Client(base_url=gateway.base_url, timeout=30) as client:
            page = client.get("/v1/assignments?limit=2", headers=stack.auth()).json()
            assert page["next"] == direct.json()["next"].replace(service.base_url, public)
            created = client.post(
                "/v1/assignments",
                json={"title": "Gateway-test: länk", "year_given": 2024, "lead_org_unit": "PAN"},
                headers=stack.auth("admin"),
            )
            assert created.status_code == 201, created.text
            location = created.headers["location"]
            assert location.startswith(public + "/v1/assignments/")
            path = location.removeprefix(public)
            assert client.delete(path, headers=stack.auth("admin")).status_code == 204
    finally:
        gateway.stop()
        stack.gateways.remove(gateway)
        service.stop()


def test_csv_export_streams_through_unbuffered(gw: httpx.Client, stack: Stack) -> None:
    headers = {**stack.auth(), "Accept": "text/csv"}
    direct = httpx.get(stack.services["indicators"].base_url + "/v1/results", headers=headers)
    with gw.stream("GET", "/v1/results", headers=headers) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        # Streamed: no length known up front, the body comes in chunks.
        assert "content-length" not in answer.headers
        assert answer.headers["transfer-encoding"] == "chunked"
        body = answer.read()
    assert body == direct.content
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert any(r["indicator"] == "ID0288" for r in rows)


def test_a_bulk_load_body_is_passed_through(gw: httpx.Client, stack: Stack) -> None:
    body = (
        "indicator,org_unit,period,breakdown,value,numerator,denominator,status\n"
        "ID0288,SUS,2024,total,80.5,,,final\n"
        "ID0288,SUS,2024-13,total,80.5,,,final\n"
    )
    headers = {**stack.auth("write_sus"), "Content-Type": "text/csv"}
    answer = gw.post("/v1/results?mode=partial&dry_run=true", content=body, headers=headers)
    direct = httpx.post(
        stack.services["indicators"].base_url + "/v1/results?mode=partial&dry_run=true",
        content=body,
        headers=headers,
    )
    assert answer.status_code == direct.status_code
    assert answer.json() == direct.json()
    assert answer.json()["rejected"][0]["row"] == 2


def test_a_streamed_request_body_without_length_arrives_whole(
    gw: httpx.Client, stack: Stack
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"indicator,org_unit,period,breakdown,value,numerator,denominator,status\n"
        yield b"ID0288,SUS,2024,total,80.5,,,final\n"

    headers = {**stack.auth("write_sus"), "Content-Type": "text/csv"}
    answer = gw.post("/v1/results?dry_run=true", content=chunks(), headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["rejected"] == []


def test_a_write_outside_the_keys_scope_is_the_services_403(gw: httpx.Client, stack: Stack) -> None:
    answer = gw.put(
        "/v1/indicators/ID0288/targets/2030",
        json={"expression": "≥80%", "org_unit": None},
        headers=stack.auth("read"),
    )
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"


def test_create_passes_location_and_etag_and_a_stale_if_match_gets_412(
    gw: httpx.Client, stack: Stack
) -> None:
    created = gw.post(
        "/v1/assignments",
        json={"title": "Gateway-test: nytt uppdrag", "year_given": 2024, "lead_org_unit": "PAN"},
        headers=stack.auth("admin"),
    )
    assert created.status_code == 201, created.text
    location = created.headers["location"]
    assert location.startswith(stack.gateways[0].base_url + "/v1/assignments/")
    etag = created.headers["etag"]
    read = gw.get(location, headers=stack.auth())
    assert read.status_code == 200
    assert read.headers["etag"] == etag

    changed = gw.patch(
        location,
        json={"title": "Gateway-test: ändrat"},
        headers={**stack.auth("admin"), "If-Match": etag},
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    stale = gw.patch(
        location, json={"title": "för sent"}, headers={**stack.auth("admin"), "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert gw.delete(location, headers=stack.auth("admin")).status_code == 204


def test_the_request_id_travels_to_the_service(gw: httpx.Client, stack: Stack) -> None:
    rid = f"gw-test-{uuid.uuid4().hex}"
    answer = gw.get("/v1/indicators/ID0288", headers={**stack.auth(), "X-Request-ID": rid})
    assert answer.headers.get_list("x-request-id") == [rid]
    log = stack.services["indicators"].log
    assert log is not None, "the test stack writes every app's log to a file"
    deadline = time.monotonic() + 5  # the service logs the request after it answered
    while rid not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rid in log.read_text()


def test_an_unknown_v1_path_is_a_404_problem(gw: httpx.Client, stack: Stack) -> None:
    for path in ("/v1/nothing-here", "/v1/indicatorsX", "/v1/audit"):
        answer = gw.get(path, headers=stack.auth())
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/v1/follow-up/HSN?period=2024", "GET"),
        ("DELETE", "/v1/follow-up?period=2024", "GET"),
        ("PUT", "/v1/org-units", "GET"),
        ("POST", "/v1/audit/budget", "GET"),
        ("POST", "/ready", "GET"),
        ("DELETE", "/v1/summary?org_unit=HSN&year=2024", "GET"),  # the service's own 405
    ],
)
def test_a_wrong_method_is_a_405_problem_saying_what_is_allowed(
    gw: httpx.Client, stack: Stack, method: str, path: str, allow: str
) -> None:
    answer = gw.request(method, path, headers=stack.auth("admin"))
    assert answer.status_code == 405, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["allow"] == allow
    assert answer.json()["status"] == 405


@pytest.mark.parametrize("service", ["indicators", "assignments", "budget"])
def test_each_services_audit_is_under_its_name(
    gw: httpx.Client, stack: Stack, service: str
) -> None:
    answer = gw.get(f"/v1/audit/{service}?limit=5", headers=stack.auth("admin"))
    assert answer.status_code == 200
    assert "items" in answer.json()
    assert gw.get(f"/v1/audit/{service}", headers=stack.auth("read")).status_code == 403


def test_audit_of_an_unknown_service_is_a_404(gw: httpx.Client, stack: Stack) -> None:
    assert gw.get("/v1/audit/payroll", headers=stack.auth("admin")).status_code == 404

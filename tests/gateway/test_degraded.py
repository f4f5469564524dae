"""Degraded answers: services refusing connections (killed) or hung (SIGSTOP).

These tests run their own service processes and gateways (short deadlines), so the
faults they cause never reach the shared stack the other gateway tests use.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from shared.suite import Stack, Stores, new_stack
from tests.documented_statuses import documented_answers
from tests.gateway.stack import metric

pytestmark = pytest.mark.slow

DEADLINE = 1.0
VIEW = "/v1/follow-up/HSN"
#: What an answer may take beyond its deadline on a shared, busy machine: a bound, not a
#: measurement (bench/gateway_hung.py measures).
MARGIN = 0.25


@pytest.fixture(scope="module")
def faulty(stores: Stores, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = new_stack(
        stores,
        tmp_path_factory.mktemp("faulty-logs"),
        indicators_timeout=str(DEADLINE),
        assignments_timeout=str(DEADLINE),
        budget_timeout=str(DEADLINE),
        proxy_timeout=str(DEADLINE),
        breaker_failures="1000",  # this gateway never opens a breaker: see the breaker test
    )
    yield stack
    stack.stop()


@pytest.fixture
def gw(faulty: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=faulty.gateways[0].base_url, timeout=30) as client:
        client.event_hooks["response"].append(documented_answers(client))
        yield client


def view(client: httpx.Client, stack: Stack) -> tuple[httpx.Response, float]:
    start = time.perf_counter()
    answer = client.get(VIEW, params={"period": "2024"}, headers=stack.auth())
    return answer, time.perf_counter() - start


def test_a_service_refusing_connections_leaves_its_section_unavailable(
    gw: httpx.Client, faulty: Stack
) -> None:
    with faulty.killed("assignments"):
        answer, elapsed = view(gw, faulty)
    assert answer.status_code == 200
    body = answer.json()
    assert body["sources"] == {"indicators": "ok", "assignments": "unavailable", "budget": "ok"}
    assert body["partial"] is True
    problem = body["problems"]["assignments"]
    assert problem["status"] == 503 and problem["reason"] == "connect_error"
    assert problem["title"] and problem["detail"]
    assert body["assignments"] == []
    assert body["goals"] and body["economy"]["grant"]
    assert elapsed < DEADLINE + 1


def test_a_hung_service_is_cut_off_at_its_deadline(gw: httpx.Client, faulty: Stack) -> None:
    view(gw, faulty)  # warm: the pooled connections exist before the freeze
    with faulty.hung("indicators"):
        answer, elapsed = view(gw, faulty)
    assert answer.status_code == 200
    body = answer.json()
    assert body["sources"] == {"indicators": "unavailable", "assignments": "ok", "budget": "ok"}
    assert body["partial"] is True
    assert body["problems"]["indicators"]["reason"] == "timeout"
    assert body["problems"]["indicators"]["status"] == 504  # as a hung proxied route answers
    assert body["goals"] == [] and body["areas"] == []
    assert len(body["assignments"]) > 0
    assert DEADLINE * 0.9 <= elapsed < DEADLINE + 1


def test_concurrent_views_under_a_hung_service_each_answer_within_their_deadline(
    faulty: Stack,
) -> None:
    """Twelve different views at once (none shares another's fetch) while the indicators
    service is frozen: each answers, partial, within its deadline and a margin."""
    units = ["HSN", "PVN", "PHHN", "NORV", "RS", "KTN", "KN", "RUN", "PN", "FSN", "PAN", "SUS"]
    clients = [
        httpx.Client(base_url=faulty.gateways[0].base_url, timeout=30, headers=faulty.auth())
        for _ in units
    ]
    try:
        for client, unit in zip(clients, units, strict=True):  # warm: connections and pools
            client.get(f"/v1/follow-up/{unit}", params={"period": "2024"}).raise_for_status()

        def ask(pair: tuple[httpx.Client, str]) -> tuple[httpx.Response, float]:
            client, unit = pair
            start = time.perf_counter()
            answer = client.get(f"/v1/follow-up/{unit}", params={"period": "2024"})
            return answer, time.perf_counter() - start

        with faulty.hung("indicators"), ThreadPoolExecutor(len(units)) as pool:
            results = list(pool.map(ask, zip(clients, units, strict=True)))
    finally:
        for client in clients:
            client.close()
    for answer, elapsed in results:
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["partial"] is True
        assert body["sources"]["indicators"] == "unavailable"
        assert body["problems"]["indicators"]["reason"] == "timeout"
        # The other two answer (on a busy machine one may miss the deadline too: then it is
        # a timeout, never a wait past the deadline).
        assert all(p["reason"] == "timeout" for p in body["problems"].values())
        assert elapsed < DEADLINE + MARGIN, (body["org_unit"], elapsed)
    assert any(a.json()["sources"]["assignments"] == "ok" for a, _ in results)


def test_a_hung_service_and_a_refusing_one_still_give_the_third(
    gw: httpx.Client, faulty: Stack
) -> None:
    with faulty.killed("indicators"), faulty.hung("budget"):
        answer, elapsed = view(gw, faulty)
    body = answer.json()
    assert answer.status_code == 200
    assert body["sources"] == {
        "indicators": "unavailable",
        "assignments": "ok",
        "budget": "unavailable",
    }
    assert set(body["problems"]) == {"indicators", "budget"}
    assert elapsed < DEADLINE + 1


def test_with_all_three_down_the_view_is_a_503_problem(gw: httpx.Client, faulty: Stack) -> None:
    with faulty.killed("indicators", "assignments", "budget"):
        answer, _ = view(gw, faulty)
        overview = gw.get("/v1/follow-up", params={"period": "2024"}, headers=faulty.auth())
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == 503
    assert set(problem["problems"]) == {"indicators", "assignments", "budget"}
    assert overview.status_code == 503


def test_the_overview_marks_the_rows_a_missing_service_leaves_partial(
    gw: httpx.Client, faulty: Stack
) -> None:
    with faulty.killed("budget"):
        answer = gw.get("/v1/follow-up", params={"period": "2024"}, headers=faulty.auth())
    assert answer.status_code == 200
    body = answer.json()
    assert body["partial"] is True
    hsn = next(r for r in body["committees"] if r["org_unit"] == "HSN")
    assert hsn["sources"]["budget"] == "unavailable"
    assert hsn["economy"] is None
    assert hsn["assignments"]["avvikelse"] == 3


def test_a_connect_error_is_retried_once_and_a_timeout_never(
    gw: httpx.Client, faulty: Stack
) -> None:
    retries = metric(gw, "gateway_upstream_retries_total", upstream="assignments")
    with faulty.killed("assignments"):
        view(gw, faulty)
    # The view asks the assignments service once (its view section, which the assignments
    # and the internal control are both read from): the call is retried once.
    assert metric(gw, "gateway_upstream_retries_total", upstream="assignments") == retries + 1

    retries = metric(gw, "gateway_upstream_retries_total", upstream="indicators")
    with faulty.hung("indicators"):
        view(gw, faulty)
    assert metric(gw, "gateway_upstream_retries_total", upstream="indicators") == retries


def test_proxied_routes_answer_503_for_a_refusing_and_504_for_a_hung_service(
    gw: httpx.Client, faulty: Stack
) -> None:
    with faulty.killed("budget"):
        refused = gw.get("/v1/grants?year=2024", headers=faulty.auth())
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["upstream"] == "budget"
    with faulty.hung("budget"):
        start = time.perf_counter()
        hung = gw.get("/v1/grants?year=2024", headers=faulty.auth())
        elapsed = time.perf_counter() - start
    assert hung.status_code == 504
    assert hung.headers["content-type"] == "application/problem+json"
    assert elapsed < DEADLINE + 1


def test_ready_stays_200_and_tells_which_upstream_is_down(gw: httpx.Client, faulty: Stack) -> None:
    with faulty.killed("assignments"):
        answer = gw.get("/ready")
    assert answer.status_code == 200
    upstreams = answer.json()["upstreams"]
    assert upstreams["assignments"]["state"] == "unavailable"
    assert upstreams["indicators"]["state"] == "ready"
    assert upstreams["budget"]["state"] == "ready"


def test_the_breaker_opens_after_repeated_failures_and_closes_after_a_good_trial(
    faulty: Stack,
) -> None:
    cooldown = 6.0
    gateway = faulty.start_gateway(
        budget_timeout=str(DEADLINE), breaker_failures="2", breaker_cooldown=str(cooldown)
    )
    try:
        with httpx.Client(base_url=gateway.base_url, timeout=30) as client:
            assert metric(client, "gateway_breaker_state", upstream="budget") == 0
            with faulty.killed("budget"):
                for _ in range(2):
                    first, _ = view(client, faulty)
                    assert first.json()["problems"]["budget"]["reason"] == "connect_error"
                opened = time.monotonic()
                assert metric(client, "gateway_breaker_state", upstream="budget") == 2
                paused, elapsed = view(client, faulty)
                assert paused.json()["problems"]["budget"]["reason"] == "breaker_open"
                assert elapsed < 0.5 + DEADLINE / 2
                assert (
                    metric(
                        client,
                        "gateway_upstream_requests_total",
                        upstream="budget",
                        outcome="breaker_open",
                    )
                    == 1
                )
            # The service is back, but the breaker waits out its cool-down before a trial ...
            if time.monotonic() - opened < cooldown - 1:
                still_paused, _ = view(client, faulty)
                assert still_paused.json()["problems"]["budget"]["reason"] == "breaker_open"
            time.sleep(max(0.0, opened + cooldown + 0.2 - time.monotonic()))
            # ... and a good trial closes it.
            back, _ = view(client, faulty)
            assert back.json()["sources"]["budget"] == "ok"
            assert metric(client, "gateway_breaker_state", upstream="budget") == 0
            assert client.get("/ready").json()["upstreams"]["budget"]["breaker"] == "closed"
    finally:
        gateway.stop()
        faulty.gateways.remove(gateway)


def test_a_failing_upstream_counts_in_the_metrics(gw: httpx.Client, faulty: Stack) -> None:
    # How many indicator calls one view makes, counted with every service up: the budget
    # outage must not change them, and each must be counted as an ok request.
    ok_start = metric(gw, "gateway_upstream_requests_total", upstream="indicators", outcome="ok")
    view(gw, faulty)
    calls = (
        metric(gw, "gateway_upstream_requests_total", upstream="indicators", outcome="ok")
        - ok_start
    )
    assert calls >= 1
    before = metric(
        gw, "gateway_upstream_failures_total", upstream="budget", reason="connect_error"
    )
    ok_before = metric(gw, "gateway_upstream_requests_total", upstream="indicators", outcome="ok")
    with faulty.killed("budget"):
        view(gw, faulty)
    assert (
        metric(gw, "gateway_upstream_failures_total", upstream="budget", reason="connect_error")
        == before + 1
    )
    assert (
        metric(gw, "gateway_upstream_requests_total", upstream="indicators", outcome="ok")
        == ok_before + calls
    )
    assert (
        metric(
            gw,
            "gateway_upstream_request_duration_seconds_count",
            upstream="indicators",
            outcome="ok",
        )
        >= calls
    )

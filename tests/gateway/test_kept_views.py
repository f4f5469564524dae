"""A committee's view asked again while nothing it is made of has changed is sent as it
was kept (``gateway.followup.kept_views``): the same bytes, without assembling it again,
confirmed by one data-version ask per service (shared by views asked at once); a write
that leaves the view as it was is confirmed by the services' 304s; a write that changes
it makes it afresh; a key the services refuse, or revoke, is still refused; and readers
beside a writer never get a view older than the last write committed before they
asked."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from shared.settings import ServiceSettings
from shared.suite import Stack
from tests.gateway.stack import metric, readers_beside_a_writer, revoke
from tests.gateway.views import shown_value

pytestmark = pytest.mark.slow

#: A month of SUS's that no other test of the suite reads or writes: the writes here show
#: in SUS's view of it (ID0285, vårdcentraler, has no SUS result in the seed).
PERIOD = "2023-03"
ASKED = {"indicator": "ID0285", "org_unit": "SUS", "period": PERIOD}


def kept_count(gw: httpx.Client, made: str) -> float:
    return metric(gw, "gateway_follow_up_views_total", made=made)


def view(gw: httpx.Client, stack: Stack, unit: str = "SUS", **headers: str) -> httpx.Response:
    return gw.get(
        f"/v1/follow-up/{unit}", params={"period": PERIOD}, headers={**stack.auth(), **headers}
    )


def write(stack: Stack, value: float) -> None:
    answer = httpx.post(
        stack.services["indicators"].base_url + "/v1/results",
        json=[{**ASKED, "breakdown": "total", "value": value, "status": "final"}],
        headers=stack.auth("write_sus"),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text


@pytest.fixture
def sus_march(stack: Stack) -> Any:
    yield
    gone = httpx.request(
        "DELETE",
        stack.services["indicators"].base_url + "/v1/results",
        params=ASKED,
        headers=stack.auth("write_sus"),
        timeout=30,
    )
    assert gone.status_code == 200, gone.text


def service_calls(stack: Stack, route: str) -> dict[str, float]:
    """Requests each service has answered on ``route``, by its own metrics."""
    counts = {}
    for name, service in stack.services.items():
        with httpx.Client(base_url=service.base_url) as client:
            counts[name] = sum(
                metric(client, "http_requests_total", route=route, method="GET", status=status)
                for status in ("200", "304")
            )
    return counts


def grown(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in after}


def test_a_view_asked_again_is_sent_as_kept(gw: httpx.Client, stack: Stack) -> None:
    """Nothing written between two asks: the second is the same bytes, confirmed by each
    service's data version alone, without asking any of them for its section again."""
    first = view(gw, stack, "PVN")
    assert first.status_code == 200, first.text
    kept_before = kept_count(gw, "unchanged")
    versions, sections = (service_calls(stack, r) for r in VERSION_AND_SECTION)
    again = view(gw, stack, "PVN")
    assert again.status_code == 200
    assert kept_count(gw, "unchanged") == kept_before + 1
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert grown(versions, service_calls(stack, VERSION)) == dict.fromkeys(stack.services, 1)
    assert grown(sections, service_calls(stack, SECTION)) == dict.fromkeys(stack.services, 0)


VERSION, SECTION = "/v1/data-version", "/v1/follow-up-section"
VERSION_AND_SECTION = (VERSION, SECTION)


def test_views_asked_at_once_share_the_data_version_asks(gw: httpx.Client, stack: Stack) -> None:
    """Twenty clients asking kept views at once: every view is right, and the services
    are asked for their data version fewer times than there were views (one ask out at a
    time, shared by every view that arrived before it went out)."""
    units = ["PVN", "HSN", "SUS", "KN"]
    for unit in units:
        assert view(gw, stack, unit).status_code == 200
    expected = {unit: view(gw, stack, unit).content for unit in units}
    before = service_calls(stack, VERSION)
    base = stack.gateways[0].base_url

    def ask(n: int) -> tuple[str, bytes]:
        unit = units[n % len(units)]
        with httpx.Client(base_url=base, timeout=60) as client:
            answer = view(client, stack, unit)
        assert answer.status_code == 200, answer.text
        return unit, answer.content

    asks = 200
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(ask, range(asks)))
    assert all(body == expected[unit] for unit, body in answers)
    asked = grown(before, service_calls(stack, VERSION))
    assert all(0 < n < asks for n in asked.values()), asked


@pytest.mark.usefixtures("sus_march")
def test_a_write_that_leaves_the_view_as_it_was_is_confirmed_by_the_services(
    gw: httpx.Client, stack: Stack
) -> None:
    """A write to SUS's March leaves PVN's view as it was: the next ask finds the
    indicators' version moved, the services' 304s confirm the kept view, and the ask
    after that is confirmed by the data versions alone again."""
    first = view(gw, stack, "PVN")
    assert view(gw, stack, "PVN").status_code == 200
    write(stack, 64.0)
    confirmed, unchanged = kept_count(gw, "confirmed"), kept_count(gw, "unchanged")
    again = view(gw, stack, "PVN")
    assert again.content == first.content
    assert kept_count(gw, "confirmed") == confirmed + 1
    assert view(gw, stack, "PVN").content == first.content
    assert kept_count(gw, "unchanged") == unchanged + 1


def turns_taken(gw: httpx.Client) -> float:
    return sum(
        metric(gw, "gateway_follow_up_view_turns_total", how=how)
        for how in ("free", "waited", "beside")
    )


@pytest.mark.usefixtures("sus_march")
def test_confirming_a_kept_view_takes_a_turn_as_making_one_does(
    gw: httpx.Client, stack: Stack
) -> None:
    """Confirming PVN's kept view after a write to SUS's March has each service compute
    its section again to answer 304, so it takes one of the gateway's turns
    (``GATEWAY_VIEWS_MADE_AT_ONCE``), as making the view afresh does; sending it as kept
    while no service's data moved takes none."""
    assert view(gw, stack, "PVN").status_code == 200
    turns = turns_taken(gw)
    assert view(gw, stack, "PVN").status_code == 200
    assert turns_taken(gw) == turns

    write(stack, 65.0)
    confirmed = kept_count(gw, "confirmed")
    assert view(gw, stack, "PVN").status_code == 200

    assert kept_count(gw, "confirmed") == confirmed + 1
    assert turns_taken(gw) == turns + 1


def test_a_kept_view_is_not_shown_to_a_revoked_key(gw: httpx.Client, stack: Stack) -> None:
    """The key that made the view is revoked: once the services' memory of good keys has
    run out, the kept view is refused to it (401), though nothing else changed."""
    asked = {"params": {"period": PERIOD}, "headers": stack.auth("read_revoked")}
    assert gw.get("/v1/follow-up/PVN", **asked).status_code == 200  # type: ignore[arg-type]
    assert gw.get("/v1/follow-up/PVN", **asked).status_code == 200  # type: ignore[arg-type]
    revoke(stack, "read_revoked")
    time.sleep(ServiceSettings.model_fields["key_cache_seconds"].default + 0.5)
    refused = gw.get("/v1/follow-up/PVN", **asked)  # type: ignore[arg-type]
    assert refused.status_code == 401, refused.text


@pytest.mark.usefixtures("sus_march")
def test_a_write_to_a_service_makes_the_view_afresh(gw: httpx.Client, stack: Stack) -> None:
    before = view(gw, stack)
    assert shown_value(before.json()) is None
    write(stack, 61.5)
    made_before = kept_count(gw, "made")
    after = view(gw, stack)
    assert kept_count(gw, "made") == made_before + 1
    assert shown_value(after.json()) == 61.5
    assert after.headers["etag"] != before.headers["etag"]


def test_a_kept_view_is_not_shown_to_a_key_the_service_refuses(
    gw: httpx.Client, stack: Stack
) -> None:
    assert view(gw, stack, "HSN").status_code == 200
    refused = gw.get("/v1/follow-up/HSN", params={"period": PERIOD}, headers=stack.auth("read_sus"))
    assert refused.status_code == 403, refused.text


def test_csv_of_a_kept_view_is_made_from_the_view(gw: httpx.Client, stack: Stack) -> None:
    assert view(gw, stack, "PVN").status_code == 200
    assert view(gw, stack, "PVN").status_code == 200
    as_csv = view(gw, stack, "PVN", accept="text/csv")
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[0].startswith("section")


@pytest.mark.usefixtures("sus_march")
def test_readers_beside_a_writer_never_get_an_older_view_than_was_committed(
    gw: httpx.Client, stack: Stack
) -> None:
    """One writer stores 1, 2, 3, … for SUS's March while readers ask for SUS's view: each
    view shows at least the value whose write had returned before the view was asked."""
    write(stack, 0)
    stale, errors = readers_beside_a_writer(
        stack.gateways[0].base_url,
        lambda value: write(stack, value),
        15,
        lambda client: view(client, stack),
        lambda answer: shown_value(answer.json()),
        timeout=180,
    )
    assert not errors, errors
    assert not stale, stale
    assert shown_value(view(gw, stack).json()) == 15


@pytest.mark.usefixtures("sus_march")
def test_a_view_made_afresh_asks_each_service_once(gw: httpx.Client, stack: Stack) -> None:
    """After a write, the kept view's checks find the newer answer; the view made afresh
    takes what they found instead of asking each service again: each service is asked
    once for its data version, and only the one written to for its section."""
    assert view(gw, stack).status_code == 200
    assert view(gw, stack).status_code == 200
    write(stack, 63.0)

    def calls() -> dict[str, float]:
        return {
            name: sum(
                metric(gw, "gateway_upstream_requests_total", upstream=name, outcome=outcome)
                for outcome in ("ok", "client_error")
            )
            for name in stack.services
        }

    before = calls()
    answer = view(gw, stack)
    after = calls()
    assert shown_value(answer.json()) == 63.0
    assert grown(before, after) == {"indicators": 2, "assignments": 1, "budget": 1}

"""The overview asked again while nothing it is made of has changed is sent as it was kept
(``gateway.followup.kept_overview``): the same bytes, confirmed by one data-version ask per
service and one of the cycle's store; a write to any service or to the cycle makes it
afresh; another key gets its own rows; a revoked key is refused; and readers beside a
writer never get an overview older than the last write committed before they asked.

The writes here are PAN's assignments of 2019, a year no other test reads: each shows in
PAN's row of the 2019 overview (``ingen_rapport``: not reported)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from shared.settings import ServiceSettings
from shared.suite import Stack
from tests.gateway.stack import metric, readers_beside_a_writer, revoke

pytestmark = pytest.mark.slow

PERIOD = "2019"


def overviews(gw: httpx.Client, made: str) -> float:
    return metric(gw, "gateway_follow_up_overviews_total", made=made)


def overview(client: httpx.Client, stack: Stack, key: str = "admin") -> httpx.Response:
    return client.get("/v1/follow-up", params={"period": PERIOD}, headers=stack.auth(key))


def pan_assignments(answer: httpx.Response) -> int:
    """How many of PAN's 2019 assignments its row counts, whatever their status (a new
    one is not reported: ``ingen_rapport``)."""
    assert answer.status_code == 200, answer.text
    (row,) = [r for r in answer.json()["committees"] if r["org_unit"] == "PAN"]
    counts: dict[str, int] = row["assignments"]
    statuses = ("ej_startat", "pagar_enligt_plan", "avvikelse", "klart", "ingen_rapport")
    return sum(counts[status] for status in statuses)


def give_pan_an_assignment(stack: Stack, created: list[str], n: int) -> None:
    answer = httpx.post(
        stack.services["assignments"].base_url + "/v1/assignments",
        json={
            "title": f"Överblickens uppdrag {n}",
            "goal": "Tillgänglighet och kvalitet",
            "area": "Psykisk hälsa",
            "year_given": 2019,
            "source": "VP",
            "lead_org_unit": "PAN",
            "org_units": ["PAN"],
        },
        headers=stack.auth("admin"),
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    created.append(answer.json()["id"])


@pytest.fixture
def created(stack: Stack) -> Iterator[list[str]]:
    """The assignments a test gives PAN, deleted after it."""
    ids: list[str] = []
    yield ids
    base = stack.services["assignments"].base_url
    for assignment_id in ids:
        gone = httpx.delete(
            f"{base}/v1/assignments/{assignment_id}", headers=stack.auth("admin"), timeout=30
        )
        assert gone.status_code == 204, gone.text


def test_an_overview_asked_again_is_sent_as_kept(gw: httpx.Client, stack: Stack) -> None:
    first = overview(gw, stack)
    assert first.status_code == 200, first.text
    unchanged, made = overviews(gw, "unchanged"), overviews(gw, "made")
    again = overview(gw, stack)
    assert again.status_code == 200
    assert (overviews(gw, "unchanged"), overviews(gw, "made")) == (unchanged + 1, made)
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]


def test_a_write_to_a_service_makes_it_afresh(
    gw: httpx.Client, stack: Stack, created: list[str]
) -> None:
    before = pan_assignments(overview(gw, stack))
    give_pan_an_assignment(stack, created, 1)
    made = overviews(gw, "made")
    after = overview(gw, stack)
    assert overviews(gw, "made") == made + 1
    assert pan_assignments(after) == before + 1


def test_a_change_to_the_calendar_makes_it_afresh(gw: httpx.Client, stack: Stack) -> None:
    """The late counts are the calendar's: any change to it (a due date of 2023 moved, and
    moved back after) is a new overview."""
    assert overview(gw, stack).status_code == 200
    calendar = gw.get("/v1/calendar", params={"year": 2023}, headers=stack.auth("read"))
    assert calendar.status_code == 200, calendar.text
    occasion = calendar.json()["occasions"][0]
    path = f"/v1/calendar/occasions/{occasion['id']}"

    def move_to(due: str) -> None:
        tag = gw.get(path, headers=stack.auth("read")).headers["etag"]
        admin = {**stack.auth("admin"), "If-Match": tag}
        changed = gw.put(path, json={"due_date": due}, headers=admin)
        assert changed.status_code == 200, changed.text

    move_to("2023-12-28" if occasion["due_date"] != "2023-12-28" else "2023-12-29")
    try:
        made = overviews(gw, "made")
        assert overview(gw, stack).status_code == 200
        assert overviews(gw, "made") == made + 1
    finally:
        move_to(occasion["due_date"])


def test_a_key_bound_to_a_committee_gets_its_own_row_not_the_kept_overview(
    gw: httpx.Client, stack: Stack
) -> None:
    assert len(overview(gw, stack).json()["committees"]) > 1
    assert len(overview(gw, stack).json()["committees"]) > 1  # kept now
    own = overview(gw, stack, "read_sus")
    assert own.status_code == 200, own.text
    assert [r["org_unit"] for r in own.json()["committees"]] == ["SUS"]


def test_a_kept_overview_is_not_shown_to_a_revoked_key(gw: httpx.Client, stack: Stack) -> None:
    assert overview(gw, stack, "read_revoked_overview").status_code == 200
    assert overview(gw, stack, "read_revoked_overview").status_code == 200  # kept now
    revoke(stack, "read_revoked_overview")
    time.sleep(ServiceSettings.model_fields["key_cache_seconds"].default + 0.5)
    refused = overview(gw, stack, "read_revoked_overview")
    assert refused.status_code == 401, refused.text


def test_readers_beside_a_writer_never_get_an_older_overview_than_was_committed(
    gw: httpx.Client, stack: Stack, created: list[str]
) -> None:
    """One writer gives PAN one assignment after another while readers ask for the
    overview: each shows at least the assignments whose writes had returned before it
    was asked."""
    base_count = pan_assignments(overview(gw, stack))
    stale, errors = readers_beside_a_writer(
        stack.gateways[0].base_url,
        lambda n: give_pan_an_assignment(stack, created, n),
        8,
        lambda client: overview(client, stack),
        lambda answer: pan_assignments(answer) - base_count,
    )
    assert not errors, errors
    assert not stale, stale
    assert pan_assignments(overview(gw, stack)) == base_count + 8

"""Optimistic concurrency: ETag / If-Match on PATCH, and a real race on Postgres."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.assignments.conftest import new_assignment
from tests.harness import ServiceHarness


def _patch(
    svc: ServiceHarness, assignment_id: str, body: dict[str, Any], if_match: str | None
) -> Any:
    headers = svc.auth("admin")
    if if_match is not None:
        headers = {**headers, "If-Match": if_match}
    return svc.client.patch(f"/v1/assignments/{assignment_id}", json=body, headers=headers)


def test_patch_with_a_stale_etag_is_412(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments)
    assert _patch(assignments, created["id"], {"title": "Först"}, '"1"').status_code == 200
    stale = _patch(assignments, created["id"], {"title": "Sen"}, '"1"')
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    title = assignments.client.get(
        f"/v1/assignments/{created['id']}", headers=assignments.auth("read")
    ).json()["title"]
    assert title == "Först"


def test_patch_without_if_match_is_428(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments)
    r = _patch(assignments, created["id"], {"title": "Blint"}, None)
    assert r.status_code == 428
    assert r.json()["errors"][0]["loc"] == ["header", "If-Match"]


def test_patch_with_star_overwrites_any_version(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments)
    _patch(assignments, created["id"], {"title": "Ett"}, '"1"')
    r = _patch(assignments, created["id"], {"title": "Två"}, "*")
    assert r.status_code == 200
    assert r.json()["version"] == 3


def test_weak_etag_from_a_proxy_is_accepted(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments)
    assert _patch(assignments, created["id"], {"title": "X"}, 'W/"1"').status_code == 200


def test_patch_of_unknown_assignment_is_404(assignments: ServiceHarness) -> None:
    assert _patch(assignments, "UP2023-999", {"title": "X"}, '"1"').status_code == 404


def test_a_report_does_not_make_an_editors_etag_stale(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments)
    r = assignments.client.post(
        f"/v1/assignments/{created['id']}/reports",
        json={"org_unit": "HSN", "period": "2024-05", "status": "ej_startat"},
        headers=assignments.auth("write"),
    )
    assert r.status_code == 201
    assert _patch(assignments, created["id"], {"title": "X"}, '"1"').status_code == 200


def _race(svc: ServiceHarness, assignment_id: str, if_match: str, label: str) -> list[int]:
    """Two PATCHes with the same If-Match, released together; their status codes."""
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def edit(title: str) -> None:
        barrier.wait()
        codes.append(_patch(svc, assignment_id, {"title": title}, if_match).status_code)

    threads = [threading.Thread(target=edit, args=(f"{label}-{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def test_two_concurrent_patches_with_the_same_etag_exactly_one_wins(
    assignments: ServiceHarness,
) -> None:
    if assignments.engine.dialect.name != "postgresql":
        pytest.skip("a real race needs Postgres (SQLite serialises writers up front)")
    created = new_assignment(assignments)
    for round_ in range(5):
        etag = assignments.client.get(
            f"/v1/assignments/{created['id']}", headers=assignments.auth("read")
        ).headers["ETag"]
        assert sorted(_race(assignments, created["id"], etag, str(round_))) == [200, 412]
    final = assignments.client.get(
        f"/v1/assignments/{created['id']}", headers=assignments.auth("read")
    ).json()
    assert final["version"] == 6

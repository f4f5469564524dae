"""Every route needs a key; writes need write (and the org unit); definitions need admin."""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from tests.assignments.conftest import new_assignment
from tests.harness import ServiceHarness

A = "UP2023-013"  # Samtliga sjukhusstyrelser


class WriteRoute(NamedTuple):
    """A write route with a body that succeeds for the right key."""

    name: str
    method: str
    path: str
    body: dict[str, Any] | list[dict[str, Any]]
    headers: dict[str, str]


WRITES = [
    WriteRoute(
        "create",
        "POST",
        "/v1/assignments",
        {"title": "T", "year_given": 2024, "lead_org_unit": "SUS"},
        {},
    ),
    WriteRoute("patch", "PATCH", f"/v1/assignments/{A}", {"title": "T"}, {"If-Match": '"1"'}),
    WriteRoute("delete", "DELETE", f"/v1/assignments/{A}", {}, {}),
    WriteRoute(
        "report",
        "POST",
        f"/v1/assignments/{A}/reports",
        {"org_unit": "SUS", "period": "2024", "status": "klart"},
        {},
    ),
    WriteRoute(
        "bulk",
        "POST",
        "/v1/reports",
        [{"assignment_id": A, "org_unit": "SUS", "period": "2024", "status": "klart"}],
        {},
    ),
]
ADMIN_ONLY = {"create", "patch", "delete"}


def _send(svc: ServiceHarness, route: WriteRoute, headers: dict[str, str]) -> Any:
    return svc.client.request(
        route.method, route.path, json=route.body, headers={**headers, **route.headers}
    )


@pytest.mark.parametrize("route", WRITES, ids=[r.name for r in WRITES])
def test_write_without_a_key_is_401(seeded: ServiceHarness, route: WriteRoute) -> None:
    assert _send(seeded, route, {}).status_code == 401


@pytest.mark.parametrize("route", WRITES, ids=[r.name for r in WRITES])
def test_write_with_a_bad_key_is_401(seeded: ServiceHarness, route: WriteRoute) -> None:
    assert _send(seeded, route, {"Authorization": "Bearer fu_x_y"}).status_code == 401


@pytest.mark.parametrize("route", WRITES, ids=[r.name for r in WRITES])
def test_write_with_a_read_key_is_403(seeded: ServiceHarness, route: WriteRoute) -> None:
    assert _send(seeded, route, seeded.auth("read")).status_code == 403


@pytest.mark.parametrize("route", WRITES, ids=[r.name for r in WRITES])
def test_write_scope_may_report_but_not_define(seeded: ServiceHarness, route: WriteRoute) -> None:
    code = _send(seeded, route, seeded.auth("write")).status_code
    if route.name in ADMIN_ONLY:
        assert code == 403
    else:
        assert code in (200, 201)


@pytest.mark.parametrize("route", WRITES, ids=[r.name for r in WRITES])
def test_a_key_bound_to_another_unit_may_not_write(
    seeded: ServiceHarness, route: WriteRoute
) -> None:
    scope = "admin" if route.name in ADMIN_ONLY else "write"
    r = _send(seeded, route, seeded.auth(scope, "PVN"))
    if route.name == "bulk":  # row-level: the row is rejected, nothing written
        assert r.status_code == 422
        assert "may not report for SUS" in r.json()["rejected"][0]["errors"][0]["msg"]
    else:
        assert r.status_code == 403


@pytest.mark.parametrize("route", WRITES, ids=[r.name for r in WRITES])
def test_a_key_bound_to_the_unit_may_report_but_never_define(
    seeded: ServiceHarness, route: WriteRoute
) -> None:
    # Issue 11 point 10 changed the definitions: an assignment is region-wide, so even one
    # SUS alone is responsible for needs an admin key not bound to org units (RegionAdmin).
    if route.name in ("patch", "delete"):
        created = new_assignment(seeded, lead_org_unit="SUS", org_units=[])
        route = route._replace(path=f"/v1/assignments/{created['id']}")
    if route.name in ADMIN_ONLY:
        r = _send(seeded, route, seeded.auth("admin", "SUS"))
        assert r.status_code == 403
        assert "not bound to org units" in r.json()["detail"]
        assert _send(seeded, route, seeded.auth("admin")).status_code in (200, 201, 204)
    else:
        assert _send(seeded, route, seeded.auth("write", "SUS")).status_code in (200, 201)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/assignments",
        f"/v1/assignments/{A}",
        f"/v1/assignments/{A}/reports",
        "/v1/reports",
    ],
)
def test_reads_need_a_key(seeded: ServiceHarness, path: str) -> None:
    assert seeded.client.get(path).status_code == 401
    assert seeded.client.get(path, headers=seeded.auth("read")).status_code == 200


def test_audit_trail_is_for_admins(seeded: ServiceHarness) -> None:
    assert seeded.client.get("/v1/audit", headers=seeded.auth("write")).status_code == 403

"""Read scoping: assignments' definitions are region-wide, status reports are the units' own.

A key bound to SUS reads every assignment's definition, but only SUS's status reports (and
reports that name SUS): another unit's reports are refused when asked for by name (403) and
left out otherwise, in lists, single reads, histories and CSV alike.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.assignments.conftest import report
from tests.harness import ServiceHarness


@pytest.fixture
def reported(seeded: ServiceHarness) -> ServiceHarness:
    """The seed (HSN's 19 reports for 2024) plus SUS's own report and one by HSN naming SUS."""
    own = report(seeded, "UP2023-013", "SUS", "2024-05", "pagar_enligt_plan", "Enligt plan.")
    assert own.status_code == 201, own.text
    naming = seeded.client.post(
        "/v1/assignments/HSN2024-015/reports",
        json={
            "org_unit": "HSN",
            "period": "2024-01/2024-08",
            "status": "pagar_enligt_plan",
            "explanation": "Samlad rapport för sjukhusen.",
            "on_behalf_of": ["SUS", "YSTAD"],
        },
        headers=seeded.auth("write"),
    )
    assert naming.status_code == 201, naming.text
    return seeded


def _get(svc: ServiceHarness, path: str, *units: str, **headers: str) -> Any:
    return svc.client.get(path, headers={**svc.auth("read", *units), **headers})


def test_a_sus_key_may_not_ask_for_another_units_data(reported: ServiceHarness) -> None:
    for path in (
        "/v1/assignments?org_unit=HSN&year=2024",
        "/v1/reports?org_unit=HSN",
    ):
        r = _get(reported, path, "SUS")
        assert r.status_code == 403, path
        assert r.headers["content-type"] == "application/problem+json"
        assert "HSN" in r.json()["detail"]
        csv_r = _get(reported, path, "SUS", Accept="text/csv")
        assert csv_r.status_code == 403, path
    assert _get(reported, "/v1/assignments?org_unit=REGION", "SUS").status_code == 403


def test_a_sus_key_reads_its_own_units_list(reported: ServiceHarness) -> None:
    r = _get(reported, "/v1/assignments?org_unit=SUS&year=2024&limit=10000", "SUS")
    assert r.status_code == 200
    statuses = {a["id"]: a["latest_status"] for a in r.json()["items"] if a["reported"]}
    assert statuses == {"UP2023-013": "pagar_enligt_plan", "HSN2024-015": "pagar_enligt_plan"}


def test_every_definition_is_read_but_only_sus_statuses(reported: ServiceHarness) -> None:
    items = _get(reported, "/v1/assignments?limit=10000", "SUS").json()["items"]
    assert len(items) == 135
    with_status = {a["id"]: a["latest_report"]["org_unit"] for a in items if a["reported"]}
    assert with_status == {"UP2023-013": "SUS", "HSN2024-015": "HSN"}
    everyone = _get(reported, "/v1/assignments?limit=10000").json()["items"]
    assert sum(1 for a in everyone if a["reported"]) == 20


def test_one_assignment_shows_its_definition_without_other_units_reports(
    reported: ServiceHarness,
) -> None:
    sus = _get(reported, "/v1/assignments/HSN2024-007", "SUS")
    assert sus.status_code == 200
    assert sus.json()["title"].startswith("Utreda den skånska ambulanssjukvården")
    assert (sus.json()["latest_status"], sus.json()["reported"]) == (None, False)
    assert _get(reported, "/v1/assignments/HSN2024-007").json()["latest_status"] == "avvikelse"
    hsn = _get(reported, "/v1/assignments/HSN2024-007", "HSN").json()
    assert hsn["latest_status"] == "avvikelse"


def test_the_history_holds_only_readable_reports(reported: ServiceHarness) -> None:
    own = _get(reported, "/v1/assignments/HSN2024-007/reports", "SUS")
    assert own.status_code == 200 and own.json()["items"] == []
    named = _get(reported, "/v1/assignments/HSN2024-015/reports", "SUS").json()["items"]
    assert [(h["org_unit"], h["on_behalf_of"]) for h in named] == [("HSN", ["SUS", "YSTAD"])]
    assert len(_get(reported, "/v1/assignments/HSN2024-015/reports").json()["items"]) == 2


def test_the_report_list_and_csv_hold_only_readable_reports(reported: ServiceHarness) -> None:
    items = _get(reported, "/v1/reports?limit=10000", "SUS").json()["items"]
    assert sorted((i["assignment_id"], i["org_unit"]) for i in items) == [
        ("HSN2024-015", "HSN"),
        ("UP2023-013", "SUS"),
    ]
    own = _get(reported, "/v1/reports?org_unit=SUS", "SUS").json()["items"]
    assert [(i["assignment_id"], i["org_unit"]) for i in own] == [("UP2023-013", "SUS")]
    text = _get(reported, "/v1/reports", "SUS", Accept="text/csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["org_unit"] for r in rows) == ["HSN", "SUS"]
    assert len(_get(reported, "/v1/reports?limit=10000").json()["items"]) == 21


def test_the_change_feed_is_scoped_too(reported: ServiceHarness) -> None:
    changes = _get(reported, "/v1/reports?after_seq=0&limit=10000", "SUS").json()["items"]
    assert {c["org_unit"] for c in changes} == {"SUS", "HSN"}
    assert all(
        c["org_unit"] == "SUS" or "SUS" in c["on_behalf_of"] for c in changes if "status" in c
    )


def test_a_key_bound_to_two_units_reads_both(reported: ServiceHarness) -> None:
    report(reported, "HSN2024-007", "HSN", "2024-05", "ej_startat")
    items = _get(reported, "/v1/reports?limit=10000", "SUS", "HSN").json()["items"]
    assert len(items) == 22
    assert _get(reported, "/v1/reports?org_unit=PVN", "SUS", "HSN").status_code == 403

"""Lists: filters, keyset paging, CSV and the change feed with tombstones."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from services.assignments.models import ASSIGNMENT
from tests.assignments.conftest import new_assignment, report
from tests.harness import ServiceHarness


def _items(svc: ServiceHarness, query: str) -> list[dict[str, Any]]:
    r = svc.client.get(f"/v1/assignments?{query}", headers=svc.auth("read"))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_org_unit_matches_any_responsible_unit(assignments: ServiceHarness) -> None:
    led = new_assignment(assignments, lead_org_unit="PHHN", org_units=[])
    shared = new_assignment(assignments, lead_org_unit="HSN", org_units=["PHHN"])
    other = new_assignment(assignments, lead_org_unit="HSN", org_units=[])
    ids = {a["id"] for a in _items(assignments, "org_unit=PHHN")}
    assert ids == {led["id"], shared["id"]}
    assert other["id"] not in ids


def test_boards_find_assignments_given_to_all_boards(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments, lead_org_unit="ALL_HOSPITAL_BOARDS", org_units=[])
    assert [i["id"] for i in _items(assignments, "org_unit=YSTAD")] == [a["id"]]


def test_filter_by_area_status_and_year(assignments: ServiceHarness) -> None:
    psych = new_assignment(assignments, area="Psykisk hälsa", year_given=2024)
    new_assignment(assignments, area="Digitalisering", year_given=2024)
    report(assignments, psych["id"], "HSN", "2024", "klart")
    assert [a["id"] for a in _items(assignments, "area=Psykisk%20hälsa")] == [psych["id"]]
    assert [a["id"] for a in _items(assignments, "status=klart")] == [psych["id"]]
    assert _items(assignments, "status=avvikelse") == []
    assert len(_items(assignments, "year=2024")) == 2
    assert _items(assignments, "year=2023") == []


def test_unknown_org_unit_filter_is_422(assignments: ServiceHarness) -> None:
    r = assignments.client.get("/v1/assignments?org_unit=MARS", headers=assignments.auth("read"))
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["query", "org_unit"]


def test_unknown_status_filter_is_422(assignments: ServiceHarness) -> None:
    r = assignments.client.get("/v1/assignments?status=bra", headers=assignments.auth("read"))
    assert r.status_code == 422


def test_paging_follows_next_through_every_assignment_once(seeded: ServiceHarness) -> None:
    seen: list[str] = []
    url: str | None = "/v1/assignments?limit=40"
    pages = 0
    while url:
        body = seeded.client.get(url, headers=seeded.auth("read")).json()
        seen.extend(a["id"] for a in body["items"])
        url = body["next"]
        pages += 1
    assert pages == 4
    assert len(seen) == 135 == len(set(seen))
    assert seen == sorted(seen)


def test_each_kept_page_names_its_next_in_a_link_header(seeded: ServiceHarness) -> None:
    """The list is answered from the kept answers (``shared.readcache``): asked twice, the
    second (kept) answer still names its next page in ``Link``, as the first did."""
    for _ in range(2):
        first = seeded.client.get("/v1/assignments?limit=40", headers=seeded.auth("read"))
        assert first.links["next"]["url"] == first.json()["next"]
    last = seeded.client.get("/v1/assignments?limit=200", headers=seeded.auth("read"))
    assert last.json()["next"] is None and "link" not in last.headers


def test_paging_keeps_the_filters(seeded: ServiceHarness) -> None:
    first = seeded.client.get(
        "/v1/assignments?org_unit=HSN&year=2024&limit=50", headers=seeded.auth("read")
    ).json()
    assert "org_unit=HSN" in first["next"] and "year=2024" in first["next"]
    second = seeded.client.get(first["next"], headers=seeded.auth("read")).json()
    assert len(first["items"]) + len(second["items"]) == 63
    assert second["next"] is None


def test_csv_has_the_whole_filtered_set(seeded: ServiceHarness) -> None:
    r = seeded.client.get(
        "/v1/assignments?org_unit=HSN&year=2024&limit=5",
        headers={**seeded.auth("read"), "Accept": "text/csv"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 63
    by_id = {row["id"]: row for row in rows}
    assert by_id["HSN2024-007"]["latest_status"] == "avvikelse"
    assert by_id["HSN2024-007"]["carried_over"] == "false"
    assert by_id["UP2023-026"]["carried_over"] == "true"
    assert len(by_id["UP2023-001"]["org_units"].split(";")) == 12
    assert by_id["UP2023-001"]["year_given_stated"] == "false"


def test_after_seq_gives_changes_in_order(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    b = new_assignment(assignments)
    last = max(a["change_seq"], b["change_seq"])
    report(assignments, a["id"], "HSN", "2024", "klart")
    changed = _items(assignments, f"after_seq={last}")
    assert [c["id"] for c in changed] == [a["id"]]
    assert changed[0]["latest_status"] == "klart"
    assert changed[0]["change_seq"] > last


def test_deleted_assignment_comes_as_a_tombstone(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    report(assignments, a["id"], "HSN", "2024", "klart")
    seq = _items(assignments, "after_seq=0")[-1]["change_seq"]
    assignments.client.delete(f"/v1/assignments/{a['id']}", headers=assignments.auth("admin"))
    changes = _items(assignments, f"after_seq={seq}")
    assert changes == [
        {
            "id": a["id"],
            "deleted": True,
            "updated_at": changes[0]["updated_at"],
            "change_seq": seq + 1,
        }
    ]
    report_changes = assignments.client.get(
        "/v1/reports?after_seq=0", headers=assignments.auth("read")
    ).json()["items"]
    assert report_changes[-1]["deleted"] is True


def test_updated_since_finds_recent_changes_and_tombstones(assignments: ServiceHarness) -> None:
    old = new_assignment(assignments)
    with assignments.engine.begin() as conn:
        conn.execute(sa.update(ASSIGNMENT).values(updated_at=datetime(2020, 1, 1, tzinfo=UTC)))
    since = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    fresh = new_assignment(assignments)
    gone = new_assignment(assignments)
    assignments.client.delete(f"/v1/assignments/{gone['id']}", headers=assignments.auth("admin"))
    r = assignments.client.get(
        "/v1/assignments", params={"updated_since": since}, headers=assignments.auth("read")
    )
    items = r.json()["items"]
    assert [i["id"] for i in items] == [fresh["id"], gone["id"]]
    assert items[1]["deleted"] is True
    assert old["id"] not in [i["id"] for i in items]


def test_rows_carry_updated_at_and_change_seq(assignments: ServiceHarness) -> None:
    new_assignment(assignments)
    item = _items(assignments, "")[0]
    assert item["change_seq"] >= 1
    assert datetime.fromisoformat(item["updated_at"]).tzinfo is not None

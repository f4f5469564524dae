"""An assignment's definition: created, read back, changed with If-Match and deleted."""

from __future__ import annotations

from tests.assignments.conftest import BOARDS, new_assignment
from tests.harness import ServiceHarness


def test_created_assignment_is_read_back_with_every_field(assignments: ServiceHarness) -> None:
    created = new_assignment(
        assignments,
        source="HSN §28 2021-03-04",
        deadline="2025-12-31",
        deadline_text="inom 2 år",
        earmarked={"amount": 15_000_000, "purpose": "PTP-platser"},
    )
    assert created["id"].startswith("A-")
    got = assignments.client.get(
        f"/v1/assignments/{created['id']}", headers=assignments.auth("read")
    )
    assert got.status_code == 200
    body = got.json()
    assert body == created
    assert body["lead_org_unit"] == "HSN"
    assert body["org_units"] == ["HSN", "PHHN"]
    assert body["source"] == "HSN §28 2021-03-04"
    assert body["deadline"] == "2025-12-31"
    assert body["earmarked"] == {"amount": 15_000_000, "purpose": "PTP-platser"}
    assert body["latest_status"] is None and body["latest_report"] is None
    assert body["year_given_stated"] is True
    assert got.headers["ETag"] == '"1"'


def test_create_answers_location_and_etag(assignments: ServiceHarness) -> None:
    r = assignments.client.post(
        "/v1/assignments",
        json={"title": "T", "year_given": 2024, "lead_org_unit": "PVN"},
        headers=assignments.auth("admin"),
    )
    assert r.status_code == 201
    assert r.headers["Location"].endswith(f"/v1/assignments/{r.json()['id']}")
    assert r.headers["ETag"] == '"1"'


def test_generated_ids_are_distinct(assignments: ServiceHarness) -> None:
    ids = {new_assignment(assignments)["id"] for _ in range(3)}
    assert len(ids) == 3


def test_samtliga_sjukhusstyrelser_token_in_a_new_assignment(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments, lead_org_unit="HSN", org_units=["ALL_HOSPITAL_BOARDS"])
    assert created["org_units"] == ["HSN", *BOARDS]
    assert created["lead_org_unit"] == "HSN"


def test_a_group_as_lead_has_no_single_lead_unit(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments, lead_org_unit="ALL_HOSPITAL_BOARDS", org_units=[])
    assert created["lead_org_unit"] is None
    assert created["lead_text"] == "Samtliga sjukhusstyrelser"
    assert created["org_units"] == BOARDS


def test_unknown_org_unit_is_rejected_naming_the_field(assignments: ServiceHarness) -> None:
    r = assignments.client.post(
        "/v1/assignments",
        json={"title": "T", "year_given": 2024, "lead_org_unit": "HSN", "org_units": ["MARS"]},
        headers=assignments.auth("admin"),
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    loc = r.json()["errors"][0]["loc"]
    # The index is the first unit sent; validation errors spell it as text ("0").
    assert loc[:2] == ["body", "org_units"] and str(loc[2]) == "0"


def test_unknown_goal_is_rejected(assignments: ServiceHarness) -> None:
    r = assignments.client.post(
        "/v1/assignments",
        json={"title": "T", "year_given": 2024, "lead_org_unit": "HSN", "goal": "Världsfred"},
        headers=assignments.auth("admin"),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "goal"]


def test_earmarked_money_must_be_whole_kronor(assignments: ServiceHarness) -> None:
    r = assignments.client.post(
        "/v1/assignments",
        json={
            "title": "T",
            "year_given": 2024,
            "lead_org_unit": "HSN",
            "earmarked": {"amount": 15.5, "purpose": "PTP"},
        },
        headers=assignments.auth("admin"),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"][:3] == ["body", "earmarked", "amount"]


def test_missing_title_is_rejected(assignments: ServiceHarness) -> None:
    r = assignments.client.post(
        "/v1/assignments",
        json={"year_given": 2024, "lead_org_unit": "HSN"},
        headers=assignments.auth("admin"),
    )
    assert r.status_code == 422
    assert ["body", "title"] in [e["loc"] for e in r.json()["errors"]]


def test_unknown_assignment_is_404(assignments: ServiceHarness) -> None:
    r = assignments.client.get("/v1/assignments/UP2023-999", headers=assignments.auth("read"))
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_patch_changes_given_fields_and_the_etag(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments)
    r = assignments.client.patch(
        f"/v1/assignments/{created['id']}",
        json={"title": "Ny lydelse", "deadline": "2025-06-30"},
        headers={**assignments.auth("admin"), "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"2"'
    body = r.json()
    assert body["title"] == "Ny lydelse"
    assert body["deadline"] == "2025-06-30"
    assert body["area"] == created["area"]
    assert body["version"] == 2


def test_patch_org_units_replaces_the_responsible_units(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments, org_units=["PHHN", "PVN"])
    r = assignments.client.patch(
        f"/v1/assignments/{created['id']}",
        json={"org_units": ["ALL_HOSPITAL_BOARDS"]},
        headers={**assignments.auth("admin"), "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["org_units"] == ["HSN", *BOARDS]


def test_patch_cannot_null_the_title(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments)
    r = assignments.client.patch(
        f"/v1/assignments/{created['id']}",
        json={"title": None},
        headers={**assignments.auth("admin"), "If-Match": '"1"'},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "title"]


def test_patch_cannot_change_the_kind(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments)
    r = assignments.client.patch(
        f"/v1/assignments/{created['id']}",
        json={"kind": "milestone"},
        headers={**assignments.auth("admin"), "If-Match": '"1"'},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "kind"]


def test_delete_removes_the_assignment(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments)
    r = assignments.client.delete(
        f"/v1/assignments/{created['id']}", headers=assignments.auth("admin")
    )
    assert r.status_code == 204
    again = assignments.client.get(
        f"/v1/assignments/{created['id']}", headers=assignments.auth("read")
    )
    assert again.status_code == 404


def test_delete_with_a_stale_etag_is_refused(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments)
    r = assignments.client.delete(
        f"/v1/assignments/{created['id']}",
        headers={**assignments.auth("admin"), "If-Match": '"7"'},
    )
    assert r.status_code == 412


def test_all_committees_token_in_a_new_assignment(assignments: ServiceHarness) -> None:
    created = new_assignment(assignments, lead_org_unit="ALL_COMMITTEES", org_units=[])
    assert created["lead_text"] == "Samtliga styrelser och nämnder"
    assert len(created["org_units"]) == 19
    assert "REGION" not in created["org_units"]


def test_patching_units_keeps_a_group_lead(seeded: ServiceHarness) -> None:
    r = seeded.client.patch(
        "/v1/assignments/UP2023-013",
        json={"org_units": ["HSN"]},
        headers={**seeded.auth("admin"), "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["lead_org_unit"] is None
    assert body["lead_text"] == "Samtliga sjukhusstyrelser"
    assert body["org_units"] == ["HSN", *BOARDS]

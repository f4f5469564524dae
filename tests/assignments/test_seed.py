"""The real data: seed/assignments.yaml loaded by seeding.py, asked the questions users ask."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from services.assignments.models import ASSIGNMENT, STATUS_REPORT
from tests.assignments.conftest import BOARDS, report
from tests.harness import ServiceHarness


def _all(svc: ServiceHarness, query: str = "") -> list[dict[str, Any]]:
    response = svc.client.get(f"/v1/assignments?limit=10000{query}", headers=svc.auth("read"))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_all_135_entries_and_19_reports_are_loaded(seeded: ServiceHarness) -> None:
    items = _all(seeded)
    assert len(items) == 135
    with seeded.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(STATUS_REPORT)).scalar() == 19


def test_seed_keys_are_the_assignment_ids(seeded: ServiceHarness) -> None:
    ids = {a["id"] for a in _all(seeded)}
    assert {"UP2023-001", "UP2023-117", "HSN2024-001", "HSN2024-018"} <= ids
    assert all(i.startswith(("UP2023-", "HSN2024-")) for i in ids)


def test_seeding_a_store_that_has_data_loads_nothing(seeded: ServiceHarness) -> None:
    assert seeded.seed() == 0
    assert len(_all(seeded)) == 135


def test_hsn_assignments_in_avvikelse_in_2024_with_why(seeded: ServiceHarness) -> None:
    items = _all(seeded, "&org_unit=HSN&year=2024&status=avvikelse")
    assert sorted(a["id"] for a in items) == ["HSN2024-007", "HSN2024-012", "HSN2024-018"]
    for a in items:
        assert a["latest_status"] == "avvikelse"
        assert a["latest_report"]["period"] == "2024"
        assert a["latest_report"]["org_unit"] == "HSN"
        assert a["latest_report"]["explanation"].strip()
    sjukresor = next(a for a in items if a["id"] == "HSN2024-018")
    assert "pilotprojekt" in sjukresor["latest_report"]["explanation"]


def test_samtliga_sjukhusstyrelser_expands_to_the_eight_boards(seeded: ServiceHarness) -> None:
    r = seeded.client.get("/v1/assignments/UP2023-013", headers=seeded.auth("read"))
    body = r.json()
    assert body["org_units"] == BOARDS
    assert body["lead_org_unit"] is None
    assert body["lead_text"] == "Samtliga sjukhusstyrelser"


def test_boards_named_with_other_committees_are_expanded(seeded: ServiceHarness) -> None:
    body = seeded.client.get("/v1/assignments/UP2023-001", headers=seeded.auth("read")).json()
    assert body["lead_org_unit"] == "HSN"
    assert set(body["org_units"]) == {"HSN", "RS", "PVN", "PHHN", *BOARDS}


def test_all_committees_as_lead_covers_every_committee_but_not_the_region(
    seeded: ServiceHarness,
) -> None:
    body = seeded.client.get("/v1/assignments/UP2023-091", headers=seeded.auth("read")).json()
    assert body["lead_org_unit"] is None
    assert body["lead_text"] == "Samtliga styrelser och nämnder"
    assert "REGION" not in body["org_units"]
    assert {"HSN", "PN", "KTN", *BOARDS} <= set(body["org_units"])


def test_rows_without_year_marker_are_given_by_2023_not_stated(seeded: ServiceHarness) -> None:
    items = _all(seeded)
    unstated = [a for a in items if not a["year_given_stated"]]
    assert len(unstated) == 86
    assert {a["year_given"] for a in unstated} == {2023}
    stated = {a["id"]: a["year_given"] for a in items if a["year_given_stated"]}
    assert stated["UP2023-003"] == 2022
    assert stated["HSN2024-001"] == 2024


def test_earmarked_money_is_integer_kronor(seeded: ServiceHarness) -> None:
    items = _all(seeded)
    earmarked = [a["earmarked"] for a in items if a["earmarked"]]
    ptp = next(e for e in earmarked if "PTP" in e["purpose"])
    assert ptp["amount"] == 15_000_000
    assert isinstance(ptp["amount"], int)


def test_source_deadline_and_continued_are_kept(seeded: ServiceHarness) -> None:
    def get(assignment_id: str) -> dict[str, Any]:
        r = seeded.client.get(f"/v1/assignments/{assignment_id}", headers=seeded.auth("read"))
        body: dict[str, Any] = r.json()
        return body

    ortopedi = get("UP2023-034")
    assert ortopedi["source"] == "HSN §27 2021-03-04; HSN §6 2021-02-11"
    assert ortopedi["continued"] is True
    assert ortopedi["lead_org_unit"] == "YSTAD"
    within_two_years = get("UP2023-035")
    assert within_two_years["deadline_text"] == "inom 2 år"
    assert within_two_years["deadline"] == "2023-12-31"


def test_sus_reports_on_its_own_assignment_but_not_on_another(seeded: ServiceHarness) -> None:
    sus = seeded.auth("write", "SUS")
    ok = report(seeded, "UP2023-013", "SUS", "2024-05", "pagar_enligt_plan", "Enligt plan.", sus)
    assert ok.status_code == 201, ok.text
    not_responsible = report(seeded, "HSN2024-007", "SUS", "2024-05", "klart", None, sus)
    assert not_responsible.status_code == 403
    for_someone_else = report(seeded, "UP2023-013", "YSTAD", "2024-05", "klart", None, sus)
    assert for_someone_else.status_code == 403


def test_seed_is_recorded_with_change_numbers(seeded: ServiceHarness) -> None:
    with seeded.engine.connect() as conn:
        seqs = conn.execute(sa.select(ASSIGNMENT.c.change_seq)).scalars().all()
    assert len(set(seqs)) == 135
    audit = seeded.client.get("/v1/audit", headers=seeded.auth("admin")).json()["items"]
    assert audit[0]["action"] == "seed"
    assert audit[0]["change"]["reports"] == 19


def test_suicide_prevention_is_led_by_phhn(seeded: ServiceHarness) -> None:
    # Seed 004: "PHHN ansvarar för samordningen av det suicidpreventiva arbetet."
    body = seeded.client.get("/v1/assignments/UP2023-043", headers=seeded.auth("read")).json()
    assert body["lead_org_unit"] == "PHHN"
    assert body["lead_text"] is None
    assert set(body["org_units"]) == {"PHHN", "HSN", "RS", "PVN", *BOARDS}
    phhn = {a["id"] for a in _all(seeded, "&org_unit=PHHN&year=2024")}
    assert "UP2023-043" in phhn

"""Statuses true to their period: a report speaks for a date (``as_of``), a follow-up view
shows the latest report for a date on or before the one it is as of, an assignment nobody
reported on in the year shows as not reported, and a unit is credited only with its own
reports (or those that name it)."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.assignments.conftest import BOARDS, new_assignment, report
from tests.harness import ServiceHarness


def _view(svc: ServiceHarness, query: str) -> dict[str, dict[str, Any]]:
    r = svc.client.get(f"/v1/assignments?limit=10000&{query}", headers=svc.auth("read"))
    assert r.status_code == 200, r.text
    return {a["id"]: a for a in r.json()["items"]}


def _report(svc: ServiceHarness, assignment_id: str, **body: Any) -> Any:
    return svc.client.post(
        f"/v1/assignments/{assignment_id}/reports", json=body, headers=svc.auth("write")
    )


# --------------------------------------------------------------------------- the real data


def test_hsn_jan_aug_2024_shows_no_status_given_for_the_year_end(seeded: ServiceHarness) -> None:
    year = _view(seeded, "org_unit=HSN&year=2024")
    infections = year["HSN2024-008"]
    assert infections["latest_status"] == "klart"
    assert "2024-12-05" in infections["latest_report"]["explanation"]
    assert infections["latest_report"]["as_of"] == "2024-12-31"

    jan_aug = _view(seeded, "org_unit=HSN&year=2024&as_of=2024-08-31")
    assert set(jan_aug) == set(year)  # the same assignments, carried over included
    infections = jan_aug["HSN2024-008"]
    assert infections["latest_status"] is None and infections["latest_report"] is None
    assert infections["reported"] is False
    assert infections["status_as_of"] == "2024-08-31"
    # HSN's 2024 statuses all speak for 2024-12-31: none of them is true of August.
    assert [a for a in jan_aug.values() if a["reported"]] == []
    assert _view(seeded, "org_unit=HSN&period=2024-01/2024-08") == jan_aug


def test_pvn_phhn_norv_and_the_boards_are_not_credited_with_hsns_reports(
    seeded: ServiceHarness,
) -> None:
    for unit in ["PVN", "PHHN", "NORV", *BOARDS]:
        view = _view(seeded, f"org_unit={unit}&year=2024")
        assert "HSN2024-015" in view, unit  # digital booking: every board, PVN, PHHN, NORV
        assert view["HSN2024-015"]["latest_status"] is None, unit
        assert [a["id"] for a in view.values() if a["reported"]] == [], unit
    hsn = _view(seeded, "org_unit=HSN&year=2024")
    assert hsn["HSN2024-015"]["latest_status"] == "pagar_enligt_plan"
    # KTN leads the sjukresor assignment, HSN reported on it: KTN is not credited, HSN is.
    assert _view(seeded, "org_unit=KTN&year=2024")["HSN2024-018"]["reported"] is False
    assert hsn["HSN2024-018"]["latest_status"] == "avvikelse"


def test_a_carried_over_assignment_not_reported_in_the_year_shows_as_not_reported(
    seeded: ServiceHarness,
) -> None:
    view = _view(seeded, "org_unit=HSN&year=2025")
    sammordning = view["UP2023-026"]  # pågår at the end of 2024, nothing since
    assert sammordning["carried_over"] is True
    assert (sammordning["latest_status"], sammordning["reported"]) == (None, False)
    assert "HSN2024-008" not in view  # klart by the end of 2024


def test_the_seed_statuses_speak_for_the_end_of_2024(seeded: ServiceHarness) -> None:
    items = seeded.client.get("/v1/reports?limit=1000", headers=seeded.auth("read")).json()
    assert {(r["period"], r["as_of"]) for r in items["items"]} == {("2024", "2024-12-31")}


# --------------------------------------------------------------------------- reports for a date


def test_a_status_given_during_the_period_shows_in_its_view(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    early = _report(
        assignments,
        a["id"],
        org_unit="HSN",
        period="2024-01/2024-08",
        status="avvikelse",
        explanation="Upphandlingen försenad.",
        as_of="2024-08-20",
    )
    assert early.status_code == 201, early.text
    assert early.json()["as_of"] == "2024-08-20"
    report(assignments, a["id"], "HSN", "2024", "klart", "Klart i december.")
    jan_aug = _view(assignments, "org_unit=HSN&year=2024&as_of=2024-08-31")[a["id"]]
    assert jan_aug["latest_status"] == "avvikelse"
    assert jan_aug["latest_report"]["as_of"] == "2024-08-20"
    assert _view(assignments, "org_unit=HSN&year=2024")[a["id"]]["latest_status"] == "klart"
    before = _view(assignments, "org_unit=HSN&year=2024&as_of=2024-08-19")[a["id"]]
    assert before["reported"] is False


def test_a_report_without_as_of_speaks_for_its_periods_end_once_it_has_ended(
    assignments: ServiceHarness,
) -> None:
    a = new_assignment(assignments)
    r = report(assignments, a["id"], "HSN", "2024-T2", "pagar_enligt_plan")
    assert r.json()["as_of"] == "2024-08-31"


def test_as_of_before_the_period_or_in_the_future_is_422(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments)
    for as_of in ("2023-12-31", "2999-01-01"):
        r = _report(
            assignments, a["id"], org_unit="HSN", period="2024", status="klart", as_of=as_of
        )
        assert r.status_code == 422, as_of
        assert r.json()["errors"][0]["loc"] == ["body", "as_of"]
    bad_date = _report(
        assignments, a["id"], org_unit="HSN", period="2024", status="klart", as_of="31/8"
    )
    assert bad_date.status_code == 422
    assert bad_date.json()["errors"][0]["loc"] == ["body", "as_of"]
    row = {"assignment_id": a["id"], "org_unit": "HSN", "period": "2024", "status": "klart"}
    bulk = assignments.client.post(
        "/v1/reports", json=[{**row, "as_of": "2023-06-30"}], headers=assignments.auth("write")
    )
    assert bulk.status_code == 422
    assert bulk.json()["rejected"][0]["errors"][0]["loc"] == ["as_of"]


def test_bad_listing_parameters_are_422_naming_them(assignments: ServiceHarness) -> None:
    for query, name in [
        ("as_of=2024-13-01", "as_of"),
        ("year=2024&as_of=2023-12-31", "as_of"),
        ("period=maj", "period"),
        ("year=2023&period=2024-T2", "year"),
        ("period=2024-T2&as_of=2024-06-30", "as_of"),
    ]:
        r = assignments.client.get(f"/v1/assignments?{query}", headers=assignments.auth("read"))
        assert r.status_code == 422, query
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["loc"] == ["query", name], query


def test_the_csv_says_as_of_when_and_whether_reported(seeded: ServiceHarness) -> None:
    r = seeded.client.get(
        "/v1/assignments?org_unit=HSN&year=2024",
        headers={**seeded.auth("read"), "Accept": "text/csv"},
    )
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(r.text))}
    assert rows["HSN2024-008"]["latest_as_of"] == "2024-12-31"
    assert rows["HSN2024-008"]["reported"] == "true"
    assert rows["UP2023-001"]["reported"] == "false"
    jan_aug = seeded.client.get(
        "/v1/assignments?org_unit=HSN&year=2024&as_of=2024-08-31",
        headers={**seeded.auth("read"), "Accept": "text/csv"},
    )
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(jan_aug.text))}
    assert rows["HSN2024-008"]["latest_status"] == ""
    assert rows["HSN2024-008"]["reported"] == "false"


# --------------------------------------------------------------------------- whose report


def test_a_report_that_names_a_unit_credits_it(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments, org_units=["PVN", "PHHN"])
    r = _report(
        assignments,
        a["id"],
        org_unit="HSN",
        period="2024",
        status="pagar_enligt_plan",
        explanation="HSN samordnar, också för PVN.",
        on_behalf_of=["PVN"],
    )
    assert r.status_code == 201, r.text
    assert r.json()["on_behalf_of"] == ["PVN"]
    pvn = _view(assignments, "org_unit=PVN&year=2024")[a["id"]]
    assert pvn["latest_status"] == "pagar_enligt_plan"
    assert pvn["latest_report"]["org_unit"] == "HSN"
    assert pvn["latest_report"]["on_behalf_of"] == ["PVN"]
    assert _view(assignments, "org_unit=PHHN&year=2024")[a["id"]]["reported"] is False
    not_responsible = _report(
        assignments, a["id"], org_unit="HSN", period="2024", status="klart", on_behalf_of=["KN"]
    )
    assert not_responsible.status_code == 422
    assert not_responsible.json()["errors"][0]["loc"] == ["body", "on_behalf_of"]
    bound = assignments.client.post(
        f"/v1/assignments/{a['id']}/reports",
        json={"org_unit": "HSN", "period": "2024", "status": "klart", "on_behalf_of": ["PVN"]},
        headers=assignments.auth("write", "HSN"),
    )
    assert bound.status_code == 403


def test_each_unit_has_its_own_status_and_carry_over(assignments: ServiceHarness) -> None:
    a = new_assignment(assignments, year_given=2023, org_units=["PVN"])
    report(assignments, a["id"], "HSN", "2023", "klart", "HSN:s del är klar.")
    report(assignments, a["id"], "PVN", "2024-05", "avvikelse", "PVN saknar resurser.")
    assert a["id"] not in _view(assignments, "org_unit=HSN&year=2024")
    pvn = _view(assignments, "org_unit=PVN&year=2024")[a["id"]]
    assert pvn["carried_over"] is True
    assert (pvn["latest_status"], pvn["latest_report"]["org_unit"]) == ("avvikelse", "PVN")
    region = _view(assignments, "as_of=2024-12-31")[a["id"]]  # no unit asked for: anyone's
    assert region["latest_report"]["org_unit"] == "PVN"

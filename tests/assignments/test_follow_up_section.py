"""The follow-up view's section (``GET /v1/follow-up-section``): the same assignments and
internal control as the two calls it stands for, read in two statements; for every unit
of the seed, the assignments the listing gives for it."""

from __future__ import annotations

from typing import Any

from shared.reference import org_units
from tests.assignments.conftest import new_assignment, report
from tests.assignments.internal_control_data import load_all
from tests.assignments.test_follow_up_view import counting_queries
from tests.harness import ServiceHarness

#: Periods and the day their section is as of.
PERIODS = {"2024-02": "2024-02-29", "2024-08": "2024-08-31", "2024": "2024-12-31"}


def _get(svc: ServiceHarness, path: str) -> Any:
    r = svc.client.get(path, headers=svc.auth("read"))
    assert r.status_code == 200, r.text
    return r.json()


def _reports(svc: ServiceHarness) -> None:
    """Reports of every kind the listing's rules tell apart."""
    shared = new_assignment(svc, earmarked={"amount": 15_000_000, "purpose": "Vårdplatser"})
    # By PHHN, naming HSN: counts for HSN; the later one by PHHN alone does not.
    named = {"org_unit": "PHHN", "period": "2024-03", "status": "avvikelse", "explanation": "x"}
    r = svc.client.post(
        f"/v1/assignments/{shared['id']}/reports",
        json={**named, "on_behalf_of": ["HSN"]},
        headers=svc.auth("write"),
    )
    assert r.status_code in (200, 201), r.text
    assert report(svc, shared["id"], "PHHN", "2024-06", "klart").status_code in (200, 201)
    # Given in 2023: finished then (not carried over) and not finished (carried over).
    done = new_assignment(svc, year_given=2023, title="Klart 2023.")
    open_ = new_assignment(svc, year_given=2023, title="Pågår från 2023.")
    assert report(svc, done["id"], "HSN", "2023", "klart").status_code in (200, 201)
    assert report(svc, open_["id"], "HSN", "2023", "pagar_enligt_plan").status_code in (200, 201)
    late = report(svc, open_["id"], "HSN", "2024-05", "avvikelse", "Försenat.")
    assert late.status_code in (200, 201)


def test_the_section_is_the_listing_and_the_internal_control_in_two_statements(
    seeded: ServiceHarness,
) -> None:
    load_all(seeded)
    _reports(seeded)
    _get(seeded, "/v1/follow-up-section?org_unit=SUS&period=2024")  # warm the key cache
    for period, day in PERIODS.items():
        with counting_queries(*seeded.engines) as statements:
            section = _get(seeded, f"/v1/follow-up-section?org_unit=HSN&period={period}")
        listing = _get(seeded, f"/v1/assignments?org_unit=HSN&year=2024&as_of={day}&limit=1000")
        control = _get(seeded, f"/v1/internal-control?org_unit=HSN&year=2024&as_of={day}")
        assert section == {"assignments": listing["items"], "internal_control": control}
        # The assignments with their units, the internal control's four tables; beside
        # them the look at the change counter that tells whether a kept answer holds.
        assert len([s for s in statements if "change_counter" not in s]) == 2, statements
    items = {a["title"]: a for a in section["assignments"]}
    assert items["Pågår från 2023."]["carried_over"] is True
    assert "Klart 2023." not in items
    assert section["internal_control"]["risks"]


def _seed_reports(svc: ServiceHarness) -> None:
    """Reports on the seed by units other than HSN (whose 2024 statuses it holds)."""
    for assignment_id, body in [
        # The eight boards' assignment of 2023: finished for SUS (not carried over for it),
        # not for the others; YSTAD's report in 2024 names LANDSKRONA.
        ("UP2023-013", {"org_unit": "SUS", "period": "2023", "status": "klart"}),
        (
            "UP2023-013",
            {
                "org_unit": "YSTAD",
                "period": "2024-03",
                "status": "avvikelse",
                "explanation": "Försenat.",
                "on_behalf_of": ["LANDSKRONA"],
            },
        ),
        # PVN's own, under way at the end of 2023: carried over.
        ("UP2023-007", {"org_unit": "PVN", "period": "2023", "status": "pagar_enligt_plan"}),
    ]:
        r = svc.client.post(
            f"/v1/assignments/{assignment_id}/reports", json=body, headers=svc.auth("write")
        )
        assert r.status_code == 201, r.text


def test_the_section_shows_the_assignments_the_listing_gives_for_each_unit(
    seeded: ServiceHarness,
) -> None:
    _seed_reports(seeded)
    for unit in org_units():  # the region and every committee
        for period in ("2024", "2024-08"):  # a year and a month
            section = _get(seeded, f"/v1/follow-up-section?org_unit={unit}&period={period}")
            listing = _get(seeded, f"/v1/assignments?org_unit={unit}&period={period}&limit=1000")
            assert listing["next"] is None
            assert section["assignments"] == listing["items"], (unit, period)
    # The reports made a difference the two agree on.
    sus = _get(seeded, "/v1/follow-up-section?org_unit=SUS&period=2024")["assignments"]
    assert "UP2023-013" not in {a["id"] for a in sus}
    landskrona = _get(seeded, "/v1/follow-up-section?org_unit=LANDSKRONA&period=2024-08")
    shared = {a["id"]: a for a in landskrona["assignments"]}["UP2023-013"]
    assert shared["latest_status"] == "avvikelse" and shared["carried_over"] is True
    pvn = _get(seeded, "/v1/follow-up-section?org_unit=PVN&period=2024")["assignments"]
    assert {a["id"]: a for a in pvn}["UP2023-007"]["reported"] is False

"""The follow-up cycle's rules on values: which occasions are due, an item's state, and what
the live view shows otherwise than the archived one. The calendar is the shipped file."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime

from gateway.cycle.compare import view_changes
from gateway.cycle.due_rules import (
    DecisionFound,
    Expected,
    due_items,
    late_by_kind,
    occasions_due,
    state_of,
)
from gateway.cycle.schemas import Meeting, Occasion
from gateway.cycle.seeding import SEED_FILE, calendar_rows
from shared.reference import committees


def shipped_occasions() -> list[Occasion]:
    with SEED_FILE.open("rb") as f:
        rows, _overrides = calendar_rows(tomllib.load(f))
    now = datetime.now(UTC)
    return [
        Occasion(
            id=r["id"],
            year=r["year"],
            kind=r["kind"],
            name=r["name"],
            period=r["period"],
            due_date=r["due_date"],
            due_stated_in_plan=r["due_stated_in_plan"],
            due_basis=r["due_basis"],
            due_by_org_unit=dict.fromkeys(committees(), r["due_date"]),
            meeting=Meeting(
                body=r["meeting_body"],
                date=r["meeting_date"],
                stated_in_plan=r["meeting_stated_in_plan"],
                basis=r["meeting_basis"],
            ),
            version=1,
            updated_at=now,
        )
        for r in rows
    ]


def test_the_plans_one_stated_day_is_the_councils_delarsrapport_of_24_october_2023() -> None:
    stated = [o for o in shipped_occasions() if o.meeting.stated_in_plan]
    assert {(o.id, o.meeting.body, o.meeting.date) for o in stated} == {
        ("2023-delar", "regionfullmäktige", date(2023, 10, 24)),
        ("2023-ik-delar", "regionfullmäktige", date(2023, 10, 24)),
    }
    assert not any(o.due_stated_in_plan for o in shipped_occasions())


def test_the_occasions_due_by_mid_september_are_those_whose_period_has_ended() -> None:
    chosen = occasions_due(shipped_occasions(), "HSN", date(2024, 9, 15))
    ids = {o.id for o in chosen}
    # The rounds of March and May and the delårsrapport (August's round) have ended; the
    # October round has not. Last year's annual report fell due this year.
    assert {"2024-03", "2024-05", "2024-delar", "2024-ik-delar", "2023-bokslut"} <= ids
    assert "2024-10" not in ids and "2024-09" not in ids and "2024-bokslut" not in ids
    # Last year's occasions due last year are not this year's business.
    assert "2023-delar" not in ids


def test_an_item_is_done_late_or_due_by_its_date() -> None:
    due = date(2024, 4, 15)
    assert state_of(False, None, due, date(2024, 4, 15)) == ("due", 0)
    assert state_of(False, None, due, date(2024, 4, 20)) == ("late", 5)
    came = datetime(2024, 4, 18, 9, tzinfo=UTC)
    assert state_of(True, came, due, date(2024, 5, 1)) == ("done", 3)
    # Written after as_of (loaded later): done, but how late it came is not known.
    assert state_of(True, came, due, date(2024, 4, 16)) == ("done", None)


def test_a_service_that_cannot_be_asked_marks_its_items_unavailable_not_absent() -> None:
    occasions = [o for o in shipped_occasions() if o.id == "2024-03"]
    expected: dict[str, list[Expected] | None] = {"indicators": [], "budget": None}
    items = due_items(occasions, "HSN", date(2024, 9, 15), expected, {})
    by_kind = {i.kind: i for i in items}
    assert by_kind["outcome"].state == "unavailable"
    assert by_kind["forecast"].state == "unavailable"
    assert by_kind["forecast"].days_late is None
    assert late_by_kind(items)["forecast"] == 0


def test_the_decision_is_done_only_while_it_stands() -> None:
    occasion = next(o for o in shipped_occasions() if o.id == "2024-delar")
    found = Expected("forecast", "2024-01/2024-08", False, None, None, "none made")
    expected = {"indicators": [], "assignments": [], "budget": [found]}
    decided = DecisionFound("d1", "decided", date(2024, 10, 3), None)
    items = due_items([occasion], "HSN", date(2024, 10, 10), expected, {occasion.period: decided})
    decision = next(i for i in items if i.kind == "decision")
    assert decision.state == "done"
    assert decision.days_late == (date(2024, 10, 3) - occasion.due_date).days
    forecast = next(i for i in items if i.kind == "forecast")
    assert forecast.state == "late"
    assert forecast.days_late == (date(2024, 10, 10) - occasion.due_date).days

    reopened = DecisionFound("d1", "reopened", date(2024, 10, 3), None)
    items = due_items([occasion], "HSN", date(2024, 10, 10), expected, {occasion.period: reopened})
    assert next(i for i in items if i.kind == "decision").state == "late"


def test_changes_name_list_items_by_their_key_not_their_place() -> None:
    archived = {
        "org_unit": "HSN",
        "assignments": [{"id": "A1", "status": "pagar"}, {"id": "A2", "status": "klart"}],
        "sources": {"budget": "ok"},
    }
    live = {
        "org_unit": "HSN",
        "assignments": [
            {"id": "A0", "status": "ej_startat"},
            {"id": "A1", "status": "klart"},
            {"id": "A2", "status": "klart"},
        ],
        "sources": {"budget": "unavailable"},
    }
    changes, truncated = view_changes(archived, live)
    assert not truncated
    assert [(c.path, c.archived, c.live) for c in changes] == [
        ("assignments[id=A1].status", "pagar", "klart"),
        ("assignments[id=A0].id", None, "A0"),
        ("assignments[id=A0].status", None, "ej_startat"),
    ]
    assert view_changes(live, live) == ([], False)

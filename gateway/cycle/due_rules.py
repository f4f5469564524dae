"""What is due, and who is late: the follow-up cycle's rules as plain functions.

The follow-up plan (seed 004) sets the occasions; the calendar gives each a period and a
due date per committee. For a unit and a date ``as_of``:

- **Which occasions.** Those whose period has ended by ``as_of`` (reporting on it is
  open) and that belong to ``as_of``'s year or fall due in it (the annual report of the year
  before, decided in the spring).
- **Which items.** By the occasion's kind (``ITEM_KINDS``): results of the indicators the
  unit reports, the status reports on its active assignments (at the delårsrapport and the
  annual report), the outcome of every month, the forecast of a round, the committee's
  decision on its report (beslut om verksamhetsberättelse) at the delårsrapport and the
  annual report, the internal-control follow-up twice a year. Each service says what it
  expected of the unit for a period and whether it came (``/v1/expected``); the decision is
  the cycle's own.
- **State.** ``done`` when it came (``days_late``: how late it came, 0 in time, when the
  service knows when it came and that was by ``as_of``; the services keep when a row was
  last written, so data loaded later has none); otherwise ``late`` once the due date has passed
  (``days_late`` counted to ``as_of``), ``due`` before. ``unavailable`` when the service
  that answers for it could not be asked: shown, never counted as done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from gateway.cycle.schemas import DueItem, ItemKind, ItemState, Occasion, OccasionKind
from shared.periods import Period

#: What each kind of occasion asks of a committee.
ITEM_KINDS: dict[OccasionKind, tuple[ItemKind, ...]] = {
    "monthly": ("results", "outcome"),
    "forecast_round": ("results", "outcome", "forecast"),
    "interim": ("results", "status_report", "outcome", "forecast", "decision"),
    "annual": ("results", "status_report", "outcome", "decision"),
    "internal_control": ("internal_control",),
}
#: Who answers for each kind of item (``followup``: the cycle's own store).
SOURCE_OF: dict[ItemKind, str] = {
    "results": "indicators",
    "status_report": "assignments",
    "internal_control": "assignments",
    "outcome": "budget",
    "forecast": "budget",
    "decision": "followup",
}
#: Every kind, in the order the answer lists an occasion's items.
ALL_KINDS: tuple[ItemKind, ...] = (
    "results",
    "status_report",
    "internal_control",
    "outcome",
    "forecast",
    "decision",
)


@dataclass(frozen=True)
class Expected:
    """One thing a service expected of the unit for a period, and whether it came."""

    kind: str
    period: str
    received: bool
    received_at: datetime | None
    subject: dict[str, Any] | None
    detail: str


@dataclass(frozen=True)
class DecisionFound:
    """The unit's decision on its report for a period, as the cycle's store has it."""

    decision_id: str
    state: str
    decided_on: date
    recorded_at: datetime | None


def due_by_unit(
    default: date, overrides: Mapping[str, date], units: Iterable[str]
) -> dict[str, date]:
    """Each unit's due date: its own where it has one, else the occasion's."""
    return {unit: overrides.get(unit, default) for unit in units}


def occasions_due(occasions: Iterable[Occasion], org_unit: str, as_of: date) -> list[Occasion]:
    """The occasions whose period has ended by ``as_of`` and that belong to ``as_of``'s year
    or fall due in it, by due date."""
    chosen = []
    for occasion in occasions:
        due = occasion.due_by_org_unit.get(org_unit, occasion.due_date)
        ended = Period.parse(occasion.period).last_day < as_of
        if ended and (occasion.year == as_of.year or due.year == as_of.year):
            chosen.append(occasion)
    return sorted(chosen, key=lambda o: (o.due_by_org_unit.get(org_unit, o.due_date), o.id))


def periods_to_ask(occasions: Iterable[Occasion]) -> list[str]:
    """The distinct periods the services are asked about, in order."""
    return list(dict.fromkeys(o.period for o in occasions))


def state_of(
    received: bool, received_at: datetime | None, due: date, as_of: date
) -> tuple[ItemState, int | None]:
    """``done`` / ``late`` / ``due`` and the days late (see the module's docstring)."""
    if received:
        if received_at is None or received_at.date() > as_of:
            return "done", None  # when it came is not known, or is after as_of
        return "done", max((received_at.date() - due).days, 0)
    if due < as_of:
        return "late", (as_of - due).days
    return "due", 0


def due_items(
    occasions: Sequence[Occasion],
    org_unit: str,
    as_of: date,
    expected: Mapping[str, Sequence[Expected] | None],
    decisions: Mapping[str, DecisionFound],
) -> list[DueItem]:
    """Every item of ``occasions`` for the unit, with its state.

    ``expected``: each service's answer, ``None`` for one that could not be asked;
    ``decisions``: the unit's decision by period.
    """
    by_key: dict[tuple[str, str, str], list[Expected]] = {}
    for source, answer in expected.items():
        for item in answer or ():
            by_key.setdefault((source, item.period, item.kind), []).append(item)
    items: list[DueItem] = []
    for occasion in occasions:
        due = occasion.due_by_org_unit.get(org_unit, occasion.due_date)

        for kind in ITEM_KINDS[occasion.kind]:
            source = SOURCE_OF[kind]
            if kind == "decision":
                found = decisions.get(occasion.period)
                done = found is not None and found.state == "decided"
                when = found.recorded_at if found is not None and done else None
                state, days = state_of(done, None, due, as_of)
                if done and found is not None:
                    days = max((found.decided_on - due).days, 0)
                items.append(
                    _item(
                        occasion,
                        due,
                        kind,
                        state,
                        days,
                        received_at=when,
                        subject={"decision_id": found.decision_id, "state": found.state}
                        if found is not None
                        else None,
                        detail=_decision_detail(found),
                    )
                )
                continue
            answer = expected.get(source)
            if answer is None:
                items.append(
                    _item(
                        occasion,
                        due,
                        kind,
                        "unavailable",
                        None,
                        received_at=None,
                        subject=None,
                        detail=f"The {source} service could not be asked; see problems.",
                    )
                )
                continue
            for got in by_key.get((source, occasion.period, kind), []):
                state, days = state_of(got.received, got.received_at, due, as_of)
                items.append(
                    _item(
                        occasion,
                        due,
                        kind,
                        state,
                        days,
                        received_at=got.received_at,
                        subject=got.subject,
                        detail=got.detail,
                    )
                )
    return items


def _item(
    occasion: Occasion,
    due: date,
    kind: ItemKind,
    state: ItemState,
    days: int | None,
    **rest: Any,
) -> DueItem:
    return DueItem(
        occasion_id=occasion.id,
        occasion=occasion.name,
        occasion_kind=occasion.kind,
        period=occasion.period,
        kind=kind,
        source=SOURCE_OF[kind],
        due_date=due,
        state=state,
        days_late=days,
        **rest,
    )


def _decision_detail(found: DecisionFound | None) -> str:
    if found is None:
        return "No decision on the committee's report for the period is recorded."
    if found.state == "decided":
        return f"Decided on {found.decided_on.isoformat()} (decision {found.decision_id})."
    if found.state == "reopened":
        return f"Decision {found.decision_id} was reopened; the report is to be decided again."
    return f"Decision {found.decision_id} is being recorded."


def late_by_kind(items: Iterable[DueItem]) -> dict[ItemKind, int]:
    """Late items per kind, every kind named (0 where none), for the gauge."""
    counts: dict[ItemKind, int] = dict.fromkeys(ALL_KINDS, 0)
    for item in items:
        if item.state == "late":
            counts[item.kind] += 1
    return counts

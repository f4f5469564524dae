"""Internal control's summary as pure functions: one committee's risks, actions and
follow-ups as of a day, and the overview's line per committee. No session, no I/O.

Seed 004: the internal control is followed up at least twice a year, at the latest with the
verksamhetsberättelser per August and December.

- **Halves.** A follow-up counts for the first half when its period ends January–August
  (due with the verksamhetsberättelse per August), for the second when it ends
  September–December (per December). ``as_of`` falls in the half of its month.
- **Late.** An action is late as of a day when its deadline is before that day and its
  latest state (as of that day) is not ``done``.
- **Latest.** Of an item's follow-ups the one for the period ending latest, then the one made
  latest; a risk's current assessment is its latest reassessment, else the analysis's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

from services.assignments.internal_control_rules import risk_value
from services.assignments.internal_control_schemas import (
    ACTION_STATES,
    ActionStatus,
    AssessedRisk,
    CommitteeControl,
    HalfFollowUp,
    InternalControlOut,
    RiskActionOut,
    RiskAnalysisOut,
    RiskFollowupOut,
    RiskOut,
)
from shared.errors import InvalidInput, field_error
from shared.periods import Period
from shared.reference import committees

Half = Literal[1, 2]
#: The last month of the first half: its follow-up is due with the report per August.
FIRST_HALF_ENDS = 8


def half_of(month: int) -> Half:
    return 1 if month <= FIRST_HALF_ENDS else 2


def due_with(year: int, half: Half) -> Period:
    """The verksamhetsberättelse period a half's follow-up is due with."""
    return Period(year, 1, FIRST_HALF_ENDS, "range") if half == 1 else Period(year, 1, 12, "year")


def summary_as_of(year: int, as_of: date | None, today: date) -> date:
    """The day a summary is as of: ``as_of`` (422 unless in ``year``), else today within the
    year (its first day before it begins, its last once it has ended)."""
    if as_of is None:
        return min(max(today, date(year, 1, 1)), date(year, 12, 31))
    if as_of.year != year:
        msg = f"{as_of.isoformat()} is not in {year}"
        raise InvalidInput(f"as_of: {msg}", errors=[field_error(["query", "as_of"], msg)])
    return as_of


def _rank(item: RiskFollowupOut) -> tuple[int, int, date, int]:
    period = Period.parse(item.period)
    return (period.last_month, -period.first_month, item.followed_up_on, item.change_seq)


def latest_by(items: Iterable[RiskFollowupOut], key: str) -> dict[str, RiskFollowupOut]:
    """The latest follow-up item per ``key`` (``risk_id`` or ``action_id``)."""
    latest: dict[str, RiskFollowupOut] = {}
    for item in sorted(items, key=_rank):
        subject = getattr(item, key)
        if subject is not None:
            latest[subject] = item
    return latest


def _action_status(
    action: RiskActionOut, state: RiskFollowupOut | None, as_of: date
) -> ActionStatus:
    current = state.state if state else None
    return ActionStatus(
        id=action.id,
        risk=action.risk,
        code=action.code,
        what=action.what,
        who=action.who,
        deadline=action.deadline,
        state=current,
        state_period=state.period if state else None,
        comment=state.comment if state else None,
        late=action.deadline < as_of and current != "done",
    )


def _assessed(
    risk: RiskOut, again: RiskFollowupOut | None, actions: list[ActionStatus]
) -> AssessedRisk:
    p, c = risk.probability, risk.consequence
    if again is not None and again.probability is not None and again.consequence is not None:
        p, c = again.probability, again.consequence
    return AssessedRisk(
        id=risk.id,
        code=risk.code,
        description=risk.description,
        process=risk.process,
        owner=risk.owner,
        probability=risk.probability,
        consequence=risk.consequence,
        risk_value=risk.risk_value,
        current_probability=p,
        current_consequence=c,
        current_value=risk_value(p, c),
        reassessed_in=again.period if again else None,
        actions=actions,
    )


def _half(year: int, half: Half, items: Sequence[RiskFollowupOut]) -> HalfFollowUp:
    mine = [i for i in items if half_of(Period.parse(i.period).last_month) == half]
    occasion = max(mine, key=_rank).period if mine else None
    of_it = [i for i in mine if i.period == occasion]
    acts = [i for i in of_it if i.action_id is not None]
    states = Counter(i.state for i in acts)
    return HalfFollowUp(
        half=half,
        due_with=str(due_with(year, half)),
        period=occasion,
        followed_up_on=max((i.followed_up_on for i in of_it), default=None),
        actions_followed_up=len(acts),
        states={s: states.get(s, 0) for s in ACTION_STATES},
        risks_reassessed=sum(1 for i in of_it if i.action_id is None),
        deviations=[
            {"risk": i.risk, "action": i.action, "comment": i.comment}
            for i in sorted(acts, key=lambda i: i.id)
            if i.state == "deviation"
        ],
    )


def summarize(
    org_unit: str,
    year: int,
    as_of: date,
    analysis: RiskAnalysisOut | None,
    risks: Sequence[RiskOut],
    actions: Sequence[RiskActionOut],
    followups: Sequence[RiskFollowupOut],
) -> InternalControlOut:
    """A committee's internal control for ``year`` as of ``as_of``, from what it stored;
    only follow-ups made on or before ``as_of`` count."""
    counted = [f for f in followups if f.followed_up_on <= as_of]
    states = latest_by(counted, "action_id")
    reassessed = latest_by([f for f in counted if f.action_id is None], "risk_id")
    per_risk: dict[str, list[ActionStatus]] = {}
    for action in sorted(actions, key=lambda a: (a.deadline, a.id)):
        status = _action_status(action, states.get(action.id), as_of)
        per_risk.setdefault(action.risk_id, []).append(status)
    assessed = [_assessed(r, reassessed.get(r.id), per_risk.get(r.id, [])) for r in risks]
    assessed.sort(key=lambda r: (-r.current_value, -r.risk_value, r.code))
    halves = [_half(year, 1, counted), _half(year, 2, counted)]
    now = half_of(as_of.month)
    return InternalControlOut(
        org_unit=org_unit,
        year=year,
        as_of=as_of,
        half=now,
        analysis=analysis,
        risks=assessed,
        late_actions=sorted(
            (a for r in assessed for a in r.actions if a.late),
            key=lambda a: (a.deadline, a.risk, a.code),
        ),
        follow_ups=halves,
        followed_up_this_half=halves[now - 1].period is not None,
    )


def committee_line(summary: InternalControlOut) -> CommitteeControl:
    """A committee's row of the overview."""
    return CommitteeControl(
        org_unit=summary.org_unit,
        analysis_decided=summary.analysis is not None,
        risks=len(summary.risks),
        highest_value=max((r.current_value for r in summary.risks), default=None),
        late_actions=len(summary.late_actions),
        latest_follow_up=summary.follow_ups[summary.half - 1].period,
        followed_up_this_half=summary.followed_up_this_half,
    )


def overview_units(readable: frozenset[str] | None) -> list[str]:
    """The committees an overview lists: all, or those of a key bound to units."""
    return [u for u in committees() if readable is None or u in readable]


def group_by_unit(items: Iterable[Any]) -> Mapping[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for item in items:
        grouped.setdefault(item.org_unit, []).append(item)
    return grouped

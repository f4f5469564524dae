"""What a committee has due or late (förfallet och sent) for the page, from the follow-up
cycle (``gateway.cycle``, the same assembly as ``GET /v1/due``), in-process.

Which items: those of the reporting occasions within the page's period whose period has
ended, judged as of today, exactly as the overview counts a committee's late items
(``gateway.cycle.due.due_in_period``): the page lists what the overview counts. A gateway
without the cycle's store says so (``not_in_suite``) instead of showing an empty list,
which would read as "nothing late".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy.exc import OperationalError

from gateway.cycle.due import due_in_period
from gateway.cycle.schemas import DueCounts, DueItem
from gateway.cycle.store import CycleStore
from gateway.page.marks import Mark
from gateway.upstream.errors import UpstreamFailure, problem_for
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstreams
from shared.periods import Period
from shared.reference import committees

DueState = Literal["ok", "partial", "unavailable", "not_in_suite", "not_a_committee"]

ITEM_MARKS = {
    "done": Mark("good", "●", "Inlämnat"),
    "due": Mark("info", "◐", "Väntas"),
    "late": Mark("bad", "▲", "Sent"),
    "unavailable": Mark("none", "?", "Okänt"),
}
KIND_LABELS = {
    "results": "Resultat",
    "status_report": "Lägesrapport",
    "internal_control": "Intern kontroll",
    "outcome": "Utfall",
    "forecast": "Prognos",
    "decision": "Beslut om rapporten",
}


@dataclass(frozen=True)
class DueSection:
    state: DueState
    #: What is not done (late, due, unknown), late first: listed one by one.
    items: list[DueItem] = field(default_factory=list)
    #: What was delivered, counted by kind (the page lists what needs doing).
    done_by_kind: dict[str, int] = field(default_factory=dict)
    counts: DueCounts | None = None
    as_of: date | None = None
    problem: dict[str, Any] | None = None


#: The order the page lists items in: what needs doing first.
STATE_ORDER = {"late": 0, "due": 1, "unavailable": 2}


def item_mark(state: str) -> Mark:
    return ITEM_MARKS.get(state, Mark("none", "?", state))


async def fetch_due(
    store: CycleStore | None,
    upstreams: Upstreams,
    org_unit: str,
    period: Period,
    headers: Headers,
) -> DueSection:
    """The committee's items of the occasions within ``period``; a refusal of the key
    (``UpstreamRefused``) is raised, as the view's is."""
    if store is None:
        return DueSection("not_in_suite")
    if org_unit not in committees():
        return DueSection("not_a_committee")
    try:
        answer = await due_in_period(store, upstreams, org_unit, period, headers)
    except UpstreamFailure as failure:
        return DueSection("unavailable", problem=problem_for(failure).to_problem())
    except OperationalError:
        return DueSection(
            "unavailable",
            problem={"title": "The follow-up cycle's store did not answer."},
        )
    open_items = sorted(
        (i for i in answer.items if i.state != "done"),
        key=lambda i: (STATE_ORDER.get(i.state, 9), i.due_date),
    )
    done: dict[str, int] = {}
    for item in answer.items:
        if item.state == "done":
            label = KIND_LABELS.get(item.kind, item.kind)
            done[label] = done.get(label, 0) + 1
    problem = next(iter(answer.problems.values()), None)
    return DueSection(
        "partial" if answer.partial else "ok",
        open_items,
        done,
        answer.counts,
        answer.as_of,
        problem,
    )

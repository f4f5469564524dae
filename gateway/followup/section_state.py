"""How a section of the view beyond the three sources says it could not be filled.

The production, internal-control and financial-goals sections each come from one call to
one service. A call that fails (down, timeout, a broken answer) leaves its section
``unavailable`` with the problem ``gateway.upstream.errors.problem_for`` makes of it, as
the three sources do. A refusal (401/403) is the caller's answer as for the sources,
except where a section asks for more than the view's unit (the financial goals are the
region's: a key bound to RS may not read them), where it leaves that section unavailable
with the service's problem.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from gateway.followup.sources import GRACE, Problem, SourceState
from gateway.upstream.errors import FailureReason, UpstreamFailure, UpstreamRefused, problem_for

T = TypeVar("T")


class SectionState(BaseModel):
    """Whether the section could be filled, and the problem why not."""

    state: SourceState = Field(description="`ok`, or `unavailable` (see `problem`).")
    problem: Problem | None = Field(
        default=None, description="A problem object (RFC 9457) when unavailable."
    )


class GoalTreeShown(SectionState):
    """The goal tree the view's ``goals`` are grouped by (målträd) and where it comes from;
    ``unavailable`` when the tree's links could not be read (the goals are then empty)."""

    id: str
    name: str
    source: str = Field(description="The seed document the tree is read from.")


class Settled(Generic[T]):
    """A call's data, or the problem why there is none."""

    def __init__(self, data: T | None, problem: Problem | None) -> None:
        self.data = data
        self.problem = problem

    @property
    def state(self) -> SourceState:
        return "ok" if self.problem is None else "unavailable"


def _refusal_problem(refused: UpstreamRefused) -> Problem:
    try:
        problem: Any = json.loads(refused.response.content)
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        problem = {"status": refused.response.status, "title": "Refused"}
    return dict(problem)


async def settled(
    work: Awaitable[T],
    *,
    upstream: str,
    until: float | None = None,
    refusal_is_unavailable: bool = False,
) -> Settled[T]:
    """Await ``work`` (an ``upstream`` call), no longer than ``until`` (event-loop time):
    its data, or the problem its failure makes (a timeout when cut off)."""
    try:
        if until is None:
            return Settled(await work, None)
        left = until - asyncio.get_running_loop().time()
        return Settled(await asyncio.wait_for(work, max(left, 0.0) + GRACE), None)
    except TimeoutError:
        failure = UpstreamFailure(
            upstream, FailureReason.TIMEOUT, f"The {upstream} service did not answer in time."
        )
        return Settled(None, problem_for(failure).to_problem())
    except UpstreamFailure as failure:
        return Settled(None, problem_for(failure).to_problem())
    except UpstreamRefused as refused:
        if not refusal_is_unavailable:
            raise
        return Settled(None, _refusal_problem(refused))

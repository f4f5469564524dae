"""A typed client of the follow-up suite, for reporting scripts and BI loads.

    from followup.client import Client

    with Client.from_env() as suite:                  # FOLLOWUP_URL, FOLLOWUP_KEY
        answer = suite.load_results("resultat.csv")   # CSV (API or Swedish Excel) or JSON
        print(answer.inserted, answer.updated, answer.unchanged, answer.rejected)
        for row in suite.results(indicator="ID0069", org_unit="SUS"):
            ...
        state = StateFile("state.json")
        for change in suite.changes("results", state=state):   # remembers where it got to
            ...

One ``httpx.Client`` per base URL (the gateway serves every route; a service's own URL
serves its own). It needs nothing but httpx: none of the suite's server code is imported.
Errors are exceptions carrying the problem document (``followup.errors``); idempotent calls
are retried (``followup.http``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from followup.assignments import AssignmentsApi
from followup.budget import BudgetApi
from followup.errors import (
    ApiError,
    BadInput,
    Conflict,
    FieldProblem,
    FollowupError,
    Forbidden,
    NotFound,
    PreconditionFailed,
    RejectedRow,
    Unauthorized,
    Unavailable,
    Unreachable,
)
from followup.feed import StateFile, changes
from followup.http import DEFAULT_URL, ENV_KEY, ENV_URL, Item, Retry
from followup.indicators import IndicatorsApi
from followup.loads import LoadBody, LoadResult
from followup.views import ViewsApi

__all__ = [
    "DEFAULT_URL",
    "ENV_KEY",
    "ENV_URL",
    "ApiError",
    "BadInput",
    "Client",
    "Conflict",
    "FieldProblem",
    "FollowupError",
    "Forbidden",
    "Item",
    "LoadBody",
    "LoadResult",
    "NotFound",
    "PreconditionFailed",
    "RejectedRow",
    "Retry",
    "StateFile",
    "Unauthorized",
    "Unavailable",
    "Unreachable",
]

#: The lists that are change feeds (``?after_seq=``), by the name ``changes`` takes.
FEEDS = (
    "results",
    "indicators",
    "reports",
    "assignments",
    "outcomes",
    "forecasts",
    "budget-lines",
    "earmarked",
    "totals",
)


class Client(IndicatorsApi, AssignmentsApi, BudgetApi, ViewsApi):
    """Every route a client uses, on one base URL (the gateway by default)."""

    @classmethod
    def from_env(cls, **options: Any) -> Client:
        """A client of ``FOLLOWUP_URL`` (default the local gateway) with ``FOLLOWUP_KEY``."""
        return cls(None, None, **options)

    def __enter__(self) -> Client:
        return self

    def changes(
        self,
        resource: str,
        state: StateFile | None = None,
        *,
        after_seq: int | None = None,
        limit: int = 1000,
        before_save: Callable[[], None] | None = None,
        **filters: str | None,
    ) -> Iterator[dict[str, Any]]:
        """The rows of ``resource`` (one of ``FEEDS``) changed after ``after_seq`` (or where
        ``state`` got to), in change order, deleted rows as tombstones (``deleted: true``).
        With ``state`` the last ``change_seq`` is saved after each page is consumed."""
        if resource not in FEEDS:
            raise ValueError(f"{resource!r} is no change feed; choose from {', '.join(FEEDS)}")
        return changes(
            self,
            f"/v1/{resource}",
            state=state,
            after_seq=after_seq,
            params=filters,
            limit=limit,
            before_save=before_save,
        )

"""What the typed clients share: the base of their read models, the size of a whole list,
and the one call per service a view's parts read together (``SharedCall``).

A read model declares the fields the gateway reads, typed, and nothing more: the service's
other fields are kept as they came (``extra="allow"``) and go out again in the view, which
shows the services' items as they list them. A field the gateway reads that a service
stops sending, renames or retypes makes the answer unreadable (an ``unexpected_body``
failure) instead of a silently wrong view; ``tests/gateway/test_contract.py`` checks the
real services against these models.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstream
from shared.periods import Period

T = TypeVar("T")
Section = TypeVar("Section", bound=BaseModel)

#: The largest page a service gives (API.md): the view wants a paged list whole, in one call.
WHOLE_LIST = 10_000

#: A JSON number as a service writes it (an exact decimal there): integral ones as integers.
Number = int | float


class ReadModel(BaseModel):
    """An upstream's answer as the gateway reads it; unread fields travel on untouched."""

    model_config = ConfigDict(extra="allow")


class SharedCall(Generic[T]):
    """One upstream call whose answer several parts of a view read (each service's
    ``/v1/follow-up-section``): made on the first ask, awaited by every part.

    Each part awaits it shielded: a part cut off at its deadline does not cancel the call
    for the others. What the call raised is read here too, so a call no part waited for
    to the end leaves no "never retrieved" behind.
    """

    def __init__(self, make: Callable[[], Awaitable[T]]) -> None:
        self._make = make
        self._task: asyncio.Future[T] | None = None

    async def answer(self) -> T:
        if self._task is None:
            self._task = asyncio.ensure_future(self._make())
            self._task.add_done_callback(_retrieved)
        return await asyncio.shield(self._task)


def _retrieved(task: asyncio.Future[T]) -> None:
    if not task.cancelled():
        task.exception()


class ViewSections(Generic[Section]):
    """A service's ``/v1/follow-up-section`` as one view asks it: once per org unit and
    period, however many parts of the view read it (``SharedCall``), by the view's
    deadline for that service."""

    def __init__(
        self,
        upstream: Upstream,
        into: type[Section],
        headers: Headers,
        deadline_at: float | None,
    ) -> None:
        self._upstream = upstream
        self._into = into
        self._headers = headers
        self._deadline_at = deadline_at
        self._calls: dict[tuple[str, str], SharedCall[Section]] = {}

    async def of(self, org_unit: str, period: Period) -> Section:
        asked = (org_unit, str(period))
        if asked not in self._calls:
            # A partial of the upstream's method, not a lambda over ``self``: the call is kept
            # in ``self._calls``, and a closure over ``self`` would make a reference cycle
            # that holds the parsed section until a full garbage collection.
            self._calls[asked] = SharedCall(
                partial(
                    self._upstream.read,
                    "/v1/follow-up-section",
                    self._into,
                    params={"org_unit": org_unit, "period": str(period)},
                    headers=self._headers,
                    deadline_at=self._deadline_at,
                )
            )
        return await self._calls[asked].answer()

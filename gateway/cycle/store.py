"""The follow-up cycle's store as the gateway app holds it: the engine on schema
``followup``, its key verifier, change feed and audit trail; and the authentication of the
cycle's own routes against its key table.

Only the cycle's routes are authenticated here (before any body is read, as a service
does): the proxied routes and the view pass the caller's key on, and the services judge it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.config import GatewaySettings
from gateway.cycle import repository
from gateway.cycle.models import INFRASTRUCTURE, SCHEMA
from gateway.upstream.probes import SharedProbe
from shared.app import _refusal_recorder
from shared.counter_reads import CounterReader, LoopConnection
from shared.db import make_engine, reading_engine, session_scope
from shared.keys import AuthenticationMiddleware, KeyVerifier
from shared.store import AuditTrail, ChangeFeed
from shared.tokens import token_verifier

T = TypeVar("T")
#: What a store's call works on: a session or a connection.
C = TypeVar("C")

#: The cycle's own routes: the calendar, what is due, a committee's decisions, its audit.
CYCLE_PATHS = re.compile(
    r"^/v1/(calendar(/.*)?|due|follow-up/[^/]+/decisions(/.*)?|audit/followup)$"
)


@dataclass
class CycleStore:
    engine: Engine
    verifier: KeyVerifier
    feed: ChangeFeed
    audit: AuditTrail
    _versions: SharedProbe[int] = field(default_factory=SharedProbe)
    _reading: Engine = field(init=False)
    _read_version: CounterReader = field(init=False)
    #: Postgres only: the connection the counter is read on, and the decisions looked up
    #: on with it, with that look-up's SQL and fixed parameters.
    _decisions_on_loop: tuple[LoopConnection, str, dict[str, object]] | None = field(init=False)

    def __post_init__(self) -> None:
        self._reading = reading_engine(self.engine)
        on_loop = LoopConnection.of(self._reading)
        self._read_version = CounterReader(self._reading, self.feed.t.change_counter, on_loop)
        self._decisions_on_loop = None
        if on_loop is not None:
            sql, fixed = repository.decision_with_version_sql(self._reading.dialect)
            self._decisions_on_loop = (on_loop, sql, fixed)

    @classmethod
    def open(cls, settings: GatewaySettings) -> CycleStore:
        engine = make_engine(settings.database_url, SCHEMA)
        return cls(
            engine,
            # API keys from the store's own key table; access tokens too when an issuer is
            # configured (the ``OIDC_`` settings), as every service takes them.
            KeyVerifier(
                engine,
                INFRASTRUCTURE,
                settings.key_cache_seconds,
                token_verifier(settings.oidc),
            ),
            ChangeFeed(INFRASTRUCTURE),
            AuditTrail(INFRASTRUCTURE),
        )

    def install(self, app: FastAPI) -> None:
        """Hand the store to the app: its routes' keys, and the audit of refused writes."""
        app.state.cycle = self
        app.state.engine = self.engine  # as a service's app holds its own (the harness)
        app.state.key_verifier = self.verifier
        app.state.audit = self.audit
        app.state.on_refused = _refusal_recorder(self.engine, self.audit)
        app.add_middleware(
            CycleAuthentication, verifier=self.verifier, app_name=app.state.settings.app_name
        )

    async def run(self, work: Callable[[Session], T]) -> T:
        """``work`` on a session of its own, off the event loop."""
        return await _in_worker_thread(lambda: Session(self.engine, expire_on_commit=False), work)

    async def read(self, work: Callable[[sa.Connection], T]) -> T:
        """``work``, which only reads, on a bare connection whose statements each see what
        was committed when they began (``shared.db.reading_engine``), off the event loop:
        no session and no transaction to begin and roll back, for the look-ups every view
        made afresh makes."""
        return await _in_worker_thread(self._reading.connect, work)

    def close(self) -> None:
        """Close the store's connections (the app's lifespan ends)."""
        self._read_version.close()
        self.engine.dispose()

    async def decision_seen(self, org_unit: str, period: str) -> tuple[int, tuple[str, int] | None]:
        """Where the cycle's change counter stands, and the unit's latest decided or
        reopened decision of ``period`` (id and change number; ``None``: none), read after
        this call began. While the counter reads the same, so does the decision.

        On Postgres one statement on the event loop (one snapshot, one round trip: every
        view made afresh asks it, and through a worker thread and SQLAlchemy its two
        queries were a quarter of the gateway's CPU for such a view); on SQLite the counter
        first, then the decision."""
        if self._decisions_on_loop is not None:
            connection, sql, fixed = self._decisions_on_loop
            version, decision_id, change_seq = await connection.fetchone(
                sql, {**fixed, "org_unit": org_unit, "period": period}
            )
            return int(version), None if decision_id is None else (decision_id, change_seq)

        def look_up(conn: sa.Connection) -> tuple[int, tuple[str, int] | None]:
            version = self.feed.version(conn)
            row = repository.latest_decision_seq(conn, org_unit, period)
            return version, None if row is None else (row.decision_id, row.change_seq)

        return await self.read(look_up)

    async def version(self) -> int:
        """Where the cycle's change counter stands, read after this call began (every
        decision, reopening and calendar change moves it); callers at the same moment
        share one read (``SharedProbe``)."""
        return await self._versions.ask(None, self._read_version.read)


async def _in_worker_thread(
    opened: Callable[[], AbstractContextManager[C]], work: Callable[[C], T]
) -> T:
    """``work`` on what ``opened`` opens (a session, a connection), closed after, in a
    worker thread: the store's calls block, and the event loop must not wait on them."""

    def in_thread() -> T:
        with opened() as handle:
            return work(handle)

    return await run_in_threadpool(in_thread)


class CycleAuthentication:
    """``shared.keys.AuthenticationMiddleware`` for the cycle's routes only."""

    def __init__(self, app: ASGIApp, verifier: KeyVerifier, app_name: str = "gateway") -> None:
        self.app = app
        self.checked = AuthenticationMiddleware(app, verifier, app_name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and CYCLE_PATHS.match(scope.get("path", "")):
            await self.checked(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def get_cycle(request: Request) -> CycleStore:
    store: CycleStore = request.app.state.cycle
    return store


def get_session(request: Request) -> Iterator[Session]:
    yield from session_scope(get_cycle(request).engine)


CycleDep = Annotated[CycleStore, Depends(get_cycle)]
SessionDep = Annotated[Session, Depends(get_session)]

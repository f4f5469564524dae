"""Period locks: the inputs of a decided report are not changed behind its back.

A committee's report for a period (``2024-01/2024-08``, ``2024``) goes from draft to decided
at the gateway, which records the decision in every service: ``PUT /v1/locks/{decision_id}``
with the org units whose data the report reads (HSN's view reads REGION's values too, so
HSN's decision names both) and the period. From then on each service refuses a write that
would change that period of those units — 409 naming the decision — until an admin
reopens the decision with a reason (``DELETE /v1/locks/{decision_id}``: kept as history and
audited, like DHIS2's lock exceptions); the same ``PUT`` again locks it anew.

Lock writes and the services' checks run under the service's writer lock (``ChangeFeed``)
inside the write's own transaction, so a decision and a write never interleave: a row is
committed before the lock (and is part of what was decided) or it is refused.

One module, over the ~400 lines a module usually keeps, because it is one small feature
every service mounts the same way: the table and its migration helpers, the rules (pure),
the queries and use cases (``PeriodLocks``) and the routes, in that order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import sqlalchemy as sa
from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session

from shared.boundary import OptionalOrgUnitQuery, OptionalYearQuery, OrgUnitField, Timestamp
from shared.bulk import LoadMode, RowError
from shared.db import session_scope
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound, field_error
from shared.keys import Principal, Reader, RegionAdmin
from shared.paging import ListParams, Page, Paging, Slice, fetch_table_page, page_body
from shared.periods import Period, PeriodField
from shared.store import AuditTrail, ChangeFeed, UTCDateTime, utcnow

if TYPE_CHECKING:
    # Only the migrations call the DDL helpers: alembic is not imported by a running service.
    from alembic.operations import Operations

T = TypeVar("T")

TABLE = "period_lock"
#: The audit trail's and the change feed's name for a lock.
RESOURCE = "lock"
DECISION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:~-]{0,199}$"

# --------------------------------------------------------------------------- the table


def _columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("decision_id", sa.String(200), primary_key=True),
        # The org units whose data the decision locks, comma-separated, sorted.
        sa.Column("org_units", sa.String(1000), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("first_month", sa.Integer, nullable=False),
        sa.Column("last_month", sa.Integer, nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(32), nullable=False),
        sa.Column("body", sa.String(500), nullable=True),
        sa.Column("reference", sa.String(500), nullable=True),
        sa.Column("reopened_at", UTCDateTime(), nullable=True),
        sa.Column("reopened_by", sa.String(32), nullable=True),
        sa.Column("reopen_reason", sa.String(2000), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
    ]


_INDEXES = [("ix_period_lock_year", ["year"]), ("ix_period_lock_change_seq", ["change_seq"])]


def lock_table(metadata: sa.MetaData) -> sa.Table:
    """The service's lock table on its MetaData (added the first time it is asked for)."""
    found = metadata.tables.get(f"{metadata.schema}.{TABLE}" if metadata.schema else TABLE)
    if found is not None:
        return found
    return sa.Table(TABLE, metadata, *_columns(), *[sa.Index(n, *on) for n, on in _INDEXES])


def create_lock_table(op: Operations, schema: str) -> None:
    """For a service's migration: the lock table and its indexes."""
    op.create_table(TABLE, *_columns(), schema=schema)
    for name, on in _INDEXES:
        op.create_index(name, TABLE, on, schema=schema)


def drop_lock_table(op: Operations, schema: str) -> None:
    for name, _on in reversed(_INDEXES):
        op.drop_index(name, table_name=TABLE, schema=schema)
    op.drop_table(TABLE, schema=schema)


# --------------------------------------------------------------------------- the rules


def period_text(year: int, first_month: int, last_month: int) -> str:
    """``2024``, ``2024-03`` or ``2024-01/2024-08``."""
    if (first_month, last_month) == (1, 12):
        return str(year)
    if first_month == last_month:
        return f"{year}-{first_month:02d}"
    return f"{year}-{first_month:02d}/{year}-{last_month:02d}"


@dataclass(frozen=True, order=True)
class Touch:
    """The months of one org unit's year that a write changes (a result for ``2024-03``:
    month 3; for ``2024``: months 1–12)."""

    org_unit: str
    year: int
    first_month: int = 1
    last_month: int = 12
    #: The period as the write names it (``2024-T2``), for the messages.
    label: str | None = field(default=None, compare=False)

    @classmethod
    def of(cls, org_unit: str, period: Period | str) -> Touch:
        p = period if isinstance(period, Period) else Period.parse(period)
        return cls(org_unit, p.year, p.first_month, p.last_month, str(p))

    @classmethod
    def month(cls, org_unit: str, year: int, month: int) -> Touch:
        return cls(org_unit, year, month, month)

    @property
    def period(self) -> str:
        return self.label or period_text(self.year, self.first_month, self.last_month)


@dataclass(frozen=True)
class Lock:
    """An active (not reopened) decision's lock, as the checks read it."""

    decision_id: str
    org_units: frozenset[str]
    year: int
    first_month: int
    last_month: int
    decided_at: datetime
    body: str | None = None
    reference: str | None = None

    @property
    def period(self) -> str:
        return period_text(self.year, self.first_month, self.last_month)

    def covers(self, touch: Touch) -> bool:
        return (
            touch.org_unit in self.org_units
            and touch.year == self.year
            and touch.first_month <= self.last_month
            and self.first_month <= touch.last_month
        )

    def describe(self) -> str:
        said = ", ".join(s for s in (self.body, self.reference) if s)
        return (
            f"decision {self.decision_id!r}{f' ({said})' if said else ''}, decided "
            f"{self.decided_at.date().isoformat()}, locks {self.period} of "
            f"{', '.join(sorted(self.org_units))}"
        )


def refusal(touch: Touch, lock: Lock, row: int | None = None) -> Conflict:
    """The 409 for a write that would change a locked period."""
    where = f"Row {row}: " if row is not None else ""
    return Conflict(
        f"{where}{touch.org_unit} {touch.period} is locked by {lock.describe()}. Nothing was "
        f"written; an admin may reopen the decision with a reason "
        f"(DELETE /v1/locks/{lock.decision_id}).",
        extra={
            "decision_id": lock.decision_id,
            "org_unit": touch.org_unit,
            "period": touch.period,
            "locked_period": lock.period,
            **({"row": row} if row is not None else {}),
        },
    )


def row_error(touch: Touch, lock: Lock, loc: Sequence[str | int]) -> dict[str, Any]:
    """A load row refused in partial mode: the error names the decision."""
    return {
        **field_error(loc, f"{touch.org_unit} {touch.period} is locked by {lock.describe()}"),
        "decision_id": lock.decision_id,
    }


@dataclass(frozen=True)
class LockGuard:
    """The active locks read once under the writer lock; every check on it is pure."""

    locks: tuple[Lock, ...]
    #: Every unit some lock names (a touch of another unit is let through at once).
    units: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", frozenset(u for k in self.locks for u in k.org_units))

    def hit(self, touch: Touch) -> Lock | None:
        """The first decision (by id) that locks a month of ``touch``; None when none does."""
        if touch.org_unit not in self.units:
            return None
        return next((lock for lock in self.locks if lock.covers(touch)), None)

    def refuse(self, touches: Iterable[Touch], row: int | None = None) -> None:
        """409 for the first of ``touches`` (in order) that a decision locks."""
        if not self.locks:
            return
        for touch in sorted(set(touches)):
            if (lock := self.hit(touch)) is not None:
                raise refusal(touch, lock, row)

    def screen(
        self,
        items: Sequence[T],
        touch: Callable[[T], Touch | Iterable[Touch]],
        *,
        mode: LoadMode,
        rejected: list[RowError],
        numbers: Callable[[], Sequence[int]],
        loc: Sequence[str | int],
    ) -> list[T]:
        """The rows of a load that no decision locks. Atomic: a locked row is a 409 for the
        whole load, naming the row and the decision. Partial: each locked row goes to
        ``rejected`` (its error names the decision) and the others are kept. ``numbers``
        gives the items' row numbers; it is called only when a row is locked. ``touch``
        gives what a row changes: a ``Touch``, or several (a report naming other units)."""
        if not self.locks:
            return list(items)
        hits: list[tuple[int, Touch, Lock]] = []
        for i, item in enumerate(items):
            found = touch(item)
            for t in (found,) if isinstance(found, Touch) else found:
                if (lock := self.hit(t)) is not None:
                    hits.append((i, t, lock))
                    break
        if not hits:
            return list(items)
        rows = numbers()
        if mode is LoadMode.atomic:
            i, t, lock = hits[0]
            raise refusal(t, lock, rows[i])
        rejected.extend(RowError(row=rows[i], errors=[row_error(t, lk, loc)]) for i, t, lk in hits)
        rejected.sort(key=lambda r: r.row)
        locked = {i for i, _t, _lock in hits}
        return [item for i, item in enumerate(items) if i not in locked]


class LoadScreen(Generic[T]):
    """``LockGuard.screen`` for a load that comes in batches (written while the next is
    checked): the writer lock is taken and the locks read at the first batch, before
    anything is written; every batch is then screened in memory. ``key`` gives a row's org
    unit and period text (each distinct pair is parsed once)."""

    def __init__(
        self,
        locks: PeriodLocks,
        session: Session,
        feed: ChangeFeed | None,
        key: Callable[[T], tuple[str, str]],
        loc: Sequence[str | int] = ("period",),
    ) -> None:
        self.locks, self.session, self.feed, self.key, self.loc = locks, session, feed, key, loc
        self.guard: LockGuard | None = None
        self._touches: dict[tuple[str, str], Touch] = {}

    def __call__(
        self,
        items: Sequence[T],
        mode: LoadMode,
        rejected: list[RowError],
        numbers: Callable[[], Sequence[int]],
    ) -> list[T]:
        if self.guard is None:
            self.guard = self.locks.guard(self.session, self.feed)
        if not self.guard.locks:
            return items if isinstance(items, list) else list(items)
        return self.guard.screen(
            items, self._touch, mode=mode, rejected=rejected, numbers=numbers, loc=self.loc
        )

    def _touch(self, item: T) -> Touch:
        key = self.key(item)
        found = self._touches.get(key)
        if found is None:
            found = self._touches[key] = Touch.of(*key)
        return found


# --------------------------------------------------------------------------- the answers


class LockIn(BaseModel):
    """A decided report's lock, as the gateway records it."""

    model_config = ConfigDict(extra="forbid")

    org_units: list[OrgUnitField] = Field(
        min_length=1,
        max_length=50,
        description="The units whose data the report reads (HSN's: HSN and REGION).",
    )
    period: PeriodField
    decided_at: Timestamp | None = Field(default=None, description="Default: now.")
    body: str | None = Field(default=None, max_length=500, description="The deciding body.")
    reference: str | None = Field(
        default=None, max_length=500, description="The protocol reference, e.g. § 123."
    )


Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ReopenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class LockOut(BaseModel):
    decision_id: str
    org_units: list[str]
    period: str
    year: int
    first_month: int
    last_month: int
    decided_at: datetime
    decided_by: str
    body: str | None
    reference: str | None
    active: bool
    reopened_at: datetime | None
    reopened_by: str | None
    reopen_reason: str | None
    updated_at: datetime
    change_seq: int


def lock_out(row: Any) -> LockOut:
    m = row._mapping
    return LockOut(
        **{k: m[k] for k in LockOut.model_fields if k in m and k != "org_units"},
        org_units=_units(m["org_units"]),
        period=period_text(m["year"], m["first_month"], m["last_month"]),
        active=m["reopened_at"] is None,
    )


def _units(text: str) -> list[str]:
    return [u for u in text.split(",") if u]


def _lock(row: Any) -> Lock:
    return Lock(
        row.decision_id,
        frozenset(_units(row.org_units)),
        row.year,
        row.first_month,
        row.last_month,
        row.decided_at,
        row.body,
        row.reference,
    )


# --------------------------------------------------------------------------- queries, use cases


class PeriodLocks:
    """A service's locks: what its write paths check and what the routes record."""

    def __init__(self, table: sa.Table) -> None:
        self.t = table

    @classmethod
    def of(cls, metadata: sa.MetaData) -> PeriodLocks:
        return cls(lock_table(metadata))

    def guard(
        self, session: Session, feed: ChangeFeed | None, years: Iterable[int] | None = None
    ) -> LockGuard:
        """Take the writer lock (``feed``; None only where nothing is written, a dry run),
        then read the active locks (of ``years`` when given) once."""
        if feed is not None:
            feed.lock(session)
        t = self.t
        stmt = sa.select(t).where(t.c.reopened_at.is_(None)).order_by(t.c.decision_id)
        if years is not None:
            stmt = stmt.where(t.c.year.in_(sorted(set(years))))
        return LockGuard(tuple(_lock(r) for r in session.execute(stmt)))

    def check(self, session: Session, feed: ChangeFeed, touches: Iterable[Touch]) -> None:
        """Refuse (409, the transaction rolled back) a write of ``touches`` that a decision
        locks; takes the writer lock first, so call it in the write's transaction."""
        wanted = list(touches)
        if not wanted:
            return
        guard = self.guard(session, feed, {t.year for t in wanted})
        try:
            guard.refuse(wanted)
        except Conflict:
            session.rollback()  # let the next writer in at once
            raise

    def _row(self, session: Session, decision_id: str) -> Any:
        return session.execute(sa.select(self.t).where(self.t.c.decision_id == decision_id)).first()

    def get(self, session: Session, principal: Principal, decision_id: str) -> LockOut:
        row = self._row(session, decision_id)
        if row is None:
            raise NotFound(f"No lock {decision_id!r}.")
        if principal.bound and not principal.org_units & set(_units(row.org_units)):
            raise Forbidden(
                f"This key may not read lock {decision_id!r}: it locks none of "
                f"{', '.join(sorted(principal.org_units))}."
            )
        return lock_out(row)

    def page(
        self,
        session: Session,
        principal: Principal,
        params: ListParams,
        org_unit: str | None,
        year: int | None,
    ) -> Slice[LockOut | dict[str, Any]]:
        """Locks by decision id (of ``org_unit``, of ``year``): a bound key sees the locks
        of its own units."""
        t = self.t
        readable = principal.readable(org_unit)
        stmt = sa.select(t)
        if org_unit is not None:
            stmt = stmt.where(_names(t, org_unit))
        if readable is not None:
            stmt = stmt.where(sa.or_(*[_names(t, u) for u in sorted(readable)]))
        if year is not None:
            stmt = stmt.where(t.c.year == year)
        return fetch_table_page(
            session, stmt, t, params=params, to_item=lock_out, key="decision_id"
        )

    def put(
        self,
        session: Session,
        feed: ChangeFeed,
        audit: AuditTrail,
        principal: Principal,
        decision_id: str,
        body: LockIn,
    ) -> tuple[LockOut, bool]:
        """Record (or lock again) a decision; returns it and whether it is new. The same
        decision again changes nothing; other content for the same id is a 409."""
        t = self.t
        seq = feed.allocate(session, 1)  # the writer lock, before the stored lock is read
        units = ",".join(sorted(set(body.org_units)))
        period = body.period
        row = self._row(session, decision_id)
        if row is not None:
            differs = _differences(row, units, period, body)
            if differs:
                session.rollback()
                raise Conflict(
                    f"Decision {decision_id!r} is recorded already with another "
                    f"{', '.join(differs)}; a decision does not change: reopen it and record "
                    f"the new decision under a new id.",
                    extra={"decision_id": decision_id, "differs": differs},
                )
            if row.reopened_at is None:
                session.rollback()  # the same decision again: nothing changes
                return lock_out(row), False
        now = utcnow()
        fields = {"updated_at": now, "change_seq": seq}
        if row is None:
            session.execute(
                sa.insert(t).values(
                    decision_id=decision_id,
                    org_units=units,
                    year=period.year,
                    first_month=period.first_month,
                    last_month=period.last_month,
                    decided_at=body.decided_at or now,
                    decided_by=principal.key_id,
                    body=body.body or None,
                    reference=body.reference or None,
                    **fields,
                )
            )
        else:
            reopened = {k: None for k in ("reopened_at", "reopened_by", "reopen_reason")}
            session.execute(
                sa.update(t).where(t.c.decision_id == decision_id).values(**reopened, **fields)
            )
        change = body.model_dump(mode="json")
        action = "lock" if row is None else "relock"
        audit.record(session, principal.key_id, action, RESOURCE, decision_id, change)
        out = lock_out(self._row(session, decision_id))
        session.commit()
        return out, row is None

    def reopen(
        self,
        session: Session,
        feed: ChangeFeed,
        audit: AuditTrail,
        principal: Principal,
        decision_id: str,
        reason: str,
    ) -> LockOut:
        """Reopen a decision: its periods may be written again. The lock is kept, with who
        reopened it, when and why; the audit trail has it too."""
        t = self.t
        seq = feed.allocate(session, 1)
        row = self._row(session, decision_id)
        if row is None:
            session.rollback()
            raise NotFound(f"No lock {decision_id!r}.")
        if row.reopened_at is not None:
            session.rollback()
            if row.reopen_reason == reason:
                return lock_out(row)  # the same reopening again
            raise Conflict(
                f"Decision {decision_id!r} was reopened already, at "
                f"{row.reopened_at.isoformat()} by {row.reopened_by}: {row.reopen_reason}",
                extra={"decision_id": decision_id},
            )
        now = utcnow()
        session.execute(
            sa.update(t)
            .where(t.c.decision_id == decision_id)
            .values(
                reopened_at=now,
                reopened_by=principal.key_id,
                reopen_reason=reason,
                updated_at=now,
                change_seq=seq,
            )
        )
        audit.record(
            session,
            principal.key_id,
            "reopen",
            RESOURCE,
            decision_id,
            {"reason": reason, "period": period_text(row.year, row.first_month, row.last_month)},
        )
        out = lock_out(self._row(session, decision_id))
        session.commit()
        return out


def _names(t: sa.Table, org_unit: str) -> sa.ColumnElement[bool]:
    """The lock names ``org_unit`` among its units."""
    listed = sa.literal(",", sa.String) + t.c.org_units + sa.literal(",", sa.String)
    return listed.contains(f",{org_unit},", autoescape=True)


def _differences(row: Any, units: str, period: Period, body: LockIn) -> list[str]:
    """The fields a repeated ``PUT`` of a decision gives otherwise than stored."""
    stored = (row.year, row.first_month, row.last_month)
    found = [
        ("org_units", row.org_units != units),
        ("period", stored != (period.year, period.first_month, period.last_month)),
        ("decided_at", body.decided_at is not None and body.decided_at != row.decided_at),
        ("body", (body.body or None) != row.body),
        ("reference", (body.reference or None) != row.reference),
    ]
    return [name for name, differs in found if differs]


# --------------------------------------------------------------------------- the routes

router = APIRouter(prefix="/v1/locks", tags=["locks"])
DecisionPath = Annotated[
    str,
    Path(
        pattern=DECISION_ID_PATTERN,
        description="The decision's id (`decision_id`), as the gateway gave it.",
    ),
]


def _session(request: Request) -> Iterator[Session]:
    yield from session_scope(request.app.state.engine)


SessionDep = Annotated[Session, Depends(_session)]


def _locks(request: Request) -> PeriodLocks:
    locks: PeriodLocks = request.app.state.locks
    return locks


@router.put("/{id}", response_model=LockOut, responses={201: {"model": LockOut}})
def put_lock(
    request: Request,
    response: Response,
    principal: RegionAdmin,
    id: DecisionPath,
    body: LockIn,
    session: SessionDep,
) -> LockOut:
    """Lock a decided report's inputs: the `org_units`' data of `period` (201). The same
    body again: 200, unchanged; another body for the same id: 409. After a reopening, the
    same body locks the decision again (200). An admin key bound to no org unit."""
    state = request.app.state
    out, created = _locks(request).put(session, state.feed, state.audit, principal, id, body)
    response.status_code = 201 if created else 200
    return out


@router.get("", response_model=Page[LockOut])
def list_locks(
    request: Request,
    principal: Reader,
    session: SessionDep,
    params: Paging,
    org_unit: OptionalOrgUnitQuery = None,
    year: OptionalYearQuery = None,
) -> Any:
    """Locks by decision id, active and reopened (`active`), of `org_unit` and `year`."""
    return page_body(request, _locks(request).page(session, principal, params, org_unit, year))


@router.get("/{id}", response_model=LockOut)
def get_lock(request: Request, principal: Reader, id: DecisionPath, session: SessionDep) -> LockOut:
    return _locks(request).get(session, principal, id)


@router.delete("/{id}", response_model=LockOut)
def reopen_lock(
    request: Request,
    principal: RegionAdmin,
    id: DecisionPath,
    session: SessionDep,
    payload: Annotated[ReopenIn | None, Body()] = None,
    reason: Annotated[str | None, Query(max_length=2000, description="Why.")] = None,
) -> LockOut:
    """Reopen a decision (`reason` required, in the body or the query): its periods may be
    written again. The lock is kept as history with who, when and why; audited."""
    why = payload.reason if payload is not None else (reason or "").strip()
    if not why:
        raise InvalidInput(
            "Reopening a decision needs a reason.",
            errors=[field_error(["query", "reason"], "required, in the body or the query")],
        )
    state = request.app.state
    return _locks(request).reopen(session, state.feed, state.audit, principal, id, why)

"""A committee's decision on its report for a period (beslut om verksamhetsberättelse):
one act across the three services and the cycle's store.

Over 400 lines on purpose: deciding and reopening are one protocol (claim, lock, archive,
record; release on failure; take over a stale claim), and its steps share the compensation
rules below; split apart, a reader would have to hold two files to check that no lock is
left behind. The queries stay in ``repository.py`` and the view comparison in
``compare.py``.

Deciding (``decide``), in this order:

1. **Claim** the decision id in the store under its writer lock: a ``pending`` row. The
   same id again finds it: decided → the same decision is the answer (idempotent); pending
   → another request is making it, so this one waits for it to end (two overlapping
   identical POSTs give one decision), or takes it over when its maker has gone quiet
   (``LEASE``); other content → 409. Another live decision of the unit and period → 409.
2. **Lock** the period in each service (``PUT /v1/locks/{decision_id}``, idempotent by id),
   so nothing changes between the archived view and the locked data.
3. **Archive** the view as it now stands (``read_view``, ``view_xlsx``): JSON and XLSX
   bytes with their SHA-256. A view with a section missing is not archived.
4. **Record**: the row becomes ``decided``, audited.

If 2 or 3 fails, the locks that may have been taken are released (``DELETE`` with a
reason) and the claim is dropped: nothing is recorded (the attempt is audited). A release
that fails too leaves the claim ``pending`` and open to be taken over: the same POST again
completes the decision (every step is idempotent by decision id).

Reopening (``reopen``, an admin with a reason) releases the locks in every service, then
marks the decision ``reopened``; a release that fails leaves the decision as it was, and
the same DELETE again completes it.

Where it splits next, should it grow: the store's half (``_claim``, ``_record``,
``_abandon``, ``_reopened``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic_core import to_json
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from gateway.config import GatewaySettings
from gateway.cycle import repository
from gateway.cycle.clients import lock, unlock
from gateway.cycle.compare import view_changes
from gateway.cycle.schemas import (
    ChangedAfterDecision,
    Decision,
    DecisionIn,
    ReportDigest,
)
from gateway.cycle.store import CycleStore
from gateway.followup.export import view_xlsx
from gateway.followup.sources import indicator_unit
from gateway.followup.view import FollowUpView, read_view
from gateway.upstream.errors import (
    FailureReason,
    UpstreamFailure,
    UpstreamRefused,
    problem_for,
)
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstreams
from shared.errors import Conflict, NotFound, ProblemError, ServiceUnavailable
from shared.keys import Principal
from shared.store import utcnow

RESOURCE = "decision"
#: Seconds a pending decision's maker is trusted to still be at work.
LEASE = 60.0
#: Seconds between looks at a decision another request is making.
POLL = 0.05
#: Failures that mean the lock call never reached the service (no lock to release there).
NOT_SENT = frozenset({FailureReason.CONNECT_ERROR, FailureReason.BREAKER_OPEN})

Claimed = tuple[Literal["claimed", "done", "wait"], Any]


def decision_out(row: Any) -> Decision:
    return Decision(
        decision_id=row.decision_id,
        org_unit=row.org_unit,
        period=row.period,
        state=row.state,
        decided_on=row.decided_on,
        body=row.body,
        reference=row.reference,
        locked_org_units=[u for u in row.locked_org_units.split(",") if u],
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        report=ReportDigest(
            json_sha256=row.report_json_sha256,
            xlsx_sha256=row.report_xlsx_sha256,
            json_bytes=getattr(row, "json_bytes", None),
            xlsx_bytes=getattr(row, "xlsx_bytes", None),
        ),
        reopened_at=row.reopened_at,
        reopened_by=row.reopened_by,
        reopen_reason=row.reopen_reason,
        updated_at=row.updated_at,
    )


def units_locked(org_unit: str, settings: GatewaySettings) -> dict[str, list[str]]:
    """The org units each service locks: the unit's own data, and in the indicators service
    also the unit whose indicators its view shows (REGION's for HSN and RS)."""
    shown = indicator_unit(org_unit, settings)
    return {
        name: sorted({org_unit, shown}) if name == "indicators" else [org_unit]
        for name in settings.upstreams
    }


# --------------------------------------------------------------------------- the store


def _claim(
    session: Session,
    store: CycleStore,
    principal: Principal,
    org_unit: str,
    body: DecisionIn,
    locked: Sequence[str],
    claim: str,
) -> Claimed:
    seq = store.feed.allocate(session, 1)  # the writer lock, before the decision is read
    period = str(body.period)
    row = repository.decision_row(session, body.decision_id)
    now = utcnow()
    if row is None:
        other = repository.open_decision_for(session, org_unit, period, body.decision_id)
        if other is not None:
            session.rollback()
            raise Conflict(
                f"{org_unit}'s report for {period} has decision {other.decision_id!r} "
                f"({other.state}) already; an admin reopens it before another is recorded.",
                extra={"decision_id": other.decision_id},
            )
        repository.insert_decision(
            session,
            {
                "decision_id": body.decision_id,
                "org_unit": org_unit,
                "period": period,
                "year": body.period.year,
                "state": "pending",
                "decided_on": body.decided_on,
                "body": body.body,
                "reference": body.reference,
                "locked_org_units": ",".join(locked),
                "recorded_by": principal.key_id,
                "claim": claim,
                "claimed_at": now,
                "updated_at": now,
                "change_seq": seq,
            },
        )
        session.commit()
        return "claimed", None
    differs = [
        name
        for name, stored, asked in (
            ("org_unit", row.org_unit, org_unit),
            ("period", row.period, period),
            ("decided_on", row.decided_on, body.decided_on),
            ("body", row.body, body.body),
            ("reference", row.reference, body.reference),
        )
        if stored != asked
    ]
    if differs:
        session.rollback()
        raise Conflict(
            f"Decision {body.decision_id!r} is recorded already with another "
            f"{', '.join(differs)}; a decision does not change.",
            extra={"decision_id": body.decision_id, "differs": differs},
        )
    if row.state == "decided":
        session.rollback()
        return "done", row
    if row.state == "reopened":
        session.rollback()
        raise Conflict(
            f"Decision {body.decision_id!r} was reopened ({row.reopen_reason}); record the "
            "new decision under a new id.",
            extra={"decision_id": body.decision_id},
        )
    stale = now - timedelta(seconds=LEASE)
    if repository.claim_decision(session, body.decision_id, claim, now, stale, seq):
        session.commit()
        return "claimed", None
    session.rollback()
    return "wait", None


def _record(
    session: Session,
    store: CycleStore,
    principal: Principal,
    decision_id: str,
    claim: str,
    report_json: bytes,
    report_xlsx: bytes,
) -> Any:
    seq = store.feed.allocate(session, 1)
    row = repository.decision_row(session, decision_id)
    if row is None or row.state != "pending" or row.claim != claim:
        session.rollback()
        raise Conflict(f"Decision {decision_id!r} was taken over by another request; retry.")
    now = utcnow()
    digests = {
        "report_json_sha256": hashlib.sha256(report_json).hexdigest(),
        "report_xlsx_sha256": hashlib.sha256(report_xlsx).hexdigest(),
    }
    repository.update_decision(
        session,
        decision_id,
        state="decided",
        recorded_by=principal.key_id,
        recorded_at=now,
        report_json=report_json,
        report_xlsx=report_xlsx,
        claim=None,
        claimed_at=None,
        updated_at=now,
        change_seq=seq,
        **digests,
    )
    change = {
        "org_unit": row.org_unit,
        "period": row.period,
        "decided_on": row.decided_on,
        "body": row.body,
        "reference": row.reference,
        "locked_org_units": row.locked_org_units,
        **digests,
    }
    store.audit.record(session, principal.key_id, "decide", RESOURCE, decision_id, change)
    session.commit()
    return repository.decision_row(session, decision_id)


def _abandon(
    session: Session,
    store: CycleStore,
    principal: Principal,
    decision_id: str,
    claim: str,
    released: bool,
    why: str,
) -> None:
    """A decision that failed half-way: dropped when its locks are released, else left
    pending for the same POST (or a takeover) to complete."""
    seq = store.feed.allocate(session, 1)
    if released:
        repository.delete_pending(session, decision_id, claim)
    else:
        repository.update_decision(session, decision_id, claimed_at=None, change_seq=seq)
    action = "decision_abandoned" if released else "decision_incomplete"
    store.audit.record(session, principal.key_id, action, RESOURCE, decision_id, {"why": why})
    session.commit()


# --------------------------------------------------------------------------- deciding


async def decide(
    store: CycleStore,
    upstreams: Upstreams,
    settings: GatewaySettings,
    principal: Principal,
    org_unit: str,
    body: DecisionIn,
    headers: Headers,
) -> tuple[Decision, bool]:
    """Decide the unit's report for the period; returns the decision and whether it is new."""
    locked = units_locked(org_unit, settings)
    union = sorted({u for units in locked.values() for u in units})
    claim = secrets.token_hex(8)
    loop = asyncio.get_running_loop()
    give_up = loop.time() + LEASE * 2
    while True:
        state, row = await store.run(
            lambda s: _claim(s, store, principal, org_unit, body, union, claim)
        )
        if state == "done":
            return decision_out(row), False
        if state == "claimed":
            break
        if loop.time() > give_up:
            raise Conflict(f"Decision {body.decision_id!r} is still being recorded; retry.")
        await asyncio.sleep(POLL)
    decision_id = body.decision_id
    lock_body = {
        "period": str(body.period),
        "decided_at": datetime(
            body.decided_on.year, body.decided_on.month, body.decided_on.day, tzinfo=UTC
        ).isoformat(),
        "body": body.body,
        "reference": body.reference,
    }
    tried: list[str] = []
    try:
        for name in upstreams:
            tried.append(name)
            await lock(
                upstreams[name], decision_id, {**lock_body, "org_units": locked[name]}, headers
            )
        view = (await read_view(upstreams, settings, org_unit, body.period, headers)).assembled()
        if view.partial:
            down = ", ".join(n for n, s in view.sources.items() if s != "ok")
            raise ServiceUnavailable(
                f"The view could not be archived whole ({down} did not answer).",
                extra={"problems": view.problems},
                headers={"Retry-After": "5"},
            )
        report_json = to_json(view)
        report_xlsx = await run_in_threadpool(view_xlsx, view)
    except BaseException as exc:
        await _undo(store, upstreams, principal, decision_id, claim, tried, exc, headers)
        raise _told(exc, decision_id) from exc
    row = await store.run(
        lambda s: _record(s, store, principal, decision_id, claim, report_json, report_xlsx)
    )
    return decision_out(row), True


async def _undo(
    store: CycleStore,
    upstreams: Upstreams,
    principal: Principal,
    decision_id: str,
    claim: str,
    tried: list[str],
    exc: BaseException,
    headers: Headers,
) -> None:
    """Release the locks the failed decision may have taken, then drop (or leave) its claim."""
    failed_before_sending = isinstance(exc, UpstreamFailure) and exc.reason in NOT_SENT and tried
    to_release = tried[:-1] if failed_before_sending else tried
    reason = f"Decision {decision_id} was not completed: {exc}"[:2000]
    results = await asyncio.gather(
        *(unlock(upstreams[n], decision_id, reason, headers) for n in to_release),
        return_exceptions=True,
    )
    released = not any(isinstance(r, BaseException) for r in results)
    await asyncio.shield(
        store.run(lambda s: _abandon(s, store, principal, decision_id, claim, released, reason))
    )


def _told(exc: BaseException, decision_id: str) -> BaseException:
    """What the caller is told of a decision that failed: nothing was decided."""
    if isinstance(exc, UpstreamRefused):
        return exc
    if isinstance(exc, UpstreamFailure):
        if exc.status == 409:
            return Conflict(exc.detail, extra={"decision_id": decision_id})
        problem = problem_for(exc)
        return type(problem)(
            f"Nothing was decided: {exc.detail} The locks taken were released; the same "
            "request again completes the decision.",
            extra={**problem.extra, "decision_id": decision_id},
            headers=problem.headers,
        )
    if isinstance(exc, ProblemError):
        exc.extra = {**exc.extra, "decision_id": decision_id}
        exc.detail = f"Nothing was decided: {exc.detail}"
    return exc


# --------------------------------------------------------------------------- reopening


def _reopened(
    session: Session, store: CycleStore, principal: Principal, decision_id: str, reason: str
) -> Any:
    seq = store.feed.allocate(session, 1)
    row = repository.decision_row(session, decision_id)
    if row is None or row.state != "decided":
        session.rollback()
        return row
    now = utcnow()
    repository.update_decision(
        session,
        decision_id,
        state="reopened",
        reopened_at=now,
        reopened_by=principal.key_id,
        reopen_reason=reason,
        updated_at=now,
        change_seq=seq,
    )
    store.audit.record(
        session,
        principal.key_id,
        "reopen",
        RESOURCE,
        decision_id,
        {"reason": reason, "org_unit": row.org_unit, "period": row.period},
    )
    session.commit()
    return repository.decision_row(session, decision_id)


def find(session: Session, org_unit: str, decision_id: str) -> Any:
    row = repository.decision_row(session, decision_id)
    if row is None or row.org_unit != org_unit:
        raise NotFound(f"{org_unit} has no decision {decision_id!r}.")
    return row


async def reopen(
    store: CycleStore,
    upstreams: Upstreams,
    principal: Principal,
    org_unit: str,
    decision_id: str,
    reason: str,
    headers: Headers,
) -> Decision:
    row = await store.run(lambda s: find(s, org_unit, decision_id))
    if row.state == "reopened":
        if row.reopen_reason == reason:
            return decision_out(row)  # the same reopening again
        raise Conflict(
            f"Decision {decision_id!r} was reopened already, by {row.reopened_by}: "
            f"{row.reopen_reason}",
            extra={"decision_id": decision_id},
        )
    if row.state == "pending":
        raise Conflict(
            f"Decision {decision_id!r} is not complete; the same POST again completes it.",
            extra={"decision_id": decision_id},
        )
    results = await asyncio.gather(
        *(unlock(upstreams[n], decision_id, reason, headers) for n in upstreams),
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, UpstreamRefused):
            raise result
    for result in results:
        if isinstance(result, UpstreamFailure):
            problem = problem_for(result)
            raise type(problem)(
                f"The decision is not reopened: {result.detail} The same DELETE again "
                "completes it.",
                extra={**problem.extra, "decision_id": decision_id},
                headers=problem.headers,
            )
        if isinstance(result, BaseException):
            raise result
    done = await store.run(lambda s: _reopened(s, store, principal, decision_id, reason))
    return decision_out(done)


# --------------------------------------------------------------------------- the view


def changes_since(session: Session, view: FollowUpView) -> ChangedAfterDecision | None:
    """How the live view differs from the latest decided report of its unit and period."""
    row = repository.latest_decision_with_report(session, view.org_unit, view.period)
    if row is None or row.report_json is None:
        return None
    archived = json.loads(row.report_json)
    changes, truncated = view_changes(archived, view.model_dump(mode="json"))
    return ChangedAfterDecision(
        decision_id=row.decision_id,
        state=row.state,
        decided_on=row.decided_on,
        reopened_at=row.reopened_at,
        changes=changes,
        truncated=truncated,
    )

"""Every query of the follow-up cycle's store: occasions, their due dates, decisions.
No rule and no commit: the use cases (``calendar``, ``decisions``) commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from gateway.cycle.models import INFRASTRUCTURE, decision, occasion, occasion_due


def occasions_of_years(session: Session, years: Iterable[int]) -> Sequence[sa.Row[Any]]:
    stmt = (
        sa.select(occasion)
        .where(occasion.c.year.in_(sorted(set(years))))
        .order_by(occasion.c.year, occasion.c.due_date, occasion.c.id)
    )
    return session.execute(stmt).all()


def occasion_row(session: Session, occasion_id: str) -> sa.Row[Any] | None:
    return session.execute(sa.select(occasion).where(occasion.c.id == occasion_id)).first()


def due_overrides(session: Session, occasion_ids: Iterable[str]) -> dict[str, dict[str, date]]:
    """Each occasion's units with a due date of their own."""
    found: dict[str, dict[str, date]] = {}
    stmt = sa.select(occasion_due).where(occasion_due.c.occasion_id.in_(sorted(set(occasion_ids))))
    for row in session.execute(stmt):
        found.setdefault(row.occasion_id, {})[row.org_unit] = row.due_date
    return found


def has_occasions(session: Session) -> bool:
    return session.execute(sa.select(occasion.c.id).limit(1)).first() is not None


def insert_occasions(
    session: Session, rows: Sequence[Mapping[str, Any]], overrides: Sequence[Mapping[str, Any]]
) -> None:
    if rows:
        session.execute(sa.insert(occasion), list(rows))
    if overrides:
        session.execute(sa.insert(occasion_due), list(overrides))


def replace_due_dates(
    session: Session,
    occasion_id: str,
    due_date: date,
    overrides: Mapping[str, date],
    version: int,
    now: datetime,
    seq: int,
) -> None:
    session.execute(
        sa.update(occasion)
        .where(occasion.c.id == occasion_id)
        .values(
            due_date=due_date,
            due_stated_in_plan=False,
            version=version,
            updated_at=now,
            change_seq=seq,
        )
    )
    session.execute(sa.delete(occasion_due).where(occasion_due.c.occasion_id == occasion_id))
    if overrides:
        session.execute(
            sa.insert(occasion_due),
            [
                {"occasion_id": occasion_id, "org_unit": u, "due_date": d}
                for u, d in overrides.items()
            ],
        )


# --------------------------------------------------------------------------- decisions


def decision_row(session: Session, decision_id: str) -> sa.Row[Any] | None:
    return session.execute(sa.select(decision).where(decision.c.decision_id == decision_id)).first()


def decisions_of(
    session: Session, org_unit: str, period: str | None, *, with_bytes: bool = False
) -> Sequence[sa.Row[Any]]:
    columns = [c for c in decision.c if with_bytes or c.name not in ("report_json", "report_xlsx")]
    stmt = sa.select(*columns).where(decision.c.org_unit == org_unit)
    if period is not None:
        stmt = stmt.where(decision.c.period == period)
    return session.execute(stmt.order_by(decision.c.change_seq)).all()


def decisions_of_periods(
    session: Session, org_unit: str, periods: Iterable[str]
) -> Sequence[sa.Row[Any]]:
    """The unit's decisions for any of ``periods`` (without the archived bytes)."""
    columns = [c for c in decision.c if c.name not in ("report_json", "report_xlsx")]
    stmt = sa.select(*columns).where(
        decision.c.org_unit == org_unit, decision.c.period.in_(sorted(set(periods)))
    )
    return session.execute(stmt).all()


def open_decision_for(session: Session, org_unit: str, period: str, other_than: str) -> Any:
    """Another decision of the unit and period that is decided or being made."""
    stmt = sa.select(decision.c.decision_id, decision.c.state).where(
        decision.c.org_unit == org_unit,
        decision.c.period == period,
        decision.c.state.in_(("pending", "decided")),
        decision.c.decision_id != other_than,
    )
    return session.execute(stmt).first()


def latest_decision_with_report(session: Session, org_unit: str, period: str) -> Any:
    """The unit's latest decided or reopened decision of the period, with its JSON report."""
    return session.execute(_latest_decision(sa.select(decision), org_unit, period)).first()


def latest_decision_seq(session: Session | sa.Connection, org_unit: str, period: str) -> Any:
    """The id and change number of the unit's latest decided or reopened decision of the
    period (what ``latest_decision_with_report`` would read), without its report."""
    columns = sa.select(decision.c.decision_id, decision.c.change_seq)
    return session.execute(_latest_decision(columns, org_unit, period)).first()


def decision_with_version_sql(dialect: sa.Dialect) -> tuple[str, dict[str, Any]]:
    """The cycle's change counter and the id and change number of the unit's latest decided
    or reopened decision of the period, in one statement for Postgres (one snapshot, one
    round trip: what every view made afresh looks up, ``CycleStore.decision_seen``), as SQL
    text for psycopg and its fixed parameters; ``org_unit`` and ``period`` are to be added.
    Columns: ``last_seq``, ``decision_id``, ``change_seq`` (both ``NULL``: no decision)."""
    latest = _latest_decision(
        sa.select(decision.c.decision_id, decision.c.change_seq),
        sa.bindparam("org_unit", "", type_=sa.String),
        sa.bindparam("period", "", type_=sa.String),
    ).lateral("latest")
    counter = INFRASTRUCTURE.change_counter
    stmt = (
        sa.select(counter.c.last_seq, latest.c.decision_id, latest.c.change_seq)
        .select_from(counter.outerjoin(latest, sa.true()))
        .where(counter.c.id == 1)
    )
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    fixed = {k: v for k, v in compiled.params.items() if k not in ("org_unit", "period")}
    return str(compiled), fixed


def _latest_decision(
    stmt: sa.Select[Any], org_unit: str | sa.BindParameter[str], period: str | sa.BindParameter[str]
) -> sa.Select[Any]:
    return (
        stmt.where(
            decision.c.org_unit == org_unit,
            decision.c.period == period,
            decision.c.state.in_(("decided", "reopened")),
        )
        .order_by(decision.c.change_seq.desc())
        .limit(1)
    )


def insert_decision(session: Session, values: Mapping[str, Any]) -> None:
    session.execute(sa.insert(decision).values(**values))


def update_decision(session: Session, decision_id: str, **values: Any) -> None:
    session.execute(
        sa.update(decision).where(decision.c.decision_id == decision_id).values(**values)
    )


def claim_decision(
    session: Session, decision_id: str, claim: str, now: datetime, stale_before: datetime, seq: int
) -> bool:
    """Take over a pending decision whose maker has not been heard of since ``stale_before``."""
    result = session.execute(
        sa.update(decision)
        .where(
            decision.c.decision_id == decision_id,
            decision.c.state == "pending",
            sa.or_(decision.c.claimed_at.is_(None), decision.c.claimed_at < stale_before),
        )
        .values(claim=claim, claimed_at=now, updated_at=now, change_seq=seq)
        .execution_options(preserve_rowcount=True)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def delete_pending(session: Session, decision_id: str, claim: str) -> None:
    session.execute(
        sa.delete(decision).where(
            decision.c.decision_id == decision_id,
            decision.c.state == "pending",
            decision.c.claim == claim,
        )
    )

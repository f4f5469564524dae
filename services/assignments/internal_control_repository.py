"""The repository of internal control: every statement about risk analyses, risks, control
actions and follow-ups. No rule, no commit; loads are set-based (``shared.bulk.upsert`` on
the ids the rules build), look-ups one ``IN`` per chunk, deletions buried set-based."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import Session

from services.assignments.assignment_repository import CsvExport, chunks
from services.assignments.internal_control_schemas import (
    ControlFilters,
    RiskActionOut,
    RiskAnalysisOut,
    RiskFollowupOut,
    RiskOut,
)
from services.assignments.models import RISK, RISK_ACTION, RISK_ANALYSIS, RISK_FOLLOWUP
from shared.bulk import UpsertCounts, upsert
from shared.paging import ListParams, Slice, Tombstone, fetch_table_page
from shared.store import ChangeFeed

Resource = Literal["risk_analysis", "risk", "risk_action", "risk_followup"]


@dataclass(frozen=True)
class Listed:
    """A listed resource: its table, the columns a client reads (stored name → name in the
    answer and the CSV) and its read model."""

    table: sa.Table
    columns: tuple[tuple[str, str], ...]
    out: type[BaseModel]

    def select(self) -> sa.Select[Any]:
        return sa.select(*[self.table.c[c].label(name) for c, name in self.columns])

    def item(self, row: Any) -> Any:
        return self.out.model_validate(dict(row._mapping))


def _same(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((n, n) for n in names)


STAMPS = _same("updated_at", "change_seq")
LISTED: dict[Resource, Listed] = {
    "risk_analysis": Listed(
        RISK_ANALYSIS,
        _same("id", "org_unit", "year", "decided_on", "decision", "version") + STAMPS,
        RiskAnalysisOut,
    ),
    "risk": Listed(
        RISK,
        _same("id", "org_unit", "year", "code", "description", "process")
        + _same("probability", "consequence", "risk_value", "owner")
        + STAMPS,
        RiskOut,
    ),
    "risk_action": Listed(
        RISK_ACTION,
        (
            *_same("id", "risk_id", "org_unit", "year"),
            ("risk_code", "risk"),
            *_same("code", "what", "who", "deadline"),
            *STAMPS,
        ),
        RiskActionOut,
    ),
    "risk_followup": Listed(
        RISK_FOLLOWUP,
        (
            *_same("id", "risk_id", "action_id", "org_unit", "year", "period"),
            ("risk_code", "risk"),
            ("action_code", "action"),
            *_same("state", "comment", "probability", "consequence", "risk_value"),
            *_same("followed_up_on"),
            *STAMPS,
        ),
        RiskFollowupOut,
    ),
}
#: The columns a load writes, besides the id (the key).
WRITTEN: dict[Resource, tuple[str, ...]] = {
    "risk": (
        *("org_unit", "year", "code", "description", "process"),
        *("probability", "consequence", "risk_value", "owner"),
    ),
    "risk_action": ("risk_id", "org_unit", "year", "risk_code", "code", "what", "who", "deadline"),
    "risk_followup": (
        *("risk_id", "action_id", "org_unit", "year", "period", "period_last_month"),
        *("risk_code", "action_code", "state", "comment", "probability", "consequence"),
        *("risk_value", "followed_up_on"),
    ),
}


# ----------------------------------------------------------------------------- writes


def upsert_rows(
    session: Session, resource: Resource, rows: Sequence[dict[str, Any]], feed: ChangeFeed
) -> UpsertCounts:
    """New rows inserted, changed ones updated, identical ones left alone (set-based)."""
    return upsert(
        session,
        LISTED[resource].table,
        rows,
        keys=["id"],
        values=list(WRITTEN[resource]),
        feed=feed,
    )


def existing(session: Session, resource: Resource, ids: Collection[str]) -> set[str]:
    """Which of ``ids`` are stored."""
    t = LISTED[resource].table
    found: set[str] = set()
    for chunk in chunks(sorted(ids)):
        found.update(session.execute(sa.select(t.c.id).where(t.c.id.in_(chunk))).scalars())
    return found


def followup_dates(session: Session, ids: Collection[str]) -> dict[str, date]:
    """The ``followed_up_on`` stored for these follow-up items."""
    f = RISK_FOLLOWUP
    found: dict[str, date] = {}
    for chunk in chunks(sorted(ids)):
        rows = session.execute(sa.select(f.c.id, f.c.followed_up_on).where(f.c.id.in_(chunk)))
        found.update({r.id: r.followed_up_on for r in rows})
    return found


def analysis(session: Session, org_unit: str, year: int) -> RiskAnalysisOut | None:
    listed = LISTED["risk_analysis"]
    t = listed.table
    row = session.execute(
        listed.select().where(t.c.org_unit == org_unit, t.c.year == year)
    ).one_or_none()
    return None if row is None else RiskAnalysisOut.model_validate(dict(row._mapping))


def insert_analysis(session: Session, values: dict[str, Any]) -> None:
    session.execute(sa.insert(RISK_ANALYSIS).values(values))


def update_analysis(session: Session, id_: str, version: int, values: dict[str, Any]) -> bool:
    """Compare and set: write ``values`` when the version is still ``version``."""
    t = RISK_ANALYSIS
    done = session.execute(
        sa.update(t)
        .where(t.c.id == id_, t.c.version == version)
        .values(values)
        .execution_options(preserve_rowcount=True)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def owner_of(session: Session, resource: Resource, id_: str) -> str | None:
    """The org unit of a stored risk or action (None: no such one)."""
    t = LISTED[resource].table
    found: str | None = session.execute(
        sa.select(t.c.org_unit).where(t.c.id == id_)
    ).scalar_one_or_none()
    return found


def _dependants(resource: Resource, id_: str) -> list[tuple[Resource, sa.Select[Any]]]:
    """What goes with a risk or an action, in burial order: follow-ups, actions, itself."""
    f, a = RISK_FOLLOWUP, RISK_ACTION
    if resource == "risk":
        return [
            ("risk_followup", sa.select(f.c.id).where(f.c.risk_id == id_)),
            ("risk_action", sa.select(a.c.id).where(a.c.risk_id == id_)),
            ("risk", sa.select(RISK.c.id).where(RISK.c.id == id_)),
        ]
    return [
        ("risk_followup", sa.select(f.c.id).where(f.c.action_id == id_)),
        ("risk_action", sa.select(a.c.id).where(a.c.id == id_)),
    ]


def delete_with_dependants(
    session: Session, feed: ChangeFeed, resource: Resource, id_: str
) -> dict[str, int]:
    """Deletes a risk (its actions and follow-ups with it) or an action (its follow-ups),
    each leaving a tombstone numbered in one allocation; returns how many of each."""
    parts = _dependants(resource, id_)
    counts = [
        int(session.execute(sa.select(sa.func.count()).select_from(q.subquery())).scalar_one())
        for _, q in parts
    ]
    first = feed.allocate(session, sum(counts))
    for (name, ids), count in zip(parts, counts, strict=True):
        if count:
            feed.bury(session, name, ids, first)
            t = LISTED[name].table
            session.execute(sa.delete(t).where(t.c.id.in_(ids)))
            first += count
    return {name: count for (name, _), count in zip(parts, counts, strict=True)}


# ----------------------------------------------------------------------------- reads


def _filtered(resource: Resource, f: ControlFilters) -> sa.Select[Any]:
    listed = LISTED[resource]
    t = listed.table
    stmt = listed.select()
    if f.org_unit is not None:
        stmt = stmt.where(t.c.org_unit == f.org_unit)
    if f.year is not None:
        stmt = stmt.where(t.c.year == f.year)
    if f.readable is not None:
        stmt = stmt.where(t.c.org_unit.in_(sorted(f.readable)))
    if f.period is not None and "period" in t.c:
        stmt = stmt.where(t.c.period == f.period)
    if f.risk is not None and "risk_id" in t.c:
        stmt = stmt.where(t.c.risk_id == f.risk)
    return stmt


def page(
    session: Session,
    resource: Resource,
    filters: ControlFilters,
    params: ListParams,
    feed: ChangeFeed,
) -> Slice[Any]:
    """A page in id order, or in change order with the deleted ones as tombstones."""
    listed = LISTED[resource]
    found = fetch_table_page(
        session,
        _filtered(resource, filters),
        listed.table,
        params=params,
        to_item=listed.item,
        feed=feed,
        resource=resource,
    )
    items = [Tombstone(**i) if isinstance(i, dict) else i for i in found.items]
    return Slice(items, found.next_cursor)


def csv_export(resource: Resource, filters: ControlFilters) -> CsvExport:
    """The whole filtered set as one statement, in id order."""
    listed = LISTED[resource]
    header = tuple(name for _, name in listed.columns)
    return CsvExport(_filtered(resource, filters).order_by(listed.table.c.id), header)


#: What a summary reads of a year, in this order.
SUMMARY_RESOURCES: tuple[Resource, ...] = ("risk_analysis", "risk", "risk_action", "risk_followup")


@cache
def _year_of_units(one_unit: bool) -> sa.Executable:
    """``year_of_units``'s statement, built once (building it costs more than running it):
    the rows of the four tables as one ``UNION ALL``, each under the names of every
    table's columns (null where its table has none) with its ``resource``. One unit (a
    committee's summary) is ``= :units``: an ``IN`` of a list is rendered afresh on every
    run. Tables under short names: psycopg keeps the parsed form of statements up to 4 KiB.
    """
    types: dict[str, Any] = {}
    for resource in SUMMARY_RESOURCES:
        listed = LISTED[resource]
        for column, name in listed.columns:
            types.setdefault(name, listed.table.c[column].type)
    units: sa.BindParameter[Any] = sa.bindparam("units", expanding=not one_unit)
    parts = []
    for n, resource in enumerate(SUMMARY_RESOURCES):
        listed = LISTED[resource]
        t = listed.table.alias(f"t{n}")
        own = {name: t.c[column] for column, name in listed.columns}
        of_units = t.c.org_unit == units if one_unit else t.c.org_unit.in_(units)
        parts.append(
            sa.select(
                sa.literal_column(f"'{resource}'").label("resource"),
                *[
                    (own[name] if name in own else sa.null().cast(type_)).label(name)
                    for name, type_ in types.items()
                ],
            ).where(of_units, t.c.year == sa.bindparam("year"))
        )
    return sa.union_all(*parts).order_by(sa.literal_column("resource"), sa.literal_column("id"))


def year_of_units(session: Session, units: Collection[str], year: int) -> dict[Resource, list[Any]]:
    """Every row of the summary's resources of these units for ``year``, as read models,
    by resource (each in id order): one statement."""
    codes = sorted(units)
    one = len(codes) == 1
    values = {"units": codes[0] if one else codes, "year": year}
    found: dict[Resource, list[Any]] = {resource: [] for resource in SUMMARY_RESOURCES}
    for row in session.execute(_year_of_units(one), values).all():
        m = row._mapping
        listed = LISTED[m["resource"]]
        found[m["resource"]].append(
            listed.out.model_validate({name: m[name] for _, name in listed.columns})
        )
    return found


def stamp(seq: int, now: datetime) -> dict[str, Any]:
    return {"change_seq": seq, "updated_at": now}

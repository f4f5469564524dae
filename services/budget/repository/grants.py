"""Queries of grants (regionbidrag) and their components."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import asdict, fields
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.budget import schemas as s
from services.budget.grant_rules import Component, grant_id
from services.budget.repository.store import (
    COMPONENT,
    GRANT,
    CsvQuery,
    equal,
    readable,
    stamp,
    version_for_update,
)
from shared.paging import ListParams, Slice, fetch_table_page

_COMPONENT_FIELDS = tuple(f.name for f in fields(Component))


def _component(row: Any) -> Component:
    return Component(**{name: getattr(row, name) for name in _COMPONENT_FIELDS})


def components_around(session: Session, org_unit: str, year: int) -> list[tuple[str, Component]]:
    """The components of ``org_unit``'s grant for ``year`` and of the year's other grants that
    name it as counterparty, each with the org unit of its grant, in grant and position order."""
    rows = session.execute(
        sa.select(COMPONENT, GRANT.c.org_unit.label("owner_unit"))
        .join(GRANT, GRANT.c.id == COMPONENT.c.grant_id)
        .where(
            GRANT.c.year == year,
            sa.or_(GRANT.c.org_unit == org_unit, COMPONENT.c.counterparty == org_unit),
        )
        .order_by(COMPONENT.c.grant_id, COMPONENT.c.position)
    ).all()
    return [(r.owner_unit, _component(r)) for r in rows]


def lock_grant(session: Session, org_unit: str, year: int) -> int | None:
    """The grant's version (``change_seq``), its row locked for the write; None if none."""
    return version_for_update(session, GRANT, grant_id(org_unit, year))


def save_grant(
    session: Session,
    org_unit: str,
    year: int,
    seq: int,
    efficiency: s.EfficiencyRequirement | None,
    components: Sequence[Component],
) -> None:
    """Create or replace a grant: its row, its efficiency requirement and its components."""
    _upsert_grant(
        session,
        org_unit,
        year,
        {
            **stamp(seq),
            "efficiency_gross_bp": efficiency.gross_indexation_bp if efficiency else None,
            "efficiency_bp": efficiency.efficiency_bp if efficiency else None,
            "efficiency_net_bp": efficiency.net_indexation_bp if efficiency else None,
            "efficiency_note": efficiency.note if efficiency else None,
        },
    )
    gid = grant_id(org_unit, year)
    session.execute(sa.delete(COMPONENT).where(COMPONENT.c.grant_id == gid))
    _insert_components(session, gid, components, start=0)


def save_mirrors(
    session: Session, org_unit: str, year: int, seq: int, owner: str, mirrors: Sequence[Component]
) -> None:
    """Replace the components of ``org_unit``'s grant mirrored from ``owner``'s (creating the
    grant if it has none), after its own components."""
    _upsert_grant(session, org_unit, year, stamp(seq))
    gid = grant_id(org_unit, year)
    session.execute(
        sa.delete(COMPONENT).where(COMPONENT.c.grant_id == gid, COMPONENT.c.mirrored_from == owner)
    )
    top = session.execute(
        sa.select(sa.func.max(COMPONENT.c.position)).where(COMPONENT.c.grant_id == gid)
    ).scalar_one_or_none()
    _insert_components(session, gid, mirrors, start=(top + 1) if top is not None else 0)


def _upsert_grant(session: Session, org_unit: str, year: int, values: dict[str, Any]) -> None:
    gid = grant_id(org_unit, year)
    updated = cast(
        sa.CursorResult[Any],
        session.execute(sa.update(GRANT).where(GRANT.c.id == gid).values(values)),
    )
    if not updated.rowcount:
        session.execute(sa.insert(GRANT).values(id=gid, org_unit=org_unit, year=year, **values))


def _insert_components(
    session: Session, gid: str, components: Sequence[Component], start: int
) -> None:
    if components:
        session.execute(
            sa.insert(COMPONENT),
            [
                {"grant_id": gid, "position": start + n, **asdict(c)}
                for n, c in enumerate(components)
            ],
        )


# Built once (building a statement costs more than running it).
_GRANT_ROW = sa.select(GRANT).where(GRANT.c.id == sa.bindparam("id"))
_COMPONENTS_OF = (
    sa.select(COMPONENT)
    .where(COMPONENT.c.grant_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(COMPONENT.c.grant_id, COMPONENT.c.position)
)


def grant_row(session: Session, org_unit: str, year: int) -> Any | None:
    return session.execute(_GRANT_ROW, {"id": grant_id(org_unit, year)}).first()


def components_of(
    session: Session, grant_ids: Collection[str]
) -> dict[str, list[tuple[int, Component]]]:
    """The components of each grant with their positions, in position order."""
    out: dict[str, list[tuple[int, Component]]] = defaultdict(list)
    if grant_ids:
        for c in session.execute(_COMPONENTS_OF, {"ids": list(grant_ids)}).all():
            out[c.grant_id].append((c.position, _component(c)))
    return out


def grant_page(
    session: Session,
    params: ListParams,
    year: int | None,
    org_unit: str | None,
    org_units: Collection[str] | None,
) -> Slice[Any]:
    return fetch_table_page(
        session,
        sa.select(GRANT).where(
            *equal(GRANT, year=year, org_unit=org_unit), *readable(GRANT, org_units)
        ),
        GRANT,
        params=params,
        to_item=lambda r: r,
    )


def grants_csv(
    year: int | None, org_unit: str | None, org_units: Collection[str] | None
) -> CsvQuery:
    """One row per component, with its grant's computed total (a flat table for BI)."""
    c, g = COMPONENT.c, GRANT.c
    columns = [
        g.id.label("grant_id"),
        g.org_unit,
        g.year,
        sa.func.sum(c.amount).over(partition_by=c.grant_id).label("grant_total"),
        c.position,
        c.kind,
        c.label,
        c.amount,
        c.decision,
        c.used,
        c.counterparty,
        c.counterparty_text,
        c.mirrored_from,
        c.derivation,
        g.updated_at,
        g.change_seq,
    ]
    statement = (
        sa.select(*columns)
        .join(COMPONENT, c.grant_id == g.id)
        .where(*equal(GRANT, year=year, org_unit=org_unit), *readable(GRANT, org_units))
        .order_by(g.id, c.position)
    )
    return CsvQuery(statement, tuple(col.name for col in columns))

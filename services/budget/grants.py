"""Grants (regionbidrag): a committee's grant for a year, built up from its components.

A transfer naming a counterparty is mirrored, with the opposite sign, on that committee's
grant of the same year in the same transaction; ``grant_rules`` says what a write means.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from services.budget import schemas as s
from services.budget.grant_rules import (
    Component,
    build_up,
    check_components,
    grant_id,
    plan_transfers,
)
from services.budget.money import mnkr, mnkr_strings
from services.budget.repository import grants as grant_repo
from services.budget.repository.store import CsvQuery
from shared.errors import NotFound
from shared.etag import check_if_match
from shared.keys import Principal
from shared.paging import ListParams, Slice
from shared.store import AuditTrail, ChangeFeed


def write_grant(
    session: Session,
    feed: ChangeFeed,
    principal: Principal | None,
    org_unit: str,
    year: int,
    body: s.GrantIn,
    if_match: str | None = None,
) -> list[str]:
    """Write one grant and the mirrored side of its transfers, without committing; returns
    the org units whose grants were written, this one first. The seed writes with no
    ``principal``."""
    check_components(org_unit, body)
    if principal:
        principal.check_org_unit(org_unit)
    # Compare and write under one lock: the service's writers queue on the change feed
    # (a grant not there yet cannot be created meanwhile), then the grant's row is held.
    feed.lock(session)
    check_if_match(if_match, grant_repo.lock_grant(session, org_unit, year))
    stored = grant_repo.components_around(session, org_unit, year)
    submitted = [Component.submitted(c) for c in body.components]
    plan = plan_transfers(org_unit, year, submitted, stored)
    if principal:
        for other in plan.mirrors:
            principal.check_org_unit(other)

    first = feed.allocate(session, 1 + len(plan.mirrors))
    grant_repo.save_grant(
        session, org_unit, year, first, body.efficiency_requirement, plan.components
    )
    others = sorted(plan.mirrors)
    for n, other in enumerate(others, start=1):
        grant_repo.save_mirrors(session, other, year, first + n, org_unit, plan.mirrors[other])
    return [org_unit, *others]


def put_grant(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    org_unit: str,
    year: int,
    body: s.GrantIn,
    if_match: str | None,
) -> s.GrantOut:
    """Replace a committee's grant for a year (and the mirrors of its transfers)."""
    written = write_grant(session, feed, principal, org_unit, year, body, if_match)
    audit.record(
        session,
        principal.key_id,
        "put",
        "grant",
        grant_id(org_unit, year),
        {"body": body.model_dump(exclude_defaults=True), "mirrored_to": written[1:]},
    )
    written_grant = get_grant(session, org_unit, year)  # as this write left it
    session.commit()
    return written_grant


def find_grant(session: Session, org_unit: str, year: int) -> s.GrantOut | None:
    row = grant_repo.grant_row(session, org_unit, year)
    if row is None:
        return None
    return _grant_out(row, grant_repo.components_of(session, [row.id])[row.id])


def get_grant(session: Session, org_unit: str, year: int) -> s.GrantOut:
    grant = find_grant(session, org_unit, year)
    if grant is None:
        raise NotFound(f"No grant (regionbidrag) for {org_unit} {year}.")
    return grant


def list_grants(
    session: Session,
    params: ListParams,
    year: int | None,
    org_unit: str | None,
    org_units: Collection[str] | None = None,
) -> Slice[s.GrantOut]:
    """A page of grants with their components (only ``org_units``' grants when given)."""
    page = grant_repo.grant_page(session, params, year, org_unit, org_units)
    components = grant_repo.components_of(session, [g.id for g in page.items])
    return Slice([_grant_out(g, components[g.id]) for g in page.items], page.next_cursor)


def grants_csv(
    year: int | None, org_unit: str | None, org_units: Collection[str] | None = None
) -> CsvQuery:
    """One row per component with its grant's total."""
    return grant_repo.grants_csv(year, org_unit, org_units)


def _grant_out(grant: Any, components: list[tuple[int, Component]]) -> s.GrantOut:
    total, subtotals = build_up(c for _, c in components)
    efficiency = (
        s.EfficiencyRequirement(
            gross_indexation_bp=grant.efficiency_gross_bp,
            efficiency_bp=grant.efficiency_bp,
            net_indexation_bp=grant.efficiency_net_bp,
            note=grant.efficiency_note,
        )
        if grant.efficiency_gross_bp is not None
        else None
    )
    return s.GrantOut(
        id=grant.id,
        org_unit=grant.org_unit,
        year=grant.year,
        components=[
            s.ComponentOut(
                position=position,
                amount_mnkr=mnkr(c.amount),
                derived=c.derivation is not None,
                **asdict(c),
            )
            for position, c in components
        ],
        total=total,
        total_mnkr=mnkr(total),
        subtotals=subtotals,
        subtotals_mnkr=mnkr_strings(subtotals.model_dump()),
        efficiency_requirement=efficiency,
        updated_at=grant.updated_at,
        change_seq=grant.change_seq,
    )

"""Earmarked money (riktade medel): money tied to a purpose, and maybe a line and an
assignment, for good; its use is recorded as it happens."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import Session

from services.budget import schemas as s
from services.budget.earmark_rules import check_not_moved, check_use
from services.budget.repository import budget_lines as line_repo
from services.budget.repository import earmarked as earmark_repo
from services.budget.repository.store import CsvQuery
from shared.errors import InvalidInput, NotFound, field_error
from shared.etag import check_if_match
from shared.keys import Principal
from shared.paging import ListParams, Slice
from shared.store import AuditTrail, ChangeFeed

RESOURCE = "earmarked"


def write_earmarked(
    session: Session,
    feed: ChangeFeed,
    principal: Principal | None,
    eid: str,
    body: s.EarmarkedIn,
    if_match: str | None = None,
) -> bool:
    """Create or replace one entry without committing; True when it was created. The seed
    writes with no ``principal``."""
    if principal:
        principal.check_org_unit(body.org_unit)
    check_use(body)
    # Compare and write under one lock: the service's writers queue on the change feed
    # (an entry not there yet cannot be created meanwhile), then the entry's row is held.
    feed.lock(session)
    stored = earmark_repo.earmarked_row(session, eid, for_update=True)
    check_if_match(if_match, stored.change_seq if stored else None)
    if stored is not None:
        check_not_moved(eid, stored._mapping, body)
    if (
        body.line is not None
        and line_repo.line_row(session, body.org_unit, body.year, body.line) is None
    ):
        raise InvalidInput(
            f"{body.org_unit} has no budget line {body.line!r} for {body.year}.",
            errors=[field_error(["body", "line"], "unknown budget line")],
        )
    values = {**body.model_dump(), "co_org_units": ",".join(body.co_org_units)}
    earmark_repo.save_earmarked(session, eid, values, feed.allocate(session), new=stored is None)
    return stored is None


def put_earmarked(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    eid: str | None,
    body: s.EarmarkedIn,
    if_match: str | None,
) -> s.EarmarkedOut:
    """PUT with an id, or POST (``eid`` None: a new id is made)."""
    eid = eid or f"EM-{uuid.uuid4().hex[:12]}"
    created = write_earmarked(session, feed, principal, eid, body, if_match)
    action = "create" if created else "put"
    audit.record(session, principal.key_id, action, RESOURCE, eid, body.model_dump())
    written = get_earmarked(session, eid)  # as this write left it
    session.commit()
    return written


def get_earmarked(session: Session, eid: str, principal: Principal | None = None) -> s.EarmarkedOut:
    """An entry; with ``principal``, 403 when the key may not read its org unit's data."""
    row = earmark_repo.earmarked_row(session, eid)
    if row is None:
        raise NotFound(f"No earmarked entry {eid!r}.")
    if principal is not None:
        principal.check_read(row.org_unit)
    return earmarked_out(row)


def delete_earmarked(
    session: Session, feed: ChangeFeed, audit: AuditTrail, principal: Principal, eid: str
) -> None:
    """Delete an entry, leaving a tombstone in the change feed."""
    feed.lock(session)
    entry = get_earmarked(session, eid)
    principal.check_org_unit(entry.org_unit)
    seq = feed.allocate(session)
    earmark_repo.delete_earmarked(session, eid)
    feed.bury(session, RESOURCE, [eid], seq)
    audit.record(session, principal.key_id, "delete", RESOURCE, eid, None)
    session.commit()


def list_earmarked(
    session: Session,
    feed: ChangeFeed,
    params: ListParams,
    org_unit: str | None,
    year: int | None,
    org_units: Collection[str] | None = None,
) -> Slice[s.EarmarkedOut | dict[str, Any]]:
    """A page of earmarked money (only ``org_units``' when given); in change order
    deletions come as tombstones."""
    return earmark_repo.earmarked_page(
        session, feed, params, org_unit, year, org_units, earmarked_out
    )


def earmarked_csv(
    org_unit: str | None, year: int | None, org_units: Collection[str] | None = None
) -> CsvQuery:
    return earmark_repo.earmarked_csv(org_unit, year, org_units)


def earmarked_of(session: Session, org_unit: str, year: int) -> list[s.EarmarkedOut]:
    """A committee's earmarked money for a year, by id."""
    return [earmarked_out(r) for r in earmark_repo.earmarked_of(session, org_unit, year)]


def earmarked_out(row: Any) -> s.EarmarkedOut:
    # The org units sharing the money are stored comma-separated.
    return s.EarmarkedOut.model_validate(
        {**row._mapping, "co_org_units": [u for u in row.co_org_units.split(",") if u]}
    )

"""Reading assignments as the follow-up sees them (uppföljning av riktade uppdrag).

One assignment, a page of a list or the whole list as CSV, each with the latest status and,
for a follow-up year, the carry-over (see ``assignment_repository`` for both rules). A
committee's view (``org_unit`` and ``year``) is the list filtered: a fixed number of queries
whatever the number of assignments or reports.

Definitions are region-wide; statuses are org-unit data: a listing counts only the reports
of the unit it is filtered by (or of the key's own units), and those naming it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.assignments import assignment_repository, rules
from services.assignments.assignment_repository import CsvExport
from services.assignments.schemas import AssignmentFilters, AssignmentOut, Kind, Status
from shared.errors import NotFound
from shared.keys import Principal
from shared.paging import ListParams, Slice, Tombstone
from shared.periods import Period
from shared.store import ChangeFeed


def assignment_filters(
    principal: Principal,
    *,
    org_unit: str | None = None,
    year: int | None = None,
    period: Period | None = None,
    as_of: date | None = None,
    status: Status | None = None,
    area: str | None = None,
    kind: Kind | None = None,
) -> AssignmentFilters:
    """What a listing asks for, read-scoped: a key bound to org units may ask only for its
    own (403 otherwise); the statuses come from the reports of the unit asked for, or of the
    key's own units when none is, and from those naming them (see ``rules.status_window``
    for ``year`` / ``period`` / ``as_of``)."""
    readable = principal.readable(org_unit)
    units = frozenset({org_unit}) if org_unit is not None else readable
    follow_up_year, window = rules.status_window(year, period, as_of, units)
    return AssignmentFilters(
        org_unit=org_unit, year=follow_up_year, status=status, area=area, kind=kind, window=window
    )


def get_assignment(
    session: Session, assignment_id: str, readable: frozenset[str] | None = None
) -> AssignmentOut:
    """The definition (every key reads it) with the latest status from the reports by, or
    naming, the ``readable`` units (None: any unit's)."""
    found = assignment_repository.find_assignment(session, assignment_id, readable)
    if found is None:
        raise NotFound(f"No assignment {assignment_id!r}.")
    return found


def list_assignments(
    session: Session, filters: AssignmentFilters, params: ListParams, feed: ChangeFeed
) -> Slice[AssignmentOut | Tombstone]:
    """A page in id order, or in change order with the deleted ones as tombstones."""
    return assignment_repository.assignment_page(session, filters, params, feed)


def assignments_csv(filters: AssignmentFilters, dialect: str) -> CsvExport:
    """The whole filtered list, unpaged, to stream as CSV."""
    return assignment_repository.assignments_csv(filters, dialect)

"""Reading assignments as the follow-up sees them (uppföljning av riktade uppdrag).

One assignment, a page of a list or the whole list as CSV, each with the latest status and,
for a follow-up year, the carry-over (see ``assignment_repository`` for both rules). A
committee's view (``org_unit`` and ``year``) is the list filtered: a fixed number of queries
whatever the number of assignments or reports.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.assignments import assignment_repository
from services.assignments.assignment_repository import CsvExport
from services.assignments.schemas import AssignmentFilters, AssignmentOut
from shared.errors import NotFound
from shared.paging import ListParams, Slice, Tombstone
from shared.store import ChangeFeed


def get_assignment(session: Session, assignment_id: str) -> AssignmentOut:
    found = assignment_repository.find_assignment(session, assignment_id)
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

"""An assignment's definition, created, changed and deleted by an admin; one commit each.

- **ETag / If-Match.** The ETag is the definition's ``version``; reports do not change it.
  PATCH needs ``If-Match`` (428 without, 412 when stale, ``*`` for any version); DELETE
  honours it when sent.
- **Units.** A create or patch may name group tokens; the lead (expanded) is always among
  the responsible units (see ``units``).
- **Who.** Definitions are region-wide: the router admits only an admin key not bound to
  org units (``RegionAdmin``) to these writes.
- **Deletes** remove the assignment and its reports; both leave tombstones in the change feed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.assignments import assignment_repository, report_repository, rules, units
from services.assignments.assignment_repository import ASSIGNMENT_RESOURCE, Definition
from services.assignments.listing import get_assignment
from services.assignments.report_repository import REPORT_RESOURCE
from services.assignments.schemas import AssignmentCreate, AssignmentOut, AssignmentPatch
from services.assignments.writes import Writes
from shared.errors import NotFound, PreconditionFailed
from shared.etag import check_if_match
from shared.store import utcnow


def get_definition(session: Session, assignment_id: str) -> Definition:
    """The stored assignment with its responsible units; 404 when there is none."""
    found = assignment_repository.find_definition(session, assignment_id)
    if found is None:
        raise NotFound(f"No assignment {assignment_id!r}.")
    return found


def create_assignment(session: Session, w: Writes, body: AssignmentCreate) -> AssignmentOut:
    """A new assignment, version 1, with a generated id (``A-<n>``)."""
    responsible = units.resolve(body.lead_org_unit, body.org_units)
    seq = w.feed.allocate(session, 1)
    assignment_id = f"A-{seq}"
    assignment_repository.insert_assignment(
        session, assignment_id, rules.created_columns(body), responsible, seq, utcnow()
    )
    w.audit.record(
        session,
        w.principal.key_id,
        "create",
        ASSIGNMENT_RESOURCE,
        assignment_id,
        body.model_dump(mode="json"),
    )
    session.commit()
    return get_assignment(session, assignment_id)


def patch_assignment(
    session: Session,
    w: Writes,
    assignment_id: str,
    if_match: str | None,
    body: AssignmentPatch,
) -> AssignmentOut:
    """The fields sent change, the others stay; ``org_units`` replaces the other units."""
    accepted = rules.accepted_versions(if_match)
    current = get_definition(session, assignment_id)
    rules.check_no_nulls(body.model_dump(exclude_unset=True))
    columns = rules.changed_columns(body)
    responsible = current.responsible
    if "lead_org_unit" in body.model_fields_set or "org_units" in body.model_fields_set:
        responsible = units.after_patch(current.responsible, body.lead_org_unit, body.org_units)
        columns.update(lead_org_unit=responsible.lead_org_unit, lead_text=responsible.lead_text)

    seq = w.feed.allocate(session, 1)
    if not assignment_repository.update_if_version(
        session, assignment_id, accepted, columns, seq, utcnow()
    ):
        session.rollback()
        raise PreconditionFailed(
            f"Assignment {assignment_id!r} has changed since it was read "
            f"(If-Match {if_match}); read it again and retry.",
        )
    if responsible.units != current.responsible.units:
        assignment_repository.replace_units(session, assignment_id, responsible.units)
    w.audit.record(
        session,
        w.principal.key_id,
        "patch",
        ASSIGNMENT_RESOURCE,
        assignment_id,
        body.model_dump(mode="json", exclude_unset=True),
    )
    session.commit()
    return get_assignment(session, assignment_id)


def delete_assignment(
    session: Session, w: Writes, assignment_id: str, if_match: str | None
) -> None:
    """The assignment and its reports, each leaving a tombstone."""
    current = get_definition(session, assignment_id)
    check_if_match(if_match, current.version, subject=f"assignment {assignment_id!r}")
    # Its reports of a decided period are locked with it (409, rolled back); the writer
    # lock first, so the reports checked are the reports deleted.
    w.feed.lock(session)
    touched = report_repository.touches_of_assignment(session, assignment_id)
    report_repository.LOCKS.check(session, w.feed, touched)
    report_ids = report_repository.ids_of_assignment(session, assignment_id)
    seq = w.feed.allocate(session, 1 + len(report_ids))
    assignment_repository.delete_assignment(session, assignment_id)
    w.feed.bury(session, ASSIGNMENT_RESOURCE, [assignment_id], seq)
    w.feed.bury(session, REPORT_RESOURCE, report_ids, seq + 1)
    w.audit.record(
        session,
        w.principal.key_id,
        "delete",
        ASSIGNMENT_RESOURCE,
        assignment_id,
        {"title": current.title, "reports_deleted": len(report_ids)},
    )
    session.commit()

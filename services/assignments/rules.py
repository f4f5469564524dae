"""The assignments service's rules as pure functions: no session, no I/O.

The domain modules (``definitions``, ``reports``) call these with what they read; the unit
tests in ``tests/assignments/test_rules.py`` call them with plain values.

- **Status scales.** An assignment (riktat uppdrag) reports ``ej_startat`` /
  ``pagar_enligt_plan`` / ``avvikelse`` / ``klart``; a milestone (Framtidens hälsosystem)
  ``green`` / ``yellow`` / ``orange``. An ``avvikelse`` must say why.
- **Finished.** ``klart`` (``green`` for a milestone) finishes an assignment: it is not carried
  over into the next year's follow-up.
- **If-Match.** A PATCH without ``If-Match`` is refused with 428 (a blind overwrite is never
  what an editor means); ``*`` matches any version.
- **Who may write.** A key bound to org units changes only assignments whose every unit it
  covers, and reports only for a responsible unit it speaks for.
- **Bulk reports are append-only.** A row identical (status and explanation) to the latest
  report of its assignment, org unit and period is ``unchanged`` and not written again, so
  loading the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from services.assignments.schemas import (
    AssignmentCreate,
    AssignmentPatch,
    Earmarked,
    Kind,
    ReportIn,
    ReportRow,
)
from shared.errors import Forbidden, InvalidInput, ProblemError, field_error
from shared.etag import if_match_versions
from shared.keys import Principal

STATUSES: dict[Kind, tuple[str, ...]] = {
    "assignment": ("ej_startat", "pagar_enligt_plan", "avvikelse", "klart"),
    "milestone": ("green", "yellow", "orange"),
}
#: A latest status among these finishes the assignment (no carry-over).
FINISHED_STATUSES = ("klart", "green")

#: An assignment always has these; a patch may leave them out but not null them.
REQUIRED_FIELDS = ("title", "year_given", "lead_org_unit", "org_units")

#: (assignment id, org unit, period): the reports a bulk row is compared with.
ReportKey = tuple[str, str, str]
#: What a report says: its status and explanation.
ReportContent = tuple[str, str | None]


class PreconditionRequired(ProblemError):
    """A replacing write came without ``If-Match``."""

    status, title, type_suffix = 428, "Precondition Required", "precondition-required"


# --------------------------------------------------------------------------- definitions


def accepted_versions(if_match: str | None) -> list[int] | None:
    """The versions a required ``If-Match`` accepts (None for ``*``); 428 without one."""
    if if_match is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag of the assignment you read (or '*' to overwrite).",
            errors=[field_error(["header", "If-Match"], "required")],
        )
    return if_match_versions(if_match)


def check_no_nulls(changes: Mapping[str, Any]) -> None:
    """422 naming each required field a patch sets to null."""
    nulls = [f for f in REQUIRED_FIELDS if f in changes and changes[f] is None]
    if nulls:
        raise InvalidInput(
            f"{', '.join(nulls)} cannot be null.",
            errors=[field_error(["body", f], "may not be null") for f in nulls],
        )


def earmarked_columns(earmarked: Earmarked | None) -> dict[str, Any]:
    """Earmarked money (riktade medel) as stored: amount and purpose, or neither."""
    return {
        "earmarked_amount": earmarked.amount if earmarked else None,
        "earmarked_purpose": earmarked.purpose if earmarked else None,
    }


def created_columns(body: AssignmentCreate) -> dict[str, Any]:
    """A new assignment's columns, the responsible units apart.

    Its year is stated (the client gives it) and it is not a continued one ("Fortsatt
    uppdrag" marks entries of the source documents)."""
    columns = body.model_dump(exclude={"lead_org_unit", "org_units", "earmarked"})
    columns.update(earmarked_columns(body.earmarked), year_given_stated=True, continued=False)
    return columns


def changed_columns(body: AssignmentPatch) -> dict[str, Any]:
    """The assignment's columns a patch sets, the responsible units apart.

    A year sent by an editor is a stated year (``year_given_stated``)."""
    changes = body.model_dump(exclude_unset=True, exclude={"lead_org_unit", "org_units"})
    if "earmarked" in changes:
        del changes["earmarked"]
        changes.update(earmarked_columns(body.earmarked))
    if "year_given" in changes:
        changes["year_given_stated"] = True
    return changes


def check_may_edit(principal: Principal, units: Iterable[str]) -> None:
    """403 unless the key speaks for every unit the assignment touches."""
    for unit in units:
        principal.check_org_unit(unit)


# --------------------------------------------------------------------------- reports


def status_errors(
    kind: Kind, status: str, explanation: str | None, loc: Sequence[str | int]
) -> list[dict[str, Any]]:
    """What is wrong with a status for an assignment of ``kind`` (empty: nothing)."""
    allowed = STATUSES[kind]
    if status not in allowed:
        return [
            field_error(
                [*loc, "status"],
                f"{status!r} is not a status of a {kind}; use one of {', '.join(allowed)}",
            )
        ]
    if status == "avvikelse" and not (explanation and explanation.strip()):
        return [
            field_error([*loc, "explanation"], "an avvikelse must say why (explanation required)")
        ]
    return []


def check_report(
    assignment_id: str,
    kind: Kind,
    responsible: Sequence[str],
    principal: Principal,
    body: ReportIn,
) -> None:
    """403 unless a responsible unit the key speaks for reports; 422 for a wrong status."""
    if body.org_unit not in responsible:
        raise Forbidden(
            f"{body.org_unit} is not responsible for assignment {assignment_id!r} "
            f"(responsible: {', '.join(responsible)}); only a responsible org unit reports."
        )
    principal.check_org_unit(body.org_unit)
    errors = status_errors(kind, body.status, body.explanation, ["body"])
    if errors:
        raise InvalidInput(errors[0]["msg"], errors=errors)


def report_row_errors(
    row: ReportRow,
    kind: Kind | None,
    responsible: Sequence[str],
    principal: Principal,
) -> list[dict[str, Any]]:
    """What is wrong with a bulk row, checked like a single report; ``kind`` None: no
    such assignment."""
    if kind is None:
        return [field_error(["assignment_id"], f"no assignment {row.assignment_id!r}")]
    if row.org_unit not in responsible:
        return [field_error(["org_unit"], f"{row.org_unit} is not responsible for this assignment")]
    if not principal.may_speak_for(row.org_unit):
        return [field_error(["org_unit"], f"this key may not report for {row.org_unit}")]
    return status_errors(kind, row.status, row.explanation, [])


def report_key(row: ReportRow) -> ReportKey:
    return (row.assignment_id, row.org_unit, str(row.period))


def new_reports(
    rows: Iterable[ReportRow], latest: Mapping[ReportKey, ReportContent]
) -> tuple[list[ReportRow], int]:
    """The rows that say something new, in order, and how many are ``unchanged``.

    A row is unchanged when it repeats the latest report of its key, from the store or
    from an earlier row of the same load."""
    last = dict(latest)
    fresh: list[ReportRow] = []
    unchanged = 0
    for row in rows:
        key, content = report_key(row), (row.status, row.explanation)
        if last.get(key) == content:
            unchanged += 1
            continue
        last[key] = content
        fresh.append(row)
    return fresh, unchanged

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
- **Who may write.** Definitions are region-wide: the router lets only an unbound admin key
  create, change or delete them. A key bound to org units reports only for a responsible
  unit it speaks for, and names (``on_behalf_of``) only responsible units it speaks for.
- **A report speaks for a date** (``as_of``): by default the day it is made, or its period's
  last day when the period has ended; never before the period begins nor after today.
- **A report's natural key** is its assignment, org unit, period, ``as_of`` and what it says
  (status, explanation, the units it names). A report already stored under its key is not
  stored again: it is ``unchanged`` when it is still the last word of its unit for that
  period and date, and said again (a new change number, so it wins again) when a later
  report for the same slot said something else. Loading a file twice changes nothing.
- **The latest status** is the report for the latest date (``as_of``), then the latest
  period, then the latest report; a listing for a follow-up year counts the reports for
  dates in that year up to the date asked for, by the unit asked for or naming it
  (``status_window``), its carry-over those up to the end of the year before
  (``carry_over_window``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.assignments.schemas import (
    AssignmentCreate,
    AssignmentPatch,
    Earmarked,
    Kind,
    ReportIn,
    ReportRow,
    StatusWindow,
)
from services.assignments.units import in_reference_order
from shared.errors import Forbidden, InvalidInput, ProblemError, field_error
from shared.etag import if_match_versions
from shared.keys import Principal
from shared.periods import Period

STATUSES: dict[Kind, tuple[str, ...]] = {
    "assignment": ("ej_startat", "pagar_enligt_plan", "avvikelse", "klart"),
    "milestone": ("green", "yellow", "orange"),
}
#: A latest status among these finishes the assignment (no carry-over).
FINISHED_STATUSES = ("klart", "green")

#: An assignment always has these; a patch may leave them out but not null them.
REQUIRED_FIELDS = ("title", "year_given", "lead_org_unit", "org_units")

#: (assignment id, org unit, period, as_of): one unit's word on one period for one date.
ReportSlot = tuple[str, str, str, date]
#: A report's natural key: its slot and the ``content_key`` of what it says.
NaturalKey = tuple[str, str, str, date, str]


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


def default_as_of(period: Period, today: date) -> date:
    """The date a report sent without ``as_of`` speaks for: today, or the period's last day
    once the period has ended (the 2024 verksamhetsberättelse speaks for 2024-12-31)."""
    return min(today, period.last_day)


def as_of_errors(
    period: Period, as_of: date, today: date, loc: Sequence[str | int]
) -> list[dict[str, Any]]:
    """A status speaks for a day within or after its period, and not one still to come."""
    if as_of < period.first_day:
        return [
            field_error(
                [*loc, "as_of"],
                f"{as_of.isoformat()} is before period {period} begins "
                f"({period.first_day.isoformat()})",
            )
        ]
    if as_of > today:
        return [
            field_error(
                [*loc, "as_of"],
                f"{as_of.isoformat()} is in the future; a status speaks for a day that has come "
                f"(today is {today.isoformat()})",
            )
        ]
    return []


def report_date_errors(
    report: ReportIn, today: date, loc: Sequence[str | int]
) -> list[dict[str, Any]]:
    """A report is for a period under way or ended (422 on ``period``), and its ``as_of``, when
    sent, fits it (see ``as_of_errors``)."""
    if report.period.first_day > today:
        return [
            field_error(
                [*loc, "period"],
                f"period {report.period} has not begun; a status is reported for a period "
                f"under way or ended (today is {today.isoformat()})",
            )
        ]
    if report.as_of is None:
        return []
    return as_of_errors(report.period, report.as_of, today, loc)


def named_units(report: ReportIn) -> tuple[str, ...]:
    """The other units a report names: once each, in reference order, the reporter left out."""
    return tuple(in_reference_order(u for u in report.on_behalf_of if u != report.org_unit))


def _naming_errors(
    report: ReportIn, responsible: Sequence[str], principal: Principal, loc: Sequence[str | int]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Named units that are not responsible (422) and those the key may not speak for (403)."""
    named = named_units(report)
    invalid = [
        field_error([*loc, "on_behalf_of"], f"{u} is not responsible for this assignment")
        for u in named
        if u not in responsible
    ]
    refused = [u for u in named if u in responsible and not principal.may_speak_for(u)]
    return invalid, refused


def check_report(
    assignment_id: str,
    kind: Kind,
    responsible: Sequence[str],
    principal: Principal,
    body: ReportIn,
    today: date,
) -> None:
    """403 unless a responsible unit the key speaks for reports (and for every unit it
    names); 422 for a wrong status, an ``as_of`` out of range or a named unit not responsible."""
    if body.org_unit not in responsible:
        raise Forbidden(
            f"{body.org_unit} is not responsible for assignment {assignment_id!r} "
            f"(responsible: {', '.join(responsible)}); only a responsible org unit reports."
        )
    principal.check_org_unit(body.org_unit)
    invalid, refused = _naming_errors(body, responsible, principal, ["body"])
    for unit in refused:
        principal.check_org_unit(unit)
    errors = status_errors(kind, body.status, body.explanation, ["body"]) + invalid
    errors += report_date_errors(body, today, ["body"])
    if errors:
        raise InvalidInput(errors[0]["msg"], errors=errors)


def report_row_errors(
    row: ReportRow,
    kind: Kind | None,
    responsible: Sequence[str],
    principal: Principal,
    today: date,
) -> list[dict[str, Any]]:
    """What is wrong with a bulk row, checked like a single report; ``kind`` None: no
    such assignment."""
    if kind is None:
        return [field_error(["assignment_id"], f"no assignment {row.assignment_id!r}")]
    if row.org_unit not in responsible:
        return [field_error(["org_unit"], f"{row.org_unit} is not responsible for this assignment")]
    if not principal.may_speak_for(row.org_unit):
        return [field_error(["org_unit"], f"this key may not report for {row.org_unit}")]
    invalid, refused = _naming_errors(row, responsible, principal, [])
    errors = invalid + [
        field_error(["on_behalf_of"], f"this key may not report for {u}") for u in refused
    ]
    errors += status_errors(kind, row.status, row.explanation, [])
    errors += report_date_errors(row, today, [])
    return errors


def content_key(status: str, explanation: str | None, on_behalf_of: Sequence[str]) -> str:
    """What a report says, as a hash: status, explanation and the units it names. (Revision
    0002 backfills stored reports with the same formula.)"""
    text = json.dumps([status, explanation, list(on_behalf_of)], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ReportFact:
    """A checked report with the date it speaks for and the units it names settled."""

    assignment_id: str
    org_unit: str
    period: Period
    as_of: date
    status: str
    explanation: str | None
    on_behalf_of: tuple[str, ...]

    @property
    def slot(self) -> ReportSlot:
        return (self.assignment_id, self.org_unit, str(self.period), self.as_of)

    @property
    def natural_key(self) -> NaturalKey:
        return (*self.slot, content_key(self.status, self.explanation, self.on_behalf_of))


def report_fact(assignment_id: str, report: ReportIn, today: date) -> ReportFact:
    """The report as stored: ``as_of`` defaulted (see ``default_as_of``), named units settled."""
    return ReportFact(
        assignment_id=assignment_id,
        org_unit=report.org_unit,
        period=report.period,
        as_of=report.as_of or default_as_of(report.period, today),
        status=report.status,
        explanation=report.explanation,
        on_behalf_of=named_units(report),
    )


@dataclass(frozen=True)
class StoredReport:
    """What the plan needs of a stored report: its id, natural key and change number."""

    id: int
    key: NaturalKey
    change_seq: int


@dataclass(frozen=True)
class PlannedReport:
    """A report to write: new (``stored_id`` None) or a stored one said again."""

    fact: ReportFact
    stored_id: int | None


@dataclass(frozen=True)
class ReportPlan:
    """The writes of a load in the order of their change numbers, and what needs none."""

    writes: list[PlannedReport]
    unchanged: int

    @property
    def inserted(self) -> int:
        return sum(1 for w in self.writes if w.stored_id is None)

    @property
    def restated(self) -> int:
        return sum(1 for w in self.writes if w.stored_id is not None)


def plan_reports(facts: Sequence[ReportFact], stored: Iterable[StoredReport]) -> ReportPlan:
    """What to write for ``facts`` (in order) given the reports already ``stored``.

    A fact that is the last word of its slot (stored, or earlier in the load) is unchanged.
    Otherwise it is written: stored under its natural key already → said again (a new change
    number, so it wins its slot again); else inserted. The same fact twice in one load is
    written once, at its last place."""
    last: dict[ReportSlot, NaturalKey] = {}
    ids: dict[NaturalKey, int] = {}
    for report in sorted(stored, key=lambda r: r.change_seq):
        last[report.key[:4]] = report.key
        ids[report.key] = report.id
    writes: dict[NaturalKey, PlannedReport] = {}
    for fact in facts:
        key = fact.natural_key
        if last.get(fact.slot) == key:
            continue
        writes.pop(key, None)
        writes[key] = PlannedReport(fact, ids.get(key))
        last[fact.slot] = key
    planned = list(writes.values())
    return ReportPlan(planned, len(facts) - len(planned))


def status_window(
    year: int | None,
    period: Period | None,
    as_of: date | None,
    units: frozenset[str] | None,
) -> tuple[int | None, StatusWindow]:
    """The follow-up year and the reports a listing's latest status counts.

    ``year`` Y: the reports for dates in Y up to ``as_of`` (default Y-12-31), so a carried-
    over assignment nobody reported on in Y shows as not reported. ``period`` P: the year of
    P up to P's last day. ``as_of`` alone: every report for a date up to it. 422 naming the
    parameter when they disagree."""
    if period is not None:
        if as_of is not None:
            raise _query_error("as_of", "give as_of or period, not both")
        if year is not None and year != period.year:
            raise _query_error("year", f"year {year} is not the year of period {period}")
        year, as_of = period.year, period.last_day
    if year is None:
        return None, StatusWindow(until=as_of, units=units)
    if as_of is None:
        as_of = date(year, 12, 31)
    elif as_of.year != year:
        raise _query_error("as_of", f"{as_of.isoformat()} is not in the follow-up year {year}")
    return year, StatusWindow(since=date(year, 1, 1), until=as_of, units=units)


def carry_over_window(year: int, units: frozenset[str] | None) -> StatusWindow:
    """The reports the carry-over into follow-up ``year`` reads: those for dates up to the
    end of the year before, by the same ``units`` (or naming them)."""
    return StatusWindow(until=date(year - 1, 12, 31), units=units)


def _query_error(name: str, msg: str) -> InvalidInput:
    return InvalidInput(f"{name}: {msg}", errors=[field_error(["query", name], msg)])

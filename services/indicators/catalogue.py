"""Indikatorbiblioteket: indicators, their place in the goal hierarchy, and their targets
(målnivåer) versioned by year: the region's, and committees' own stricter ones.

Each write checks its rules, writes through the repository, records the audit entry and
commits once. A replacing write (an indicator, a target) takes the service's write lock
first (``ChangeFeed.allocate``: the change counter's row lock, held until commit), then
reads the version it replaces and compares it with ``If-Match``: compare and write happen
under one lock, so of writers sending the same tag exactly one wins and the rest get 412.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.indicators import repository
from services.indicators.goal_tree import (
    Placement,
    area_names,
    place,
    place_breakdowns,
    placements_json,
    stored_placements,
)
from services.indicators.models import REGION, indicator_table
from services.indicators.repository import CsvExport, Row
from services.indicators.schemas import (
    IndicatorIn,
    IndicatorOut,
    PlacementOut,
    TargetIn,
    TargetOut,
)
from services.indicators.series_rules import TimeAggregation, default_time_aggregation
from services.indicators.targets import ParsedTarget, TargetError, parse_target, stricter_or_equal
from shared.errors import InvalidInput, NotFound, field_error
from shared.etag import check_if_match, etag
from shared.keys import Principal
from shared.locks import Touch
from shared.paging import ListParams, Slice
from shared.store import AuditTrail, ChangeFeed, utcnow

#: ETag prefixes, so an indicator's tag is never taken for a target's (``"i12"``, ``"t12"``).
INDICATOR_ETAG = "i"
TARGET_ETAG = "t"
_REPORTING_KINDS = ("region", "committee", "hospital_board")

# --------------------------------------------------------------------------- indicators


def stored_indicator(body: IndicatorIn, placement: Placement) -> dict[str, Any]:
    """An indicator's stored fields, all but its code and change number; 422 for a
    placement that is not in the goal hierarchy."""
    return {
        "name": body.name,
        "description": body.description,
        "unit": body.unit,
        "direction": body.direction,
        "source": body.source,
        "goal": placement.goal,
        "area": placement.area,
        "delmal": placement.delmal,
        "not_reportable_by": ",".join(sorted(set(body.not_reportable_by))),
        "time_aggregation": body.time_aggregation or default_time_aggregation(body.unit),
        "placements": placements_json(place_breakdowns(body.placements)),
        "coverage_notes": (
            json.dumps(body.coverage_notes, ensure_ascii=False) if body.coverage_notes else None
        ),
        "kind": body.kind,
        "updated_at": utcnow(),
    }


def time_aggregation(row: Row) -> TimeAggregation:
    """How the indicator's monthly results roll up (stored, else its unit's default)."""
    stored: TimeAggregation | None = row.time_aggregation
    return stored or default_time_aggregation(row.unit)


def coverage_notes(row: Row) -> dict[str, str]:
    notes: dict[str, str] = json.loads(row.coverage_notes) if row.coverage_notes else {}
    return notes


def placements_out(row: Row) -> list[PlacementOut]:
    """The indicator's own place first (every breakdown not placed elsewhere), then the
    breakdowns placed elsewhere."""
    own = PlacementOut(goal=row.goal, area=row.area, delmal=row.delmal, breakdowns=None)
    return [own] + [
        PlacementOut(
            goal=p.placement.goal,
            area=p.placement.area,
            delmal=p.placement.delmal,
            breakdowns=list(p.breakdowns),
        )
        for p in stored_placements(row.placements)
    ]


def indicator_out(row: Row) -> IndicatorOut:
    not_by = [k for k in (row.not_reportable_by or "").split(",") if k]
    return IndicatorOut(
        code=row.code,
        name=row.name,
        description=row.description,
        unit=row.unit,
        direction=row.direction,
        source=row.source,
        goal=row.goal,
        area=row.area,
        delmal=row.delmal,
        not_reportable_by=not_by,
        reportable_at=[k for k in _REPORTING_KINDS if k not in not_by],
        time_aggregation=time_aggregation(row),
        placements=placements_out(row),
        coverage_notes=coverage_notes(row),
        kind=row.kind,
        updated_at=row.updated_at,
        change_seq=row.change_seq,
    )


def _indicator_row(session: Session, code: str) -> Row:
    row = repository.indicator(session, code)
    if row is None:
        raise NotFound(f"No indicator {code!r}.")
    return row


@cache
def _indicator_by_code() -> sa.Select[Any]:
    # Built once: building a select of the indicator's columns and its cache key costs
    # more CPU than Postgres takes to answer it (the GET of one indicator is the suite's
    # most frequent single-row read). ``repository.indicator`` would do the same for
    # every caller.
    i = indicator_table
    return sa.select(i).where(i.c.code == sa.bindparam("code"))


def get_indicator(session: Session, code: str) -> IndicatorOut:
    row = session.execute(_indicator_by_code(), {"code": code}).first()
    if row is None:
        raise NotFound(f"No indicator {code!r}.")
    return indicator_out(row)


def put_indicator(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    code: str,
    body: IndicatorIn,
    if_match: str | None = None,
) -> tuple[IndicatorOut, bool]:
    """Create or replace an indicator (a region-wide definition); returns it and whether
    it was created. ``If-Match`` is compared with the version under the write lock."""
    principal.check_unbound("Defining an indicator")
    stored = stored_indicator(body, place(body.area, body.goal, body.delmal))
    seq = feed.allocate(session, 1)  # the write lock, before the version is read
    with _rolled_back_on_error(session):
        version = repository.indicator_version(session, code)
        check_if_match(if_match, version, prefix=INDICATOR_ETAG, subject=f"indicator {code!r}")
    repository.save_indicator(
        session, code, {**stored, "change_seq": seq}, exists=version is not None
    )
    audit.record(
        session,
        principal.key_id,
        "create" if version is None else "replace",
        "indicator",
        code,
        body.model_dump(),
    )
    session.commit()
    return get_indicator(session, code), version is None


@contextmanager
def _rolled_back_on_error(session: Session) -> Iterator[None]:
    """Give the transaction (and the write lock) up at once when a check refuses the write."""
    try:
        yield
    except Exception:
        session.rollback()
        raise


def indicator_page(
    session: Session, feed: ChangeFeed, params: ListParams, area: str | None
) -> Slice[IndicatorOut | dict[str, Any]]:
    """Indicators by code (of one area, by its name or code, when given)."""
    return repository.indicator_page(
        session,
        areas=area_names(area) if area else None,
        params=params,
        feed=feed,
        to_item=indicator_out,
    )


def indicator_export(area: str | None) -> CsvExport:
    return repository.indicator_export(area_names(area) if area else None)


# --------------------------------------------------------------------------- targets


def parse_expression(expression: str, loc: list[str | int]) -> ParsedTarget:
    """A target expression as written, read; a 422 at ``loc`` saying what could not be read."""
    try:
        return parse_target(expression)
    except TargetError as exc:
        raise InvalidInput(str(exc), errors=[field_error(loc, str(exc))]) from exc


def target_out(row: Row) -> TargetOut:
    own = row.org_unit != REGION
    return TargetOut(
        etag=etag(row.change_seq, TARGET_ETAG),
        indicator=row.indicator,
        year=row.year,
        org_unit=row.org_unit if own else None,
        source="org_unit" if own else "region",
        expression=row.expression,
        parsed=ParsedTarget.model_validate_json(row.parsed),
        updated_at=row.updated_at,
        change_seq=row.change_seq,
    )


def _check_as_strict_as_region(
    session: Session, code: str, year: int, org_unit: str, expression: str, parsed: ParsedTarget
) -> None:
    """A committee's own target is at least as strict as the region's in force that year."""
    region = repository.region_target_in_force(session, code, year)
    if region is None:
        return
    ok, why = stricter_or_equal(parsed, ParsedTarget.model_validate_json(region.parsed))
    if not ok:
        raise InvalidInput(
            f"{org_unit}'s target {expression!r} for {code} {year} must be at least "
            f"as strict as the region's {region.expression!r} (set for {region.year}): {why}.",
            errors=[field_error(["body", "expression"], why)],
        )


def put_target(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    code: str,
    year: int,
    body: TargetIn,
    if_match: str | None = None,
) -> TargetOut:
    """Set the region's (or a committee's own) target for a year. The region's needs a
    key not bound to org units; a committee's, a key that may speak for the committee.
    ``If-Match`` is compared with the target's version under the write lock. A production
    volume has no target (422)."""
    if _indicator_row(session, code).kind == "volume":
        raise InvalidInput(
            f"{code} is a production volume (kind volume): it has no target; it is followed "
            "against the previous year at /v1/production.",
            errors=[field_error(["path", "code"], "a volume indicator takes no target")],
        )
    parsed = parse_expression(body.expression, ["body", "expression"])
    org_unit = body.org_unit or REGION
    if org_unit == REGION:
        principal.check_unbound("Setting the region's target")
    principal.check_org_unit(org_unit)
    subject = f"the target of {code} for {year}" + ("" if org_unit == REGION else f" ({org_unit})")
    seq = feed.allocate(session, 1)  # the write lock, before the version is read
    with _rolled_back_on_error(session):
        # A decided report of the year locks the targets of the units it reads (409).
        repository.LOCKS.check(session, feed, [Touch(org_unit, year)])
        if org_unit != REGION:
            _check_as_strict_as_region(session, code, year, org_unit, body.expression, parsed)
        version = repository.target_version(session, code, year, org_unit)
        check_if_match(if_match, version, prefix=TARGET_ETAG, subject=subject)
    fields = {
        "expression": body.expression.strip(),
        "parsed": parsed.model_dump_json(),
        "updated_at": utcnow(),
        "change_seq": seq,
    }
    row = repository.save_target(session, code, year, org_unit, fields, exists=version is not None)
    audit.record(
        session,
        principal.key_id,
        "set_target",
        "target",
        f"{code}/{year}/{org_unit}",
        {"expression": body.expression, "parsed": parsed.model_dump(mode="json")},
    )
    session.commit()
    return target_out(row)


def list_targets(
    session: Session, code: str, readable: frozenset[str] | None = None
) -> list[TargetOut]:
    """The region's targets and committees' own (of the ``readable`` units when given)."""
    _indicator_row(session, code)
    return [
        target_out(r)
        for r in repository.targets_of(session, code)
        if readable is None or r.org_unit == REGION or r.org_unit in readable
    ]

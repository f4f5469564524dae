"""Results (Kvalitetsapplikationen): bulk loads, deletes and listings.

A load checks every row (``result_rows``) and upserts the good ones set-based, batch by
batch: a CSV body is read, checked and written (COPY on Postgres) in batches, batch k+1
checked while the database stores batch k, all in one transaction. Each load and delete
is audited once and commits once; deleted results reach the change feed as tombstones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import Session

from services.indicators import listing_repository, repository
from services.indicators.gc_pause import collector_paused
from services.indicators.listing_repository import JsonLinesExport
from services.indicators.load_body import Columns, LoadBody, Part
from services.indicators.repository import CsvExport, ResultFilter, Row
from services.indicators.result_rows import Record, RowChecker
from services.indicators.schemas import DeleteAnswer, LoadAnswer, ResultOut, RowErrorOut
from services.indicators.statistics_rules import analyze_due
from shared.bulk import LoadMode, RowError, reject_if_atomic
from shared.errors import Forbidden, InvalidInput, NotFound, field_error
from shared.keys import Principal
from shared.locks import LoadScreen, Touch
from shared.paging import ListParams, Slice
from shared.store import AuditTrail, ChangeFeed

# --------------------------------------------------------------------------- loads


@dataclass
class _LoadRun:
    """One pass over a load's rows: checks each batch, names the bad rows, gives the good."""

    checker: RowChecker
    mode: LoadMode
    body: LoadBody
    rejected: list[RowError] = field(default_factory=list)
    #: Org units the key may not write for → the first row naming each.
    forbidden: dict[str, int] = field(default_factory=dict)
    total: int = 0
    #: Keeps rows of decided periods out (``shared.locks``): 409, or rejected when partial.
    locked: LoadScreen[Record] | None = None

    def batches(self) -> Iterator[list[Record]]:
        """The good rows batch by batch, as records in ``COLUMNS`` order; at the end, in
        atomic mode, 403/422 when any row was bad (no good row is given after the first bad).

        The upsert may call it twice (a second pass after a clash): each pass starts over.
        """
        self.rejected, self.forbidden, self.total = [], {}, 0
        atomic = self.mode is LoadMode.atomic
        for part in self.body.parts():
            start = part.first if isinstance(part, Columns) else self.total + 1
            seen, count = len(self.rejected), len(part)
            good = self._check(part)
            if not atomic or not (self.rejected or self.forbidden):
                if self.locked is not None:
                    numbers = self._good_numbers(start, count, seen)
                    good = self.locked(good, self.mode, self.rejected, numbers)
                yield good
        if self.forbidden and atomic:
            units = ", ".join(f"{u} (first at row {n})" for u, n in sorted(self.forbidden.items()))
            bound = ", ".join(sorted(self.checker.principal.org_units))
            raise Forbidden(
                f"This key may not write for {units}; it is bound to {bound}. Nothing was written.",
                errors=[
                    field_error(["body", n, "org_unit"], f"not allowed: {u}")
                    for u, n in self.forbidden.items()
                ],
            )
        reject_if_atomic(self.mode, self.rejected, self.total)

    def _good_numbers(self, start: int, count: int, seen: int) -> Callable[[], list[int]]:
        """The row numbers of a batch's good rows (its rows less those rejected since
        ``seen``), worked out only when a row meets a lock."""

        def numbers() -> list[int]:
            bad = {r.row for r in self.rejected[seen:]}
            return [n for n in range(start, start + count) if n not in bad]

        return numbers

    def _check(self, part: Part) -> list[Record]:
        first = self.total + 1  # a JSON batch's rows number on from the batches before
        self.total += len(part)
        rows: list[Any]
        if isinstance(part, Columns):
            first = part.first
            if not part.broken and part.columns[0]:
                whole = self.checker.check_batch(part.columns)
                if whole is not None:
                    return whole
            rows = part.rows()
        else:
            rows = part
            if part and all(type(r) is tuple for r in part):
                whole = self.checker.check_batch([list(c) for c in zip(*part, strict=True)])
                if whole is not None:
                    return whole
        good: list[Record] = []
        for number, raw in enumerate(rows, start=first):
            record, problems, forbidden = self.checker.check_row(raw)
            if record is not None:
                good.append(record)
                continue
            if forbidden is not None:
                self.forbidden.setdefault(forbidden, number)
            self.rejected.append(RowError(row=number, errors=problems))
        return good


def load_results(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    body: LoadBody,
    *,
    mode: LoadMode = LoadMode.atomic,
    dry_run: bool = False,
) -> LoadAnswer:
    """Check every row and upsert the good ones.

    Atomic: any bad row → 422 naming every bad row; a row of an org unit the key may not
    write for → 403 for the whole load; either way the transaction is rolled back,
    nothing written. Partial: bad rows and rows of other org units are rejected (named in
    ``rejected``), the others written. A dry run answers the same and writes nothing.
    """
    run = _LoadRun(RowChecker(repository.known_indicators(session), principal), mode, body)
    run.locked = LoadScreen(repository.LOCKS, session, feed, _unit_and_period)
    try:
        with collector_paused():  # no cycles made; see gc_pause
            counts = repository.upsert_results(session, run.batches, feed=feed, limit=body.limit())
    except Exception:
        session.rollback()
        raise
    answer = LoadAnswer(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=[RowErrorOut(row=r.row, errors=r.errors) for r in run.rejected],
        dry_run=dry_run,
    )
    if dry_run:
        session.rollback()
        return answer
    audit.record(
        session,
        principal.key_id,
        "load",
        "results",
        f"{run.total} rows",
        {
            "mode": mode.value,
            "rows": run.total,
            "inserted": counts.inserted,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "rejected": len(run.rejected),
        },
    )
    planned = repository.planned_result_rows(session)
    session.commit()
    _analyze_if_due(session, counts.inserted + counts.updated, planned)
    return answer


def _unit_and_period(record: Record) -> tuple[str, str]:
    return record[1], record[2]


def _analyze_if_due(session: Session, written: int, planned: float | None) -> None:
    """After a write of many rows (``statistics_rules``), the table's statistics are read
    again in a transaction of their own, so the next evaluation is planned on them."""
    if analyze_due(written, planned):
        repository.analyze_results(session)
        session.commit()


# --------------------------------------------------------------------------- deletes


def delete_result(
    session: Session, feed: ChangeFeed, audit: AuditTrail, principal: Principal, result_id: int
) -> DeleteAnswer:
    """Delete one result; a bound key only its org units' results."""
    row = repository.result(session, result_id)
    if row is None:
        raise NotFound(f"No result {result_id}.")
    principal.check_org_unit(row.org_unit)
    repository.LOCKS.check(session, feed, [Touch.of(row.org_unit, row.period)])
    seq = feed.allocate(session, 1)
    if not repository.delete_result(session, result_id, feed=feed, first_seq=seq):
        session.rollback()  # another request deleted it meanwhile
        raise NotFound(f"No result {result_id}.")
    audit.record(
        session,
        principal.key_id,
        "delete",
        "results",
        str(result_id),
        {"id": result_id, "deleted": 1},
    )
    session.commit()
    return DeleteAnswer(deleted=1)


def delete_results(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    matching: ResultFilter,
) -> DeleteAnswer:
    """Delete the results matching every filter given (indicator or org_unit required);
    a bound key deletes only its org units' results.

    Set-based, however many rows: under the write lock the matching rows are counted, as
    many change numbers allocated, a tombstone written for each (``INSERT … SELECT``) and
    the rows deleted by the filter, in one transaction."""
    if matching.indicator is None and matching.org_unit is None:
        raise InvalidInput(
            "Name at least the indicator or the org_unit of the results to delete.",
            errors=[field_error(["query", "indicator"], "indicator or org_unit required")],
        )
    if matching.org_unit is not None:
        principal.check_org_unit(matching.org_unit)
    elif principal.org_units:
        matching = replace(matching, within=principal.org_units)
    feed.lock(session)  # no writer may add or remove a matching row from here to commit
    _refuse_locked(session, feed, matching)
    count = repository.count_results(session, matching)
    if not count:
        session.rollback()
        return DeleteAnswer(deleted=0)
    first = feed.allocate(session, count)
    sample = repository.first_result_ids(session, matching, 20)
    deleted = repository.delete_results(session, matching, feed=feed, first_seq=first)
    filters = {
        "indicator": matching.indicator,
        "org_unit": matching.org_unit,
        "period": str(matching.period) if matching.period else None,
        "breakdown": matching.breakdown,
    }
    audit.record(
        session,
        principal.key_id,
        "delete",
        "results",
        ",".join(str(i) for i in sample),
        {**filters, "deleted": deleted},
    )
    planned = repository.planned_result_rows(session)
    session.commit()
    _analyze_if_due(session, deleted, planned)
    return DeleteAnswer(deleted=deleted)


def _refuse_locked(session: Session, feed: ChangeFeed, matching: ResultFilter) -> None:
    """409 when a matching result lies in a decided period (``shared.locks``): the
    locked units' distinct periods among the matching results, checked in one go."""
    guard = repository.LOCKS.guard(session, feed)
    if not guard.locks:
        return
    pairs = repository.result_periods(session, matching, guard.units)
    try:
        guard.refuse(Touch.of(unit, period) for unit, period in pairs)
    except Exception:
        session.rollback()
        raise


# --------------------------------------------------------------------------- listings


def result_out(row: Row) -> ResultOut:
    return ResultOut.model_validate(row._mapping)


def results_page(
    session: Session, feed: ChangeFeed, params: ListParams, matching: ResultFilter
) -> Slice[ResultOut | dict[str, Any]]:
    """Results by id; in change order (``after_seq``/``updated_since``) with tombstones."""
    return listing_repository.results_page(
        session, matching, params=params, feed=feed, to_item=result_out
    )


def results_json_page(
    session: Session, feed: ChangeFeed, params: ListParams, matching: ResultFilter
) -> Slice[str | dict[str, Any]]:
    """``results_page`` with each result as its JSON text (the items of ``ResultOut``, no
    model built per row), tombstones as dicts."""
    return listing_repository.results_json_page(session, matching, params=params, feed=feed)


def results_export(matching: ResultFilter, params: ListParams) -> CsvExport:
    """The whole filtered set, for a CSV stream."""
    return listing_repository.results_export(matching, params)


def results_json_export(
    matching: ResultFilter, params: ListParams, *, postgres: bool
) -> JsonLinesExport:
    """The whole filtered set, one JSON object a line, for a stream."""
    return listing_repository.results_json_export(matching, params, postgres=postgres)

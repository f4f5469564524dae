"""Results (Kvalitetsapplikationen): bulk loads, deletes and listings.

A load checks every row (``result_rows``) and upserts the good ones set-based, batch by
batch: a CSV body is read, checked and written (COPY on Postgres) in batches, batch k+1
checked while the database stores batch k, all in one transaction. Each load and delete
is audited once and commits once; deleted results reach the change feed as tombstones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import Session

from services.indicators import repository
from services.indicators.load_body import Columns, LoadBody, Part
from services.indicators.repository import CsvExport, ResultFilter, Row
from services.indicators.result_rows import Record, RowChecker
from services.indicators.schemas import DeleteAnswer, LoadAnswer, ResultOut, RowErrorOut
from shared.bulk import LoadMode, RowError, reject_if_atomic
from shared.errors import Forbidden, InvalidInput, NotFound, field_error
from shared.keys import Principal
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

    def batches(self) -> Iterator[list[Record]]:
        """The good rows batch by batch, as records in ``COLUMNS`` order; at the end, in
        atomic mode, 403/422 when any row was bad (no good row is given after the first bad).

        The upsert may call it twice (a second pass after a clash): each pass starts over.
        """
        self.rejected, self.forbidden, self.total = [], {}, 0
        atomic = self.mode is LoadMode.atomic
        for part in self.body.parts():
            good = self._check(part)
            if not atomic or not (self.rejected or self.forbidden):
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
    try:
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
    session.commit()
    return answer


# --------------------------------------------------------------------------- deletes


def delete_result(
    session: Session, feed: ChangeFeed, audit: AuditTrail, principal: Principal, result_id: int
) -> DeleteAnswer:
    """Delete one result; a bound key only its org units' results."""
    row = repository.result(session, result_id)
    if row is None:
        raise NotFound(f"No result {result_id}.")
    principal.check_org_unit(row.org_unit)
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
    session.commit()
    return DeleteAnswer(deleted=deleted)


# --------------------------------------------------------------------------- listings


def result_out(row: Row) -> ResultOut:
    return ResultOut.model_validate(row._mapping)


def results_page(
    session: Session, feed: ChangeFeed, params: ListParams, matching: ResultFilter
) -> Slice[ResultOut | dict[str, Any]]:
    """Results by id; in change order (``after_seq``/``updated_since``) with tombstones."""
    return repository.results_page(session, matching, params=params, feed=feed, to_item=result_out)


def results_export(matching: ResultFilter, params: ListParams) -> CsvExport:
    """The whole filtered set, for a CSV stream."""
    return repository.results_export(matching, params)

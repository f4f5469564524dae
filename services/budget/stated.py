"""What a committee's report states as such, loaded as data: its totals for the year
(budget, outcome year to date, forecast), the deviations it gives per area, and every
other figure about its economy.

Each is loaded like outcomes: every row checked (``stated_rules``), a bad row named with
its field, atomic or partial, upserted set-based on its natural key; and listed with
paging, the change feed and CSV. The summary's headline comes from the totals.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from services.budget import stated_rules as rules
from services.budget import stated_schemas as ss
from services.budget.line_rules import check_rows_authorised
from services.budget.loads import finished
from services.budget.money import mnkr
from services.budget.repository import reported as reported_repo
from services.budget.repository.reported import StatedName
from services.budget.repository.store import LOCKS, CsvQuery
from shared.bulk import LoadMode, LoadReport, RowError, reject_if_atomic, validate_rows
from shared.keys import Principal
from shared.locks import Touch
from shared.paging import ListParams, Slice
from shared.store import AuditTrail, ChangeFeed


def _total_out(row: Any) -> ss.TotalOut:
    return ss.TotalOut.model_validate(
        {**row._mapping, "result_mnkr": mnkr(row.result), "derived": row.derivation is not None}
    )


def _deviation_out(row: Any) -> ss.ReportedDeviationItem:
    return ss.ReportedDeviationItem.model_validate(
        {**row._mapping, "deviation_mnkr": mnkr(row.deviation)}
    )


def figure_out(row: Any) -> ss.ReportedFigureOut:
    return ss.ReportedFigureOut.model_validate(
        {
            **row._mapping,
            "amount_mnkr": mnkr(row.amount) if row.amount is not None else None,
            "about_org_units": [u for u in row.about_org_units.split(",") if u],
            "derived": row.derivation is not None,
        }
    )


@dataclass(frozen=True)
class Kind:
    """What differs between the stated resources."""

    resource: StatedName
    path: str
    row_model: type[BaseModel]
    numbers: set[str]
    errors: Callable[[Any], list[dict[str, Any]]]
    record: Callable[[Any], dict[str, Any]]
    out: Callable[[Any], BaseModel]


TOTALS = Kind(
    "total",
    "totals",
    ss.TotalRow,
    ss.TOTAL_NUMBERS,
    rules.total_errors,
    rules.total_record,
    _total_out,
)
DEVIATIONS = Kind(
    "reported_deviation",
    "reported-deviations",
    ss.ReportedDeviationRow,
    ss.DEVIATION_NUMBERS,
    rules.deviation_errors,
    rules.deviation_record,
    _deviation_out,
)
FIGURES = Kind(
    "reported_figure",
    "reported-figures",
    ss.ReportedFigureRow,
    ss.FIGURE_NUMBERS,
    rules.figure_errors,
    rules.figure_record,
    figure_out,
)


def load_rows(
    session: Session,
    feed: ChangeFeed,
    principal: Principal | None,
    kind: Kind,
    rows: list[dict[str, Any]],
    mode: LoadMode = LoadMode.atomic,
) -> LoadReport:
    """Validate and upsert rows of one stated resource, without committing. The seed loads
    with no ``principal``."""
    if principal:
        check_rows_authorised(principal, rows)
    good, rejected = validate_rows(rows, kind.row_model)
    accepted: list[dict[str, Any]] = []
    numbers: list[int] = []
    for number, row in good:
        if errors := kind.errors(row):
            rejected.append(RowError(row=number, errors=errors))
        else:
            accepted.append(kind.record(row))
            numbers.append(number)
    rejected.sort(key=lambda r: r.row)
    reject_if_atomic(mode, rejected, len(rows))
    # What a report states speaks for its year: a decided period of it refuses the row
    # (409 atomic, rejected naming the decision partial).
    accepted = LOCKS.guard(session, feed).screen(
        accepted,
        lambda record: Touch(record["org_unit"], record["year"]),
        mode=mode,
        rejected=rejected,
        numbers=lambda: numbers,
        loc=["year"],
    )
    counts = reported_repo.upsert_stated(session, kind.resource, accepted, feed)
    return LoadReport(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=rejected,
    )


def load(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    kind: Kind,
    rows: list[dict[str, Any]],
    mode: LoadMode = LoadMode.atomic,
    dry_run: bool = False,
) -> LoadReport:
    """A bulk load of one stated resource; ``dry_run`` counts and writes nothing."""
    report = load_rows(session, feed, principal, kind, rows, mode)
    return finished(session, audit, principal, kind.resource, report, mode, dry_run)


def list_stated(
    session: Session,
    kind: Kind,
    params: ListParams,
    org_unit: str | None,
    year: int | None,
    org_units: Collection[str] | None,
    total_kind: str | None = None,
) -> Slice[Any]:
    """A page of one stated resource, only ``org_units``' rows when given."""
    return reported_repo.stated_page(
        session, kind.resource, params, org_unit, year, org_units, total_kind, kind.out
    )


def stated_csv(
    kind: Kind,
    org_unit: str | None,
    year: int | None,
    org_units: Collection[str] | None,
    total_kind: str | None = None,
) -> CsvQuery:
    return reported_repo.stated_csv(kind.resource, org_unit, year, org_units, total_kind)


def as_stated(rows: Sequence[Any]) -> list[rules.Stated]:
    """Stored totals (``reported_repo.totals_of``) as the rules take them."""
    return [
        rules.Stated(
            kind=t.kind,
            month=t.month,
            revenue=t.revenue,
            cost=t.cost,
            result=t.result,
            derivation=t.derivation,
            note=t.note,
            source_text=t.source_text,
        )
        for t in rows
    ]

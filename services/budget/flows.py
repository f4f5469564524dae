"""Outcomes (utfall) and forecasts (prognos): figures booked on budget lines, bulk-loaded.

An outcome is one month's figure (not cumulative); a forecast is a full-year figure for
the year of the month it was made in. Both loads validate every row, reject a row whose
budget line does not exist for its year, and upsert the rest set-based.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from services.budget import schemas as s
from services.budget.line_rules import check_rows_authorised, flow_row_id, no_line_error
from services.budget.loads import finished
from services.budget.repository import budget_lines as line_repo
from services.budget.repository import flows as flow_repo
from services.budget.repository.flows import FlowName
from services.budget.repository.store import LOCKS, CsvQuery
from shared.bulk import LoadMode, LoadReport, RowError, reject_if_atomic, validate_rows
from shared.keys import Principal
from shared.locks import Touch
from shared.paging import ListParams, Slice
from shared.store import AuditTrail, ChangeFeed


@dataclass(frozen=True)
class Flow:
    """What differs between the two monthly loads."""

    resource: FlowName
    row_model: type[s.OutcomeRow] | type[s.ForecastRow]
    month_field: Literal["month", "made_in"]
    out: type[s.OutcomeOut] | type[s.ForecastOut]


OUTCOMES = Flow("outcome", s.OutcomeRow, "month", s.OutcomeOut)
FORECASTS = Flow("forecast", s.ForecastRow, "made_in", s.ForecastOut)


def load_rows(
    session: Session,
    feed: ChangeFeed,
    principal: Principal | None,
    flow: Flow,
    rows: list[dict[str, Any]],
    mode: LoadMode = LoadMode.atomic,
) -> LoadReport:
    """Validate and upsert outcome or forecast rows, without committing. The seed loads
    with no ``principal``."""
    if principal:
        check_rows_authorised(principal, rows)
    good, rejected = validate_rows(rows, flow.row_model)
    lines = line_repo.lines_in(session, {m.org_unit for _, m in good}, {m.year for _, m in good})
    accepted: list[dict[str, Any]] = []
    numbers: list[int] = []
    for number, m in good:
        if (m.org_unit, m.year, m.line) in lines:
            row_id = flow_row_id(m.org_unit, m.line, getattr(m, flow.month_field))
            accepted.append({"id": row_id, **m.model_dump()})
            numbers.append(number)
        else:
            rejected.append(
                RowError(row=number, errors=[no_line_error(m.org_unit, m.line, m.year)])
            )
    rejected.sort(key=lambda r: r.row)
    reject_if_atomic(mode, rejected, len(rows))
    # Rows of a decided period: 409 (atomic) or rejected naming the decision (partial).
    accepted = LOCKS.guard(session, feed).screen(
        accepted,
        lambda row: flow_touch(flow, row),
        mode=mode,
        rejected=rejected,
        numbers=lambda: numbers,
        loc=[flow.month_field],
    )
    counts = flow_repo.upsert_flow(session, flow.resource, accepted, feed)
    return LoadReport(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=rejected,
    )


def flow_touch(flow: Flow, row: dict[str, Any]) -> Touch:
    """What a row changes: an outcome its month; a forecast, a full-year figure, its year."""
    if flow.month_field == "month":
        return Touch.of(row["org_unit"], row["month"])
    return Touch(row["org_unit"], int(row["made_in"][:4]))


def load(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    flow: Flow,
    rows: list[dict[str, Any]],
    mode: LoadMode = LoadMode.atomic,
    dry_run: bool = False,
) -> LoadReport:
    """A bulk load of outcome or forecast rows; ``dry_run`` counts and writes nothing."""
    report = load_rows(session, feed, principal, flow, rows, mode)
    return finished(session, audit, principal, flow.resource, report, mode, dry_run)


def list_flow(
    session: Session,
    flow: Flow,
    params: ListParams,
    org_unit: str | None,
    line: str | None,
    year: int | None,
    org_units: Collection[str] | None = None,
) -> Slice[Any]:
    """A page of outcomes or forecasts (only ``org_units``' when given)."""

    def item(row: Any) -> s.OutcomeOut | s.ForecastOut:
        return flow.out.model_validate({**row._mapping, "derived": row.derivation is not None})

    return flow_repo.flow_page(
        session, flow.resource, params, org_unit, line, year, org_units, item
    )


def flow_csv(
    flow: Flow,
    org_unit: str | None,
    line: str | None,
    year: int | None,
    org_units: Collection[str] | None = None,
) -> CsvQuery:
    return flow_repo.flow_csv(flow.resource, org_unit, line, year, org_units)

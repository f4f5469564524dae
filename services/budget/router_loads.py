"""HTTP endpoints of the bulk-loaded resources: outcomes and forecasts booked on lines, and
what a committee's report states as such (its totals, its deviations per area, its other
figures). Each has ``POST /v1/<resource>`` (a load) and ``GET /v1/<resource>`` (a list, or
CSV); the pieces every list route of the service uses live here too.

Reads are scoped like every budget read: a key bound to org units lists only its own
units' rows, and naming another unit is a 403.
"""

# No `from __future__ import annotations`: each load route reads its body with a local
# dependency (its CSV number fields differ) that FastAPI must see as an object, not a name.
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.engine import Engine

from services.budget import flows, stated
from services.budget import schemas as s
from services.budget import stated_schemas as st
from services.budget.repository.store import CsvQuery
from shared.app import AuditDep, EngineDep, FeedDep, SessionDep
from shared.boundary import OptionalOrgUnitQuery, OptionalYearQuery
from shared.bulk import LoadMode, LoadReport, read_rows
from shared.csvstream import CSV_RESPONSE, AcceptHeader, csv_response, wants_csv
from shared.keys import Reader, Writer
from shared.paging import Page, Paging, page_body

router = APIRouter(prefix="/v1")

LOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}
LOAD_DOC = (
    "A JSON list of rows or CSV (API form: comma, header line; or the Swedish Excel form: "
    "semicolon, decimal comma). Money is whole kronor: 12.5, 12.0 or '12,5' is rejected naming "
    "the row and field, never rounded. `mode=atomic` (default): any bad row -> 422 and nothing "
    "is written; `mode=partial`: good rows are written and bad ones reported. `dry_run=true` "
    "validates and counts without writing. Upsert on the row's key: loading the same file twice "
    "changes nothing. A key bound to org units gets 403 for a row of any other unit."
)
LINE_DOC = " The line must exist as a budget line of that org unit for the row's year."


def csv_export(engine: Engine, export: CsvQuery, filename: str) -> Any:
    return csv_response(engine, export.statement, export.header, filename)


def _rows_of(numbers: set[str]) -> Callable[[Request], Awaitable[list[dict[str, Any]]]]:
    """The dependency reading a load body whose ``numbers`` are read as numbers from CSV."""

    async def rows(request: Request) -> list[dict[str, Any]]:
        return await read_rows(request, numbers)

    return rows


# --- outcomes and forecasts -----------------------------------------------------------------


def _flow_routes(flow: flows.Flow, tag: str, page: type[Page[Any]], load_description: str) -> None:
    """POST (a bulk load) and GET (a list, or CSV) of ``/<flow>s``."""
    path = f"/{flow.resource}s"
    body = _rows_of(s.LOAD_MONEY_FIELDS)

    def load(
        principal: Writer,  # first: the key is checked before the body is read
        rows: Annotated[list[dict[str, Any]], Depends(body)],
        session: SessionDep,
        feed: FeedDep,
        audit: AuditDep,
        mode: LoadMode = LoadMode.atomic,
        dry_run: bool = False,
    ) -> LoadReport:
        return flows.load(session, feed, audit, principal, flow, rows, mode, dry_run)

    def list_(
        request: Request,
        params: Paging,
        session: SessionDep,
        engine: EngineDep,
        principal: Reader,
        accept: AcceptHeader = None,
        org_unit: OptionalOrgUnitQuery = None,
        line: str | None = None,
        year: OptionalYearQuery = None,
    ) -> Any:
        units = principal.readable(org_unit)
        if wants_csv(accept):
            export = flows.flow_csv(flow, org_unit, line, year, units)
            return csv_export(engine, export, f"{flow.resource}s")
        page = flows.list_flow(session, flow, params, org_unit, line, year, units)
        return page_body(request, page)

    router.add_api_route(
        path,
        load,
        methods=["POST"],
        name=f"load_{flow.resource}s",
        response_model=LoadReport,
        openapi_extra=LOAD_BODY,
        tags=[tag],
        description=load_description + LOAD_DOC + LINE_DOC,
    )
    router.add_api_route(
        path,
        list_,
        name=f"list_{flow.resource}s",
        response_model=page,
        responses=CSV_RESPONSE,
        tags=[tag],
    )


_flow_routes(
    flows.OUTCOMES,
    "outcomes",
    Page[s.OutcomeOut],
    "Monthly outcomes (utfall, one month's figure, not cumulative): rows "
    "`{org_unit, line, month, revenue, cost}`. ",
)
_flow_routes(
    flows.FORECASTS,
    "forecasts",
    Page[s.ForecastOut],
    "Full-year forecasts (prognos) for the year of `made_in`: rows "
    "`{org_unit, line, made_in, revenue, cost}`, `made_in` a month `YYYY-MM`. The region "
    "forecasts after March, May, August and October; any month is accepted. ",
)


# --- what a report states: totals, deviations per area, other figures ----------------------


def _stated_routes(
    kind: stated.Kind, tag: str, page: type[Page[Any]], load_description: str
) -> None:
    """POST (a bulk load) and GET (a list, or CSV) of ``/<kind.path>``."""
    path = f"/{kind.path}"
    body = _rows_of(kind.numbers)

    def load(
        principal: Writer,  # first: the key is checked before the body is read
        rows: Annotated[list[dict[str, Any]], Depends(body)],
        session: SessionDep,
        feed: FeedDep,
        audit: AuditDep,
        mode: LoadMode = LoadMode.atomic,
        dry_run: bool = False,
    ) -> LoadReport:
        return stated.load(session, feed, audit, principal, kind, rows, mode, dry_run)

    def list_(
        request: Request,
        params: Paging,
        session: SessionDep,
        engine: EngineDep,
        principal: Reader,
        accept: AcceptHeader = None,
        org_unit: OptionalOrgUnitQuery = None,
        year: OptionalYearQuery = None,
    ) -> Any:
        units = principal.readable(org_unit)
        if wants_csv(accept):
            export = stated.stated_csv(kind, org_unit, year, units)
            return csv_export(engine, export, kind.path)
        return page_body(request, stated.list_stated(session, kind, params, org_unit, year, units))

    def list_totals(
        request: Request,
        params: Paging,
        session: SessionDep,
        engine: EngineDep,
        principal: Reader,
        accept: AcceptHeader = None,
        org_unit: OptionalOrgUnitQuery = None,
        year: OptionalYearQuery = None,
        kind_: Annotated[
            st.TotalKind | None, Query(alias="kind", description="Only this kind of total.")
        ] = None,
    ) -> Any:
        units = principal.readable(org_unit)
        if wants_csv(accept):
            export = stated.stated_csv(kind, org_unit, year, units, kind_)
            return csv_export(engine, export, kind.path)
        rows = stated.list_stated(session, kind, params, org_unit, year, units, kind_)
        return page_body(request, rows)

    router.add_api_route(
        path,
        load,
        methods=["POST"],
        name=f"load_{kind.resource}s",
        response_model=LoadReport,
        openapi_extra=LOAD_BODY,
        tags=[tag],
        description=load_description + LOAD_DOC,
    )
    router.add_api_route(
        path,
        list_totals if kind is stated.TOTALS else list_,
        name=f"list_{kind.resource}s",
        response_model=page,
        responses=CSV_RESPONSE,
        tags=[tag],
    )


_stated_routes(
    stated.TOTALS,
    "totals",
    Page[st.TotalOut],
    "A committee's totals for a year as its report states them (not summed from its "
    "lines): rows `{org_unit, year, kind, month, revenue, cost, result}`. `kind` `budget` "
    "(the adopted budget; no month), `outcome` (year to date: January through `month`) or "
    "`forecast` (the full year, made in `month`). `result` = revenue - cost: give revenue and "
    "cost, the result alone where only it is stated, or all three agreeing. The summary's "
    "headline comes from these. Keyed on org unit, year, kind and month. ",
)
_stated_routes(
    stated.DEVIATIONS,
    "reported figures",
    Page[st.ReportedDeviationItem],
    "Deviations the report states per budget area (+ = överskott): rows `{org_unit, year, "
    "line, label, deviation, share_bp, source_text}`; the area need not be a budget line. "
    "Keyed on org unit, year and line. ",
)
_stated_routes(
    stated.FIGURES,
    "reported figures",
    Page[st.ReportedFigureOut],
    "Every other figure a committee's report states about its economy: rows `{org_unit, "
    "year, figure, item, measure, amount, share_bp, approximate, value_year, line, label, "
    "about_org_units, source_text}`, at least one of `amount` (kronor) and `share_bp` "
    "(basis points, 1 % = 100). Keyed on org unit, year, figure, item, measure and value "
    "year. ",
)

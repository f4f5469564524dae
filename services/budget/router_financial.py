"""HTTP endpoints of the region's financial figures and financial goals (finansiella mål).

The figures and the goals are REGION's: loading them needs a write key that may speak
for REGION, reading them a key that may read REGION (a key bound to other org units gets
403, before any body is read).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from services.budget import financial
from services.budget import financial_schemas as fs
from services.budget.financial_rules import REGION
from services.budget.router_loads import LOAD_BODY, csv_export
from shared.app import AuditDep, EngineDep, FeedDep, SessionDep
from shared.boundary import OptionalYearQuery, YearQuery
from shared.bulk import LoadMode, LoadReport, read_rows
from shared.csvstream import CSV_RESPONSE, AcceptHeader, wants_csv
from shared.keys import Principal, Reader, Writer
from shared.paging import Page, Paging, page_body
from shared.readcache import ReadCacheDep, kept_json

router = APIRouter(prefix="/v1")


def _region_writer(principal: Writer) -> Principal:
    principal.check_org_unit(REGION)
    return principal


def _region_reader(principal: Reader) -> Principal:
    principal.check_read(REGION)
    return principal


RegionWriter = Annotated[Principal, Depends(_region_writer)]
RegionReader = Annotated[Principal, Depends(_region_reader)]


async def _rows(request: Request) -> list[dict[str, Any]]:
    return await read_rows(request, fs.FIGURE_NUMBERS)


Rows = Annotated[list[dict[str, Any]], Depends(_rows)]

LOAD_DOC = (
    "The region's figures a year (Region Skåne's annual report), whole kronor: rows "
    "`{year, tax_and_grant_revenue, result, balance_adjustments, depreciation, investments, "
    "net_debt, source_text}`; every figure present, null (an empty CSV cell) where not "
    "stated; `tax_and_grant_revenue` > 0, `depreciation` and `investments` >= 0, "
    "`balance_adjustments` signed as added to the result. A JSON list or CSV (API form, or "
    "the Swedish Excel form). `12.5`, `'12,5'` or text for a figure, or a year not written "
    "YYYY, is a 422 naming the row and field, never rounded. `mode=atomic` (default): any "
    "bad row -> 422, nothing written; `mode=partial`: good rows written, bad ones reported. "
    "`dry_run=true` counts and writes nothing. Keyed on the year: loading the same file "
    "twice changes nothing. A key that may not speak for REGION gets 403."
)


@router.post(
    "/financial-figures",
    response_model=LoadReport,
    openapi_extra=LOAD_BODY,
    tags=["financial goals"],
    description=LOAD_DOC,
)
def load_financial_figures(
    principal: RegionWriter,  # first: the key is checked before the body is read
    rows: Rows,
    session: SessionDep,
    feed: FeedDep,
    audit: AuditDep,
    mode: LoadMode = LoadMode.atomic,
    dry_run: bool = False,
) -> LoadReport:
    return financial.load(session, feed, audit, principal, rows, mode, dry_run)


@router.get(
    "/financial-figures",
    response_model=Page[fs.FinancialFiguresOut],
    responses=CSV_RESPONSE,
    tags=["financial goals"],
)
def list_financial_figures(
    request: Request,
    params: Paging,
    session: SessionDep,
    engine: EngineDep,
    principal: RegionReader,
    accept: AcceptHeader = None,
    year: OptionalYearQuery = None,
) -> Any:
    """The region's figures by year (change feed: `after_seq`, `updated_since`; CSV with
    `Accept: text/csv`)."""
    if wants_csv(accept):
        return csv_export(engine, financial.figures_csv(year), "financial-figures")
    return page_body(request, financial.list_figures(session, params, year))


@router.get("/financial-goals", response_model=fs.FinancialGoals, tags=["financial goals"])
def financial_goals(
    request: Request,
    session: SessionDep,
    cache: ReadCacheDep,
    principal: RegionReader,
    year: YearQuery,
) -> Response:
    """Region Skåne's financial goals (Uppföljningsplan 2023) judged for `year`, each with
    `status` `met`, `not_met` or `not_evaluable`, the years and figures it read, the amount
    judged (`value`) and what it is held to (`limit`, exact), and its ratio exactly
    (`ratio_numerator` / `ratio_denominator`) and in basis points (`ratio_bp`, rounded
    toward not meeting the goal; the verdict is exact).

    - `result` (Resultatmål): Σresult over the `window` year-4 … year at least 2 % of Σ
      tax_and_grant_revenue (`threshold_bp` 200). A year of the window without figures
      makes it `not_evaluable`, naming the year in `missing_years`.
    - `balance_requirement` (Balanskravet): result + balance_adjustments >= 0 for the year.
    - `self_financing` (Finansieringsmål): (result + depreciation) / investments; judged
      `met` at 100 % or more (wholly financed with own means: the seed says "så långt
      möjligt" and sets no lower level), `not_met` below; the year's debt verdict is given
      beside it (`debt_goal_status`). No investments: `met`, no ratio.
    - `net_debt` (Skuldsättningsmål): net_debt at most 25 % of the year's
      tax_and_grant_revenue (`threshold_bp` 2500).

    A figure not stated (null) is named in `missing_figures`; nothing is guessed.
    """
    return kept_json(request, session, cache, principal, lambda: financial.goals(session, year))

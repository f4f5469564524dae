"""HTTP endpoints of the indicators service: parse at the edge, check the key, call the
domain module, answer. No SQL and no domain rule here."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from services.indicators import catalogue, evaluation, evaluation_export, results
from services.indicators.load_body import read_load_body
from services.indicators.repository import ResultFilter
from services.indicators.schemas import (
    AreaEvaluationList,
    DeleteAnswer,
    EvaluationItem,
    EvaluationList,
    EvaluationSummary,
    IndicatorCode,
    IndicatorIn,
    IndicatorOut,
    LoadAnswer,
    ResultOut,
    TargetIn,
    TargetList,
    TargetOut,
)
from shared.app import AuditDep, EngineDep, FeedDep, SessionDep
from shared.boundary import (
    OptionalOrgUnitQuery,
    OptionalPeriodQuery,
    OrgUnitQuery,
    PeriodQuery,
    RowIdPath,
    YearPath,
)
from shared.bulk import LoadMode
from shared.csvstream import csv_response, json_lines_response, wants_csv, wants_json_lines
from shared.etag import IfMatch, etag
from shared.json_rows import spooled_body
from shared.keys import Admin, Reader, RegionAdmin, Writer
from shared.paging import Page, Paging, Slice, Tombstone, next_link, page_body
from shared.readcache import KeptReadsDep

router = APIRouter(prefix="/v1")
IndicatorCodePath = Annotated[
    IndicatorCode, Path(description="e.g. ID0069; `^[A-Z0-9][A-Z0-9_-]{1,39}$`")
]

AREA_RULE = (
    "An area's verdict is `met` when at least half of its counted evaluations that were judged "
    "(`met` or `not_met`) are met (seed 000, footnote 6), `not_met` otherwise, and "
    "`not_evaluable` when none was judged. An evaluation counts in the area where the annex "
    "places its indicator and breakdown (the NPE SVF rows under the cancer area). Counting: "
    "an indicator with a `total` breakdown counts once, through its total; an indicator "
    "without one (the NPE indicators exist only per care setting) counts each of its "
    "breakdowns once. `no_target`, `no_data` and `not_evaluable` evaluations are not in the "
    "denominator."
)
EVALUATION_RULES = (
    "The target in force for a year is the latest one set for that year or before (a 2024 "
    "target holds in 2025 until 2025's is set: `target.year`); a committee's own target "
    "(always at least as strict as the region's) wins for that committee unless the region "
    "set a newer one. The value for the period asked is the result stored for it; else its "
    "monthly results rolled up by the indicator's `time_aggregation` (`ratio` "
    "Σnumerator/Σdenominator, `sum`, `mean`, `last`), with `months: {found, of}` (a gap is "
    "shown, never filled); else the longest stored result covering the start of the period "
    '(year to date: `coverage: "2024-01/2024-09"`, `coverage_note` the report\'s note). '
    "Thresholds are judged on the value; `ökning ≥10%/år`, `≥ 10 % minskning/år`, `Ökning` "
    "and the NPE rule compare with the newest earlier year that has a value, like with like "
    "(the same covered span that year when stored, else the whole period; "
    "`compared_with.period` names it); none → `not_evaluable`. A bare percentage (`50%`) "
    "means at least that much, so `100%` means all; `>` is strict. `-` is `no_target`. For "
    "`REGION`, where no region value is stored but units have numerators and denominators, "
    "the value is Σnumerator/Σdenominator (scaled ×100 for percent and per 100 vårdplatser, "
    "×1000 per 1 000 inhabitants), never a mean of percentages (`aggregated: true`). HSN and "
    "RS follow the region's indicators: their own results where stored, else REGION's "
    "(`value_org_unit`). Each item carries the goal, area and delmål where the annex places "
    "its indicator and breakdown. Without `breakdown`, every breakdown with results is "
    "returned; an indicator without results comes once as `total`."
)


# ------------------------------------------------------------------ indicators


@router.put(
    "/indicators/{code}",
    response_model=IndicatorOut,
    responses={201: {"model": IndicatorOut, "description": "Created."}},
    tags=["indicators"],
)
def put_indicator(
    code: IndicatorCodePath,
    body: IndicatorIn,
    response: Response,
    session: SessionDep,
    feed: FeedDep,
    audit: AuditDep,
    principal: RegionAdmin,
    if_match: IfMatch = None,
) -> IndicatorOut:
    """Create or replace an indicator (an admin key not bound to org units). The area (and
    each of `placements`) must be in the goal hierarchy. `If-Match` with the ETag read:
    stale → 412, also when another writer with the same tag got there first."""
    out, created = catalogue.put_indicator(session, feed, audit, principal, code, body, if_match)
    response.headers["ETag"] = etag(out.change_seq, catalogue.INDICATOR_ETAG)
    response.status_code = 201 if created else 200
    return out


@router.get("/indicators", response_model=Page[IndicatorOut | Tombstone], tags=["indicators"])
def list_indicators(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    _reader: Reader,
    params: Paging,
    area: Annotated[str | None, Query(description="Area name or code (G2.A1).")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """Indikatorbiblioteket, by code; `Accept: text/csv` for all of it as CSV."""
    if wants_csv(accept):
        return csv_response(engine, *catalogue.indicator_export(area))
    return page_body(request, catalogue.indicator_page(session, feed, params, area))


@router.get("/indicators/{code}", response_model=IndicatorOut, tags=["indicators"])
def get_indicator(
    code: str, session: SessionDep, response: Response, _reader: Reader
) -> IndicatorOut:
    out = catalogue.get_indicator(session, code)
    response.headers["ETag"] = etag(out.change_seq, catalogue.INDICATOR_ETAG)
    return out


@router.put("/indicators/{code}/targets/{year}", response_model=TargetOut, tags=["targets"])
def put_target(
    code: str,
    year: YearPath,
    body: TargetIn,
    response: Response,
    session: SessionDep,
    feed: FeedDep,
    audit: AuditDep,
    principal: Admin,
    if_match: IfMatch = None,
) -> TargetOut:
    """Set a year's target as written (admin; the region's target needs a key not bound to
    org units). A committee's own target (`org_unit`) must be at least as strict as the
    region's in force for that year; unreadable → 422 saying why. `If-Match` with the
    target's ETag (its `etag` in the list): stale → 412."""
    out = catalogue.put_target(session, feed, audit, principal, code, year, body, if_match)
    response.headers["ETag"] = etag(out.change_seq, catalogue.TARGET_ETAG)
    return out


@router.get("/indicators/{code}/targets", response_model=TargetList, tags=["targets"])
def list_targets(code: str, session: SessionDep, principal: Reader) -> TargetList:
    """Every target of the indicator, by year, the region's and committees' own (a key
    bound to org units sees the region's and its own units'). Each carries its `etag`."""
    readable = principal.readable(None)
    return TargetList(items=catalogue.list_targets(session, code, readable))


# ------------------------------------------------------------------ results


async def _spooled_body(request: Request) -> AsyncIterator[IO[bytes]]:
    """The load body in a temporary file, read from the stream; closed after the request."""
    body = await spooled_body(request)
    try:
        yield body
    finally:
        body.close()


def _result_filter(
    indicator: str | None = None,
    org_unit: OptionalOrgUnitQuery = None,
    period: OptionalPeriodQuery = None,
    breakdown: str | None = None,
) -> ResultFilter:
    return ResultFilter(indicator, org_unit, period, breakdown)


Filter = Annotated[ResultFilter, Depends(_result_filter)]


#: The body the route reads itself (``_spooled_body``), as the OpenAPI document shows it.
RESULTS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@router.post("/results", response_model=LoadAnswer, tags=["results"], openapi_extra=RESULTS_BODY)
def load_results(
    body: Annotated[IO[bytes], Depends(_spooled_body)],
    session: SessionDep,
    feed: FeedDep,
    audit: AuditDep,
    principal: Writer,
    mode: LoadMode = LoadMode.atomic,
    dry_run: bool = False,
    content_type: Annotated[str, Header()] = "",
) -> LoadAnswer:
    """Load results: a JSON list of rows or CSV (API form, or Swedish Excel form with `;`
    and decimal comma). Upsert on (indicator, org_unit, period, breakdown); loading the same
    file twice changes nothing. `mode=atomic` (default): any bad row → 422 naming every bad
    row, nothing written; a row of an org unit the key is not bound to → 403 for the whole
    load. `mode=partial`: bad rows, and rows of org units the key may not write for, are
    returned in `rejected` and the rest written. Row numbers count data rows from 1."""
    rows = read_load_body(content_type.split(";")[0].strip().lower(), body)
    return results.load_results(session, feed, audit, principal, rows, mode=mode, dry_run=dry_run)


@router.get("/results", response_model=Page[ResultOut | Tombstone], tags=["results"])
def list_results(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    principal: Reader,
    params: Paging,
    matching: Filter,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """Results by id; with `after_seq`/`updated_since` by change, deletions as tombstones.
    `Accept: text/csv` streams the whole filtered set, `Accept: application/x-ndjson` the
    same as JSON lines (one result object a line, as the items here; no tombstones). A key bound to org units reads its
    own units' results only (403 for another unit's)."""
    matching = replace(matching, within=principal.readable(matching.org_unit))
    if wants_csv(accept):
        return csv_response(engine, *results.results_export(matching, params))
    if wants_json_lines(accept):
        postgres = engine.dialect.name == "postgresql"
        return json_lines_response(
            engine, *results.results_json_export(matching, params, postgres=postgres)
        )
    return _json_page(request, results.results_json_page(session, feed, params, matching))


def _json_page(request: Request, page: Slice[str | dict[str, Any]]) -> Response:
    """A page whose items are JSON texts already (tombstones as dicts): the same body as
    ``page_body`` gives, written without a model per item."""
    frame = page_body(request, Slice([], page.next_cursor))
    items = ",".join(
        item if isinstance(item, str) else Tombstone.model_validate(item).model_dump_json()
        for item in page.items
    )
    tail = json.dumps(
        {"next_cursor": frame["next_cursor"], "next": frame["next"]},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return Response(
        f'{{"items":[{items}],{tail[1:]}',
        media_type="application/json",
        headers=next_link(frame["next"]),
    )


@router.delete("/results/{result_id}", response_model=DeleteAnswer, tags=["results"])
def delete_result(
    result_id: RowIdPath, session: SessionDep, feed: FeedDep, audit: AuditDep, principal: Writer
) -> DeleteAnswer:
    """Delete one result (write scope; a bound key only for its org units); a tombstone
    shows it to incremental loaders."""
    return results.delete_result(session, feed, audit, principal, result_id)


@router.delete("/results", response_model=DeleteAnswer, tags=["results"])
def delete_results(
    session: SessionDep, feed: FeedDep, audit: AuditDep, principal: Writer, matching: Filter
) -> DeleteAnswer:
    """Delete the results matching all filters given (indicator or org_unit required)."""
    return results.delete_results(session, feed, audit, principal, matching)


# ------------------------------------------------------------------ evaluations


@router.get(
    "/evaluations",
    response_model=EvaluationList,
    tags=["evaluations"],
    description=EVALUATION_RULES,
)
def list_evaluations(
    reads: KeptReadsDep,
    org_unit: OrgUnitQuery,
    period: PeriodQuery,
    indicator: str | None = None,
    breakdown: str | None = None,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """Each indicator's result judged against the target in force (a key bound to org
    units: its own units only). `Accept: text/csv` gives the same items as one flat table."""
    reads.principal.check_read(org_unit)

    def items() -> list[EvaluationItem]:
        return evaluation.evaluations(
            reads.session, org_unit, period, indicator=indicator, breakdown=breakdown
        )

    if wants_csv(accept):
        return Response(
            evaluation_export.evaluations_csv(items()),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="evaluations.csv"'},
        )
    return reads.json(lambda: EvaluationList(items=items()))


@router.get(
    "/area-evaluations",
    response_model=AreaEvaluationList,
    tags=["evaluations"],
    description=AREA_RULE,
)
def list_area_evaluations(
    reads: KeptReadsDep, org_unit: OrgUnitQuery, period: PeriodQuery
) -> Response:
    """Per area: counted evaluations, met, share and verdict (a key bound to org units: its
    own units only)."""
    reads.principal.check_read(org_unit)
    return reads.json(
        lambda: AreaEvaluationList(
            items=evaluation.area_evaluations(reads.session, org_unit, period)
        )
    )


@router.get(
    "/evaluation-summary",
    response_model=EvaluationSummary,
    tags=["evaluations"],
    description=f"{EVALUATION_RULES}\n\n{AREA_RULE}",
)
def evaluation_summary(
    reads: KeptReadsDep, org_unit: OrgUnitQuery, period: PeriodQuery
) -> Response:
    """The evaluations and the area verdicts at once, from one evaluation pass: exactly
    the items of `GET /v1/evaluations` and `GET /v1/area-evaluations` for the same org unit
    and period (a key bound to org units: its own units only)."""
    reads.principal.check_read(org_unit)

    def summary() -> EvaluationSummary:
        found = evaluation.summary(reads.session, org_unit, period)
        return EvaluationSummary(evaluations=found.evaluations, areas=found.areas)

    return reads.json(summary)

"""HTTP endpoints of the production volumes and the goal trees: ``GET /v1/production``,
``GET /v1/goal-trees`` and ``GET /v1/goal-trees/{tree}/links``. No SQL, no rule here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response

from services.indicators import goal_trees, production
from services.indicators.production_schemas import (
    GoalTreeList,
    ProductionItem,
    ProductionList,
    TreeLinkList,
)
from services.indicators.schemas import IndicatorCode
from shared.boundary import OrgUnitQuery, PeriodQuery
from shared.csvstream import wants_csv
from shared.keys import Reader
from shared.readcache import KeptReadsDep

router = APIRouter(prefix="/v1")


@router.get(
    "/production",
    response_model=ProductionList,
    tags=["production"],
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def list_production(
    reads: KeptReadsDep,
    org_unit: OrgUnitQuery,
    period: PeriodQuery,
    indicator: Annotated[
        IndicatorCode | None, Query(description="Only this volume indicator.")
    ] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """Production volumes (produktionsvolymer: indicators of `kind: volume`, no target) of
    `org_unit` for `period` (a year, quarter, tertial, month or range) beside the same
    period of the previous year: `value`, `previous_value`, `change` (exact, in the unit:
    procentenheter for a share) and `change_pct` (two decimals). Both periods stored as
    such are compared as they are (`basis: period`); else only the months found in both
    years are rolled up and compared (`basis: months`, `months: {compared, of}`), and every
    month missing in either year is listed in `gaps`, never filled. HSN and RS read the
    region's volumes where they have none of their own (`value_org_unit`). A key bound to
    org units reads only its own. `Accept: text/csv` gives one flat table (a `period` line
    per item and a `month` line per month)."""
    reads.principal.check_read(org_unit)

    def items() -> list[ProductionItem]:
        return production.production(reads.session, org_unit, period, indicator)

    if not wants_csv(accept):
        return reads.json(lambda: ProductionList(items=items()))
    return Response(
        production.production_csv(items()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="production.csv"'},
    )


@router.get("/goal-trees", response_model=GoalTreeList, tags=["goal trees"])
def list_goal_trees(_reader: Reader) -> GoalTreeList:
    """The goal trees indicators are followed up in and where each comes from: `2021`
    (Region Skånes uppdrag för hälso- och sjukvård 2021, the default) and `2026` (Strategi
    för Framtidens hälsosystem: seven insatsområden and five fokusförflyttningar)."""
    return GoalTreeList(items=goal_trees.list_trees())


@router.get("/goal-trees/{tree}/links", response_model=TreeLinkList, tags=["goal trees"])
def list_goal_tree_links(
    reads: KeptReadsDep,
    tree: Annotated[str, Path(max_length=20, description="A tree id: 2021 or 2026.")],
) -> Response:
    """Where each indicator sits in the tree and why: in `2021` by its own goal, area and
    delmål; in `2026` by the links loaded with the seed (one indicator may sit under several
    nodes). An unknown tree is a 422 naming `tree`."""
    return reads.json(lambda: TreeLinkList(items=goal_trees.tree_links(reads.session, tree)))

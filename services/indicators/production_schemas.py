"""Response models of the production volumes (``GET /v1/production``) and the goal trees
(``GET /v1/goal-trees``, ``GET /v1/goal-trees/{tree}/links``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from services.indicators.schemas import Number, Unit


class MonthlyChange(BaseModel):
    """One month against the same month a year earlier (null where either is missing)."""

    month: str
    value: Number | None
    previous_value: Number | None
    change: Number | None
    change_pct: Number | None


class MonthsCompared(BaseModel):
    compared: int = Field(description="Months found in both years, rolled up and compared.")
    of: int = Field(description="Months of the period.")


class ProductionItem(BaseModel):
    """A production volume (produktionsvolym) for a period beside the same period of the
    previous year."""

    indicator: str
    name: str
    unit: Unit
    goal: str
    area: str
    delmal: str | None
    org_unit: str
    value_org_unit: str | None = Field(
        description="Whose results are shown: the unit's own, else (HSN, RS) REGION's."
    )
    breakdown: str
    period: str
    previous_period: str
    basis: Literal["period", "months"] | None = Field(
        description="`period`: both periods stored as such; `months`: the months found in "
        "both years rolled up; null: nothing to compare."
    )
    value: Number | None
    previous_value: Number | None
    change: Number | None = Field(
        description="value − previous_value, exact, in the unit (procentenheter for percent)."
    )
    change_pct: Number | None = Field(
        description="change / previous_value × 100, two decimals (half up)."
    )
    months: MonthsCompared | None
    gaps: list[str] = Field(
        description="Periods (months, or the period itself) missing in either year: shown, "
        "never filled."
    )
    monthly: list[MonthlyChange]


class ProductionList(BaseModel):
    items: list[ProductionItem]


class TreeNodeOut(BaseModel):
    code: str
    name: str
    direction: list[str] = Field(description="The viljeriktningar the strategy gives the node.")


class TreeGroupOut(BaseModel):
    code: str
    name: str
    areas: list[TreeNodeOut]


class GoalTreeOut(BaseModel):
    """A goal tree (målträd) and the document it comes from."""

    id: str
    name: str
    source: str = Field(description="The seed document (and section) the tree is read from.")
    valid_from: str
    levels: list[str]
    default: bool = Field(description="The tree the follow-up view groups by unless asked.")
    links: Literal["placement", "link_table"] = Field(
        description="`placement`: an indicator sits where its own goal/area/delmål say "
        "(the 2021 tree); `link_table`: indicators are linked to nodes, each with a reason "
        "(`/v1/goal-trees/{id}/links`)."
    )
    groups: list[TreeGroupOut] = Field(
        description="A strategy tree's groups and areas (insatsområden, fokusförflyttningar); "
        "the 2021 tree's nodes are the shared goal hierarchy (empty here)."
    )


class GoalTreeList(BaseModel):
    items: list[GoalTreeOut]


class TreeLinkOut(BaseModel):
    """An indicator's place in a goal tree and why."""

    tree: str
    node: str
    node_name: str | None
    group: str | None
    indicator: str
    name: str
    kind: str
    reason: str


class TreeLinkList(BaseModel):
    items: list[TreeLinkOut]

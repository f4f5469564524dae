"""Reference data every app shares: org units and the goal hierarchy (readable YAML)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from shared.errors import InvalidInput, field_error

HERE = Path(__file__).parent
OrgUnitKind = Literal["region", "committee", "hospital_board"]


@dataclass(frozen=True)
class OrgUnit:
    code: str
    name: str
    kind: OrgUnitKind


@cache
def org_units() -> dict[str, OrgUnit]:
    rows = yaml.safe_load((HERE / "org_units.yaml").read_text(encoding="utf-8"))
    return {r["code"]: OrgUnit(r["code"], r["name"], r["kind"]) for r in rows}


def hospital_boards() -> list[str]:
    """ "Samtliga sjukhusstyrelser": the eight boards."""
    return [u.code for u in org_units().values() if u.kind == "hospital_board"]


def committees() -> list[str]:
    """Every org unit that reports for itself (committees and boards, not the region)."""
    return [u.code for u in org_units().values() if u.kind != "region"]


def check_org_unit(code: str, loc: list[str | int] | None = None) -> OrgUnit:
    unit = org_units().get(code)
    if unit is None:
        where = loc or ["org_unit"]
        raise InvalidInput(
            f"Unknown org unit {code!r}.",
            errors=[field_error(where, f"unknown org unit {code!r}")],
        )
    return unit


@dataclass(frozen=True)
class Delmal:
    code: str
    text: str


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    delmal: tuple[Delmal, ...]


@dataclass(frozen=True)
class Goal:
    """An övergripande mål."""

    code: str
    name: str
    areas: tuple[Area, ...]


@cache
def goals() -> tuple[Goal, ...]:
    doc: dict[str, Any] = yaml.safe_load((HERE / "goals.yaml").read_text(encoding="utf-8"))
    return tuple(
        Goal(
            g["code"],
            g["name"],
            tuple(
                Area(
                    a["code"],
                    a["name"],
                    tuple(Delmal(d["code"], d["text"]) for d in a.get("delmal") or []),
                )
                for a in g.get("areas") or []
            ),
        )
        for g in doc["goals"]
    )


def goal_names() -> list[str]:
    return [g.name for g in goals()]


def area_names() -> dict[str, str]:
    """Area name → the name of the goal it serves."""
    return {a.name: g.name for g in goals() for a in g.areas}


#: The goal tree the view is grouped by unless asked for another.
DEFAULT_GOAL_TREE = "2021"


@dataclass(frozen=True)
class TreeArea:
    """An insatsområde or fokusförflyttning of a strategy tree, with its viljeriktningar."""

    code: str
    name: str
    direction: tuple[str, ...]


@dataclass(frozen=True)
class TreeGroup:
    code: str
    name: str
    areas: tuple[TreeArea, ...]


@dataclass(frozen=True)
class GoalTree:
    """A goal tree indicators are followed up in (målträd), and the document it comes from.

    The 2021 tree's nodes are ``goals()``; a strategy tree's are its ``groups``."""

    id: str
    name: str
    source: str
    levels: tuple[str, ...]
    valid_from: str
    goal: str | None
    groups: tuple[TreeGroup, ...]


@cache
def goal_trees() -> dict[str, GoalTree]:
    """Every goal tree by id, in the order of ``goal_trees.yaml`` (the 2021 tree first)."""
    doc: dict[str, Any] = yaml.safe_load((HERE / "goal_trees.yaml").read_text(encoding="utf-8"))
    return {
        t["id"]: GoalTree(
            t["id"],
            t["name"],
            t["source"],
            tuple(t["levels"]),
            t["valid_from"],
            t.get("goal"),
            tuple(
                TreeGroup(
                    g["code"],
                    g["name"],
                    tuple(
                        TreeArea(a["code"], a["name"], tuple(a.get("direction") or []))
                        for a in g["areas"]
                    ),
                )
                for g in t.get("groups") or []
            ),
        )
        for t in doc["trees"]
    }


def check_goal_tree(tree: str, loc: list[str | int] | None = None) -> GoalTree:
    """The tree named; 422 naming the field otherwise."""
    found = goal_trees().get(tree)
    if found is None:
        raise InvalidInput(
            f"Unknown goal tree {tree!r}; known: {', '.join(goal_trees())}.",
            errors=[field_error(loc or ["tree"], f"unknown goal tree {tree!r}")],
        )
    return found


def tree_area_codes(tree: str) -> dict[str, TreeArea]:
    """A strategy tree's areas by code (empty for the 2021 tree, whose nodes are goals())."""
    return {a.code: a for g in goal_trees()[tree].groups for a in g.areas}

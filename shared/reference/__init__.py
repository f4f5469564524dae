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

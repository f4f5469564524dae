"""Reading a follow-up view's body as its users do: its evaluations, a value it shows."""

from __future__ import annotations

from typing import Any


def evaluations_of(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Every evaluation the view shows, through its goals, areas, delmål and indicators."""
    return [
        e
        for g in view["goals"]
        for a in g["areas"]
        for d in a["delmal"]
        for i in d["indicators"]
        for e in i["evaluations"]
    ]


def shown_value(view: dict[str, Any], indicator: str = "ID0285") -> Any:
    """The value the view shows for ``indicator``'s total (``None``: no result)."""
    (value,) = [
        e["value"]
        for e in evaluations_of(view)
        if e["indicator"] == indicator and e["breakdown"] == "total"
    ]
    return value

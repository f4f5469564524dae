"""What the live view shows otherwise than the archived one: a pure comparison of two views
as JSON, for ``changed_after_decision``.

Both views are flattened to ``path → value``; a list's items are named by their natural key
where they have one (an assignment's ``id``, an evaluation's indicator and breakdown, a
budget line's ``line``, an area's ``area``), else by position, so one item added does not
make every later item "changed". What says how the view was fetched (``sources``,
``problems``, ``partial``) and the comparison itself are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gateway.cycle.schemas import ViewChange

#: Fields of the view that say how it was fetched, not what it shows.
NOT_COMPARED = frozenset({"sources", "problems", "partial", "changed_after_decision"})
#: The fields that name a list item, tried in this order.
ITEM_KEYS = (("id",), ("indicator", "breakdown"), ("indicator",), ("line",), ("area",), ("code",))
#: At most this many changes are listed.
MAX_CHANGES = 200


def _key(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for names in ITEM_KEYS:
            if all(item.get(n) is not None for n in names):
                return "[" + ",".join(f"{n}={item[n]}" for n in names) + "]"
    return f"[{index}]"


def flatten(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of ``value`` with its path (``economy.total.outcome.result``)."""
    if isinstance(value, dict):
        for name, inner in value.items():
            if not path and name in NOT_COMPARED:
                continue
            yield from flatten(inner, f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        if not value:
            yield path, []
        for n, item in enumerate(value):
            yield from flatten(item, f"{path}{_key(item, n)}")
    else:
        yield path, value


def view_changes(
    archived: dict[str, Any], live: dict[str, Any], limit: int = MAX_CHANGES
) -> tuple[list[ViewChange], bool]:
    """The values that differ (present in one view only: ``null`` on the other side), in
    the archived view's order then the live one's; and whether more than ``limit`` did."""
    before = dict(flatten(archived))
    after = dict(flatten(live))
    changes: list[ViewChange] = []
    for path in [*before, *(p for p in after if p not in before)]:
        old, new = before.get(path), after.get(path)
        if old != new or (path in before) != (path in after):
            changes.append(ViewChange(path=path, archived=old, live=new))
    return changes[:limit], len(changes) > limit

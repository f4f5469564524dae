"""The gateway's committee view: one listing per committee, fast, without a query per row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from tests.assignments.conftest import report
from tests.harness import ServiceHarness


@contextmanager
def counting_queries(*engines: sa.Engine) -> Iterator[list[str]]:
    """The statements run on ``engines`` in the block."""
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's transaction control, no query
            statements.append(statement)

    for engine in engines:
        sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        for engine in engines:
            sa.event.remove(engine, "before_cursor_execute", before)


def _view(svc: ServiceHarness, org_unit: str) -> list[dict[str, Any]]:
    r = svc.client.get(
        f"/v1/assignments?org_unit={org_unit}&year=2024&limit=10000", headers=svc.auth("read")
    )
    assert r.status_code == 200
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_committee_view_uses_a_fixed_number_of_queries(seeded: ServiceHarness) -> None:
    _view(seeded, "SUS")  # warm the key cache (another view: HSN's must be computed)
    with counting_queries(seeded.engine) as few:
        hsn = _view(seeded, "HSN")
    for n in range(1, 6):  # more reports and more rows must not mean more queries
        report(seeded, f"UP2023-{n:03d}", "HSN", "2024", "pagar_enligt_plan")
    with counting_queries(seeded.engine) as many:
        everyone = seeded.client.get(
            "/v1/assignments?year=2024&limit=10000", headers=seeded.auth("read")
        ).json()["items"]
    assert len(hsn) == 63 and len(everyone) > len(hsn)
    # The assignments, then their units in bulk; beside them the look at the change
    # counter that tells whether a kept answer still holds.
    assert len([s for s in few if "change_counter" not in s]) <= 2, few
    assert len(many) == len(few)


def test_every_board_sees_the_assignments_of_all_boards(seeded: ServiceHarness) -> None:
    sus = {a["id"] for a in _view(seeded, "SUS")}
    ystad = {a["id"] for a in _view(seeded, "YSTAD")}
    assert {"UP2023-013", "UP2023-015"} <= sus & ystad

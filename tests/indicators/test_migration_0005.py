"""Revision 0005 (production volumes and goal-tree links) goes down and up again on a
seeded store, on Postgres and SQLite alike, keeping the catalogue's rows."""

from __future__ import annotations

import sqlalchemy as sa

from services.indicators.models import SCHEMA, indicator_table
from shared.migrations import downgrade, upgrade
from tests.harness import ServiceHarness


def _shape(h: ServiceHarness) -> tuple[set[str], set[str]]:
    schema = SCHEMA if h.engine.dialect.name == "postgresql" else None
    with h.engine.connect() as conn:
        inspector = sa.inspect(conn)
        columns = {
            str(c["name"]) for c in inspector.get_columns(indicator_table.name, schema=schema)
        }
        tables = set(inspector.get_table_names(schema=schema))
    return columns, tables


def _indicators(h: ServiceHarness) -> int:
    with h.engine.connect() as conn:
        count: int = conn.execute(
            sa.select(sa.func.count()).select_from(indicator_table)
        ).scalar_one()
    return count


def test_revision_0005_goes_down_and_up_on_a_seeded_store(seeded: ServiceHarness) -> None:
    columns, tables = _shape(seeded)
    assert "kind" in columns and "goal_tree_link" in tables
    stored = _indicators(seeded)
    try:
        downgrade(seeded.spec, seeded.url, "0004")
        columns, tables = _shape(seeded)
        assert "kind" not in columns and "goal_tree_link" not in tables
    finally:
        upgrade(seeded.spec, seeded.url)
    columns, tables = _shape(seeded)
    assert "kind" in columns and "goal_tree_link" in tables
    assert _indicators(seeded) == stored

"""The hand-written migration goes up, down and up again on a fresh store."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from shared.cli import load_spec
from shared.migrations import downgrade, upgrade


def test_migration_round_trip_on_sqlite(tmp_path: Path) -> None:
    spec = load_spec("assignments")
    url = f"sqlite:///{tmp_path / 'assignments.db'}"
    upgrade(spec, url)
    engine = sa.create_engine(url)
    assert {"assignment", "assignment_unit", "status_report", "tombstone"} <= set(
        sa.inspect(engine).get_table_names()
    )
    downgrade(spec, url)
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(spec, url)
    assert "status_report" in sa.inspect(engine).get_table_names()
    engine.dispose()

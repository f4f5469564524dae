"""The hand-written migration builds exactly the tables the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.budget.models import INFRASTRUCTURE, metadata
from tests.harness import ServiceHarness


def test_migration_matches_the_models(budget: ServiceHarness) -> None:
    if budget.engine.dialect.name != "postgresql":
        pytest.skip("compared on Postgres, where the schema is real (CI runs it there)")
    # The shared infrastructure tables are the shared module's business.
    skip = {t.name for t in vars(INFRASTRUCTURE).values()} | {"alembic_version"}
    with budget.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_schemas": True,
                "include_name": lambda name, type_, _parents: (
                    name == metadata.schema if type_ == "schema" else True
                ),
                "include_object": lambda obj, name, type_, _reflected, _other: (
                    (name if type_ == "table" else obj.table.name) not in skip
                ),
            },
        )
        diff = compare_metadata(ctx, metadata)
    assert diff == []

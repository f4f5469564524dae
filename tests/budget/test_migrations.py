"""The hand-written migrations build exactly the tables the models describe, and move the
data they reshape."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.budget.financial_rules import FIGURES
from services.budget.models import INFRASTRUCTURE, metadata
from services.budget.repository.store import TOTAL
from shared.migrations import downgrade, upgrade
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


def test_revision_0002_moves_stated_results_to_totals_and_back(budget: ServiceHarness) -> None:
    """Results stored before totals existed become totals; a budget result the report did
    not state (HSN 2024's assumed 0) is not carried over. The downgrade brings them back."""
    try:
        downgrade(budget.spec, budget.url, "0001")
        old = sa.Table(
            "reported_result",
            sa.MetaData(schema=metadata.schema),
            autoload_with=budget.engine,
        )
        stamp = {"updated_at": datetime.now(UTC), "note": None, "source_text": "s"}
        with budget.engine.begin() as conn:
            conn.execute(
                sa.insert(old),
                [
                    {
                        "id": "HSN/2024",
                        "org_unit": "HSN",
                        "year": 2024,
                        "budget_result": 0,
                        "budget_result_stated": False,
                        "outcome_result": 85_300_000,
                        "reproducible_from_lines": False,
                        "change_seq": 1,
                        **stamp,
                    },
                    {
                        "id": "REGION/2024",
                        "org_unit": "REGION",
                        "year": 2024,
                        "budget_result": -4_417_000_000,
                        "budget_result_stated": True,
                        "outcome_result": None,
                        "reproducible_from_lines": False,
                        "change_seq": 2,
                        **stamp,
                    },
                ],
            )
        upgrade(budget.spec, budget.url)
        with budget.engine.connect() as conn:
            totals = conn.execute(
                sa.select(TOTAL.c.id, TOTAL.c.result, TOTAL.c.change_seq).order_by(TOTAL.c.id)
            ).all()
        assert [(t.id, t.result) for t in totals] == [
            ("HSN/2024/outcome/2024-12", 85_300_000),
            ("REGION/2024/budget", -4_417_000_000),
        ]
        assert len({t.change_seq for t in totals}) == 2
        downgrade(budget.spec, budget.url, "0001")
        with budget.engine.connect() as conn:
            back = conn.execute(sa.select(old).order_by(old.c.id)).all()
        assert [(r.id, r.budget_result, r.outcome_result) for r in back] == [
            ("HSN/2024", None, 85_300_000),
            ("REGION/2024", -4_417_000_000, None),
        ]
    finally:
        upgrade(budget.spec, budget.url)


def test_revision_0003_adds_the_regions_financial_figures_and_takes_them_away(
    budget: ServiceHarness,
) -> None:
    def tables() -> set[str]:
        schema = None if budget.engine.dialect.name == "sqlite" else metadata.schema
        return set(sa.inspect(budget.engine).get_table_names(schema=schema))

    assert "region_financial_figures" in tables()
    try:
        downgrade(budget.spec, budget.url, "0002")
        assert "region_financial_figures" not in tables()
        assert "committee_total" in tables()
    finally:
        upgrade(budget.spec, budget.url)
    assert "region_financial_figures" in tables()
    row = {"year": 2024, **dict.fromkeys(FIGURES, 1)}
    r = budget.client.post("/v1/financial-figures", json=[row], headers=budget.auth("write"))
    assert r.status_code == 200 and r.json()["inserted"] == 1

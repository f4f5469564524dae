"""The indicators migrations: revision 0003 adds the results' period index and takes it
away again, on Postgres and SQLite alike."""

from __future__ import annotations

import sqlalchemy as sa

from services.indicators.models import SCHEMA, result_table
from shared.migrations import downgrade, upgrade
from tests.harness import ServiceHarness


def _indexes(h: ServiceHarness) -> dict[str, list[str]]:
    schema = SCHEMA if h.engine.dialect.name == "postgresql" else None
    with h.engine.connect() as conn:
        found = sa.inspect(conn).get_indexes(result_table.name, schema=schema)
    return {str(ix["name"]): [str(c) for c in ix["column_names"]] for ix in found}


def test_revision_0003_adds_the_period_index_and_takes_it_away(
    indicators: ServiceHarness,
) -> None:
    assert _indexes(indicators)["ix_result_period_org_unit"] == ["period", "org_unit"]
    try:
        downgrade(indicators.spec, indicators.url, "0002")
        assert "ix_result_period_org_unit" not in _indexes(indicators)
        assert "ix_result_org_unit_period" in _indexes(indicators)
    finally:
        upgrade(indicators.spec, indicators.url)
    assert _indexes(indicators)["ix_result_period_org_unit"] == ["period", "org_unit"]

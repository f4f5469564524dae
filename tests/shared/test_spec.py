"""Seeding a store (``shared.spec.ServiceSpec.load_seed``): the seed's rows, then the
tables' statistics read, so that Postgres plans the first views on the data, not on guesses
(autovacuum reads them late, or never where it is off)."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.harness import ServiceHarness

#: The tables a committee's follow-up section of assignments reads.
SECTION_TABLES = ("assignment", "assignment_unit", "status_report")


def test_a_seeded_store_has_its_statistics_read(assignments: ServiceHarness) -> None:
    if assignments.engine.dialect.name != "postgresql":
        pytest.skip("statistics are Postgres's (TEST_DATABASE_URL); SQLite plans without them")
    with assignments.engine.connect() as conn:
        before = conn.execute(sa.text("SELECT clock_timestamp()")).scalar_one()

    loaded = assignments.spec.load_seed(assignments.engine)

    assert loaded > 0, "the store was empty: the seed is loaded"
    with assignments.engine.connect() as conn:
        read_at: dict[str, datetime | None] = dict(
            conn.execute(
                sa.text(
                    "SELECT relname, last_analyze FROM pg_stat_user_tables "
                    "WHERE schemaname = :schema AND relname = ANY(:tables)"
                ),
                {"schema": assignments.spec.metadata.schema, "tables": list(SECTION_TABLES)},
            ).all()
        )
    assert set(read_at) == set(SECTION_TABLES)
    assert all(at is not None and at >= before for at in read_at.values()), read_at


def test_a_store_holding_data_is_not_seeded_again(assignments: ServiceHarness) -> None:
    assert assignments.spec.load_seed(assignments.engine) > 0
    assert assignments.spec.load_seed(assignments.engine) == 0

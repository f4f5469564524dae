"""The hand-written migrations go up, down and up again, build what the models describe,
and bring a store of revision 0001 forward without losing a report's meaning."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.assignments.models import INFRASTRUCTURE, STATUS_REPORT, metadata
from services.assignments.rules import content_key
from shared.cli import load_spec
from shared.migrations import downgrade, upgrade
from tests.harness import ServiceHarness


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


def test_migration_matches_the_models(assignments: ServiceHarness) -> None:
    if assignments.engine.dialect.name != "postgresql":
        pytest.skip("compared on Postgres, where the schema is real (CI runs it there)")
    skip = {t.name for t in vars(INFRASTRUCTURE).values()} | {"alembic_version"}
    with assignments.engine.connect() as conn:
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


def _report_0001(n: int, explanation: str, seq: int, made: datetime) -> dict[str, object]:
    """A status_report row as revision 0001 stored it (no as_of, no natural key)."""
    period, year, first, last = ("2024-05", 2024, 5, 5) if n < 3 else ("2026", 2026, 1, 12)
    return {
        "assignment_id": "A-1",
        "org_unit": "HSN",
        "period": period,
        "period_year": year,
        "period_first_month": first,
        "period_last_month": last,
        "status": "pagar_enligt_plan",
        "explanation": explanation,
        "key_id": "k",
        "created_at": made,
        "updated_at": made,
        "change_seq": seq,
    }


def test_revision_0002_dates_old_reports_and_buries_copies(assignments: ServiceHarness) -> None:
    """Copies that overlapping loads stored before 0002 are removed (the latest stays) and
    leave tombstones; each report gets the date it speaks for and its natural key."""
    spec, url, engine = assignments.spec, assignments.url, assignments.engine
    downgrade(spec, url, "0001")
    try:
        old = sa.Table(  # status_report as revision 0001 made it
            "status_report",
            sa.MetaData(),
            sa.Column("id", sa.Integer, primary_key=True),
            *[
                sa.Column(name, STATUS_REPORT.c[name].type)
                for name in _report_0001(0, "", 0, datetime.now(UTC))
            ],
            schema=STATUS_REPORT.schema,
        )
        made = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 00:30 on 11 March in Stockholm
        with engine.begin() as conn:
            now = datetime.now(UTC)
            conn.execute(
                sa.insert(metadata.tables["assignments.assignment"]).values(
                    id="A-1",
                    kind="assignment",
                    title="T",
                    year_given=2024,
                    year_given_stated=True,
                    continued=False,
                    version=1,
                    created_at=now,
                    updated_at=now,
                    change_seq=1,
                )
            )
            conn.execute(
                sa.insert(old),
                [
                    _report_0001(0, "Enligt plan.", 2, made),
                    _report_0001(1, "Enligt plan.", 3, made),  # a copy from an overlapping load
                    _report_0001(2, "Annat.", 4, made),
                    _report_0001(3, "Pågår.", 5, made),
                ],
            )
            conn.execute(sa.update(INFRASTRUCTURE.change_counter).values(last_seq=5))
    finally:
        upgrade(spec, url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(STATUS_REPORT).order_by(STATUS_REPORT.c.id)).all()
        tombs = conn.execute(sa.select(INFRASTRUCTURE.tombstone)).all()
    assert [(r.id, r.change_seq) for r in rows] == [(2, 3), (3, 4), (4, 5)]
    assert [(t.resource, t.resource_id, t.change_seq) for t in tombs] == [("report", "1", 6)]
    # May 2024 had ended when they were made: its last day; 2026 had not: the day made, in Sweden.
    assert [r.as_of for r in rows] == [date(2024, 5, 31), date(2024, 5, 31), date(2026, 3, 11)]
    assert rows[0].content_key == content_key("pagar_enligt_plan", "Enligt plan.", ())
    assert {r.on_behalf_of for r in rows} == {""}
    listed = assignments.client.get(
        "/v1/reports?after_seq=5", headers=assignments.auth("read")
    ).json()["items"]
    assert listed == [
        {"id": "1", "deleted": True, "updated_at": listed[0]["updated_at"], "change_seq": 6}
    ]

"""Status reports: the date a report speaks for (as_of), the units it names, a natural key.

- ``as_of`` (date, not null): the day the report speaks for. Existing reports get the day
  they were made (Stockholm time), or their period's last day when they were made after
  the period had ended: the rule the service applies to a report sent without one.
- ``on_behalf_of`` (text, ``''`` for none): the other responsible units a report names.
- ``content_key`` (sha256 hex of status, explanation and named units) and a unique index on
  (assignment_id, org_unit, period, as_of, content_key): the report's natural key. Copies
  that overlapping loads stored before this revision are removed first (the one with the
  highest change number stays, so the latest status does not move); each removed copy
  leaves a tombstone with a new change number, so incremental readers drop it too.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import calendar
import hashlib
import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "assignments"
REGION_TIME = ZoneInfo("Europe/Stockholm")
NATURAL_KEY = "uq_assignments_status_report_natural_key"
AS_OF_INDEX = "ix_assignments_status_report_as_of"


def content_key(status: str, explanation: str | None, on_behalf_of: list[str]) -> str:
    """The same hash as ``services.assignments.rules.content_key`` (a test holds them equal;
    written out here so that the revision does not move when the service's code does)."""
    text = json.dumps([status, explanation, on_behalf_of], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _made_on(created_at: datetime | str) -> date:
    if isinstance(created_at, str):  # SQLite without the model's type decorator
        created_at = datetime.fromisoformat(created_at)
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return created_at.astimezone(REGION_TIME).date()


def _tables() -> tuple[sa.Table, sa.Table, sa.Table]:
    # Full Tables (not sa.table()) so that SQLite's schema translation applies.
    meta = sa.MetaData()
    report = sa.Table(
        "status_report",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assignment_id", sa.String(40)),
        sa.Column("org_unit", sa.String(20)),
        sa.Column("period", sa.String(20)),
        sa.Column("period_year", sa.Integer),
        sa.Column("period_last_month", sa.Integer),
        sa.Column("status", sa.String(30)),
        sa.Column("explanation", sa.Text),
        sa.Column("as_of", sa.Date),
        sa.Column("content_key", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True)),
        sa.Column("change_seq", sa.BigInteger),
        schema=SCHEMA,
    )
    counter = sa.Table(
        "change_counter",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_seq", sa.BigInteger),
        schema=SCHEMA,
    )
    tombstone = sa.Table(
        "tombstone",
        meta,
        sa.Column("resource", sa.String(60), primary_key=True),
        sa.Column("resource_id", sa.String(300), primary_key=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        sa.Column("change_seq", sa.BigInteger),
        schema=SCHEMA,
    )
    return report, counter, tombstone


def _backfill(conn: sa.Connection, report: sa.Table) -> None:
    rows = conn.execute(
        sa.select(
            report.c.id,
            report.c.period_year,
            report.c.period_last_month,
            report.c.status,
            report.c.explanation,
            report.c.created_at,
        )
    ).all()
    values = []
    for r in rows:
        last_day = date(
            r.period_year,
            r.period_last_month,
            calendar.monthrange(r.period_year, r.period_last_month)[1],
        )
        values.append(
            {
                "rid": r.id,
                "as_of": min(_made_on(r.created_at), last_day),
                "content_key": content_key(r.status, r.explanation, []),
            }
        )
    if values:
        conn.execute(
            sa.update(report)
            .where(report.c.id == sa.bindparam("rid"))
            .values(as_of=sa.bindparam("as_of"), content_key=sa.bindparam("content_key")),
            values,
        )


def _remove_copies(
    conn: sa.Connection, report: sa.Table, counter: sa.Table, tombstone: sa.Table
) -> None:
    """Copies of one report (same natural key): keep the latest, bury the others."""
    keep: dict[tuple[object, ...], int] = {}
    copies: list[int] = []
    rows = conn.execute(
        sa.select(
            report.c.id,
            report.c.assignment_id,
            report.c.org_unit,
            report.c.period,
            report.c.as_of,
            report.c.content_key,
        ).order_by(report.c.change_seq.desc(), report.c.id.desc())
    ).all()
    for r in rows:
        key = (r.assignment_id, r.org_unit, r.period, r.as_of, r.content_key)
        if key in keep:
            copies.append(r.id)
        else:
            keep[key] = r.id
    if not copies:
        return
    last = conn.execute(
        sa.update(counter)
        .where(counter.c.id == 1)
        .values(last_seq=counter.c.last_seq + len(copies))
        .returning(counter.c.last_seq)
    ).scalar_one()
    first = int(last) - len(copies) + 1
    conn.execute(sa.delete(report).where(report.c.id.in_(copies)))
    now = datetime.now(UTC)
    conn.execute(
        sa.delete(tombstone).where(
            tombstone.c.resource == "report",
            tombstone.c.resource_id.in_([str(i) for i in copies]),
        )
    )
    conn.execute(
        sa.insert(tombstone),
        [
            {
                "resource": "report",
                "resource_id": str(i),
                "deleted_at": now,
                "change_seq": first + n,
            }
            for n, i in enumerate(sorted(copies))
        ],
    )


def _schema() -> str | None:
    """Alembic's own column operations do not go through SQLite's schema translation: there
    the table is named without its schema (SQLite batch mode recreates it)."""
    return None if op.get_bind().dialect.name == "sqlite" else SCHEMA


def upgrade() -> None:
    with op.batch_alter_table("status_report", schema=_schema()) as batch:
        batch.add_column(sa.Column("as_of", sa.Date, nullable=True))
        batch.add_column(
            sa.Column("on_behalf_of", sa.String(400), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("content_key", sa.String(64), nullable=True))
    conn = op.get_bind()
    report, counter, tombstone = _tables()
    _backfill(conn, report)
    _remove_copies(conn, report, counter, tombstone)
    with op.batch_alter_table("status_report", schema=_schema()) as batch:
        batch.alter_column("as_of", existing_type=sa.Date, nullable=False)
        batch.alter_column("content_key", existing_type=sa.String(64), nullable=False)
        batch.alter_column(
            "on_behalf_of",
            existing_type=sa.String(400),
            existing_nullable=False,
            server_default=None,
        )
    op.create_index(AS_OF_INDEX, "status_report", ["as_of"], schema=SCHEMA)
    op.create_index(
        NATURAL_KEY,
        "status_report",
        ["assignment_id", "org_unit", "period", "as_of", "content_key"],
        unique=True,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index(NATURAL_KEY, "status_report", schema=SCHEMA)
    op.drop_index(AS_OF_INDEX, "status_report", schema=SCHEMA)
    with op.batch_alter_table("status_report", schema=_schema()) as batch:
        batch.drop_column("content_key")
        batch.drop_column("on_behalf_of")
        batch.drop_column("as_of")

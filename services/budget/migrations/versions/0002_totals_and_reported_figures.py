"""Committee totals as data, reported deviations with their share, other reported figures.

A committee's total (budget, outcome year to date, forecast) gets a table of its own,
``committee_total``, loadable like a line: the summary's headline comes from it. The
results ``reported_result`` held move there (a budget result the report did not state is
not carried over: it was assumed, not stated), and ``reported_result`` goes. Reported
deviations get the share of budget the report states with them (``share_bp``); every
other figure a report states about a committee's economy goes to ``reported_figure``.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "budget"


def _feed() -> list[sa.Column[Any]]:
    return [
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
    ]


def _reported_result_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("budget_result", sa.BigInteger),
        sa.Column("budget_result_stated", sa.Boolean, nullable=False),
        sa.Column("outcome_result", sa.BigInteger),
        sa.Column("reproducible_from_lines", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("source_text", sa.Text),
        *_feed(),
    ]


def _handles() -> tuple[sa.Table, sa.Table, sa.Table]:
    """Core handles of the tables the data moves between (as they are at this revision)."""
    meta = sa.MetaData(schema=SCHEMA)
    old = sa.Table("reported_result", meta, *_reported_result_columns())
    total = sa.Table(
        "committee_total",
        meta,
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("org_unit", sa.String(20)),
        sa.Column("year", sa.Integer),
        sa.Column("kind", sa.String(10)),
        sa.Column("month", sa.String(7)),
        sa.Column("revenue", sa.BigInteger),
        sa.Column("cost", sa.BigInteger),
        sa.Column("result", sa.BigInteger),
        sa.Column("derivation", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("source_text", sa.Text),
        *_feed(),
    )
    counter = sa.Table(
        "change_counter", meta, sa.Column("id", sa.Integer), sa.Column("last_seq", sa.BigInteger)
    )
    return old, total, counter


def _schema() -> str | None:
    """Alembic's batch column operations do not go through SQLite's schema translation:
    there the table is named without its schema (batch mode recreates it)."""
    return None if op.get_bind().dialect.name == "sqlite" else SCHEMA


def _allocate(conn: sa.Connection, counter: sa.Table, count: int) -> int:
    """``count`` change numbers from the service's counter; the first."""
    last = conn.execute(sa.select(counter.c.last_seq).where(counter.c.id == 1)).scalar_one()
    conn.execute(
        sa.update(counter).where(counter.c.id == 1).values(last_seq=counter.c.last_seq + count)
    )
    return int(last) + 1


def upgrade() -> None:
    op.create_table(
        "committee_total",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("month", sa.String(7)),
        sa.Column("revenue", sa.BigInteger),
        sa.Column("cost", sa.BigInteger),
        sa.Column("result", sa.BigInteger, nullable=False),
        sa.Column("derivation", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("source_text", sa.Text),
        *_feed(),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_committee_total_unit_year", "committee_total", ["org_unit", "year"], schema=SCHEMA
    )
    op.create_index(
        "ix_committee_total_change_seq", "committee_total", ["change_seq"], schema=SCHEMA
    )

    op.create_table(
        "reported_figure",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("figure", sa.String(80), nullable=False),
        sa.Column("item", sa.String(80)),
        sa.Column("measure", sa.String(40), nullable=False),
        sa.Column("amount", sa.BigInteger),
        sa.Column("share_bp", sa.Integer),
        sa.Column("approximate", sa.Boolean, nullable=False),
        sa.Column("value_year", sa.Integer),
        sa.Column("line", sa.String(80)),
        sa.Column("label", sa.Text),
        sa.Column("about_org_units", sa.String(400), nullable=False),
        sa.Column("derivation", sa.Text),
        sa.Column("source_text", sa.Text),
        *_feed(),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_reported_figure_unit_year", "reported_figure", ["org_unit", "year"], schema=SCHEMA
    )
    op.create_index(
        "ix_reported_figure_change_seq", "reported_figure", ["change_seq"], schema=SCHEMA
    )

    with op.batch_alter_table("reported_deviation", schema=_schema()) as batch:
        batch.add_column(sa.Column("share_bp", sa.Integer))

    _move_results_to_totals(op.get_bind())
    op.drop_index("ix_reported_result_unit_year", table_name="reported_result", schema=SCHEMA)
    op.drop_table("reported_result", schema=SCHEMA)


def _move_results_to_totals(conn: sa.Connection) -> None:
    """Each stored result becomes totals: a stated budget result a budget total, an outcome
    result the outcome total of the year through December."""
    old, total, counter = _handles()
    rows: list[dict[str, Any]] = []
    for r in conn.execute(sa.select(old).order_by(old.c.id)).all():
        common = {"org_unit": r.org_unit, "year": r.year, "revenue": None, "cost": None}
        text = {"note": r.note, "source_text": r.source_text, "derivation": None}
        if r.budget_result is not None and r.budget_result_stated:
            rows.append(
                {
                    "id": f"{r.org_unit}/{r.year}/budget",
                    "kind": "budget",
                    "month": None,
                    "result": r.budget_result,
                    **common,
                    **text,
                }
            )
        if r.outcome_result is not None:
            rows.append(
                {
                    "id": f"{r.org_unit}/{r.year}/outcome/{r.year}-12",
                    "kind": "outcome",
                    "month": f"{r.year}-12",
                    "result": r.outcome_result,
                    **common,
                    **text,
                }
            )
    if rows:
        first = _allocate(conn, counter, len(rows))
        now = datetime.now(UTC)
        for n, row in enumerate(rows):
            conn.execute(sa.insert(total).values(**row, change_seq=first + n, updated_at=now))


def downgrade() -> None:
    op.create_table("reported_result", *_reported_result_columns(), schema=SCHEMA)
    op.create_index(
        "ix_reported_result_unit_year", "reported_result", ["org_unit", "year"], schema=SCHEMA
    )
    _move_totals_back(op.get_bind())
    with op.batch_alter_table("reported_deviation", schema=_schema()) as batch:
        batch.drop_column("share_bp")
    op.drop_table("reported_figure", schema=SCHEMA)
    op.drop_table("committee_total", schema=SCHEMA)


def _move_totals_back(conn: sa.Connection) -> None:
    """The budget totals and the December outcome totals back into ``reported_result``."""
    old, total, counter = _handles()
    years: dict[tuple[str, int], dict[str, Any]] = {}
    for t in conn.execute(sa.select(total).order_by(total.c.id)).all():
        if t.kind == "budget" or (t.kind == "outcome" and t.month == f"{t.year}-12"):
            entry = years.setdefault(
                (t.org_unit, t.year),
                {"budget_result": None, "outcome_result": None, "note": None, "source": None},
            )
            entry[f"{t.kind}_result"] = t.result
            entry["note"] = entry["note"] or t.note
            entry["source"] = entry["source"] or t.source_text
    if not years:
        return
    first = _allocate(conn, counter, len(years))
    for n, ((org_unit, year), e) in enumerate(sorted(years.items())):
        conn.execute(
            sa.insert(old).values(
                id=f"{org_unit}/{year}",
                org_unit=org_unit,
                year=year,
                budget_result=e["budget_result"],
                budget_result_stated=e["budget_result"] is not None,
                outcome_result=e["outcome_result"],
                reproducible_from_lines=False,
                note=e["note"],
                source_text=e["source"],
                updated_at=datetime.now(UTC),
                change_seq=first + n,
            )
        )

"""Tables every service has in its own schema: API keys, audit log, change feed.

``infrastructure_tables`` adds them to a service's MetaData; ``create_infrastructure`` /
``drop_infrastructure`` are what the service's first migration calls, so the DDL is
written once and every service's schema gets the same shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from shared.counter_reads import counter_version

if TYPE_CHECKING:
    # Only the migrations call the DDL helpers below: alembic (~10 MiB resident) is not
    # imported by a running service.
    from alembic.operations import Operations


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A point in time, always aware and in UTC, on Postgres and SQLite alike.

    SQLite has no time zones: values are stored as naive UTC and made aware on the way
    out, so comparisons with ``updated_since`` and the JSON a client sees agree.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


@dataclass(frozen=True)
class InfrastructureTables:
    api_key: sa.Table
    audit_log: sa.Table
    change_counter: sa.Table
    tombstone: sa.Table


#: Characters of the audit trail's "who" (``audit_log.key_id``).
AUDIT_WHO_LENGTH = 200


def _columns() -> dict[str, list[Any]]:
    return {
        "api_key": [
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("secret_hash", sa.String(64), nullable=False),
            sa.Column("scopes", sa.String(100), nullable=False),
            # Comma-separated org unit codes; empty means the key speaks for every unit.
            sa.Column("org_units", sa.String(1000), nullable=False, server_default=""),
            sa.Column("created_at", UTCDateTime(), nullable=False),
            sa.Column("revoked_at", UTCDateTime(), nullable=True),
        ],
        "audit_log": [
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("at", UTCDateTime(), nullable=False),
            # Who: an API key's id, ``anonymous``, or ``jwt:<sub>`` for an access token.
            sa.Column("key_id", sa.String(AUDIT_WHO_LENGTH), nullable=False),
            sa.Column("action", sa.String(40), nullable=False),
            sa.Column("resource", sa.String(60), nullable=False),
            sa.Column("resource_id", sa.String(300), nullable=False),
            sa.Column("change", sa.Text, nullable=False),
        ],
        "change_counter": [
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("last_seq", sa.BigInteger, nullable=False),
        ],
        "tombstone": [
            sa.Column("resource", sa.String(60), primary_key=True),
            sa.Column("resource_id", sa.String(300), primary_key=True),
            sa.Column("deleted_at", UTCDateTime(), nullable=False),
            sa.Column("change_seq", sa.BigInteger, nullable=False),
        ],
    }


#: Named explicitly so the models and the migration agree (autogenerate stays quiet).
_INDEXES = {
    "audit_log": [("ix_audit_log_at", ["at"])],
    "tombstone": [("ix_tombstone_change_seq", ["change_seq"])],
}


def infrastructure_tables(metadata: sa.MetaData) -> InfrastructureTables:
    tables = {
        name: sa.Table(
            name, metadata, *cols, *[sa.Index(ix, *on) for ix, on in _INDEXES.get(name, [])]
        )
        for name, cols in _columns().items()
    }
    return InfrastructureTables(**tables)


def widen_audit_who(op: Operations, schema: str) -> None:
    """``audit_log.key_id`` from 32 to ``AUDIT_WHO_LENGTH`` characters, for the subjects of
    access tokens (``jwt:<sub>``; Keycloak's ``sub`` is a 36-character UUID). SQLite does not
    hold a column to its declared length, so only Postgres needs the change."""
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column(
        "audit_log",
        "key_id",
        existing_type=sa.String(32),
        type_=sa.String(AUDIT_WHO_LENGTH),
        existing_nullable=False,
        schema=schema,
    )


def create_infrastructure(op: Operations, schema: str) -> None:
    for name, cols in _columns().items():
        op.create_table(name, *cols, schema=schema)
        for ix, on in _INDEXES.get(name, []):
            op.create_index(ix, name, on, schema=schema)
    # A full Table (not sa.table()) so that SQLite's schema translation applies.
    counter = sa.Table(
        "change_counter", sa.MetaData(), *_columns()["change_counter"], schema=schema
    )
    op.execute(sa.insert(counter).values(id=1, last_seq=0))


def drop_infrastructure(op: Operations, schema: str) -> None:
    for name in reversed(list(_columns())):
        op.drop_table(name, schema=schema)


#: The header naming where a service's change counter stood when an answer was made
#: (``shared.readcache``), or stands now (``GET /v1/data-version``).
DATA_VERSION = "Data-Version"


class ChangeFeed:
    """Hands out ``change_seq`` numbers in commit order.

    The counter row is updated in the writer's transaction, so its row lock is held
    until commit: a second writer waits, and a number handed out is never undercut by
    a transaction that commits later. A loader polling ``after_seq`` misses nothing.
    """

    def __init__(self, tables: InfrastructureTables) -> None:
        self.t = tables

    def allocate(self, session: Session, count: int = 1) -> int:
        """Reserve ``count`` numbers; returns the first. Call once per write transaction."""
        counter = self.t.change_counter
        last = session.execute(
            sa.update(counter)
            .where(counter.c.id == 1)
            .values(last_seq=counter.c.last_seq + count)
            .returning(counter.c.last_seq)
        ).scalar_one()
        return int(last) - count + 1

    def version(self, session: Session | sa.Connection) -> int:
        """Where the counter stands now: the last number handed out."""
        return counter_version(session, self.t.change_counter)

    def lock(self, session: Session) -> None:
        """Become the only writer of this service until the transaction ends."""
        self.allocate(session, 0)

    #: Ids per ``IN`` list when ``bury`` is given a list, within every driver's limits.
    ID_CHUNK = 5000

    def bury(
        self,
        session: Session,
        resource: str,
        ids: Sequence[str] | sa.Select[Any],
        first_seq: int,
    ) -> int:
        """Record deletions so incremental loaders see them as tombstones; returns how many.

        ``ids`` is a list of ids, or a select of one column giving them: then the tombstones
        are written set-based (``INSERT … SELECT``, however many rows: no bind parameter per
        id), numbered from ``first_seq`` in the column's order. Bury before deleting the rows
        the select reads, in the transaction that allocated the numbers (its lock keeps the
        rows counted the rows buried), so the numbers stay in commit order.
        """
        tomb = self.t.tombstone
        now = utcnow()
        if isinstance(ids, sa.Select):
            source = ids.subquery()
            (column,) = source.c
            as_text = sa.cast(column, sa.String)
            session.execute(
                sa.delete(tomb).where(
                    tomb.c.resource == resource, tomb.c.resource_id.in_(sa.select(as_text))
                )
            )
            rows = sa.select(
                sa.literal(resource, sa.String),
                as_text,
                sa.literal(now, UTCDateTime()),
                sa.literal(first_seq - 1, sa.BigInteger)
                + sa.func.row_number().over(order_by=column),
            )
            inserted = session.execute(
                sa.insert(tomb)
                .from_select(["resource", "resource_id", "deleted_at", "change_seq"], rows)
                .execution_options(preserve_rowcount=True)
            )
            return int(inserted.rowcount)  # type: ignore[attr-defined]
        if not ids:
            return 0
        for start in range(0, len(ids), self.ID_CHUNK):
            chunk = list(ids[start : start + self.ID_CHUNK])
            session.execute(
                sa.delete(tomb).where(tomb.c.resource == resource, tomb.c.resource_id.in_(chunk))
            )
        session.execute(
            sa.insert(tomb),
            [
                {
                    "resource": resource,
                    "resource_id": i,
                    "deleted_at": now,
                    "change_seq": first_seq + n,
                }
                for n, i in enumerate(ids)
            ],
        )
        return len(ids)

    def tombstones(
        self,
        session: Session | sa.Connection,
        resource: str,
        after_seq: int | None,
        updated_since: datetime | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        tomb = self.t.tombstone
        stmt = sa.select(tomb).where(tomb.c.resource == resource)
        if after_seq is not None:
            stmt = stmt.where(tomb.c.change_seq > after_seq)
        if updated_since is not None:
            stmt = stmt.where(tomb.c.deleted_at > updated_since)
        rows = session.execute(stmt.order_by(tomb.c.change_seq).limit(limit)).all()
        return [
            {
                "id": r.resource_id,
                "deleted": True,
                "updated_at": r.deleted_at,
                "change_seq": r.change_seq,
            }
            for r in rows
        ]


class AuditTrail:
    """Who (key id), when, what (resource and id) and the change, for every write."""

    def __init__(self, tables: InfrastructureTables) -> None:
        self.t = tables

    def record(
        self,
        session: Session,
        key_id: str,
        action: str,
        resource: str,
        resource_id: str,
        change: Any,
    ) -> None:
        session.execute(
            sa.insert(self.t.audit_log).values(
                at=utcnow(),
                key_id=key_id,
                action=action,
                resource=resource,
                resource_id=resource_id[:300],
                change=json.dumps(change, ensure_ascii=False, default=str),
            )
        )

    def since(self, session: Session, since: datetime | None, limit: int) -> list[dict[str, Any]]:
        log = self.t.audit_log
        stmt = sa.select(log).order_by(log.c.id).limit(limit)
        if since is not None:
            stmt = stmt.where(log.c.at >= since)
        return [
            {
                "id": r.id,
                "at": r.at,
                "key_id": r.key_id,
                "action": r.action,
                "resource": r.resource,
                "resource_id": r.resource_id,
                "change": json.loads(r.change),
            }
            for r in session.execute(stmt).all()
        ]


class ChangeFeedHeads:
    """A Prometheus collector: the last ``change_seq`` of every table of a service that has
    one (its rows and its tombstones), read when ``/metrics`` is scraped, in one query over
    the ``change_seq`` indexes. A loader that lags shows as the distance between this head
    and the last change it applied. The database away: no sample (``/ready`` says why)."""

    def __init__(self, engine: Engine, metadata: sa.MetaData, app_name: str) -> None:
        self.engine = engine
        self.app_name = app_name
        self.tables = [t for t in metadata.sorted_tables if "change_seq" in t.c]

    def heads(self) -> list[tuple[str, int]]:
        if not self.tables:
            return []
        query = sa.union_all(
            *[
                sa.select(
                    sa.literal(t.name, sa.String).label("name"),
                    sa.func.coalesce(sa.func.max(t.c.change_seq), 0).label("head"),
                )
                for t in self.tables
            ]
        )
        with self.engine.connect() as conn:
            return [(str(name), int(head)) for name, head in conn.execute(query)]

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "followup_change_feed_head",
            "The last change number (change_seq) of each table's rows (and tombstones).",
            labels=["app", "table"],
        )
        try:
            for name, head in self.heads():
                family.add_metric([self.app_name, name], head)
        except sa.exc.SQLAlchemyError:
            return
        yield family

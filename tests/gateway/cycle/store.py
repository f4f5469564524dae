"""Reading the cycle suite's gateway store directly: what the audit trail holds."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gateway.cycle.models import INFRASTRUCTURE, SCHEMA
from shared.db import make_engine
from shared.suite import Stack


def audit_entries(stack: Stack, **where: str) -> list[Any]:
    engine = make_engine(stack.urls["gateway"], SCHEMA)
    log = INFRASTRUCTURE.audit_log
    stmt = sa.select(log).order_by(log.c.id)
    for name, value in where.items():
        stmt = stmt.where(log.c[name] == value)
    try:
        with engine.connect() as conn:
            return list(conn.execute(stmt).all())
    finally:
        engine.dispose()

"""Loads the reporting calendar (``seed/calendar.toml``, from the follow-up plan) into an
empty store."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sqlmodel import Session

from gateway.cycle import repository
from shared.periods import Period
from shared.spec import ServiceSpec
from shared.store import ChangeFeed, utcnow

SEED_FILE = Path(__file__).resolve().parent / "seed" / "calendar.toml"


def calendar_rows(doc: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The occasion rows and per-unit due dates of a calendar file (its periods checked)."""
    rows: list[dict[str, Any]] = []
    overrides: list[dict[str, Any]] = []
    for item in doc["occasion"]:
        period = Period.parse(item["period"])
        rows.append(
            {
                "id": item["id"],
                "year": period.year,
                "kind": item["kind"],
                "name": item["name"],
                "period": str(period),
                "due_date": item["due"],
                "due_stated_in_plan": item["due_stated_in_plan"],
                "due_basis": item["due_basis"],
                "meeting_body": item.get("meeting_body"),
                "meeting_date": item.get("meeting_date"),
                "meeting_stated_in_plan": item["meeting_stated_in_plan"],
                "meeting_basis": item.get("meeting_basis"),
                "version": 1,
            }
        )
        for unit, due in (item.get("due_by_org_unit") or {}).items():
            overrides.append({"occasion_id": item["id"], "org_unit": unit, "due_date": due})
    return rows, overrides


def load_seed(session: Session, spec: ServiceSpec) -> int:
    """The calendar of 2023 and 2024 when the store has none; returns the rows loaded."""
    if repository.has_occasions(session):
        return 0
    with SEED_FILE.open("rb") as f:
        rows, overrides = calendar_rows(tomllib.load(f))
    feed = ChangeFeed(spec.infrastructure)
    first = feed.allocate(session, len(rows))
    now = utcnow()
    for n, row in enumerate(rows):
        row.update(updated_at=now, change_seq=first + n)
    repository.insert_occasions(session, rows, overrides)
    session.commit()
    return len(rows) + len(overrides)

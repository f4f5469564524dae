"""Loads the real data shipped in ``seed/`` into an empty store (set-based).

``indicators.yaml``: every indicator of the quality annex of HSN verksamhetsberättelse 2024
with its targets, where the annex places its breakdowns (``placements``), how its months
roll up (``time_aggregation``) and the annex's notes on results covering less than a year
(``coverage_notes``); ``results.csv``: every value of the annex (2022–2024). Results go
through the same row checks and set-based upsert as ``POST /v1/results``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session

from services.indicators import repository
from services.indicators.catalogue import parse_expression, stored_indicator
from services.indicators.goal_tree import place
from services.indicators.load_body import read_load_body
from services.indicators.models import REGION
from services.indicators.results import load_results
from services.indicators.schemas import IndicatorIn, check_indicator_code
from shared.bulk import LoadMode
from shared.keys import Principal
from shared.spec import ServiceSpec
from shared.store import AuditTrail, ChangeFeed, utcnow

SEED = Path(__file__).resolve().parent / "seed"
SEED_PRINCIPAL = Principal(
    key_id="seed", scopes=frozenset({"read", "write", "admin"}), org_units=frozenset()
)


def load_seed(session: Session, spec: ServiceSpec) -> int:
    """Load the seed files into an empty store; returns the rows loaded (0 if data exists)."""
    if repository.holds_data(session):
        return 0
    feed = ChangeFeed(spec.infrastructure)
    audit = AuditTrail(spec.infrastructure)
    docs: list[dict[str, Any]] = yaml.safe_load((SEED / "indicators.yaml").read_text("utf-8"))
    now = utcnow()
    n_targets = sum(len(d.get("targets") or []) for d in docs)
    first = feed.allocate(session, len(docs) + n_targets)
    indicators: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    for n, doc in enumerate(docs):
        code = check_indicator_code(doc["code"])
        body = IndicatorIn(
            name=doc["name"],
            description=doc["description"],
            unit=doc["unit"],
            direction=doc["direction"],
            source=doc["source"],
            area=doc["area"],
            goal=doc["goal"],
            delmal=doc.get("delmal"),
            not_reportable_by=doc.get("not_reportable_by") or [],
            time_aggregation=doc.get("time_aggregation"),
            placements=doc.get("placements") or [],
            coverage_notes=doc.get("coverage_notes") or {},
        )
        fields = stored_indicator(body, place(body.area, body.goal, body.delmal))
        indicators.append({**fields, "code": code, "updated_at": now, "change_seq": first + n})
        for t in doc.get("targets") or []:
            parsed = parse_expression(t["expression"], [code, t["year"]])
            targets.append(
                {
                    "indicator": code,
                    "year": t["year"],
                    "org_unit": REGION,
                    "expression": t["expression"],
                    "parsed": parsed.model_dump_json(),
                    "updated_at": now,
                    "change_seq": first + len(docs) + len(targets),
                }
            )
    repository.insert_indicators(session, indicators)
    repository.insert_targets(session, targets)
    rows = read_load_body("text/csv", (SEED / "results.csv").read_bytes())
    answer = load_results(session, feed, audit, SEED_PRINCIPAL, rows, mode=LoadMode.atomic)
    return len(indicators) + len(targets) + answer.inserted

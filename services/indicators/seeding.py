"""Loads the real data shipped in ``seed/`` into an empty store (set-based).

``indicators.yaml``: every indicator of the quality annex of HSN verksamhetsberättelse 2024
with its targets, where the annex places its breakdowns (``placements``), how its months
roll up (``time_aggregation``) and the annex's notes on results covering less than a year
(``coverage_notes``); ``results.csv``: every value of the annex (2022–2024). Results go
through the same row checks and set-based upsert as ``POST /v1/results``.

``volumes.yaml``: the production volumes seed 002 states (operations, outpatient share and
DRG points of the incentive model, the clinical research figures of its table 6), each value
with the line it is read from; ``goal_tree_links.yaml``: the indicators linked to the 2026
strategy tree and why. Each part goes in when its own data is absent, so a store seeded
before they existed gets them on the next seed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session

from services.indicators import production_repository, repository
from services.indicators.catalogue import parse_expression, stored_indicator
from services.indicators.goal_tree import place
from services.indicators.load_body import read_load_body
from services.indicators.models import REGION
from services.indicators.results import load_results
from services.indicators.schemas import IndicatorIn, check_indicator_code
from shared.bulk import LoadMode
from shared.keys import Principal
from shared.reference import tree_area_codes
from shared.spec import ServiceSpec
from shared.store import AuditTrail, ChangeFeed, utcnow

SEED = Path(__file__).resolve().parent / "seed"
SEED_PRINCIPAL = Principal(
    key_id="seed", scopes=frozenset({"read", "write", "admin"}), org_units=frozenset()
)


def load_seed(session: Session, spec: ServiceSpec) -> int:
    """Load the seed files, each part into a store without it; returns the rows loaded."""
    feed = ChangeFeed(spec.infrastructure)
    audit = AuditTrail(spec.infrastructure)
    loaded = 0
    if not repository.holds_data(session):
        loaded += _load_annex(session, feed, audit)
    loaded += _load_volumes(session, feed, audit)
    if not production_repository.link_count(session):
        loaded += _load_tree_links(session, feed)
        session.commit()  # the result loads commit themselves; the links are written here
    return loaded


def _indicator_fields(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    body = IndicatorIn(
        name=doc["name"],
        description=doc["description"],
        unit=doc["unit"],
        direction=doc["direction"],
        source=doc["source"],
        area=doc["area"],
        goal=doc.get("goal"),
        delmal=doc.get("delmal"),
        not_reportable_by=doc.get("not_reportable_by") or [],
        time_aggregation=doc.get("time_aggregation"),
        placements=doc.get("placements") or [],
        coverage_notes=doc.get("coverage_notes") or {},
        kind=kind,
    )
    return stored_indicator(body, place(body.area, body.goal, body.delmal))


def _load_volumes(session: Session, feed: ChangeFeed, audit: AuditTrail) -> int:
    """The production volumes of ``volumes.yaml`` and their results (as ``POST /v1/results``),
    unless the catalogue has any of them already."""
    doc: dict[str, Any] = yaml.safe_load((SEED / "volumes.yaml").read_text("utf-8"))
    if production_repository.existing_codes(session, [d["code"] for d in doc["indicators"]]):
        return 0
    first = feed.allocate(session, len(doc["indicators"]))
    now = utcnow()
    indicators = [
        {
            **_indicator_fields(d, "volume"),
            "code": check_indicator_code(d["code"]),
            "updated_at": now,
            "change_seq": first + n,
        }
        for n, d in enumerate(doc["indicators"])
    ]
    repository.insert_indicators(session, indicators)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(
        [
            "indicator",
            "org_unit",
            "period",
            "breakdown",
            "value",
            "numerator",
            "denominator",
            "status",
        ]
    )
    for r in doc["results"]:
        writer.writerow(
            [r["indicator"], r["org_unit"], r["period"], "total", r["value"], "", "", "final"]
        )
    rows = read_load_body("text/csv", text.getvalue().encode())
    answer = load_results(session, feed, audit, SEED_PRINCIPAL, rows, mode=LoadMode.atomic)
    return len(indicators) + answer.inserted


def _load_tree_links(session: Session, feed: ChangeFeed) -> int:
    """The links of ``goal_tree_links.yaml``: each node must be in the tree and each
    indicator in the catalogue (a seed that says otherwise is a bug: it raises)."""
    doc: dict[str, Any] = yaml.safe_load((SEED / "goal_tree_links.yaml").read_text("utf-8"))
    tree = str(doc["tree"])
    nodes = tree_area_codes(tree)
    wanted = [
        (node, code, group["reason"])
        for node, groups in doc["links"].items()
        for group in groups
        for code in group["indicators"]
    ]
    unknown_nodes = {node for node, _, _ in wanted} - set(nodes)
    codes = sorted({code for _, code, _ in wanted})
    missing = set(codes) - production_repository.existing_codes(session, codes)
    if unknown_nodes or missing:
        raise ValueError(f"goal_tree_links.yaml: nodes {unknown_nodes}, indicators {missing}")
    first = feed.allocate(session, len(wanted))
    now = utcnow()
    production_repository.insert_links(
        session,
        [
            {
                "tree": tree,
                "node": node,
                "indicator": code,
                "reason": reason,
                "updated_at": now,
                "change_seq": first + n,
            }
            for n, (node, code, reason) in enumerate(wanted)
        ],
    )
    return len(wanted)


def _load_annex(session: Session, feed: ChangeFeed, audit: AuditTrail) -> int:
    """The quality annex: ``indicators.yaml`` with its targets and ``results.csv``."""
    docs: list[dict[str, Any]] = yaml.safe_load((SEED / "indicators.yaml").read_text("utf-8"))
    now = utcnow()
    n_targets = sum(len(d.get("targets") or []) for d in docs)
    first = feed.allocate(session, len(docs) + n_targets)
    indicators: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    for n, doc in enumerate(docs):
        code = check_indicator_code(doc["code"])
        fields = _indicator_fields(doc, "quality")
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

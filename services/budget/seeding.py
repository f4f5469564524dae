"""Load ``seed/budget.yaml`` (HSN verksamhetsberättelse 2024, economy section) into an empty store.

The file is used as its extractor left it (see its comments and ``notes``); the mapping:

* grants go through the same rules as ``PUT /v1/grants`` (computed totals, transfers).
  Components whose seed id starts with ``other_`` (the derived remainder 48,8 mnkr, filed
  as ``indexation`` in the file for want of a better kind) get the service's kind
  ``other``, keeping ``derived`` and the label. The efficiency requirement is stored as
  the percentages the report gives (4,4 % gross, 1,5 %, 2,9 % net), not as an amount.
* budget lines as they are; a line that has outcomes but no budget in the report
  (upphandlad ambulans, 2023 and 2024) is created with its budget not stated
  (revenue and cost null; counterparty external: the service is procured).
* outcomes as they are: the report gives full-year figures only, so each sits on the
  December month of its year (a summary through an earlier month shows no outcome).
* earmarked money: ``assignment_key`` in the file is an allocation key (fördelningsnyckel),
  not an assignment id, so it goes to ``allocation_key``; the uses of the tilläggsbudget
  are money the report says was used, so their ``used_amount`` is their amount.
* the totals (HSN 2024: the outcome's result +85,3 mnkr, no budget total, since the report
  states none), the stated deviations (the lines' included) and the other figures go
  through the same loads as ``POST /v1/totals``, ``/v1/reported-deviations`` and
  ``/v1/reported-figures``; the summary's headline is the totals, not the lines' sums.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from services.budget import budget_lines, earmarked, flows, grants, stated
from services.budget import schemas as s
from services.budget.repository import store
from shared.periods import Period
from shared.spec import ServiceSpec
from shared.store import AuditTrail, ChangeFeed

SEED_FILE = Path(__file__).resolve().parent / "seed" / "budget.yaml"
SEED_KEY = "seed"


def _component(c: dict[str, Any]) -> s.ComponentIn:
    kind = "other" if str(c.get("id", "")).startswith("other_") else c["kind"]
    return s.ComponentIn(
        kind=kind,
        label=c["label"],
        amount=c["amount"],
        decision=c.get("decision"),
        used=c.get("used"),
        counterparty=c.get("counterparty"),
        counterparty_text=c.get("counterparty_text"),
        derived=bool(c.get("derived")),
        derivation=c.get("derivation"),
    )


def _efficiency(g: dict[str, Any]) -> s.EfficiencyRequirement | None:
    e = g.get("efficiency_requirement")
    if not e:
        return None
    note = "Stated only as percentages; no amount in kronor is printed."
    if e.get("embedded_in_component"):
        note += (
            f" Most plausibly already netted into component {e['embedded_in_component']!r}"
            " (not stated)."
        )
    return s.EfficiencyRequirement(
        gross_indexation_bp=e["gross_indexation_bp"],
        efficiency_bp=e["efficiency_bp"],
        net_indexation_bp=e["net_indexation_bp"],
        note=note,
    )


def load_seed(session: Session, spec: ServiceSpec, path: Path = SEED_FILE) -> int:
    """Load the seed into an empty store in one transaction; the number of rows, or 0."""
    if not store.is_empty(session):
        return 0
    doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    feed = ChangeFeed(spec.infrastructure)
    loaded = 0

    for g in doc.get("grants", []):
        body = s.GrantIn(
            components=[_component(c) for c in g["components"]],
            efficiency_requirement=_efficiency(g),
        )
        grants.write_grant(session, feed, None, g["org_unit"], g["year"], body)
        loaded += 1 + len(body.components)

    lines = {(b["org_unit"], b["year"], b["line"]) for b in doc.get("budget_lines", [])}
    for b in doc.get("budget_lines", []):
        body_line = s.BudgetLineIn(
            revenue=b["revenue"],
            cost=b["cost"],
            counterparty=b["counterparty"],
            label=b.get("label"),
            basis=b.get("basis", "gross"),
            derivation=b.get("derivation") if b.get("derived") else None,
        )
        budget_lines.write_line(session, feed, b["org_unit"], b["year"], b["line"], body_line)
        loaded += 1
    for o in doc.get("outcomes", []) + doc.get("forecasts", []):
        key = (o["org_unit"], Period.parse(o.get("month") or o["made_in"]).year, o["line"])
        if key not in lines:
            lines.add(key)
            unbudgeted = s.BudgetLineIn(
                revenue=None,
                cost=None,
                counterparty="external",
                label=_label(o["line"]),
                basis="net",
            )
            budget_lines.write_line(session, feed, *key, unbudgeted)
            loaded += 1

    for flow, section in ((flows.OUTCOMES, "outcomes"), (flows.FORECASTS, "forecasts")):
        rows = [
            {
                "org_unit": r["org_unit"],
                "line": r["line"],
                flow.month_field: r[flow.month_field],
                "revenue": r["revenue"],
                "cost": r["cost"],
                "derivation": r.get("derivation") if r.get("derived") else None,
            }
            for r in doc.get(section, [])
        ]
        report = flows.load_rows(session, feed, None, flow, rows)
        loaded += report.inserted

    numbers: Counter[tuple[str, int]] = Counter()
    for e in doc.get("earmarked", []):
        numbers[(e["org_unit"], e["year"])] += 1
        eid = f"{e['org_unit']}-{e['year']}-{numbers[(e['org_unit'], e['year'])]:02d}"
        used = e["amount"] if e.get("kind") == "tillaggsbudget_anvandning" else None
        body_e = s.EarmarkedIn(
            org_unit=e["org_unit"],
            year=e["year"],
            kind=e.get("kind", "other"),
            purpose=e["purpose"],
            amount=e.get("amount"),
            used_amount=used,
            line=e.get("line"),
            allocation_key=e.get("assignment_key"),
            decision=e.get("decision"),
            counterparty=e.get("counterparty"),
            co_org_units=e.get("co_org_units") or [],
        )
        earmarked.write_earmarked(session, feed, None, eid, body_e)
        loaded += 1

    loaded += _stated(session, feed, doc)
    AuditTrail(spec.infrastructure).record(
        session, SEED_KEY, "seed", "budget", str(path.name), {"rows": loaded}
    )
    session.commit()
    return loaded


def _label(line: str) -> str:
    return {"ambulans_upphandlad": "Upphandlad ambulanssjukvård (budget ej angiven)"}.get(
        line, line
    )


def _stated(session: Session, feed: ChangeFeed, doc: dict[str, Any]) -> int:
    """The totals, the stated deviations (those of the lines included) and the other
    figures, through the same loads as the API."""
    deviations = [
        {k: d.get(k) for k in ("org_unit", "year", "line", "label", "deviation", "share_bp")}
        | {"source_text": d.get("source_text")}
        for d in doc.get("stated_deviations", [])
    ] + [
        {
            "org_unit": b["org_unit"],
            "year": b["year"],
            "line": b["line"],
            "label": b.get("label"),
            "deviation": b["stated_deviation"],
            "share_bp": b.get("stated_deviation_share_bp"),
            "source_text": b.get("source_text"),
        }
        for b in doc.get("budget_lines", [])
        if b.get("stated_deviation") is not None
    ]
    figures = [
        {k: v for k, v in f.items() if k != "derived"}
        | {"derivation": f.get("derivation") if f.get("derived") else None}
        for f in doc.get("reported_figures", [])
    ]
    loaded = 0
    for kind, rows in (
        (stated.TOTALS, doc.get("totals", [])),
        (stated.DEVIATIONS, deviations),
        (stated.FIGURES, figures),
    ):
        loaded += stated.load_rows(session, feed, None, kind, rows).inserted
    return loaded

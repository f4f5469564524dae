"""Benchmark: the plans of the evaluation queries on a store of 1 000 000 unrelated results.

    .venv/bin/python bench/explain_evaluations.py \
        --database-url postgresql://postgres@127.0.0.1:5432/bench_ind [--rows 1000000] [--reuse]

Recreates the indicators schema (a throwaway store: what it held is dropped), seeds it and
loads ``--rows`` results no seeded evaluation reads through the service's own load (one
CSV body, ``results.load_results``: so the store is analysed as a load leaves it); with
``--reuse`` a store already holding that many results is taken as it is. Then runs the
evaluation summary (``evaluation.summary``) in-process for REGION, HSN and SUS, 2024 and
2024-08, catches every statement it sends on the result table and runs each again under
``EXPLAIN (ANALYZE, BUFFERS)``: prints each plan's nodes (type, relation, index, rows,
time) and the buffers it touched, and whether any node scans the whole result table.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import sqlalchemy as sa
from indicators_data import (
    csv_body,
    load_average,
    seeded_indicators,
    seeded_store,
    unrelated_lines,
)
from sqlalchemy import event
from sqlmodel import Session

from services.indicators import evaluation, results
from services.indicators.config import IndicatorsSettings
from services.indicators.load_body import read_load_body
from services.indicators.main import build_app
from shared.keys import Principal
from shared.periods import Period

CASES = [("REGION", "2024"), ("REGION", "2024-08"), ("HSN", "2024"), ("SUS", "2024")]
ADMIN = Principal("bench", frozenset({"admin"}), frozenset())


def nodes(plan: dict[str, Any], depth: int = 0) -> list[tuple[int, dict[str, Any]]]:
    out = [(depth, plan)]
    for child in plan.get("Plans", []):
        out.extend(nodes(child, depth + 1))
    return out


def describe(depth: int, node: dict[str, Any]) -> str:
    what = node["Node Type"]
    if "Index Name" in node:
        what += f" using {node['Index Name']}"
    if "Relation Name" in node:
        what += f" on {node['Relation Name']}"
    return (
        f"{'  ' * depth}{what}: rows {node.get('Actual Rows', '?')} × "
        f"{node.get('Actual Loops', 1)} loops, {node.get('Actual Total Time', 0):.2f} ms, "
        f"buffers hit {node.get('Shared Hit Blocks', 0)} read {node.get('Shared Read Blocks', 0)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_ind")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    url: str = args.database_url

    app = build_app(IndicatorsSettings(database_url=url, log_level="WARNING"))
    engine: sa.Engine = app.state.engine
    stored = 0
    if args.reuse:
        with engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT count(*) FROM indicators.result")).scalar_one()
    if stored < args.rows:
        seeded_store(url)
        body = csv_body(unrelated_lines(seeded_indicators(url), args.rows))
        t0 = time.perf_counter()
        with Session(engine) as session:
            answer = results.load_results(
                session,
                app.state.feed,
                app.state.audit,
                ADMIN,
                read_load_body("text/csv", body),
            )
        del body
        print(
            f"loaded {answer.inserted:,} unrelated rows in {time.perf_counter() - t0:.1f} s "
            f"[{load_average()}]"
        )
    with engine.connect() as conn:
        count, analysed = conn.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM indicators.result), "
                "(SELECT reltuples::bigint FROM pg_class WHERE oid = 'indicators.result'::regclass)"
            )
        ).one()
    print(f"results stored: {count:,}; the planner's estimate (reltuples): {analysed:,}")

    caught: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def catch(_c: Any, _cur: Any, statement: str, parameters: Any, _x: Any, _m: bool) -> None:
        if "indicators.result" in statement and statement.lstrip().upper().startswith("SELECT"):
            caught.append((statement, parameters))

    whole_scans = 0
    for unit, period in CASES:
        caught.clear()
        with Session(engine) as session:
            t0 = time.perf_counter()
            summary = evaluation.summary(session, unit, Period.parse(period))
            seconds = time.perf_counter() - t0
        event.remove(engine, "before_cursor_execute", catch)
        print(
            f"\n== {unit} {period}: {len(summary.evaluations)} evaluations, "
            f"{len(summary.areas)} areas in {seconds * 1000:.1f} ms, "
            f"{len(caught)} statements on the result table [{load_average()}]"
        )
        with engine.connect() as conn:
            for statement, parameters in caught:
                explained = conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters
                ).scalar_one()
                doc = explained if isinstance(explained, list) else json.loads(explained)
                top = doc[0]
                first_line = " ".join(statement.split())[:110]
                print(f"  {first_line}…")
                print(
                    f"    planning {top['Planning Time']:.2f} ms, "
                    f"execution {top['Execution Time']:.2f} ms"
                )
                for depth, node in nodes(top["Plan"]):
                    print("    " + describe(depth, node))
                    if node["Node Type"] in ("Seq Scan", "Parallel Seq Scan") and (
                        node.get("Relation Name") == "result"
                    ):
                        whole_scans += 1
        event.listen(engine, "before_cursor_execute", catch)
    print(
        f"\nnodes scanning the whole result table: {whole_scans} "
        f"({'none: every query reads through an index' if not whole_scans else 'SEQ SCANS'})"
    )
    engine.dispose()


if __name__ == "__main__":
    main()

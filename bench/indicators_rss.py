"""Benchmark: the indicators service's resident memory at start, idle and during a big load.

    .venv/bin/python bench/indicators_rss.py \
        --database-url postgresql://postgres@127.0.0.1:5432/bench_ind [--rows 1000000] [--runs 3]

Each run recreates and seeds the indicators schema in the given database (a throwaway
store), starts the service under uvicorn and reads from ``/proc`` of its process:

1. ``VmRSS`` right after start (the baseline: what imports and the app cost);
2. ``VmRSS`` idle after some reads (the evaluations and follow-up sections the view asks
   for, as ``indicators_speed.py`` does before its load);
3. ``VmHWM`` (the peak) during one CSV load of ``--rows`` results (``POST /v1/results``),
   counted from the idle RSS (``clear_refs``), goal ≤ 128 MiB.

Each figure is printed beside the start of the same process, with the load average; with
several runs, the medians at the end.
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx
from indicators_data import (
    csv_body,
    load_average,
    reset_peak,
    seeded_indicators,
    seeded_store,
    start_service,
    unrelated_lines,
    vm,
)

CASES = [("REGION", "2024"), ("REGION", "2024-08"), ("HSN", "2024"), ("SUS", "2024")]
READS = ("/v1/evaluations", "/v1/area-evaluations", "/v1/evaluation-summary")


def one_run(url: str, rows: int) -> tuple[float, float, float]:
    """(RSS at start, RSS idle after reads, peak during the load), MiB."""
    store = seeded_store(url)
    body = csv_body(unrelated_lines(seeded_indicators(url), rows))
    service = start_service(url)
    pid = service.proc.pid
    try:
        start = vm(pid, "VmRSS")
        headers = {"Authorization": f"Bearer {store.token}"}
        with httpx.Client(base_url=service.base_url, headers=headers, timeout=900) as client:
            for _ in range(3):
                for unit, period in CASES:
                    for path in READS:
                        client.get(path, params={"org_unit": unit, "period": period})
                    client.get("/v1/follow-up-section", params={"org_unit": unit, "period": period})
            idle = vm(pid, "VmRSS")
            reset_peak(pid)
            t0 = time.perf_counter()
            r = client.post("/v1/results", content=body, headers={"Content-Type": "text/csv"})
            seconds = time.perf_counter() - t0
            r.raise_for_status()
            assert r.json()["inserted"] == rows, r.json()
            peak = vm(pid, "VmHWM")
    finally:
        service.stop()
    print(
        f"start {start:.0f} MiB, idle {idle:.0f} MiB (+{idle - start:.0f}), peak during the "
        f"load of {rows:,} rows {peak:.0f} MiB (+{peak - start:.0f} over start, "
        f"{peak / start:.2f}×; goal ≤ 128 MiB) in {seconds:.1f} s [{load_average()}]",
        flush=True,
    )
    return start, idle, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_ind")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.database_url, args.rows) for _ in range(args.runs)]
    start, idle, peak = (statistics.median(r[i] for r in runs) for i in range(3))
    print(
        f"median of {args.runs}: start {start:.0f} MiB, idle {idle:.0f} MiB, "
        f"peak {peak:.0f} MiB ({peak / start:.2f}× start) [{load_average()}]"
    )


if __name__ == "__main__":
    main()

"""Benchmark of the overview across committees (``GET /v1/follow-up?period=``) through the
gateway, beside one committee's view in the same states: prints figures, asserts nothing.
Each figure stands beside its baseline, measured in the same run, with the load average.

    .venv/bin/python bench/gateway_overview.py [--rounds 3] [--duration 5]

What it does: migrates, seeds and starts the suite on the Postgres database ``bench``
(server from ``BENCH_DATABASE_URL``), one uvicorn worker per app, coalescing off; then per
round, for the overview of 2024 and, as the baseline, the view of HSN 2024:

1. **asked again** while nothing changed: p50 at one client (``wrk -c1``, pinned to core
   1): the kept overview (``gateway/followup/kept_overview.py``) against the kept view;
2. **remade from the services' kept answers**: the first ask after a change to the
   follow-up cycle only (a due date of 2023 moved, and back), which no service's data
   version sees: every call answered 304 by its service; median of 5;
3. **made afresh**: the first ask after a write to every service (a period lock of PAN's
   2019), every answer computed again; median of 5.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import httpx
from gateway_followup import DEFAULT_DATABASE_URL, touch_every_service, view_path, wrk
from indicators_data import load_average
from stacks import bench_database, running_stack

from shared.suite import Stack

OVERVIEW = "/v1/follow-up?period=2024"
VIEW = view_path("HSN", "2024")


def first_ask_after(stack: Stack, change: Callable[[], None], path: str) -> float:
    """ms of the first ask of ``path`` after ``change()``, the median of 5."""
    took = []
    with httpx.Client(headers=stack.auth("read"), timeout=120) as client:
        for _ in range(5):
            change()
            started = time.perf_counter()
            client.get(stack.gateways[0].base_url + path).raise_for_status()
            took.append(1000 * (time.perf_counter() - started))
    return statistics.median(took)


def cycle_change(stack: Stack) -> Callable[[], None]:
    """A change to the follow-up cycle only: a due date of 2023 moved there and back."""
    gateway = stack.gateways[0].base_url
    admin = stack.auth("admin")
    occasions = httpx.get(f"{gateway}/v1/calendar", params={"year": 2023}, headers=admin)
    occasion = occasions.raise_for_status().json()["occasions"][0]
    path = f"{gateway}/v1/calendar/occasions/{occasion['id']}"

    def move(due: str) -> None:
        tag = httpx.get(path, headers=admin).raise_for_status().headers["etag"]
        answer = httpx.put(path, json={"due_date": due}, headers={**admin, "If-Match": tag})
        answer.raise_for_status()

    def change() -> None:
        move("2023-12-28" if occasion["due_date"] != "2023-12-28" else "2023-12-29")
        move(occasion["due_date"])

    return change


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    args = parser.parse_args()
    url = bench_database(DEFAULT_DATABASE_URL)
    print(f"store: {url}; loading seed data ...")
    with running_stack(url, "bench-overview-", coalesce="false") as (stack, _):
        print(f"cores: {os.cpu_count()}; each app one uvicorn worker; coalescing off")
        gateway, auth = stack.gateways[0].base_url, stack.auth("read")
        for path in (OVERVIEW, VIEW):  # made once before the kept figures
            httpx.get(gateway + path, headers=auth, timeout=120).raise_for_status()
        cycle = cycle_change(stack)
        for n in range(1, args.rounds + 1):
            kept = {p: wrk(gateway + p, auth, 1, args.duration).p50_ms for p in (OVERVIEW, VIEW)}
            remade = {p: first_ask_after(stack, cycle, p) for p in (OVERVIEW, VIEW)}
            touched = {
                p: first_ask_after(stack, lambda: touch_every_service(stack), p)
                for p in (OVERVIEW, VIEW)
            }
            print(f"round {n}  {load_average()}")
            for label, figures in (
                ("asked again (kept), p50 at 1 client", kept),
                ("remade from the services' kept answers", remade),
                ("made afresh after a write to every service", touched),
            ):
                overview, view = figures[OVERVIEW], figures[VIEW]
                print(
                    f"  {label:<44} overview {overview:7.1f} ms   view HSN 2024 {view:6.1f} ms"
                    f"   overview / view {overview / view:5.1f}x"
                )


if __name__ == "__main__":
    main()

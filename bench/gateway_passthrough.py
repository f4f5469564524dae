"""Benchmark of what the gateway adds to a proxied request (issue 13): prints figures, asserts nothing.

    .venv/bin/python bench/gateway_passthrough.py [--duration 5] [--rounds 3]

What it does:
1. makes the Postgres database ``bench_c`` if missing (server from ``BENCH_DATABASE_URL``,
   default postgresql://postgres@127.0.0.1:5432/bench_c), migrates the three services'
   schemas there afresh, loads the seed data and writes a read key;
2. starts the three services and one gateway (``coalesce=false``) with uvicorn on loopback;
3. for each path, ``--rounds`` times, runs ``wrk -t1 -c1 --latency`` pinned to core 1
   (``taskset -c 1``) directly at the service and then through the gateway, back to back;
4. prints p50 / p99 both ways, what the gateway added (ms, and the ratio gateway / direct),
   the CPU the gateway process spent per proxied request (utime + stime of
   ``/proc/<pid>/stat`` over the run, divided by the requests wrk counted) beside the
   service's per direct request, and the load average before each round.

The goal (issue 13): the gateway adds at most 2 ms at p50 and 5 ms at p99 at one client.
Needs ``wrk`` (``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from dataclasses import dataclass

import httpx
from stacks import bench_database, running_stack
from wrk import run_wrk

from shared.suite import Stack

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench_c"
#: (label, the service that owns the path, the path): a single-row GET and a list page.
PATHS = [
    ("single row", "indicators", "/v1/indicators/ID0291"),
    ("list page", "indicators", "/v1/results?org_unit=REGION&limit=500"),
]


@dataclass
class Run:
    """One wrk run and the CPU one process spent during it."""

    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms_per_request: float


def wrk(url: str, token: str, duration: int, pid: int) -> Run:
    r = run_wrk(url, {"Authorization": f"Bearer {token}"}, duration=duration, pids=[pid])
    return Run(r.p50_ms, r.p99_ms, r.requests, r.errors, r.cpu_ms[pid])


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} / {five:.2f}"


def run(stack: Stack, duration: int, rounds: int) -> None:
    token = stack.tokens["read"]
    gateway = stack.gateways[0]
    auth = {"Authorization": f"Bearer {token}"}
    added: dict[str, list[tuple[float, float]]] = {}
    for label, service, path in PATHS:
        direct_url = stack.services[service].base_url + path
        via_url = gateway.base_url + path
        # Warm both ways (and check they answer the same bytes but for the links).
        direct = httpx.get(direct_url, headers=auth, timeout=60)
        via = httpx.get(via_url, headers=auth, timeout=60)
        direct.raise_for_status()
        via.raise_for_status()
        print(f"\n{label}: GET {path} ({len(direct.content)} bytes direct, {len(via.content)} via)")
        print(
            "  round | direct p50    p99  cpu/req | gateway p50    p99  cpu/req (gw) "
            "| added p50    p99 | ratio p50  p99 | load 1/5 min"
        )
        for r in range(1, rounds + 1):
            before = load()
            d = wrk(direct_url, token, duration, stack.services[service].proc.pid)
            g = wrk(via_url, token, duration, gateway.proc.pid)
            add50, add99 = g.p50_ms - d.p50_ms, g.p99_ms - d.p99_ms
            added.setdefault(label, []).append((add50, add99))
            errors = f"  errors {d.errors}/{g.errors}" if d.errors or g.errors else ""
            print(
                f"  {r:5d} | {d.p50_ms:10.2f} {d.p99_ms:6.2f} {d.cpu_ms_per_request:8.2f} "
                f"| {g.p50_ms:11.2f} {g.p99_ms:6.2f} {g.cpu_ms_per_request:8.2f}     "
                f"| {add50:+9.2f} {add99:+6.2f} "
                f"| x{g.p50_ms / max(d.p50_ms, 0.001):5.2f} x{g.p99_ms / max(d.p99_ms, 0.001):5.2f} "
                f"| {before}{errors}"
            )
    print("\nsummary (goal: added <= +2 ms p50, <= +5 ms p99), median over rounds:")
    for label, values in added.items():
        p50 = statistics.median(v[0] for v in values)
        p99 = statistics.median(v[1] for v in values)
        print(f"  {label:<11} added p50 {p50:+.2f} ms, p99 {p99:+.2f} ms")
    print(f"  {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--gateway-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra gateway setting (GATEWAY_ prefix added); coalesce=false is set",
    )
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("taskset"):
        sys.exit("wrk (and taskset) are needed: apt-get install -y wrk util-linux")
    url = bench_database(DEFAULT_DATABASE_URL)
    print(f"store: {url}; loading seed data ...")
    overrides = {"coalesce": "false", **dict(kv.split("=", 1) for kv in args.gateway_env)}
    with running_stack(url, "bench-passthrough-", **overrides) as (stack, _):
        print(
            f"cores: {os.cpu_count()}; services and gateway: one uvicorn process each; "
            f"gateway pid {stack.gateways[0].proc.pid}"
        )
        run(stack, args.duration, args.rounds)


if __name__ == "__main__":
    main()

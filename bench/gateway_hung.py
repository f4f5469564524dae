"""Benchmark: the follow-up view while a service is frozen (SIGSTOP): prints figures, asserts nothing.

    .venv/bin/python bench/gateway_hung.py [--clients 20] [--duration 15] [--deadline 2]
        [--hung indicators] [--spread] [--gateway-env breaker_failures=100000]

What it does:
1. makes throwaway SQLite stores (or the Postgres database of ``BENCH_DATABASE_URL``),
   migrated and seeded, with a read key;
2. starts the three services and a gateway whose per-upstream deadline is ``--deadline``;
3. warms the views, then freezes one service with SIGSTOP (it accepts connections and
   never answers);
4. runs ``wrk`` pinned to core 1 with ``--clients`` connections for ``--duration`` seconds
   against the view: HSN 2024 for every request (identical requests share one fetch), or
   with ``--spread`` the next committee for each request (19 different views in turn, so
   concurrent requests rarely share a fetch);
5. prints wrk's latency percentiles against the deadline, and the breaker's transitions.
   ``--gateway-env breaker_failures=100000`` keeps the breaker closed, so every answer
   waits out the deadline (the worst case; with the breaker, answers come at once after
   the first few failures).

``--burst N`` instead asks for every committee's view at once (one warmed connection each),
N times over, and prints each round's median and slowest answer and how many came later than
the deadline + 100 ms (what ``tests/gateway/test_degraded.py`` bounds, for 12 views).

The goal (issue 11, point 7): every answer within the deadline + 100 ms at p99.
Needs ``wrk`` (``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from stacks import bench_database, running_stack

from shared.reference import committees
from shared.registry import service_names
from shared.suite import Stack

ROTATE = """
units = {%s}
n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/v1/follow-up/" .. units[(n %% #units) + 1] .. "?period=2024")
end
"""


def transitions(gateway: str) -> dict[tuple[str, str], float]:
    text = httpx.get(gateway + "/metrics").text
    return {
        (s.labels["upstream"], s.labels["state"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "gateway_breaker_transitions_total"
    }


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(m[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[m[2]]


def wrk(url: str, token: str, clients: int, duration: float, script: Path | None) -> str:
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{clients}", f"-d{duration:.0f}s"]
    command += ["--latency", "--timeout", "10s", "-H", f"Authorization: Bearer {token}"]
    if script is not None:
        command += ["-s", str(script)]
    return subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout


def run(stack: Stack, args: argparse.Namespace, tmp: Path) -> None:
    gateway = stack.gateways[0].base_url
    token = stack.tokens["read"]
    units = committees() if args.spread else ["HSN"]
    for unit in units:  # warm every view and the pools
        httpx.get(
            f"{gateway}/v1/follow-up/{unit}",
            params={"period": "2024"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ).raise_for_status()
    script = None
    if args.spread:
        script = tmp / "rotate.lua"
        script.write_text(ROTATE % ", ".join(f'"{u}"' for u in units))
    before = transitions(gateway)
    with stack.hung(args.hung):
        out = wrk(
            gateway + "/v1/follow-up/HSN?period=2024", token, args.clients, args.duration, script
        )
    after = transitions(gateway)
    percentiles = dict(re.findall(r"^\s*(50|75|90|99)%\s+(\S+)", out, re.M))
    latency = re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", out, re.M)
    requests = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    print(
        f"{args.clients} connections, {args.duration:.0f} s, {args.hung} frozen, deadline "
        f"{args.deadline} s, {'a different committee each request' if args.spread else 'HSN 2024'}: "
        f"{requests[1] if requests else '?'} answers, non-2xx {non2xx[1] if non2xx else 0}, "
        f"wrk timeouts {timeouts[1] if timeouts else 0}"
    )
    if percentiles and latency:
        line = "  ".join(f"p{p} {_ms(v):.0f}" for p, v in percentiles.items())
        print(f"  latency ms: {line}  max {_ms(latency[3]):.0f}")
    changed = {k: v - before.get(k, 0.0) for k, v in after.items() if v > before.get(k, 0.0)}
    print(f"  breaker transitions in the run: {changed or 'none'}")


def burst(stack: Stack, args: argparse.Namespace) -> None:
    gateway = stack.gateways[0].base_url
    headers = {"Authorization": f"Bearer {stack.tokens['read']}"}
    units = committees()
    clients = [httpx.Client(base_url=gateway, headers=headers, timeout=60) for _ in units]

    def ask(pair: tuple[httpx.Client, str]) -> float:
        client, unit = pair
        start = time.perf_counter()
        client.get(f"/v1/follow-up/{unit}", params={"period": "2024"}).raise_for_status()
        return time.perf_counter() - start

    try:
        for client, unit in zip(clients, units, strict=True):  # warm: connections and pools
            ask((client, unit))
        print(f"{len(units)} views at once, {args.hung} frozen, deadline {args.deadline} s:")
        with stack.hung(args.hung), ThreadPoolExecutor(len(units)) as pool:
            for round_ in range(args.burst):
                took = list(pool.map(ask, zip(clients, units, strict=True)))
                late = sum(1 for t in took if t > args.deadline + 0.1)
                print(
                    f"  round {round_ + 1}: median {statistics.median(took):.3f} s, slowest "
                    f"{max(took):.3f} s, later than the deadline + 100 ms: {late}"
                )
    finally:
        for client in clients:
            client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--deadline", type=float, default=2.0)
    parser.add_argument("--hung", default="indicators")
    parser.add_argument("--spread", action="store_true", help="the next committee each request")
    parser.add_argument("--burst", type=int, default=0, help="rounds of every view at once")
    parser.add_argument("--gateway-env", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    if not args.burst and (not shutil.which("wrk") or not shutil.which("taskset")):
        sys.exit("wrk (and taskset) are needed: apt-get install -y wrk util-linux")
    settings = {f"{name}_timeout": str(args.deadline) for name in service_names()}
    settings.update(dict(kv.split("=", 1) for kv in args.gateway_env))
    # SQLite stores unless BENCH_DATABASE_URL names a Postgres database.
    with running_stack(bench_database(), "bench-hung-", **settings) as (stack, folder):
        if args.burst:
            burst(stack, args)
        else:
            run(stack, args, folder)


if __name__ == "__main__":
    main()

"""Benchmark of the follow-up view through the gateway (issue 7): prints figures, asserts nothing.

    .venv/bin/python bench/gateway_followup.py [--duration 10] [--connections 1,20,50]

What it does:
1. makes the Postgres database ``bench`` if missing (server from ``BENCH_DATABASE_URL``,
   default postgresql://postgres@127.0.0.1:5432/bench), migrates the three services' schemas
   there afresh, loads the seed data and writes a read key;
2. starts the three services and the gateway with uvicorn on loopback ports;
3. runs ``wrk`` pinned to core 1 (``taskset -c 1``) against the view (HSN 2024) at each
   concurrency, and in the same run against each upstream call the view makes, directly;
4. prints p50 / p99 / requests per second for each, the slowest upstream call beside the view,
   the ratio view / slowest upstream, and the upstream calls during the view's run: their
   number and mean latency as the gateway saw them (its /metrics) beside the time the
   services spent on them (their own /metrics). The difference is what the gateway's HTTP
   client, the loopback and queueing add; the count shows what request coalescing saved.

Gateway settings can be varied with ``--gateway-env``, e.g. ``coalesce=false``,
``max_keepalive_connections=100``.

Needs ``wrk`` (``apt-get install -y wrk``; run ``apt-get update`` first if apt finds nothing).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from shared.db import database_on_server
from shared.registry import store_names
from shared.suite import Stack, new_stack, prepare_stores

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench"
LARGE_INDICATORS = 300
LARGE_YEARS = range(2015, 2025)


def view_path(period: str) -> str:
    return f"/v1/follow-up/HSN?period={period}"


def upstream_calls(period: str) -> dict[str, tuple[str, str]]:
    """The calls the view makes for HSN (whose indicators are REGION's)."""
    year = period[:4]
    last_month = "12" if "-" not in period else period[-2:]
    last_day = date(int(year), int(last_month), monthrange(int(year), int(last_month))[1])
    through = "" if "-" not in period else f"&through={year}-{last_month}"
    return {
        "indicators /v1/evaluation-summary": (
            "indicators",
            f"/v1/evaluation-summary?org_unit=REGION&period={period}",
        ),
        "indicators /v1/production": (
            "indicators",
            f"/v1/production?org_unit=HSN&period={period}",
        ),
        "assignments /v1/assignments": (
            "assignments",
            f"/v1/assignments?org_unit=HSN&year={year}&limit=10000",
        ),
        "assignments /v1/internal-control": (
            "assignments",
            f"/v1/internal-control?org_unit=HSN&year={year}&as_of={last_day.isoformat()}",
        ),
        "budget /v1/summary": ("budget", f"/v1/summary?org_unit=HSN&year={year}{through}"),
        "budget /v1/forecast-rounds": (
            "budget",
            f"/v1/forecast-rounds?org_unit=HSN&year={year}&through={year}-{last_month}",
        ),
    }


@dataclass
class Result:
    p50_ms: float
    p99_ms: float
    rps: float
    errors: int


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"unreadable wrk latency {text!r}")
    value, unit = float(m[1]), m[2]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url: str, token: str, connections: int, duration: int) -> Result:
    command = [
        "taskset",
        "-c",
        "1",
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-H",
        f"Authorization: Bearer {token}",
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if not (p50 and p99 and rps):
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    errors = int(non2xx[1]) if non2xx else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return Result(_ms(p50[1]), _ms(p99[1]), float(rps[1]), errors)


def gateway_upstream_totals(gateway_url: str) -> dict[str, tuple[float, float]]:
    """(sum of seconds, count) of the gateway's successful upstream calls, per upstream."""
    totals: dict[str, list[float]] = {}
    text = httpx.get(gateway_url + "/metrics").text
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.labels.get("outcome") != "ok":
                continue
            entry = totals.setdefault(s.labels["upstream"], [0.0, 0.0])
            if s.name == "gateway_upstream_request_duration_seconds_sum":
                entry[0] = s.value
            elif s.name == "gateway_upstream_request_duration_seconds_count":
                entry[1] = s.value
    return {u: (v[0], v[1]) for u, v in totals.items()}


def gateway_failures(gateway_url: str) -> dict[tuple[str, str], float]:
    """Upstream failures so far, by (upstream, reason): a view answered partial hides them."""
    text = httpx.get(gateway_url + "/metrics").text
    return {
        (s.labels["upstream"], s.labels["reason"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "gateway_upstream_failures_total"
    }


def service_totals(stack: Stack) -> dict[str, tuple[float, float]]:
    """(sum of seconds, count) the services themselves measured for their GETs, per service."""
    totals: dict[str, tuple[float, float]] = {}
    for name, process in stack.services.items():
        total = count = 0.0
        text = httpx.get(process.base_url + "/metrics").text
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                if s.labels.get("method") != "GET" or not s.labels.get("route", "").startswith(
                    "/v1/"
                ):
                    continue
                if s.name == "http_request_duration_seconds_sum":
                    total += s.value
                elif s.name == "http_request_duration_seconds_count":
                    count += s.value
        totals[name] = (total, count)
    return totals


def mean_ms_between(
    before: dict[str, tuple[float, float]], after: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, int]]:
    """Mean latency (ms) and number of the upstream calls made between two readings."""
    out = {}
    for upstream, (total, count) in after.items():
        total0, count0 = before.get(upstream, (0.0, 0.0))
        if count > count0:
            out[upstream] = (1000 * (total - total0) / (count - count0), int(count - count0))
    return out


def line(label: str, r: Result) -> str:
    errors = f"  errors {r.errors}" if r.errors else ""
    return f"  {label:<34} p50 {r.p50_ms:7.1f} ms   p99 {r.p99_ms:7.1f} ms   {r.rps:7.0f} req/s{errors}"


def run(stack: Stack, connections: list[int], duration: int, period: str) -> None:
    token = stack.tokens["read"]
    gateway = stack.gateways[0].base_url
    auth = {"Authorization": f"Bearer {token}"}
    calls = upstream_calls(period)
    path = view_path(period)
    # Warm every path once (and check it answers) before measuring.
    for service, upstream_path in calls.values():
        httpx.get(
            stack.services[service].base_url + upstream_path, headers=auth, timeout=60
        ).raise_for_status()
    view = httpx.get(gateway + path, headers=auth, timeout=60)
    view.raise_for_status()
    body = view.json()
    evaluations = sum(
        len(i["evaluations"])
        for g in body["goals"]
        for a in g["areas"]
        for d in a["delmal"]
        for i in d["indicators"]
    )
    print(
        f"\nview HSN {period}: {len(view.content)} bytes, {evaluations} evaluations, "
        f"{len(body['assignments'])} assignments, partial={body['partial']}"
    )
    summary = []
    for n in connections:
        print(f"\n{n} concurrent connection(s), {duration} s each (wrk on core 1):")
        before, served_before = gateway_upstream_totals(gateway), service_totals(stack)
        failures_before = gateway_failures(gateway)
        view_result = wrk(gateway + path, token, n, duration)
        failed = {
            k: v - failures_before.get(k, 0.0)
            for k, v in gateway_failures(gateway).items()
            if v > failures_before.get(k, 0.0)
        }
        seen_by_gateway = mean_ms_between(before, gateway_upstream_totals(gateway))
        served = mean_ms_between(served_before, service_totals(stack))
        print(line("gateway GET " + path, view_result))
        if failed:
            lost = ", ".join(f"{u} {reason} x{int(k)}" for (u, reason), k in sorted(failed.items()))
            print(f"  !! upstream failures during the view run (partial answers): {lost}")
        upstream: dict[str, Result] = {}
        for label, (service, upstream_path) in calls.items():
            base = stack.services[service].base_url
            upstream[label] = wrk(base + upstream_path, token, n, duration)
            print(line(label + " (direct)", upstream[label]))
        slowest_label, slowest = max(upstream.items(), key=lambda kv: kv[1].p99_ms)
        slowest_p50 = max(r.p50_ms for r in upstream.values())
        ratio50 = view_result.p50_ms / max(slowest_p50, 0.001)
        ratio99 = view_result.p99_ms / max(slowest.p99_ms, 0.001)
        print(f"  slowest upstream call (by p99): {slowest_label}")
        print(
            f"  view / slowest upstream: p50 x{ratio50:.2f} (against the largest p50, "
            f"{slowest_p50:.1f} ms), p99 x{ratio99:.2f}"
        )
        print("  upstream calls during the view run: as the gateway saw them | inside the service")
        for name, (ms, k) in sorted(seen_by_gateway.items()):
            inside = served.get(name, (0.0, 0))[0]
            print(f"    {name:<12} {k:6d} calls  {ms:7.1f} ms | {inside:7.1f} ms")
        summary.append((n, view_result, slowest_label, slowest, ratio99))
    print(
        f"\nsummary, view HSN {period} (p99 goal: <= 150 ms at 50 connections, view <= 1.5 x slowest upstream)"
    )
    print(" conns | view p50 | view p99 | slowest upstream p50 | p99      | view/slowest p99")
    for n, v, label, s, ratio in summary:
        print(
            f" {n:5d} | {v.p50_ms:6.1f}ms | {v.p99_ms:6.1f}ms | {s.p50_ms:6.1f}ms "
            f"{label.split()[1]:<14}| {s.p99_ms:6.1f}ms | x{ratio:.2f}"
        )


def load_large(stack: Stack) -> None:
    """300 synthetic indicators with a target, and monthly results for every org unit over
    ten years, loaded through the indicators service's own API (PUT indicators and targets,
    POST /v1/results as CSV, one indicator block at a time)."""
    from shared.reference import goals, org_units

    base = stack.services["indicators"].base_url
    admin = {"Authorization": f"Bearer {stack.tokens['admin']}"}
    places = [(a.code, d.code) for g in goals() for a in g.areas for d in a.delmal]
    units = list(org_units())
    months = [f"{y}-{m:02d}" for y in LARGE_YEARS for m in range(1, 13)]
    started = time.perf_counter()
    rows_loaded = 0
    with httpx.Client(base_url=base, headers=admin, timeout=600) as client:
        for i in range(LARGE_INDICATORS):
            code = f"SYN{i + 1:04d}"
            area, delmal = places[i % len(places)]
            client.put(
                f"/v1/indicators/{code}",
                json={
                    "name": f"Syntetisk indikator {i + 1}",
                    "description": "Synthetic indicator for the gateway benchmark.",
                    "unit": "percent",
                    "direction": "higher_is_better",
                    "area": area,
                    "delmal": delmal,
                },
            ).raise_for_status()
            client.put(
                f"/v1/indicators/{code}/targets/{LARGE_YEARS[0]}",
                json={"expression": "≥80%", "org_unit": None},
            ).raise_for_status()
        block = 10  # indicators per POST: 10 x 20 units x 120 months = 24 000 rows
        for first in range(0, LARGE_INDICATORS, block):
            lines = ["indicator,org_unit,period,breakdown,value,numerator,denominator,status"]
            for i in range(first, min(first + block, LARGE_INDICATORS)):
                for u, unit in enumerate(units):
                    for m, month in enumerate(months):
                        numerator = 700 + (i * 7 + u * 13 + m * 3) % 250
                        lines.append(
                            f"SYN{i + 1:04d},{unit},{month},total,"
                            f"{numerator / 10:.1f},{numerator},1000,final"
                        )
            answer = client.post(
                "/v1/results", content="\n".join(lines) + "\n", headers={"Content-Type": "text/csv"}
            )
            answer.raise_for_status()
            report = answer.json()
            rows_loaded += report["inserted"] + report["updated"] + report["unchanged"]
    elapsed = time.perf_counter() - started
    print(
        f"large data set: {LARGE_INDICATORS} indicators, {rows_loaded} monthly results "
        f"({len(units)} org units x {len(months)} months) loaded in {elapsed:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", default="1,20,50", help="comma-separated")
    parser.add_argument(
        "--large",
        action="store_true",
        help="then load the large synthetic region and measure HSN 2024 and 2024-08 again",
    )
    parser.add_argument(
        "--gateway-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra gateway setting, e.g. max_keepalive_connections=100 (GATEWAY_ prefix added)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("taskset"):
        sys.exit(
            "wrk (and taskset) are needed: apt-get update && apt-get install -y wrk util-linux"
        )
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    url = database_on_server(base, base.rsplit("/", 1)[-1])
    print(f"store: {url}; loading seed data ...")
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as tmp:
        stores = prepare_stores(dict.fromkeys(store_names(), url))
        overrides = dict(kv.split("=", 1) for kv in args.gateway_env)
        stack = new_stack(stores, Path(tmp), log_level="WARNING", **overrides)
        try:
            print(f"cores: {os.cpu_count()}; services and gateway: one uvicorn process each")
            connections = [int(c) for c in args.connections.split(",")]
            run(stack, connections, args.duration, "2024")
            if args.large:
                load_large(stack)
                run(stack, connections, args.duration, "2024")
                run(stack, connections, args.duration, "2024-08")
        finally:
            stack.stop()


if __name__ == "__main__":
    main()

"""Benchmark of the follow-up view through the gateway (issue 13): prints figures, asserts
nothing. Every figure stands beside its baseline, measured in the same run, with the load
average at the time (the machine has 2 cores, shared).

    .venv/bin/python bench/gateway_followup.py [--duration 8] [--rounds 3]
        [--unrelated-rows 1000000] [--gateway-env coalesce=false]

What it does:
1. makes the Postgres database ``bench`` if missing (server from ``BENCH_DATABASE_URL``,
   default postgresql://postgres@127.0.0.1:5432/bench), migrates every store there afresh,
   loads the seed data and writes the keys; starts the three services and the gateway, one
   uvicorn worker each, with coalescing of identical view requests turned off;
2. **CPU per view**: the CPU time all four processes spend (``/proc/<pid>/stat``) per view
   of HSN 2024, asked 200 times in a row (``warm``: nothing written in between, so every
   service answers the gateway's revalidation with 304), and per view of 60 distinct
   committees and periods asked once each after a write to every service (``cold``: every
   answer computed afresh);
3. **the view against its upstream calls** at 1 client (``wrk -c1``, pinned to core 1):
   the view's p50 beside each of the calls it makes, sent directly to the service as the
   gateway sends them, back to back, ``--rounds`` times: view ÷ slowest call and view ÷
   the sum of the calls (goals ≤ 1.2× + 3 ms and ≤ 0.6× the sum). A kept view asked again
   while nothing changed makes one call per service, ``GET /v1/data-version``; beside
   them, the section calls a view made before that (each with the ``If-None-Match`` the
   gateway holds, answered 304) and that it still makes when a service's data moved. And
   the floor: ``view_floor.py``, a bare app making only the three data-version asks, its
   p50 ÷ their sum (what no view that confirms its freshness per request comes under);
   then the same for **a view made afresh** (``made_afresh_against_calls``, on a gateway
   started for it, each view asked once): each ask right after a write to every service,
   the view beside its three section calls made afresh, each alone, and beside the floor's
   ``/floor/sections`` (the three at once from a bare app): medians of 40 committees x
   periods a round, with how many of them the gateway made afresh;
4. **50 clients asking different committees and periods** (``wrk -c50`` with a script
   rotating through every committee × 26 periods; goal p99 ≤ 500 ms, 0 partial, 0
   errors), from cold (right after a write to every service) and, once every view has
   been asked for once (8 clients; how long that took is printed), warm; beside each, the
   CPU all processes (Postgres's too) spent per view and what it bounds: at most
   2000 ÷ (ms per view) views a second on two cores, so 50 clients wait at least
   50 ÷ that on average. The wrk runs' seconds go on past the first pass through the
   views (warm from then on), so beside them the stricter form: 50 clients asking each
   view exactly once, every one made afresh on a gateway started for it, after a write to
   every service (``each_view_made_afresh``);
5. **unrelated rows**: a second stack on its own database (``<name>_rows``), with
   ``--unrelated-rows`` monthly results of 2030–2100 loaded into its indicators service
   (``POST /v1/results``, CSV); then the view of HSN 2024 and 2024-08 on each stack in
   turn, ``--rounds`` times: cold (after a write to every service, median of 5) and warm
   (p50 at one client), each against the same figure on the seed alone (goal ≤ 1.2×).

Needs ``wrk`` (``apt-get install -y wrk``).

One script of about 630 lines: the five measurements run in turn on one running suite (the
stack and its seeded data are the costly part) and share its helpers; they read top to
bottom in the order ``main`` runs them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from indicators_data import HEADER, load_average, seeded_indicators, unrelated_lines
from stacks import bench_database, running_stack
from view_floor import start_floor
from wrk import WrkRun, cpu_seconds, run_wrk

from gateway.upstream.reads import ReadConnections
from shared.db import database_on_server
from shared.processes import Process
from shared.reference import org_units
from shared.suite import Stack

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench"
VIEW_UNIT = "HSN"
#: The periods the 50 clients rotate through: both years and each of their months.
PERIODS = ["2023", "2024"] + [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]


def view_path(unit: str, period: str) -> str:
    return f"/v1/follow-up/{unit}?period={period}"


def upstream_calls(unit: str, period: str) -> dict[str, tuple[str, str]]:
    """The calls a view of a committee made afresh makes, and a kept view confirms with
    304s when a service's data moved (REGION and RS add the financial goals)."""
    section = f"/v1/follow-up-section?org_unit={unit}&period={period}"
    return {f"{name} /v1/follow-up-section": (name, section) for name in SERVICES}


def version_calls() -> dict[str, tuple[str, str]]:
    """The calls a kept view makes while nothing changed: each service's data version."""
    return {f"{name} /v1/data-version": (name, "/v1/data-version") for name in SERVICES}


SERVICES = ("indicators", "assignments", "budget")


def wrk(
    url: str,
    headers: dict[str, str],
    connections: int,
    duration: int,
    script: Path | None = None,
    pids: list[int] | None = None,
) -> WrkRun:
    return run_wrk(
        url, headers, connections=connections, duration=duration, script=script, pids=pids or []
    )


ROTATING = """
local paths = {%s}
local n = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) partial = 0 end
function request()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
function response(status, headers, body)
  if string.find(body, '"partial":true', 1, true) then partial = partial + 1 end
end
function done(summary, latency, requests)
  local p = 0
  for _, t in ipairs(threads) do p = p + t:get("partial") end
  io.write(string.format("PARTIAL %%d\\n", p))
end
"""


def rotating_script(folder: Path, paths: list[str]) -> Path:
    script = folder / "rotating.lua"
    script.write_text(ROTATING % ", ".join(f'"{p}"' for p in paths))
    return script


def committees() -> list[str]:
    return [code for code, unit in org_units().items() if unit.kind != "region"]


def pids(stack: Stack) -> dict[str, int]:
    found = {name: process.proc.pid for name, process in stack.services.items()}
    found["gateway"] = stack.gateways[0].proc.pid
    return found


def cpu_per_call(stack: Stack, calls: list[Callable[[], None]]) -> dict[str, float]:
    """CPU ms per call of each process (and their total) over ``calls`` made in a row."""
    processes = pids(stack)
    before = {name: cpu_seconds(pid) for name, pid in processes.items()}
    for call in calls:
        call()
    spent = {
        name: 1000 * (cpu_seconds(pid) - before[name]) / len(calls)
        for name, pid in processes.items()
    }
    spent["total"] = sum(spent.values())
    return spent


def cpu_line(label: str, spent: dict[str, float]) -> str:
    parts = "  ".join(f"{name} {ms:5.1f}" for name, ms in spent.items() if name != "total")
    return f"  {label:<44} {spent['total']:6.1f} ms  ({parts})  {load_average()}"


def touch_every_service(stack: Stack) -> None:
    """A write to each service that no view reads (a period lock of PAN's 2019): each
    service's data version moves on, so every answer it keeps is computed afresh."""
    admin = stack.auth("admin")
    with httpx.Client(timeout=60, headers=admin) as client:
        for name, process in stack.services.items():
            r = client.put(
                f"{process.base_url}/v1/locks/bench-touch-{time.monotonic_ns()}",
                json={"org_units": ["PAN"], "period": "2019"},
            )
            if r.status_code not in (200, 201):
                raise RuntimeError(f"{name}: could not write a lock: {r.status_code} {r.text}")


def line(label: str, r: WrkRun) -> str:
    extra = f"  errors {r.errors}" if r.errors else ""
    if r.partial is not None:
        extra += f"  partial {r.partial}"
    return (
        f"  {label:<44} p50 {r.p50_ms:7.1f} ms  p99 {r.p99_ms:7.1f} ms  {r.rps:6.0f}/s"
        f"{extra}  {load_average()}"
    )


def view_cost(stack: Stack) -> None:
    gateway = stack.gateways[0].base_url
    auth = stack.auth("read")
    with httpx.Client(headers=auth, timeout=60) as client:

        def ask(unit: str, period: str) -> Callable[[], None]:
            def call() -> None:
                client.get(gateway + view_path(unit, period)).raise_for_status()

            return call

        ask(VIEW_UNIT, "2024")()
        warm = cpu_per_call(stack, [ask(VIEW_UNIT, "2024")] * 200)
        touch_every_service(stack)
        units = committees()
        distinct = [(units[i % len(units)], PERIODS[(i * 7) % len(PERIODS)]) for i in range(60)]
        cold = cpu_per_call(stack, [ask(u, p) for u, p in distinct])
    print("\nCPU per view, all four processes (goal <= 25 ms):")
    print(cpu_line(f"warm: {VIEW_UNIT} 2024, 200 in a row", warm))
    print(cpu_line("cold: 60 committees x periods, once each", cold))


def conditional_headers(stack: Stack, service: str, path: str) -> dict[str, str]:
    """The request the gateway sends: the caller's key and the ETag it holds, if any."""
    auth = stack.auth("read")
    answer = httpx.get(stack.services[service].base_url + path, headers=auth, timeout=60)
    answer.raise_for_status()
    etag = answer.headers.get("etag")
    return {**auth, "If-None-Match": etag} if etag else auth


def ratios(label: str, view: WrkRun, calls: dict[str, WrkRun]) -> tuple[float, float]:
    """(slowest call p50, sum of the calls' p50), printed beside the view's."""
    slowest = max(r.p50_ms for r in calls.values())
    total = sum(r.p50_ms for r in calls.values())
    print(
        f"    view / slowest {label}: {view.p50_ms / slowest:.2f}x "
        f"(+{view.p50_ms - slowest:.1f} ms; goal <= 1.2x + 3 ms)   "
        f"view / sum of them: {view.p50_ms / total:.2f}x (goal <= 0.6x)"
    )
    return slowest, total


def view_against_calls(
    stack: Stack, folder: Path, duration: int, rounds: int, period: str
) -> WrkRun:
    gateway = stack.gateways[0].base_url
    auth = stack.auth("read")
    print(f"\nview {VIEW_UNIT} {period} at 1 client beside its calls (wrk -c1, {duration} s):")
    floor, floor_url = start_floor(
        [p.base_url.removeprefix("http://") for p in stack.services.values()],
        auth["Authorization"],
        folder,
    )
    try:
        views: list[WrkRun] = []
        for n in range(rounds):
            view = wrk(gateway + view_path(VIEW_UNIT, period), auth, 1, duration)
            print(line(f"round {n + 1} gateway view", view))
            bare = wrk(floor_url, {}, 1, duration)
            print(line(f"round {n + 1} floor: the three asks alone", bare))
            kinds = {
                "call it makes": (version_calls(), "direct"),
                "section call (made before)": (upstream_calls(VIEW_UNIT, period), "direct, 304"),
            }
            for label, (calls, how) in kinds.items():
                direct: dict[str, WrkRun] = {}
                for name, (service, path) in calls.items():
                    headers = conditional_headers(stack, service, path)
                    url = stack.services[service].base_url + path
                    direct[name] = wrk(url, headers, 1, duration)
                    print(line(f"round {n + 1} {name} ({how})", direct[name]))
                _, total = ratios(label, view, direct)
                if label == "call it makes":
                    print(
                        f"    floor (a bare app making only these asks) / sum of them: "
                        f"{bare.p50_ms / total:.2f}x: no view that confirms its freshness "
                        f"on each request comes under this"
                    )
            views.append(view)
    finally:
        floor.stop()
    return views[-1]


def rotating_paths() -> list[str]:
    return [view_path(u, p) for p in PERIODS for u in committees()]


def every_view_once(stack: Stack, clients: int = 8) -> None:
    """Ask each rotating view once (``clients`` at a time), so that the warm run that
    follows finds every view made, whether or not the cold run's seconds reached them."""
    paths = rotating_paths()
    _, _, errors, spent = asyncio.run(
        _each_once(stack.gateways[0].base_url, stack.auth("read"), paths, clients)
    )
    if errors:
        raise RuntimeError(f"{errors} of the views were not answered 200")
    print(
        f"  every view once, {clients} clients: {len(paths)} views in {spent:.1f} s "
        f"({len(paths) / spent:.0f}/s)  {load_average()}"
    )


async def _each_once(
    base: str, auth: dict[str, str], paths: list[str], clients: int
) -> tuple[list[float], int, int, float]:
    """``paths`` asked once each by ``clients`` clients at a time, on keep-alive
    connections opened (by a ``/health`` each) before the clock starts: every answer's
    latency (ms), how many said ``"partial":true``, how many were not 200, and the seconds
    it all took.

    Through the gateway's own keep-alive client (``ReadConnections``), not httpx: a client
    doing little per request, so that what is timed is the gateway's answer (an httpx
    client on the shared core added tails of its own, up to 2 s, that the gateway's log
    did not show)."""
    connections, headers = _client(base, auth, clients)
    waiting = list(reversed(paths))
    latencies: list[float] = []
    partial = errors = 0

    async def one_client() -> None:
        nonlocal partial, errors
        while waiting:
            path = waiting.pop()
            started = time.perf_counter()
            status, _, body = await connections.get(path.encode(), headers, 60.0)
            latencies.append(1000 * (time.perf_counter() - started))
            if status != 200:
                errors += 1
            elif b'"partial":true' in body:
                partial += 1

    try:
        await asyncio.gather(*(connections.get(b"/health", headers, 10.0) for _ in range(clients)))
        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        return latencies, partial, errors, time.perf_counter() - started
    finally:
        connections.close()


@contextmanager
def fresh_gateway(stack: Stack, **gateway_settings: str) -> Iterator[Process]:
    """A gateway started for the block (no view kept), stopped after it. Before the block
    it makes a few views of the 2026 goal tree, which no measurement asks for: a gateway
    that has served before, not one that has just started."""
    fresh = stack.start_gateway(**gateway_settings)
    try:
        with httpx.Client(base_url=fresh.base_url, headers=stack.auth("read"), timeout=60) as c:
            for unit in committees()[:6]:
                c.get(view_path(unit, "2024") + "&tree=2026").raise_for_status()
        yield fresh
    finally:
        fresh.stop()
        stack.gateways.remove(fresh)


def views_made(gateway: Process, stack: Stack) -> int:
    """How many views ``gateway`` has made afresh (its ``gateway_follow_up_views_total``)."""
    metrics = httpx.get(gateway.base_url + "/metrics", headers=stack.auth("admin"), timeout=60)
    metrics.raise_for_status()
    for row in metrics.text.splitlines():
        if row.startswith('gateway_follow_up_views_total{made="made"}'):
            return int(float(row.rsplit(" ", 1)[1]))
    return 0


def _client(
    base: str, auth: dict[str, str], clients: int
) -> tuple[ReadConnections, list[tuple[bytes, bytes]]]:
    """Keep-alive connections to ``base`` for ``clients`` at once (the gateway's own client:
    little work per request, so what is timed is the answer), and the headers to send."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    connections = ReadConnections(
        host,
        int(port),
        max_connections=clients,
        max_idle=clients,
        keepalive_expiry=300.0,
        connect_timeout=10.0,
        pool_timeout=300.0,
    )
    headers = [(b"host", host.encode()), *((k.encode(), v.encode()) for k, v in auth.items())]
    return connections, headers


def made_afresh_against_calls(
    stack: Stack, folder: Path, rounds: int, samples: int = 40, **gateway_settings: str
) -> None:
    """A view made afresh at one client beside the calls it makes, each made afresh too.

    On a gateway started for this (``fresh_gateway``), per round ``samples`` committees x
    periods (not RS, whose view asks the financial goals too), none asked before, each
    asked three ways, each right after a write to every service (so every service computes
    its section): the view; the floor's ``/floor/sections`` (the three section calls at
    once from a bare app, ``view_floor``); and each section call alone, one after the
    other. Prints the medians of the view, the floor, the slowest call and the calls' sum,
    with the ratios of the goals (view ÷ slowest ≤ 1.2× + 3 ms, view ÷ sum ≤ 0.6×), the
    floor ÷ the sum (how much asking at once can buy when the three services share two
    cores), and how many of the views the gateway made afresh (a view asked before would
    be confirmed by its services instead: ``gateway.followup.kept_views``)."""
    auth = stack.auth("read")
    units = [unit for unit in committees() if unit != "RS"]
    if rounds * samples > len(units) * len(PERIODS):
        raise ValueError(f"at most {len(units) * len(PERIODS)} views are asked once each")
    # Distinct while i < len(units) x len(PERIODS) / gcd(7, len(PERIODS)) (7 and 26 coprime).
    every = [
        (units[i % len(units)], PERIODS[(i * 7) % len(PERIODS)]) for i in range(rounds * samples)
    ]
    floor, floor_url = start_floor(
        [p.base_url.removeprefix("http://") for p in stack.services.values()],
        auth["Authorization"],
        folder,
    )
    print(f"\nview made afresh at 1 client beside its calls made afresh ({samples} asks a round):")
    try:
        with fresh_gateway(stack, **gateway_settings) as gateway:
            for n in range(rounds):
                asks = every[n * samples : (n + 1) * samples]
                before = views_made(gateway, stack)
                found = asyncio.run(
                    _made_afresh(stack, gateway.base_url, floor_url.removesuffix("/floor"), asks)
                )
                made = views_made(gateway, stack) - before
                view, bare = statistics.median(found["view"]), statistics.median(found["floor"])
                slowest = statistics.median(found["slowest"])
                total = statistics.median(found["sum"])
                print(
                    f"  round {n + 1}: view p50 {view:5.1f} ms ({made} of {len(asks)} made "
                    f"afresh), floor (the three calls at once) {bare:5.1f} ms, slowest call "
                    f"{slowest:4.1f} ms, the calls' sum {total:5.1f} ms  {load_average()}\n"
                    f"    view / slowest call: {view / slowest:.2f}x (+{view - slowest:.1f} ms; "
                    f"goal <= 1.2x + 3 ms)   view / sum: {view / total:.2f}x (goal <= 0.6x)   "
                    f"floor / sum: {bare / total:.2f}x   view - floor: {view - bare:.1f} ms "
                    f"(the gateway's own)"
                )
    finally:
        floor.stop()


async def _made_afresh(
    stack: Stack, gateway_base: str, floor_base: str, asks: list[tuple[str, str]]
) -> dict[str, list[float]]:
    """Each of ``asks`` timed as the view, the floor and each section call alone, every one
    after a write to every service (the order of the three ways turns with each ask)."""
    auth = stack.auth("read")
    bases = {
        "view": gateway_base,
        "floor": floor_base,
        **{name: process.base_url for name, process in stack.services.items()},
    }
    clients = {name: _client(base, auth, 1) for name, base in bases.items()}

    async def timed(name: str, target: str) -> float:
        connections, headers = clients[name]
        started = time.perf_counter()
        status, _, body = await connections.get(target.encode(), headers, 60.0)
        if status != 200:
            raise RuntimeError(f"{target} answered {status}: {body[:200]!r}")
        return 1000 * (time.perf_counter() - started)

    async def calls(unit: str, period: str) -> list[float]:
        section = f"/v1/follow-up-section?org_unit={unit}&period={period}"
        return [await timed(name, section) for name in SERVICES]

    found: dict[str, list[float]] = {"view": [], "floor": [], "slowest": [], "sum": []}
    try:
        for name in clients:
            await timed(name, "/health")
        for i, (unit, period) in enumerate(asks):
            ways = ["view", "floor", "calls"]
            for way in ways[i % 3 :] + ways[: i % 3]:
                touch_every_service(stack)
                if way == "calls":
                    each = await calls(unit, period)
                    found["slowest"].append(max(each))
                    found["sum"].append(sum(each))
                elif way == "view":
                    found["view"].append(await timed("view", view_path(unit, period)))
                else:
                    query = f"/floor/sections?org_unit={unit}&period={period}"
                    found["floor"].append(await timed("floor", query))
    finally:
        for connections, _ in clients.values():
            connections.close()
    return found


def each_view_made_afresh(stack: Stack, clients: int = 50, **gateway_settings: str) -> None:
    """``clients`` clients asking each rotating view exactly once, every one made afresh:
    on a gateway started for this (``fresh_gateway``: no view kept), right after a write
    to every service (no answer kept there either). The stricter form of the wrk run "from
    cold", whose seconds go on past the first pass through the views (warm from then on).
    The client (``_each_once``) is pinned to core 1 beside the apps, as wrk is."""
    auth = stack.auth("read")
    with fresh_gateway(stack, **gateway_settings) as fresh:
        touch_every_service(stack)
        paths = rotating_paths()
        cores = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {1})
        try:
            latencies, partial, errors, spent = asyncio.run(
                _each_once(fresh.base_url, auth, paths, clients)
            )
        finally:
            os.sched_setaffinity(0, cores)
    ranked = sorted(latencies)

    def at(share: float) -> float:
        return ranked[min(len(ranked) - 1, int(share * len(ranked)))]

    print(
        f"  each view once, all made afresh: {clients} clients, {len(paths)} views in "
        f"{spent:.1f} s ({len(paths) / spent:.0f}/s): p50 {at(0.5):.1f} ms  p90 {at(0.9):.1f} ms"
        f"  p99 {at(0.99):.1f} ms  max {ranked[-1]:.1f} ms  partial {partial}  errors {errors}"
        f"  {load_average()}"
    )


def postgres_pids() -> list[int]:
    """The Postgres server's processes on this machine (its backends included)."""
    found = subprocess.run(["pgrep", "postgres"], capture_output=True, text=True, check=False)
    return [int(pid) for pid in found.stdout.split()]


def fifty_clients(stack: Stack, folder: Path, duration: int, label: str) -> None:
    """50 clients rotating through every view; beside it, the CPU all processes spent per
    view (the four apps and Postgres's processes that lived through the run) and what that
    CPU bounds: the two cores make at most 2000 / (ms per view) views a second, so 50
    clients asking at once wait at least 50 / that on average (Little's law)."""
    gateway = stack.gateways[0].base_url
    paths = rotating_paths()
    script = rotating_script(folder, paths)
    ours = list(pids(stack).values())
    database = postgres_pids()
    before = {pid: cpu_seconds(pid) for pid in database}
    result = wrk(gateway + paths[0], stack.auth("read"), 50, duration, script, ours)
    spent = 0.0
    # Backends started during the run (a pool growing) count whole; one that ended
    # during it is missed (its CPU since ``before``), which only understates the cost.
    for pid in postgres_pids():
        try:
            spent += cpu_seconds(pid) - before.get(pid, 0.0)
        except FileNotFoundError:
            continue
    database_ms = 1000 * spent / result.requests
    per_view = sum(result.cpu_ms.values()) + database_ms
    views_per_second = 1000 * (os.cpu_count() or 1) / per_view
    print(line(f"{label}: 50 clients, {len(paths)} views rotating", result))
    print(
        f"    CPU per view {per_view:.1f} ms (the apps {per_view - database_ms:.1f}, Postgres "
        f"{database_ms:.1f}): at most {views_per_second:.0f} views/s on {os.cpu_count()} cores, "
        f"so 50 clients wait >= {1000 * 50 / views_per_second:.0f} ms on average"
    )


def load_unrelated(stack: Stack, url: str, rows: int) -> None:
    """``rows`` monthly results of 2030-2100 (``indicators_data.unrelated_lines``: every
    seeded indicator x the units that may report it), one CSV load through the API."""
    base = stack.services["indicators"].base_url
    body = (HEADER + "".join(unrelated_lines(seeded_indicators(url), rows))).encode()
    started = time.perf_counter()
    with httpx.Client(base_url=base, headers=stack.auth("admin"), timeout=1800) as client:
        answer = client.post("/v1/results", content=body, headers={"Content-Type": "text/csv"})
        answer.raise_for_status()
    print(
        f"\nloaded {rows} unrelated monthly results (2030-2100) in "
        f"{time.perf_counter() - started:.0f} s  {load_average()}"
    )


def view_latency(stack: Stack, period: str, duration: int) -> tuple[float, float]:
    """(cold ms: the first ask after a change, median of 5; warm p50 over ``duration``)."""
    gateway = stack.gateways[0].base_url
    auth = stack.auth("read")
    colds = []
    with httpx.Client(headers=auth, timeout=60) as client:
        for _ in range(5):
            touch_every_service(stack)
            started = time.perf_counter()
            client.get(gateway + view_path(VIEW_UNIT, period)).raise_for_status()
            colds.append(1000 * (time.perf_counter() - started))
    warm = wrk(gateway + view_path(VIEW_UNIT, period), auth, 1, duration)
    return statistics.median(colds), warm.p50_ms


def with_unrelated_rows(
    seed_only: Stack, url: str, rows: int, duration: int, rounds: int, **gateway: str
) -> None:
    """The view on a second stack whose store holds ``rows`` unrelated results besides the
    seed, against the same view on ``seed_only``, alternating ``rounds`` times so that each
    ratio compares figures taken side by side (the machine's speed drifts by more than the
    goal's 1.2x over minutes)."""
    loaded_url = database_on_server(url, url.rsplit("/", 1)[-1] + "_rows")
    with running_stack(loaded_url, "bench-gateway-rows-", **gateway) as (loaded, _):
        load_unrelated(loaded, loaded_url, rows)
        print(
            f"view {VIEW_UNIT} with the unrelated rows / on the seed alone, two stacks "
            f"alternating (goal <= 1.2x):"
        )
        for period in ("2024", "2024-08"):
            ratios: dict[str, list[float]] = {"cold": [], "warm": []}
            for n in range(rounds):
                cold0, warm0 = view_latency(seed_only, period, duration)
                cold1, warm1 = view_latency(loaded, period, duration)
                ratios["cold"].append(cold1 / cold0)
                ratios["warm"].append(warm1 / warm0)
                print(
                    f"  round {n + 1} {period:<8} cold {cold1:6.1f} / {cold0:6.1f} ms = "
                    f"{cold1 / cold0:.2f}x   warm p50 {warm1:6.1f} / {warm0:6.1f} ms = "
                    f"{warm1 / warm0:.2f}x   {load_average()}"
                )
            print(
                f"  {period:<8} median of the rounds: cold "
                f"{statistics.median(ratios['cold']):.2f}x, warm "
                f"{statistics.median(ratios['warm']):.2f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--unrelated-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--gateway-env",
        action="append",
        default=["coalesce=false"],
        metavar="KEY=VALUE",
        help="gateway setting (GATEWAY_ prefix added); default coalesce=false",
    )
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("taskset"):
        sys.exit("wrk (and taskset) are needed: apt-get install -y wrk util-linux")
    url = bench_database(DEFAULT_DATABASE_URL)
    print(f"store: {url}; loading seed data ...")
    overrides = dict(kv.split("=", 1) for kv in args.gateway_env)
    with running_stack(url, "bench-gateway-", **overrides) as (stack, folder):
        print(f"cores: {os.cpu_count()}; each app one uvicorn worker; gateway {overrides}")
        view_cost(stack)
        view_against_calls(stack, folder, args.duration, args.rounds, "2024")
        made_afresh_against_calls(stack, folder, args.rounds, **overrides)
        print("\n50 clients, different committees and periods (goal p99 <= 500 ms, 0 partial):")
        touch_every_service(stack)
        fifty_clients(stack, folder, args.duration, "from cold")
        every_view_once(stack)
        fifty_clients(stack, folder, args.duration, "warm")
        one = wrk(
            stack.gateways[0].base_url + view_path(VIEW_UNIT, "2024"),
            stack.auth("read"),
            50,
            args.duration,
        )
        print(line(f"beside it: 50 clients, one view ({VIEW_UNIT} 2024)", one))
        each_view_made_afresh(stack, **overrides)
        if args.unrelated_rows:
            with_unrelated_rows(
                stack, url, args.unrelated_rows, args.duration, args.rounds, **overrides
            )


if __name__ == "__main__":
    main()

"""Benchmark of each service's follow-up section computed afresh (cold), read on the event
loop and in worker threads: prints figures, asserts nothing (except with ``--compare``).
Each figure stands beside its baseline measured in the same run, with the load average at
the time.

    .venv/bin/python bench/section_cold.py [--rounds 3] [--save DIR | --compare DIR]

What it does:
1. migrates every store afresh in the Postgres database named by ``BENCH_DATABASE_URL``
   (default postgresql://postgres@127.0.0.1:5432/h_a), loads the seed data and writes the
   keys; starts the three services twice, one uvicorn worker each, with their read cache
   off (``<PREFIX>READ_CACHE_BYTES=0``), so every answer is computed: once reading the
   section on the event loop (``<PREFIX>LOOP_READS=true``, the default: ``shared.loop_reads``)
   and once in worker threads, as every other read (``false``);
2. per round and service: the CPU (``/proc/<pid>/stat``) per ``GET /health`` (the
   baseline: what a trivial route costs), then per ``GET /v1/follow-up-section`` of every
   committee (19) x period (26) once each, on each form in turn; prints them, the section's
   cost over ``/health`` and the loop's CPU ÷ the threads';
3. ``--save DIR`` writes every answer's bytes there; ``--compare DIR`` checks every answer
   is byte-identical to the saved one (exit 1 on any difference); either way the two forms'
   answers are compared with each other. Answers hold the times rows were written, which a
   fresh seed changes: compare with ``--reuse``, which keeps the data already in the
   database (seeded by an earlier run) and only writes a new key.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

import httpx
from gateway_followup import PERIODS, committees
from indicators_data import load_average
from stacks import bench_database
from wrk import cpu_seconds

from shared.db import make_engine
from shared.keys import generate_key, store_key
from shared.registry import app, store_names
from shared.suite import Stack, Stores, prepare_stores

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/h_a"
SERVICES = ("indicators", "assignments", "budget")
#: The two forms compared: the section read on the event loop, and in worker threads.
FORMS = {"loop": "true", "threads": "false"}


def section_path(unit: str, period: str) -> str:
    return f"/v1/follow-up-section?org_unit={unit}&period={period}"


def cpu_ms_per_call(client: httpx.Client, pid: int, paths: list[str]) -> tuple[float, list[bytes]]:
    """CPU ms the process spent per GET of ``paths`` (asked once each, in a row), and the
    bodies."""
    bodies = []
    before = cpu_seconds(pid)
    for path in paths:
        answer = client.get(path)
        answer.raise_for_status()
        bodies.append(answer.content)
    return 1000 * (cpu_seconds(pid) - before) / len(paths), bodies


def answer_file(folder: Path, service: str, unit: str, period: str) -> Path:
    return folder / service / f"{unit}_{period}.json"


def check_answers(
    service: str,
    pairs: list[tuple[str, str]],
    bodies: list[bytes],
    save: Path | None,
    compare: Path | None,
) -> int:
    """Answers saved or compared; the number that differ from the saved ones."""
    differ = 0
    for (unit, period), body in zip(pairs, bodies, strict=True):
        if save is not None:
            path = answer_file(save, service, unit, period)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
        if compare is not None and answer_file(compare, service, unit, period).read_bytes() != body:
            differ += 1
            if differ <= 3:
                print(f"  DIFFERS: {service} {unit} {period}")
    return differ


def reuse_stores(url: str) -> Stores:
    """The stores as they are (seeded by an earlier run), with a new read key."""
    key = generate_key()
    for name in SERVICES:
        spec = app(name).load_spec()
        engine = make_engine(url, spec.metadata.schema or spec.name)
        with engine.begin() as conn:
            store_key(conn, spec.infrastructure, key, "bench read", ["read"], ())
        engine.dispose()
    return dict.fromkeys(store_names(), url), {"read": key.token}


def measure(stack: Stack, name: str, paths: list[str]) -> tuple[float, float, list[bytes]]:
    """CPU ms per section and per ``/health`` of ``name`` on ``stack``, and the sections."""
    process = stack.services[name]
    pid = process.proc.pid
    with httpx.Client(base_url=process.base_url, headers=stack.auth("read"), timeout=60) as client:
        cpu_ms_per_call(client, pid, paths[:20])  # warm up
        health, _ = cpu_ms_per_call(client, pid, ["/health"] * len(paths))
        section, bodies = cpu_ms_per_call(client, pid, paths)
    return section, health, bodies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--save", type=Path, help="write every answer's bytes here")
    parser.add_argument("--compare", type=Path, help="check every answer against these")
    parser.add_argument("--reuse", action="store_true", help="keep the data already there")
    args = parser.parse_args()
    url = bench_database(DEFAULT_DATABASE_URL)
    if args.reuse:
        print(f"store: {url}; reusing its data")
        stores = reuse_stores(url)
    else:
        print(f"store: {url}; loading seed data ...")
        stores = prepare_stores(dict.fromkeys(store_names(), url))
    pairs = [(unit, period) for unit in committees() for period in PERIODS]
    paths = [section_path(unit, period) for unit, period in pairs]
    figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
    differ = 0
    with tempfile.TemporaryDirectory(prefix="bench-section-") as tmp:
        urls, tokens = stores
        stacks: dict[str, Stack] = {}
        try:
            for form, setting in FORMS.items():
                logs = Path(tmp) / form
                logs.mkdir()
                stacks[form] = stack = Stack(logs, urls, tokens)
                for name in SERVICES:
                    prefix = app(name).env_prefix
                    os.environ[f"{prefix}READ_CACHE_BYTES"] = "0"
                    os.environ[f"{prefix}LOOP_READS"] = setting
                    stack.start_service(name)
            print(f"cores: {os.cpu_count()}; one uvicorn worker each, read cache off")
            print(
                f"{len(pairs)} sections per service per round ({len(committees())} x "
                f"{len(PERIODS)})"
            )
            for n in range(args.rounds):
                for name in SERVICES:
                    spent: dict[str, float] = {}
                    answers: dict[str, list[bytes]] = {}
                    for form, stack in stacks.items():
                        section, health, answers[form] = measure(stack, name, paths)
                        figures.setdefault((name, form), []).append((section, health))
                        spent[form] = section
                        print(
                            f"  round {n + 1} {name:<12} {form:<8} section {section:6.2f} ms CPU"
                            f"   /health {health:5.2f} ms   section - health "
                            f"{section - health:6.2f} ms   {load_average()}"
                        )
                    print(
                        f"  round {n + 1} {name:<12} loop / threads "
                        f"{spent['loop'] / spent['threads']:.2f}x"
                    )
                    if n == 0:
                        if answers["loop"] != answers["threads"]:
                            differ += 1
                            print(f"  DIFFERS: {name}, the loop's answers from the threads'")
                        differ += check_answers(
                            name, pairs, answers["loop"], args.save, args.compare
                        )
        finally:
            for stack in stacks.values():
                stack.stop()
    print("medians:")
    for name in SERVICES:
        medians = {form: statistics.median(s for s, _ in figures[(name, form)]) for form in FORMS}
        health = statistics.median(h for form in FORMS for _, h in figures[(name, form)])
        print(
            f"  {name:<12} section on the loop {medians['loop']:6.2f} ms CPU, in threads "
            f"{medians['threads']:6.2f} ms: {medians['loop'] / medians['threads']:.2f}x   "
            f"/health {health:5.2f} ms   {load_average()}"
        )
    if args.save is not None:
        print(f"saved {len(pairs)} answers per service to {args.save}")
    if args.compare is not None:
        print(f"compared with {args.compare}: {differ} answers differ")
    if differ:
        sys.exit(1)


if __name__ == "__main__":
    main()

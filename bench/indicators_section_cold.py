"""Benchmark: the CPU the indicators service spends computing a follow-up section afresh
(``GET /v1/follow-up-section``, its answer not kept), beside a baseline measured in the
same run. Prints figures, asserts nothing but equal answers with ``--compare``.

    .venv/bin/python bench/indicators_section_cold.py \
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_c] [--rounds 3] \
        [--save DIR | --compare DIR]

What it does:
1. recreates the indicators schema in the database (a throwaway store), seeds it and
   starts the service (one uvicorn worker) with its read cache off
   (``INDICATORS_READ_CACHE_BYTES=0``): every answer is computed, as the first ask after
   a write is;
2. per round: the CPU the service's process spent (``/proc/<pid>/stat``) per section,
   over every committee and hospital board (19 org units) × the 26 periods of the
   gateway bench (2023, 2024 and their months), asked once each; beside it, the CPU per
   ``GET /v1/indicators/{code}`` (one catalogue row, the seeded codes in turn, as many
   asks): the service's cost of any request, the baseline. Each figure with the load
   average at the time; the median of the rounds at the end;
3. ``--save DIR`` writes each section's bytes to DIR; ``--compare DIR`` checks each is
   byte-identical to what DIR holds (run once before a change with ``--save``, after it
   with ``--compare``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx
from gateway_followup import PERIODS, committees
from indicators_data import load_average, seeded_indicators, seeded_store
from wrk import cpu_seconds

from shared.processes import Process, start
from shared.registry import app

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench_c"


def start_uncached(url: str) -> Process:
    """The indicators service on ``url``, keeping no answer: each one is computed."""
    entry = app("indicators")
    return start(
        entry,
        env={
            f"{entry.env_prefix}DATABASE_URL": url,
            f"{entry.env_prefix}READ_CACHE_BYTES": "0",
            "LOG_LEVEL": "WARNING",
            f"{entry.env_prefix}LOG_LEVEL": "WARNING",
        },
        log_dir=Path(tempfile.mkdtemp(prefix="bench-section-")),
    )


def cpu_ms_per_call(pid: int, calls: list[Callable[[], None]]) -> float:
    before = cpu_seconds(pid)
    for call in calls:
        call()
    return 1000 * (cpu_seconds(pid) - before) / len(calls)


def section_file(folder: Path, unit: str, period: str) -> Path:
    return folder / f"{unit}_{period}.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--save", type=Path, help="write each section's bytes here")
    parser.add_argument("--compare", type=Path, help="check each section against these")
    args = parser.parse_args()
    store = seeded_store(args.database_url)
    codes = [code for code, _ in seeded_indicators(args.database_url)]
    asked = [(unit, period) for unit in committees() for period in PERIODS]
    service = start_uncached(args.database_url)
    pid = service.proc.pid
    headers = {"Authorization": f"Bearer {store.token}"}
    answers: dict[tuple[str, str], bytes] = {}
    sections: list[float] = []
    baselines: list[float] = []
    try:
        with httpx.Client(base_url=service.base_url, headers=headers, timeout=60) as client:

            def section(unit: str, period: str) -> Callable[[], None]:
                def call() -> None:
                    r = client.get(
                        "/v1/follow-up-section", params={"org_unit": unit, "period": period}
                    )
                    r.raise_for_status()
                    answers[(unit, period)] = r.content

                return call

            def indicator(code: str) -> Callable[[], None]:
                def call() -> None:
                    client.get(f"/v1/indicators/{code}").raise_for_status()

                return call

            section_calls = [section(u, p) for u, p in asked]
            row_calls = [indicator(codes[n % len(codes)]) for n in range(len(asked))]
            for call in section_calls[:20] + row_calls[:20]:  # warm up imports, plans, pools
                call()
            print(f"{len(asked)} sections ({len(committees())} org units x {len(PERIODS)} periods)")
            for n in range(args.rounds):
                baseline = cpu_ms_per_call(pid, row_calls)
                cold = cpu_ms_per_call(pid, section_calls)
                sections.append(cold)
                baselines.append(baseline)
                print(
                    f"  round {n + 1}: section {cold:6.2f} ms CPU   "
                    f"GET /v1/indicators/{{code}} {baseline:5.2f} ms   "
                    f"ratio {cold / baseline:5.2f}x   {load_average()}"
                )
    finally:
        service.stop()
    size = statistics.mean(len(body) for body in answers.values()) / 1024
    print(
        f"median: section {statistics.median(sections):.2f} ms CPU, baseline "
        f"{statistics.median(baselines):.2f} ms, ratio "
        f"{statistics.median(s / b for s, b in zip(sections, baselines, strict=True)):.2f}x; "
        f"mean answer {size:.0f} KB   {load_average()}"
    )
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for (unit, period), body in answers.items():
            section_file(args.save, unit, period).write_bytes(body)
        print(f"saved {len(answers)} answers to {args.save}")
    if args.compare:
        differ = [
            f"{unit} {period}"
            for (unit, period), body in answers.items()
            if section_file(args.compare, unit, period).read_bytes() != body
        ]
        print(f"compared {len(answers)} answers with {args.compare}: {len(differ)} differ")
        if differ:
            sys.exit("differ: " + ", ".join(differ[:20]))


if __name__ == "__main__":
    main()

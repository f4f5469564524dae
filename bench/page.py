"""Benchmark of the follow-up page against the JSON view it shows (issue 18): prints
figures, asserts nothing.

    .venv/bin/python bench/page.py [--rounds 200] [--postgres postgresql://postgres@127.0.0.1:5432/bench]

What it does:
1. makes throwaway stores (SQLite files by default; with ``--postgres``, that database on
   its server, made if missing and recreated: never point it at data you keep), loads the
   seed data and writes a read key;
2. starts the three services and the gateway with uvicorn on loopback ports, signs in on
   the page with the key;
3. asks, one request at a time and in alternation (so both meet the same machine load),
   the JSON view ``/v1/follow-up/HSN?period=2024`` and the page ``/follow-up/HSN?period=2024``,
   then the overview as JSON and as a page, and the indicator page of ID0288;
4. prints for each the median and 95th percentile latency, the page / JSON ratio of the
   medians (the issue's goal: at most 1.5), the bytes of each answer, and the load average
   before and after (the machine is shared: a high load makes every figure slower).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import httpx
from stacks import running_stack

from shared.db import database_on_server

PAIRS = {
    "view HSN 2024": ("/v1/follow-up/HSN?period=2024", "/follow-up/HSN?period=2024"),
    "overview 2024": ("/v1/follow-up?period=2024", "/?period=2024"),
}
INDICATOR_PAGE = "/follow-up/HSN/indicators/ID0288?period=2024"


def timed(client: httpx.Client, path: str, headers: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    answer = client.get(path, headers=headers)
    elapsed = time.perf_counter() - start
    answer.raise_for_status()
    return elapsed * 1000, len(answer.content)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--postgres", help="a Postgres URL to make the stores in (recreated)")
    args = parser.parse_args()

    url = database_on_server(args.postgres, "bench") if args.postgres else None
    with (
        running_stack(url, "bench-page-") as (stack, _),
        httpx.Client(base_url=stack.gateways[0].base_url, timeout=30) as client,
    ):
        key = {"Authorization": f"Bearer {stack.tokens['read']}"}
        signed = client.post("/sign-in", data={"key": stack.tokens["read"], "next": "/"})
        assert signed.status_code == 303, signed.text
        load_before = os.getloadavg()
        print(f"store: {'postgres' if args.postgres else 'sqlite'}; rounds {args.rounds}")
        print(
            f"{'what':<16} {'JSON p50':>9} {'p95':>7} {'page p50':>9} {'p95':>7} "
            f"{'ratio':>6} {'JSON kB':>8} {'page kB':>8}"
        )
        for name, (json_path, page_path) in PAIRS.items():
            for _ in range(args.warmup):
                timed(client, json_path, key)
                timed(client, page_path, {})
            json_ms: list[float] = []
            page_ms: list[float] = []
            json_size = page_size = 0
            for _ in range(args.rounds):
                took, json_size = timed(client, json_path, key)
                json_ms.append(took)
                took, page_size = timed(client, page_path, {})
                page_ms.append(took)
            ratio = statistics.median(page_ms) / statistics.median(json_ms)
            print(
                f"{name:<16} {statistics.median(json_ms):>7.1f}ms {quantile(json_ms, 0.95):>5.1f}ms "
                f"{statistics.median(page_ms):>7.1f}ms {quantile(page_ms, 0.95):>5.1f}ms "
                f"{ratio:>5.2f}x {json_size / 1000:>8.1f} {page_size / 1000:>8.1f}"
            )
        indicator_ms = [timed(client, INDICATOR_PAGE, {})[0] for _ in range(args.rounds)]
        print(
            f"{'indicator page':<16} {'':>9} {'':>7} {statistics.median(indicator_ms):>7.1f}ms "
            f"{quantile(indicator_ms, 0.95):>5.1f}ms"
        )
        load_after = os.getloadavg()
        print(
            "load average (1, 5, 15 min): before "
            + ", ".join(f"{v:.2f}" for v in load_before)
            + "; after "
            + ", ".join(f"{v:.2f}" for v in load_after)
            + f"; {os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()

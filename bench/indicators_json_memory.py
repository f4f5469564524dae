"""Benchmark: the indicators service's peak memory during one large JSON results load.

    .venv/bin/python bench/indicators_json_memory.py \
        --database-url postgresql://postgres@127.0.0.1:5432/test [--rows 375000]

Recreates the indicators schema in the given Postgres database (a throwaway store: what
the schema held is dropped), starts the service under uvicorn on a free loopback port as
its own process, loads N synthetic result rows as ONE JSON body (``POST /v1/results``,
atomic), and prints the body's size beside the process's resident memory (``VmRSS``
before, ``VmHWM`` — the peak — after) read from ``/proc``. 375 000 rows make a body of
about 62 MB, the size of the load this was measured on first.

Measured on the 2-core machine, Postgres, 375 000 rows, a 61.7 MB body: with the body
parsed whole (``json.loads``) the service peaked at 512–548 MB (8.3–8.9× the body,
~420 MB above idle) in 5.6–6.3 s; read incrementally (``shared.json_rows``, 10 000 rows a
batch) it peaks at 122 MB (2.0× the body, 24 MB above idle) in 6.1–7.0 s.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import httpx

from shared.db import make_engine
from shared.keys import generate_key, store_key
from shared.migrations import recreate
from shared.processes import start
from shared.registry import app

UNITS = ("SUS", "LANDSKRONA", "TRELLEBORG", "HELSINGBORG", "KRISTIANSTAD", "YSTAD", "REGION")
INDICATOR = {
    "name": "Synthetic JSON load",
    "description": "Benchmark indicator.",
    "unit": "percent",
    "direction": "higher_is_better",
    "area": "God tillgänglighet",
}


def json_body(rows: int, code: str) -> bytes:
    """N distinct result rows as one JSON list (indicator × unit × month × breakdown)."""
    out: list[dict[str, object]] = []
    months = [f"{y}-{m:02d}" for y in range(1990, 2101) for m in range(1, 13)]
    n = 0
    for period in months:
        for unit in UNITS:
            for b in range(100):
                den = 100 + n % 900
                num = (n * 7) % den
                out.append(
                    {
                        "indicator": code,
                        "org_unit": unit,
                        "period": period,
                        "breakdown": f"b{b:02d}",
                        "value": round(num * 100 / den, 2),
                        "numerator": num,
                        "denominator": den,
                        "status": "final",
                    }
                )
                n += 1
                if n == rows:
                    return json.dumps(out).encode()
    raise SystemExit(f"cannot make {rows} distinct rows")


def rss_mb(pid: int, field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak so far) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=375_000)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()

    entry = app("indicators")
    spec = entry.load_spec()
    url: str = args.database_url
    recreate(spec, url)
    engine = make_engine(url, spec.metadata.schema or spec.name)
    key = generate_key()
    with engine.begin() as conn:
        store_key(conn, spec.infrastructure, key, "bench", ["admin"], [])
    engine.dispose()

    body = json_body(args.rows, "BENCH001")
    size_mb = len(body) / 1e6
    service = start(
        entry,
        env={f"{entry.env_prefix}DATABASE_URL": url, f"{entry.env_prefix}LOG_LEVEL": "WARNING"},
        log_dir=Path(tempfile.mkdtemp(prefix="bench-json-")),
    )
    try:
        pid = service.proc.pid
        headers = {"Authorization": f"Bearer {key.token}"}
        with httpx.Client(base_url=service.base_url, headers=headers, timeout=900) as client:
            client.put("/v1/indicators/BENCH001", json=INDICATOR).raise_for_status()
            idle = rss_mb(pid, "VmRSS")
            t0 = time.perf_counter()
            r = client.post(
                "/v1/results", content=body, headers={"Content-Type": "application/json"}
            )
            seconds = time.perf_counter() - t0
            r.raise_for_status()
            inserted = r.json()["inserted"]
        peak = rss_mb(pid, "VmHWM")
    finally:
        service.stop()
    assert inserted == args.rows, (inserted, args.rows)
    print(
        f"rows loaded:          {inserted:,} in {seconds:.1f} s ({inserted / seconds:,.0f} rows/s)"
    )
    print(f"JSON body:            {size_mb:,.1f} MB")
    print(f"service RSS idle:     {idle:,.0f} MB")
    print(f"service peak (VmHWM): {peak:,.0f} MB = {peak / size_mb:.1f}× the body")
    print(f"peak above idle:      {peak - idle:,.0f} MB = {(peak - idle) / size_mb:.1f}× the body")


if __name__ == "__main__":
    main()

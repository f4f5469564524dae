"""Benchmark: loading and exporting results over HTTP against raw COPY, same run, same rows.

    .venv/bin/python bench/indicators_load_export.py [--rows 1000000] [--chunk 100000]
        [--database-url postgresql://postgres@127.0.0.1:5432/test]

Makes a throwaway database beside the given one (``<name>_indicators_bench``), migrates
the indicators service into it, starts the service with uvicorn on a free loopback port,
loads N synthetic result rows as CSV (atomic per chunk), COPYs the same CSV into a
same-shaped table, exports the rows as CSV over HTTP and with ``COPY … TO STDOUT``, and
prints rows/s of each and the service's peak RSS (VmHWM). Drops the database at the end.
Goals: load ≥ ½ COPY rate, export ≥ ½ COPY rate, peak memory < 200 MB.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx
import psycopg

from shared.db import make_engine
from shared.keys import generate_key, store_key
from shared.migrations import upgrade
from shared.processes import start
from shared.registry import app

UNITS = [
    *("HSN", "PVN", "PHHN", "NORV", "RS", "KTN", "KN", "RUN", "PN", "FSN", "PAN", "REGION"),
    *("SUS", "LANDSKRONA", "TRELLEBORG", "HELSINGBORG", "KRISTIANSTAD", "YSTAD"),
    *("ANGELHOLM", "HASSLEHOLM"),
]
HEADER = "indicator,org_unit,period,breakdown,value,numerator,denominator,status\n"
COLUMNS = "id, indicator, org_unit, period, breakdown, value, numerator, denominator, status, updated_at, change_seq"


def synthetic_chunks(rows: int, chunk: int, indicators: list[str]) -> list[bytes]:
    """N distinct rows: indicator × unit × month × breakdown, as CSV bodies of ``chunk`` rows."""
    months = [f"{y}-{m:02d}" for y in range(2000, 2100) for m in range(1, 13)]
    breakdowns = [f"b{i:02d}" for i in range(10)]
    out: list[bytes] = []
    lines: list[str] = []
    n = 0
    for period in months:
        for ind in indicators:
            for unit in UNITS:
                for bd in breakdowns:
                    den = 100 + (n % 900)
                    num = (n * 7) % den
                    value = f"{num * 100 / den:.2f}"
                    lines.append(f"{ind},{unit},{period},{bd},{value},{num},{den},final\n")
                    n += 1
                    if len(lines) == chunk or n == rows:
                        out.append((HEADER + "".join(lines)).encode())
                        lines = []
                    if n == rows:
                        return out
    raise SystemExit(f"cannot make {rows} distinct rows")


def rss_mb(pid: int, field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak so far) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()

    base = args.database_url
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    bench_db = base.rsplit("/", 1)[1] + "_indicators_bench"
    url = base.rsplit("/", 1)[0] + "/" + bench_db
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
        conn.execute(f'CREATE DATABASE "{bench_db}"')
    entry = app("indicators")
    spec = entry.load_spec()
    service = None
    try:
        upgrade(spec, url)
        engine = make_engine(url, spec.metadata.schema or spec.name)
        key = generate_key()
        with engine.begin() as sa_conn:
            store_key(sa_conn, spec.infrastructure, key, "bench", ["admin"], [])
        engine.dispose()
        log_dir = Path(tempfile.mkdtemp(prefix="bench-"))
        service = start(
            entry,
            env={
                f"{entry.env_prefix}DATABASE_URL": url,
                "LOG_LEVEL": "WARNING",
                f"{entry.env_prefix}LOG_LEVEL": "WARNING",
            },
            log_dir=log_dir,
        )
        rss_start = rss_mb(service.proc.pid, "VmRSS")
        headers = {"Authorization": f"Bearer {key.token}"}
        client = httpx.Client(base_url=service.base_url, headers=headers, timeout=600)
        codes = [f"BENCH{i:03d}" for i in range(args.indicators)]
        for code in codes:
            r = client.put(
                f"/v1/indicators/{code}",
                json={
                    "name": f"Synthetic {code}",
                    "description": "Benchmark indicator.",
                    "unit": "percent",
                    "direction": "higher_is_better",
                    "area": "God tillgänglighet",
                },
            )
            r.raise_for_status()
        chunks = synthetic_chunks(args.rows, args.chunk, codes)
        total: int = args.rows
        print(f"rows: {total:,} in {len(chunks)} chunks of ≤{args.chunk:,}")

        # Raw COPY of the same CSV into a same-shaped table: same columns, same indexes and
        # constraints (LIKE … INCLUDING ALL), its own id sequence, a distinct change_seq per
        # row (as the service writes) and updated_at = now(); committed per chunk, as the
        # service commits per request.
        with psycopg.connect(url) as pg:
            pg.execute("CREATE TABLE public.raw_result (LIKE indicators.result INCLUDING ALL)")
            pg.execute("CREATE SEQUENCE public.raw_result_id")
            pg.execute("CREATE SEQUENCE public.raw_result_seq")
            pg.execute(
                "ALTER TABLE public.raw_result "
                "ALTER id SET DEFAULT nextval('public.raw_result_id'), "
                "ALTER updated_at SET DEFAULT now(), "
                "ALTER change_seq SET DEFAULT nextval('public.raw_result_seq')"
            )
            pg.commit()
            shapes = [
                sorted(
                    ("UNIQUE " if r[0].startswith("CREATE UNIQUE") else "")
                    + r[0].split(" USING ")[1]
                    for r in pg.execute(
                        "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = %s",
                        (schema, table),
                    )
                )
                for schema, table in (("indicators", "result"), ("public", "raw_result"))
            ]
            assert shapes[0] == shapes[1], shapes
            print(f"raw COPY table: {len(shapes[1])} indexes, as indicators.result")
            t0 = time.perf_counter()
            for body in chunks:
                with (
                    pg.cursor() as cur,
                    cur.copy(
                        "COPY public.raw_result (indicator, org_unit, period, breakdown, value, "
                        "numerator, denominator, status) FROM STDIN WITH (FORMAT csv, HEADER true)"
                    ) as copy,
                ):
                    copy.write(body)
                pg.commit()
            copy_in = time.perf_counter() - t0

        # The same rows through the service.
        t0 = time.perf_counter()
        inserted = 0
        for body in chunks:
            r = client.post("/v1/results", content=body, headers={"Content-Type": "text/csv"})
            r.raise_for_status()
            inserted += r.json()["inserted"]
        load = time.perf_counter() - t0
        assert inserted == total, (inserted, total)
        rss_load = rss_mb(service.proc.pid, "VmHWM")

        # Export: the service's CSV stream against COPY … TO STDOUT.
        t0 = time.perf_counter()
        lines = 0
        with client.stream("GET", "/v1/results", headers={"Accept": "text/csv"}) as r:
            r.raise_for_status()
            for block in r.iter_bytes():
                lines += block.count(b"\n")
        export = time.perf_counter() - t0
        assert lines == total + 1, (lines, total)
        with psycopg.connect(url) as pg:
            t0 = time.perf_counter()
            size = 0
            with (
                pg.cursor() as cur,
                cur.copy(
                    f"COPY (SELECT {COLUMNS} FROM indicators.result ORDER BY id) "
                    "TO STDOUT WITH (FORMAT csv, HEADER true)"
                ) as copy,
            ):
                for data in copy:
                    size += len(data)
            copy_out = time.perf_counter() - t0
        rss = rss_mb(service.proc.pid, "VmHWM")

        def rate(seconds: float) -> float:
            return total / seconds

        print(f"load   HTTP CSV : {rate(load):>10,.0f} rows/s  ({load:.1f} s)")
        print(f"load   raw COPY : {rate(copy_in):>10,.0f} rows/s  ({copy_in:.1f} s)")
        print(f"  ratio HTTP/COPY {copy_in / load:.2f} (goal ≥ 0.5)")
        print(f"export HTTP CSV : {rate(export):>10,.0f} rows/s  ({export:.1f} s)")
        print(f"export COPY OUT : {rate(copy_out):>10,.0f} rows/s  ({copy_out:.1f} s)")
        print(f"  ratio HTTP/COPY {copy_out / export:.2f} (goal ≥ 0.5)")
        print(
            f"service RSS: {rss_start:.0f} MB at start, peak {rss_load:.0f} MB after the load, "
            f"peak {rss:.0f} MB after the export (VmHWM; goal < 200 MB)"
        )
        client.close()
    finally:
        if service is not None:
            service.stop()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')


if __name__ == "__main__":
    main()

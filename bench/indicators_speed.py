"""Benchmark: the indicators service where users feel it, each figure beside its baseline.

    .venv/bin/python bench/indicators_speed.py \
        --database-url postgresql://postgres@127.0.0.1:5432/bench_ind \
        [--rows 1000000] [--reload-rows 100000] [--repeat 15]

Recreates the indicators schema in the given database (a throwaway store), seeds it and
starts the service under uvicorn. Then, in one run, back to back:

1. evaluations (``GET /v1/evaluations`` + ``GET /v1/area-evaluations``, as the gateway's
   view asks; and ``GET /v1/evaluation-summary``, the one pass giving both) for REGION,
   HSN and SUS, 2024 and 2024-08, on the seed alone: the baseline;
2. one CSV load of ``--rows`` results no seeded evaluation reads (the seeded indicators ×
   every org unit × the months of 2030–2100), the service's peak RSS (``VmHWM``) during it;
3. the same evaluations again, once autovacuum is done with the load: the ratio to the
   baseline (goal ≤ 1.2×; best of ``--repeat`` runs each), the answers equal;
4. every result exported as JSON pages (``limit=10000``, following ``next``) and as JSON
   lines (``Accept: application/x-ndjson``), against ``COPY (…) TO STDOUT`` (goal ≥ 0.3×),
   each twice, alternating with the COPY: the best of each;
5. ``--reload-rows`` stored rows loaded again unchanged, against COPY into a temporary
   table + ``INSERT … ON CONFLICT DO UPDATE … WHERE … IS DISTINCT FROM`` into a
   same-shaped table holding the same rows (goal ≥ 0.5×), three times alternating: the
   best of each;
6. five CSV exports whose client disconnects after 1 s: whether the COPY is gone from
   ``pg_stat_activity`` within 5 s and ``/health`` and a listing still answer.

Every figure is printed with the load average at the time (2 cores shared).
"""

from __future__ import annotations

import argparse
import itertools
import time
from typing import Any

import httpx
import psycopg
from indicators_data import (
    HEADER,
    RESULT_COLUMNS,
    best_seconds,
    csv_body,
    load_average,
    reset_peak,
    seeded_indicators,
    seeded_store,
    start_service,
    unrelated_lines,
    vm,
)

CASES = [("REGION", "2024"), ("REGION", "2024-08"), ("HSN", "2024"), ("SUS", "2024")]
RAW_COLUMNS = "indicator, org_unit, period, breakdown, value, numerator, denominator, status"


#: Asked of every evaluation call, a new value each time: the service keeps the answers of
#: an unchanged store (``shared.readcache``), and these figures are of the evaluation itself.
_ASKED = itertools.count()


def _get(client: httpx.Client, path: str, **params: str) -> Any:
    if "evaluation" in path:
        params = {**params, "bench": str(next(_ASKED))}
    r = client.get(path, params=params)
    r.raise_for_status()
    return r.json()


def evaluation_timings(
    client: httpx.Client, repeat: int, summary: bool
) -> dict[tuple[str, str, str], tuple[tuple[float, float], Any]]:
    """Per case and way of asking: (best, median) seconds and the answer."""
    out: dict[tuple[str, str, str], tuple[tuple[float, float], Any]] = {}
    for unit, period in CASES:

        def view(u: str = unit, p: str = period) -> Any:
            return (
                _get(client, "/v1/evaluations", org_unit=u, period=p)["items"],
                _get(client, "/v1/area-evaluations", org_unit=u, period=p)["items"],
            )

        out[(unit, period, "view")] = (best_seconds(view, repeat), view())
        if summary:

            def one(u: str = unit, p: str = period) -> Any:
                body = _get(client, "/v1/evaluation-summary", org_unit=u, period=p)
                return body["evaluations"], body["areas"]

            out[(unit, period, "summary")] = (best_seconds(one, repeat), one())
    return out


def wait_for_autovacuum(url: str, limit: float = 120.0) -> float:
    """Wait until no autovacuum worker runs in the database (after a load of a million
    rows Postgres vacuums and analyses the table on its own: its work is the load's, and it
    would be timed with the evaluations); how long that took."""
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as pg:
        while time.perf_counter() - t0 < limit:
            busy = pg.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'autovacuum worker'"
            ).fetchone()
            if busy is not None and busy[0] == 0:
                break
            time.sleep(0.5)
    return time.perf_counter() - t0


def copy_out_seconds(url: str) -> float:
    with psycopg.connect(url) as pg:
        t0 = time.perf_counter()
        with (
            pg.cursor() as cur,
            cur.copy(
                f"COPY (SELECT {RESULT_COLUMNS} FROM indicators.result ORDER BY id) "
                "TO STDOUT WITH (FORMAT csv, HEADER true)"
            ) as copy,
        ):
            for _ in copy:
                pass
        return time.perf_counter() - t0


def json_pages_seconds(client: httpx.Client) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = 0
    url: str | None = "/v1/results?limit=10000"
    while url:
        r = client.get(url)
        r.raise_for_status()
        body = r.json()
        n += len(body["items"])
        url = body["next"]
    return time.perf_counter() - t0, n


def ndjson_seconds(client: httpx.Client) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    n = 0
    with client.stream("GET", "/v1/results", headers={"Accept": "application/x-ndjson"}) as r:
        r.raise_for_status()
        kind = r.headers.get("content-type", "")
        for block in r.iter_bytes():
            n += block.count(b"\n")
    return time.perf_counter() - t0, n, kind


def raw_upsert_seconds(url: str, body: bytes) -> float:
    """COPY the rows into a temporary table and merge them into ``public.raw_result``."""
    with psycopg.connect(url) as pg:
        t0 = time.perf_counter()
        pg.execute(
            "CREATE TEMPORARY TABLE staging (LIKE public.raw_result INCLUDING DEFAULTS) "
            "ON COMMIT DROP"
        )
        with (
            pg.cursor() as cur,
            cur.copy(
                f"COPY staging ({RAW_COLUMNS}) FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
        ):
            copy.write(body)
        cur = pg.execute(
            f"INSERT INTO public.raw_result ({RAW_COLUMNS}) "
            f"SELECT {RAW_COLUMNS} FROM staging "
            "ON CONFLICT (indicator, org_unit, period, breakdown) DO UPDATE SET "
            "value = excluded.value, numerator = excluded.numerator, "
            "denominator = excluded.denominator, status = excluded.status, "
            "change_seq = excluded.change_seq, updated_at = excluded.updated_at "
            "WHERE (raw_result.value, raw_result.numerator, raw_result.denominator, "
            "raw_result.status) IS DISTINCT FROM "
            "(excluded.value, excluded.numerator, excluded.denominator, excluded.status)"
        )
        assert cur.rowcount == 0, cur.rowcount
        pg.commit()
        return time.perf_counter() - t0


def prepare_raw_table(url: str, body: bytes) -> None:
    with psycopg.connect(url) as pg:
        pg.execute("DROP TABLE IF EXISTS public.raw_result")
        pg.execute("DROP SEQUENCE IF EXISTS public.raw_result_id, public.raw_result_seq")
        pg.execute("CREATE TABLE public.raw_result (LIKE indicators.result INCLUDING ALL)")
        pg.execute("CREATE SEQUENCE public.raw_result_id")
        pg.execute("CREATE SEQUENCE public.raw_result_seq")
        pg.execute(
            "ALTER TABLE public.raw_result "
            "ALTER id SET DEFAULT nextval('public.raw_result_id'), "
            "ALTER updated_at SET DEFAULT now(), "
            "ALTER change_seq SET DEFAULT nextval('public.raw_result_seq')"
        )
        with (
            pg.cursor() as cur,
            cur.copy(
                f"COPY public.raw_result ({RAW_COLUMNS}) FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
        ):
            copy.write(body)
        pg.execute("ANALYZE public.raw_result")
        pg.commit()


def disconnect_runs(client: httpx.Client, url: str, runs: int) -> list[str]:
    """CSV exports whose client goes after 1 s: what became of each one's COPY."""
    outcomes = []
    for _ in range(runs):
        with psycopg.connect(url, autocommit=True) as pg:
            with client.stream("GET", "/v1/results", headers={"Accept": "text/csv"}) as r:
                next(r.iter_bytes())
                time.sleep(1.0)
            gone_at = None
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < 5.0:
                busy = pg.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND query ILIKE 'COPY (SELECT%indicators.result%' "
                    "AND state = 'active'"
                ).fetchone()
                if busy is not None and busy[0] == 0:
                    gone_at = time.perf_counter() - t0
                    break
                time.sleep(0.1)
        try:
            health = httpx.get(str(client.base_url) + "/health", timeout=5).status_code
            listing = client.get("/v1/results", params={"limit": "1"}, timeout=5).status_code
        except httpx.HTTPError as exc:
            health, listing = 0, 0
            print(f"    no answer: {exc!r}")
        fate = f"cancelled in {gone_at:.1f} s" if gone_at is not None else "STILL RUNNING"
        outcomes.append(f"{fate}, /health {health}, listing {listing}")
    return outcomes


def _runs(seconds: list[float]) -> str:
    return "/".join(f"{t:.2f}" for t in seconds) + " s"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_ind")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reload-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    url: str = args.database_url

    store = seeded_store(url)
    service = start_service(url)
    pid = service.proc.pid
    print(f"service RSS after start: {vm(pid, 'VmRSS'):.0f} MiB")
    headers = {"Authorization": f"Bearer {store.token}"}
    try:
        with httpx.Client(base_url=service.base_url, headers=headers, timeout=900) as client:
            summary = (
                client.get(
                    "/v1/evaluation-summary", params={"org_unit": "REGION", "period": "2024"}
                ).status_code
                == 200
            )
            print(f"1. evaluations on the seed alone ({args.repeat} runs each) [{load_average()}]")
            before = evaluation_timings(client, args.repeat, summary)

            lines = list(unrelated_lines(seeded_indicators(url), args.rows))
            body = csv_body(iter(lines))
            reload_body = (HEADER + "".join(lines[: args.reload_rows])).encode()
            del lines
            idle = vm(pid, "VmRSS")
            reset_peak(pid)
            t0 = time.perf_counter()
            r = client.post("/v1/results", content=body, headers={"Content-Type": "text/csv"})
            load = time.perf_counter() - t0
            r.raise_for_status()
            assert r.json()["inserted"] == args.rows, r.json()
            peak = vm(pid, "VmHWM")
            del body
            print(
                f"2. load of {args.rows:,} rows as one CSV body: {load:.1f} s "
                f"({args.rows / load:,.0f} rows/s); service RSS idle {idle:.0f} MiB, "
                f"peak during the load {peak:.0f} MiB (goal ≤ 128 MiB) [{load_average()}]"
            )

            waited = wait_for_autovacuum(url)
            print(
                f"3. evaluations with {args.rows:,} unrelated rows stored (after autovacuum "
                f"was done with the load: {waited:.0f} s) [{load_average()}]"
            )
            after = evaluation_timings(client, args.repeat, summary)
            print("   best of the runs (median in brackets): seed alone → with the rows")
            for key, ((seconds, median), answer) in after.items():
                (base, base_median), base_answer = before[key]
                same = "same answer" if answer == base_answer else "ANSWER DIFFERS"
                unit, period, how = key
                print(
                    f"   {unit:>6} {period:<8} {how:<8} {base * 1000:6.1f} ms "
                    f"({base_median * 1000:6.1f}) → {seconds * 1000:6.1f} ms "
                    f"({median * 1000:6.1f}) = {seconds / base:4.2f}× (goal ≤ 1.2×), {same}"
                )
            if summary:
                for unit, period in CASES:
                    view = after[(unit, period, "view")][0][0]
                    one = after[(unit, period, "summary")][0][0]
                    print(
                        f"   {unit:>6} {period:<8} summary ÷ view (both with the rows): "
                        f"{one / view:4.2f}×"
                    )
            print(f"   [{load_average()}]")

            # Each measured twice, alternating with its baseline: the best of each pair
            # (a machine shared with others slows a run now and then, either side).
            copies, page_runs, line_runs = [], [], []
            exported = kind = ""
            for _ in range(2):
                copies.append(copy_out_seconds(url))
                seconds, count = json_pages_seconds(client)
                page_runs.append(seconds)
                copies.append(copy_out_seconds(url))
                seconds, count, kind = ndjson_seconds(client)
                line_runs.append(seconds)
                exported = f"{count:,}"
            copy_out, pages, as_lines = min(copies), min(page_runs), min(line_runs)
            print(
                f"4. export of {exported} results, best of 2 (runs: COPY {_runs(copies)}, pages "
                f"{_runs(page_runs)}, lines {_runs(line_runs)}) [{load_average()}]"
            )
            print(
                f"   JSON pages (limit 10 000, by next) {pages:.1f} s ÷ COPY TO STDOUT "
                f"{copy_out:.1f} s = {copy_out / pages:.2f}× (goal ≥ 0.3×)"
            )
            if kind.startswith("application/x-ndjson"):
                print(
                    f"   JSON lines {as_lines:.1f} s ÷ COPY TO STDOUT {copy_out:.1f} s "
                    f"= {copy_out / as_lines:.2f}× (goal ≥ 0.3×)"
                )
            else:
                print(f"   JSON lines: not served (answered {kind})")

            prepare_raw_table(url, reload_body)
            raws, https = [], []
            for _ in range(3):
                raws.append(raw_upsert_seconds(url, reload_body))
                t0 = time.perf_counter()
                r = client.post(
                    "/v1/results", content=reload_body, headers={"Content-Type": "text/csv"}
                )
                https.append(time.perf_counter() - t0)
                r.raise_for_status()
                assert r.json()["unchanged"] == args.reload_rows, r.json()
            raw, http = min(raws), min(https)
            print(
                f"5. re-load of {args.reload_rows:,} unchanged rows, best of 3 (runs: HTTP "
                f"{_runs(https)}, COPY + upsert {_runs(raws)}): HTTP {http:.2f} s, "
                f"COPY + upsert {raw:.2f} s = {raw / http:.2f}× (goal ≥ 0.5×) [{load_average()}]"
            )

            print(f"6. CSV exports whose client disconnects after 1 s [{load_average()}]")
            with httpx.Client(base_url=service.base_url, headers=headers, timeout=10) as short:
                for run, outcome in enumerate(disconnect_runs(short, url, 5), start=1):
                    print(f"   run {run}: {outcome} [{load_average()}]")
            print(f"service peak RSS over the whole run: {vm(pid, 'VmHWM'):.0f} MiB")
    finally:
        service.stop()


if __name__ == "__main__":
    main()

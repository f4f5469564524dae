"""Benchmark: the JSON export of every stored result in pages, beside ``COPY TO STDOUT``.

    .venv/bin/python bench/indicators_paging.py \
        --database-url postgresql://postgres@127.0.0.1:5432/bench_b [--rows 1000000] \
        [--rounds 3] [--reuse] [--code DIR] [--baseline DIR] [--hold SECONDS]

The focused form of step 4 of ``indicators_speed.py`` (issue #13: JSON pages ≥ 0.3× COPY).
Recreates the indicators schema in the given database (a throwaway store), seeds it and
loads ``--rows`` unrelated results through the service (``--reuse`` keeps a store that
holds them already and only writes a new key). Then ``--rounds`` times, alternating:
``COPY (SELECT …) TO STDOUT``, every result as JSON pages (``limit=10000``) and as JSON
lines; with ``--baseline``, the pages of a second service run from another copy of the
code (e.g. ``git archive HEAD`` unpacked) in between, on the same rows, read both ways,
each beside ours round by round, and the two bodies compared byte for byte. The pages are read twice a round: kept as they come, following
the ``Link: <…>; rel="next"`` header (a loader staging raw JSON, as the COPY client keeps
CSV bytes without parsing them; the figure the issue's goal is about), and each parsed
as a client would, following the body's ``next`` ("parsed"). A service that sends no
``Link`` header (an older copy of the code) is followed by its body's ``next`` on the
first read too, and the figure is labelled so. The best of each, its ratio to the best
COPY, the CPU seconds the service, its database sessions and this client spent on a
paging run (what a loaded machine does not blur), and the load average beside each
figure (2 cores shared with others).

The client pins itself to ``--client-core`` once the services run (they are not pinned).
``--hold`` pages on for that many seconds before the rounds, for a profiler to attach to
the printed service pid. ``--explain`` prints the plan of a page by id from the middle of
the table as Postgres runs it once the statement is prepared (its generic plan, the
cursor a parameter), executed: the primary key read in order from the cursor, no sort.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from indicators_data import (
    csv_body,
    load_average,
    seeded_indicators,
    seeded_store,
    unrelated_lines,
)
from indicators_speed import copy_out_seconds, ndjson_seconds

from shared.db import make_engine
from shared.keys import generate_key, store_key
from shared.processes import LOOPBACK, Process, free_port, ready_path
from shared.registry import app
from shared.settings import REPO_ROOT

PAGES = "/v1/results?limit=10000"


def stored_results(url: str) -> int:
    """How many results the store holds (0 when it has no indicators schema yet)."""
    with psycopg.connect(url) as pg:
        found = pg.execute("SELECT to_regclass('indicators.result')").fetchone()
        if found is None or found[0] is None:
            return 0
        count = pg.execute("SELECT count(*) FROM indicators.result").fetchone()
        return int(count[0]) if count else 0


def new_key(url: str) -> str:
    """A fresh admin key in the store kept from an earlier run."""
    spec = app("indicators").load_spec()
    engine = make_engine(url, spec.metadata.schema or spec.name)
    key = generate_key()
    with engine.begin() as conn:
        store_key(conn, spec.infrastructure, key, "bench", ["admin"], [])
    engine.dispose()
    return key.token


def serve(code: Path, url: str) -> Process:
    """The indicators service under uvicorn, its modules imported from ``code`` (the
    repository, or another copy of it to compare with)."""
    entry = app("indicators")
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="bench-paging-")) / f"indicators-{port}.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        f"{entry.env_prefix}DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        f"{entry.env_prefix}LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "uvicorn", entry.asgi, "--host", LOOPBACK]
    command += ["--port", str(port), "--no-access-log"]
    with log.open("ab") as out:
        proc = subprocess.Popen(command, cwd=code, env=env, stdout=out, stderr=subprocess.STDOUT)
    process = Process(entry.name, port, proc, log)
    try:
        process.wait_ready(ready_path(entry))
    except BaseException:
        process.stop()
        raise
    return process


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process (all its threads) has spent so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    seconds: float
    items: int
    #: A digest of every page's body, the service's own address left out.
    digest: str
    #: CPU seconds: the service process, its database sessions, this client.
    service: float
    database: float
    client: float
    #: Followed by the ``Link`` header when kept unparsed (else by the body's ``next``).
    linked: bool = True


def database_sessions(url: str) -> list[int]:
    """The pids of the client sessions on the benchmark's database (this one's aside)."""
    with psycopg.connect(url, autocommit=True) as pg:
        return [
            int(row[0])
            for row in pg.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        ]


def paging_run(client: httpx.Client, url: str, pid: int, *, parse: bool = True) -> Run:
    """Every result by ``next``: each page parsed as a client would (``parse``), or kept as
    it came, the next one found in the ``Link`` header. A digest of the bodies, to compare
    with the baseline's byte for byte, made after the clock stops."""
    sessions = {session: cpu_seconds(session) for session in database_sessions(url)}
    before = cpu_seconds(pid), time.process_time()
    bodies: list[bytes] = []
    items = 0
    linked = True
    t0 = time.perf_counter()
    next_url: str | None = PAGES
    while next_url:
        r = client.get(next_url)
        r.raise_for_status()
        bodies.append(r.content)
        if parse:
            page = r.json()
            items += len(page["items"])
            next_url = page["next"]
            continue
        link = r.links.get("next")
        if link is not None:
            next_url = link["url"]
        elif b'"next":null}' in r.content[-256:]:
            next_url = None
        else:  # no header: a service without one, followed by its body instead
            linked = False
            next_url = r.json()["next"]
    seconds = time.perf_counter() - t0
    # Sessions opened during the run (the service's pool growing, its pages read ahead on
    # a second connection) count whole; one that ended during it is missed (understated).
    database = 0.0
    for session in set(sessions) | set(database_sessions(url)):
        try:
            database += cpu_seconds(session) - sessions.get(session, 0.0)
        except FileNotFoundError:
            continue
    after = cpu_seconds(pid), time.process_time()
    digest = hashlib.blake2b()
    own = str(client.base_url).rstrip("/").encode()
    for body in bodies:
        digest.update(body.replace(own, b""))
        if not parse:
            items += body.count(b'{"id":')
    return Run(
        seconds,
        items,
        digest.hexdigest(),
        after[0] - before[0],
        database,
        after[1] - before[1],
        linked or parse,
    )


def explain_page(url: str, after: int) -> list[str]:
    """``EXPLAIN ANALYZE`` of the statement a JSON page by id after ``after`` runs (the
    repository's own, caught on its way to the driver), as its generic plan."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from services.indicators.listing_repository import results_json_page
    from services.indicators.repository import ResultFilter
    from shared.paging import ListParams, encode_cursor
    from shared.store import ChangeFeed

    engine = make_engine(url, "indicators")
    caught: list[tuple[str, dict[str, object]]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _catch(_conn: object, _cursor: object, sql: str, params: object, *_: object) -> None:
        if "string_agg" in sql and isinstance(params, dict):
            caught.append((sql, params))

    try:
        with Session(engine) as session:
            params = ListParams(10_000, encode_cursor(after), None, None)
            feed = ChangeFeed(app("indicators").load_spec().infrastructure)
            results_json_page(session, ResultFilter(), params=params, feed=feed)
    finally:
        engine.dispose()
    sql, values = caught[-1]
    names = list(values)
    for number, name in enumerate(names, start=1):
        sql = sql.replace(f"%({name})s", f"${number}")
    with psycopg.connect(url) as pg:
        pg.execute("SET plan_cache_mode = force_generic_plan")
        pg.execute(f"PREPARE page AS {sql}")
        arguments = ", ".join(str(int(str(values[n]))) for n in names)
        plan = pg.execute(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE page({arguments})")
        return [str(row[0]) for row in plan]


def base_run(baseline: Process, headers: dict[str, str], url: str) -> tuple[Run, Run]:
    """The baseline's pages kept as they come and parsed, as ``paging_run`` reads them."""
    with httpx.Client(base_url=baseline.base_url, headers=headers, timeout=900) as other:
        kept = paging_run(other, url, baseline.proc.pid, parse=False)
        return kept, paging_run(other, url, baseline.proc.pid)


def _runs(seconds: list[float]) -> str:
    return "/".join(f"{t:.2f}" for t in seconds) + " s"


def _cpu(runs: list[Run]) -> str:
    best = min(runs, key=lambda r: r.seconds)
    return (
        f"CPU service {best.service:.2f} s, database {best.database:.2f} s, "
        f"client {best.client:.2f} s"
    )


def _kind_of(*runs: Run) -> str:
    """How kept pages were followed: by the ``Link`` header, or (a service without it) by
    each body's ``next``, parsed."""
    return "kept, by Link" if all(r.linked for r in runs) else "kept, by parsed next (no Link)"


def _median_ratio(copies: list[float], runs: list[Run]) -> float:
    """The median of each round's COPY ÷ that round's run."""
    ratios = sorted(c / r.seconds for c, r in zip(copies, runs, strict=True))
    return ratios[len(ratios) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_b")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--code", type=Path, default=REPO_ROOT)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    url: str = args.database_url

    kept = args.reuse and stored_results(url) >= args.rows
    token = new_key(url) if kept else seeded_store(url).token
    headers = {"Authorization": f"Bearer {token}"}
    service = serve(args.code.resolve(), url)
    baseline = serve(args.baseline.resolve(), url) if args.baseline else None
    os.sched_setaffinity(0, {args.client_core})
    print(f"service pid {service.proc.pid} [{load_average()}]", flush=True)
    try:
        with httpx.Client(base_url=service.base_url, headers=headers, timeout=900) as client:
            if not kept:
                body = csv_body(unrelated_lines(seeded_indicators(url), args.rows))
                r = client.post("/v1/results", content=body, headers={"Content-Type": "text/csv"})
                r.raise_for_status()
                del body
                # ``indicators_speed`` waits for autovacuum; here it is done at once, so
                # the first round reads an all-visible, analysed table too.
                with psycopg.connect(url, autocommit=True) as pg:
                    pg.execute("VACUUM ANALYZE indicators.result")
            total = stored_results(url)
            print(f"{total:,} results stored [{load_average()}]", flush=True)
            if args.explain:
                print("\n".join(["plan of a page by id:", *explain_page(url, total // 2)]))
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < args.hold:
                paging_run(client, url, service.proc.pid, parse=False)
            copies: list[float] = []
            stored: list[Run] = []
            pages: list[Run] = []
            base_stored: list[Run] = []
            base_pages: list[Run] = []
            lines: list[float] = []
            for round_number in range(args.rounds):
                # The baseline's pages first every other round: neither side always
                # follows the same neighbour (the COPY, the JSON lines) on a busy machine.
                baseline_first = round_number % 2 == 1
                if baseline is not None and baseline_first:
                    base_kept, base_parsed = base_run(baseline, headers, url)
                    base_stored.append(base_kept)
                    base_pages.append(base_parsed)
                copies.append(copy_out_seconds(url))
                stored.append(paging_run(client, url, service.proc.pid, parse=False))
                assert stored[-1].items == total, stored[-1].items
                pages.append(paging_run(client, url, service.proc.pid))
                assert pages[-1].items == total, pages[-1].items
                assert stored[-1].digest == pages[-1].digest
                seconds, count, _kind = ndjson_seconds(client)
                assert count == total, count
                lines.append(seconds)
                note = ""
                if baseline is not None:
                    if not baseline_first:
                        base_kept, base_parsed = base_run(baseline, headers, url)
                        base_stored.append(base_kept)
                        base_pages.append(base_parsed)
                    same = base_pages[-1].digest == pages[-1].digest
                    note = (
                        f", baseline {_kind_of(base_stored[-1])} {base_stored[-1].seconds:.2f} s"
                        f" (÷ {stored[-1].seconds / base_stored[-1].seconds:.2f})"
                        f", baseline parsed {base_pages[-1].seconds:.2f} s"
                        + (" (same bodies)" if same else " (BODIES DIFFER)")
                        + f", parsed ÷ baseline {pages[-1].seconds / base_pages[-1].seconds:.2f}"
                    )
                print(
                    f"  COPY {copies[-1]:.2f} s, pages {_kind_of(stored[-1])} "
                    f"{stored[-1].seconds:.2f} s ({copies[-1] / stored[-1].seconds:.2f}× COPY), "
                    f"parsed {pages[-1].seconds:.2f} s ({copies[-1] / pages[-1].seconds:.2f}×), "
                    f"lines {lines[-1]:.2f} s{note} [{load_average()}]",
                    flush=True,
                )
            copy_out = min(copies)
            best = min(r.seconds for r in stored)
            parsed = min(r.seconds for r in pages)
            print(
                f"best of {args.rounds} (COPY {_runs(copies)}, pages "
                f"{_runs([r.seconds for r in stored])}, parsed "
                f"{_runs([r.seconds for r in pages])}, lines {_runs(lines)}) [{load_average()}]"
            )
            print(
                f"JSON pages {_kind_of(*stored)} {best:.2f} s: {copy_out / best:.2f}× COPY "
                f"(goal ≥ 0.3×; round by round median {_median_ratio(copies, stored):.2f}×); "
                f"{_cpu(stored)}"
            )
            print(
                f"JSON pages parsed {parsed:.2f} s: {copy_out / parsed:.2f}× COPY (round by "
                f"round median {_median_ratio(copies, pages):.2f}×); {_cpu(pages)}"
            )
            if base_pages:
                base = min(r.seconds for r in base_pages)
                paired = sorted(
                    p.seconds / b.seconds for p, b in zip(pages, base_pages, strict=True)
                )
                print(f"parsed ÷ baseline, round by round: median {paired[len(paired) // 2]:.2f}")
                paired = sorted(
                    p.seconds / b.seconds for p, b in zip(stored, base_stored, strict=True)
                )
                print(
                    f"pages {_kind_of(*stored)} ÷ baseline, round by round: median "
                    f"{paired[len(paired) // 2]:.2f}"
                )
                print(
                    f"baseline pages parsed {base:.2f} s: {copy_out / base:.2f}× COPY (round by "
                    f"round median {_median_ratio(copies, base_pages):.2f}×); {_cpu(base_pages)}"
                )
            print(f"JSON lines {min(lines):.2f} s: {copy_out / min(lines):.2f}× COPY")
    finally:
        service.stop()
        if baseline is not None:
            baseline.stop()


if __name__ == "__main__":
    main()
